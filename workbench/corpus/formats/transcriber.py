"""Transcriber .trs files (XML, usually ISO-8859-1, ``<!DOCTYPE Trans SYSTEM "trans-14.dtd">``).

Parsed with defusedxml: the DTD is never fetched and entity tricks are refused.

- ``<Speakers>``: each ``<Speaker id name …>`` gives a label (its name; its id
  if the name is empty or used twice) and its other attributes (type,
  dialect, accent, scope …) go to ``ParsedDocument.speakers`` for the
  speakers that speak.
- Each ``<Turn>`` with words becomes a turn, timed by its startTime/endTime
  (``<Sync>`` only cuts lines inside a turn and adds nothing to the text).
- Overlapping speech ``speaker="spk1 spk2"`` with ``<Who nb="1"/>``,
  ``<Who nb="2"/>``: one turn per Who segment with words, all with the
  turn's timing and the same ``Turn.overlap`` group number.
- Decision on ``<Event>``/``<Comment>``: what stands for something heard is
  kept in the utterance as ``[desc]`` markup, like the ``[rire]`` of typed
  transcripts (analyses of words can ignore bracketed markup): noise events
  (instantaneous or at their beginning), instantaneous pronunciation events
  (``[pi]``: unintelligible) and comments. Events that qualify neighbouring
  words (extent previous/next/end, lexical, language, named entities) are
  dropped. A segment with only markup and no words gives no turn.
- ``<Section topic="toN">`` is resolved through ``<Topics>`` to its desc and
  stored as ``Turn.section``.
- Roles: Transcriber files do not say who interviews, so the role is None
  unless `roles` names the speaker or the label is a role label (Enquêteur …).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from workbench.corpus.builder import TranscriptBuilder
from workbench.corpus.encoding import decode_bytes
from workbench.corpus.files import read_bytes
from workbench.corpus.model import ParsedDocument
from workbench.corpus.roles import infer_role
from workbench.errors import CorpusError

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""")
_MARKUP = re.compile(r"\[[^\]]*\]")


def _parse(data: bytes, source: str) -> tuple[Any, str]:
    """The XML root and the encoding of the file."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    m = _DECLARED.match(data[:300])
    encoding = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return fromstring(data), encoding
    except DefusedXmlException as exc:
        raise CorpusError(
            f"{source} : contient des déclarations d'entités XML, refusées par sécurité ({exc}) ; "
            "enregistrez-le à nouveau depuis Transcriber et importez-le à nouveau."
        ) from exc
    except ParseError:
        pass
    # Perhaps the declared encoding is wrong or missing: decode the bytes ourselves.
    text, encoding, _ = decode_bytes(data, source=source)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        return fromstring(text), encoding
    except (ParseError, DefusedXmlException) as exc:
        line = getattr(exc, "position", (None,))[0]
        where = f", ligne {line}" if line else ""
        raise CorpusError(
            f"{source}{where} : ce n'est pas du XML Transcriber valide ({exc}) ; ouvrez-le dans "
            "Transcriber ou un éditeur de texte, corrigez-le et importez-le à nouveau."
        ) from exc


def _speakers(root: Any) -> dict[str, tuple[str, dict[str, str]]]:
    """Speaker id -> (label, facts)."""
    table: dict[str, tuple[str, dict[str, str]]] = {}
    names = [(s.get("name") or "").strip() for s in root.iter("Speaker")]
    for speaker, name in zip(root.iter("Speaker"), names, strict=True):
        sid = speaker.get("id") or ""
        label = name if name and names.count(name) == 1 else (f"{name} ({sid})" if name else sid)
        facts = {k: v for k, v in speaker.attrib.items() if v and k != "name"}
        if name:
            facts["name"] = name
        table[sid] = (label, facts)
    return table


def _markup(el: Any) -> str:
    desc = (el.get("desc") or "").strip()
    if not desc:
        return ""
    if el.tag == "Comment":
        return f" [{desc}] "
    kind, extent = el.get("type", ""), el.get("extent", "instantaneous")
    if kind == "noise" and extent in ("instantaneous", "begin"):
        return f" [{desc}] "
    if kind == "pronounce" and extent == "instantaneous":
        return f" [{desc}] "
    return ""


def turn_segments(turn: Any) -> list[tuple[int, str]]:
    """The ``(Who nb, text)`` segments of a ``<Turn>`` element (nb 1 when there is no Who)."""
    segments: dict[int, list[str]] = {1: [turn.text or ""]}
    nb = 1
    for child in turn:
        if child.tag == "Who":
            try:
                nb = int(child.get("nb") or 1)
            except ValueError:
                nb = 1
            segments.setdefault(nb, [])
        elif child.tag in ("Event", "Comment"):
            segments[nb].append(_markup(child))
        segments[nb].append(child.tail or "")
    return [(k, "".join(parts)) for k, parts in segments.items()]


def has_words(text: str) -> bool:
    """True if `text` says something besides ``[markup]``."""
    return bool(_MARKUP.sub("", text).strip())


def _time(turn: Any, attribute: str, number: int, source: str) -> float | None:
    """A turn's startTime or endTime in seconds (None when absent); a CorpusError naming
    the turn when it is not a finite, non-negative number."""
    value = turn.get(attribute)
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise CorpusError(
            f"{source}, tour {number} : {attribute}=\"{value}\" n'est pas un temps en secondes "
            "(nombre fini, positif) ; corrigez-le dans Transcriber ou dans le fichier, puis "
            "importez-le à nouveau.")
    return seconds


def read_transcriber(path: Path, *, roles: dict[str, str] | None = None) -> ParsedDocument:
    """Read a Transcriber .trs file."""
    source = path.name
    root, encoding = _parse(read_bytes(path), source)
    if root.tag != "Trans":
        raise CorpusError(
            f"{source} : ce n'est pas un fichier Transcriber (son élément racine est "
            f"<{root.tag}>, pas <Trans>) ; exportez la transcription depuis Transcriber en .trs."
        )
    topics = {t.get("id"): (t.get("desc") or t.get("id")) for t in root.iter("Topic")}
    speakers = _speakers(root)
    builder = TranscriptBuilder()
    used: dict[str, dict[str, str]] = {}
    unknown: set[str] = set()
    group = number = 0
    for section in root.iter("Section"):
        topic = section.get("topic")
        name = topics.get(topic, topic) if topic else None
        for turn in section.iter("Turn"):
            number += 1
            ids = (turn.get("speaker") or "").split()
            t0 = _time(turn, "startTime", number, source)
            t1 = _time(turn, "endTime", number, source)
            if t0 is not None and t1 is not None and t1 < t0:
                raise CorpusError(
                    f"{source}, tour {number} : endTime ({t1:g} s) avant startTime ({t0:g} s) ; "
                    "corrigez ces temps dans Transcriber ou dans le fichier, puis importez-le "
                    "à nouveau.")
            spoken = [(nb, text) for nb, text in turn_segments(turn) if has_words(text)]
            overlap = None
            if len(spoken) > 1:
                group += 1
                overlap = group
            for nb, text in spoken:
                sid = ids[nb - 1] if 0 < nb <= len(ids) else None
                label = None
                if sid is not None:
                    if sid not in speakers:
                        unknown.add(sid)
                    label, facts = speakers.get(sid, (sid, {"id": sid}))
                    used[label] = facts
                role = infer_role(label, roles=roles, default=None)
                builder.add(label, text, t_start=t0, t_end=t1, section=name, overlap=overlap,
                            role=role)
    if not builder.turns:
        raise CorpusError(
            f"{source} : ce fichier Transcriber n'a aucun tour avec des mots ; vérifiez que la "
            "transcription a été enregistrée."
        )
    warnings = [
        f"{source} : l'identifiant de locuteur « {sid} » est utilisé dans des tours mais pas "
        "déclaré dans <Speakers> ; il est gardé comme étiquette de locuteur."
        for sid in sorted(unknown)
    ]
    return builder.document(encoding=encoding, warnings=warnings, speakers=used)
