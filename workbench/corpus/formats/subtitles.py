"""WebVTT (.vtt) and SubRip (.srt) transcripts, e.g. exported by Zoom, Teams or Whisper.

Each cue gives a turn with ``t_start``/``t_end``. The speaker comes from a
WebVTT voice tag (``<v Fatima>``; a cue with several voices gives one turn per
voice) or from a label at the start of the cue text (``Fatima : …``), which
follows the rules of :mod:`workbench.corpus.turns` (a role label, an (ENQ)
mark, or a name that starts at least two cues). A speaker marked (ENQ) in
any cue is an interviewer in all of them. Other tags (``<i>``, ``<c>``,
``<00:01.000>``, ``{\\an8}``) are removed and HTML entities decoded. NOTE,
STYLE and REGION blocks are skipped.

Decision: **consecutive cues of the same named speaker are merged into one
turn** (t_start of the first cue, t_end of the last): captioning tools cut
one utterance into many short cues, and a turn is what researchers code.
Cues without a speaker are never merged (each keeps its timing).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from workbench.corpus.builder import TranscriptBuilder
from workbench.corpus.encoding import decode_bytes
from workbench.corpus.files import read_bytes
from workbench.corpus.model import ParsedDocument
from workbench.corpus.normalise import collapse_spaces, normalise_text
from workbench.corpus.roles import fold_name, infer_role, split_interviewer_suffix
from workbench.corpus.turns import match_label
from workbench.errors import CorpusError

_STAMP = r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
_TIMING = re.compile(rf"^\s*{_STAMP}\s*-->\s*{_STAMP}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


@dataclass
class _Segment:
    speaker: str | None
    text: str
    t_start: float
    t_end: float
    enq: bool = False


def _seconds(groups: tuple[str | None, ...]) -> float | None:
    """The time of one timestamp in seconds; None when it cannot be a time (minutes or
    seconds past 59, hours past 999,999)."""
    h, m, s, frac = groups
    if len(h or "") > 6 or int(m or 0) > 59 or int(s or 0) > 59:
        return None
    value = int(h or 0) * 3600 + int(m or 0) * 60 + int(s or 0)
    return value + (int(frac.ljust(3, "0")) / 1000 if frac else 0.0)


def _clean(text: str) -> str:
    return collapse_spaces(html.unescape(_TAG.sub("", text)))


def _segments(payload: str, t0: float, t1: float) -> list[_Segment]:
    """The voices of one cue: split on ``<v …>`` tags, else one unnamed segment."""
    parts = _VOICE.split(payload)
    out: list[_Segment] = []
    if _clean(parts[0]):
        out.append(_Segment(None, _clean(parts[0]), t0, t1))
    for k in range(1, len(parts), 2):
        name, enq = split_interviewer_suffix(collapse_spaces(parts[k]))
        text = _clean(parts[k + 1])
        if text:
            out.append(_Segment(name or None, text, t0, t1, enq=enq))
    return out


def _cues(text: str, source: str) -> list[_Segment]:
    lines = text.split("\n")
    segments: list[_Segment] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if line.startswith(_SKIPPED_BLOCKS):
            while i < n and lines[i].strip():
                i += 1
            continue
        if "-->" not in line:
            i += 1
            continue
        m = _TIMING.match(line)
        if not m:
            raise CorpusError(
                f"{source}, ligne {i + 1} : horaire de sous-titre mal formé {line.strip()!r} ; "
                "écrivez-le « 00:01:02.500 --> 00:01:04.000 » (.vtt) ou "
                "« 00:01:02,500 --> 00:01:04,000 » (.srt)."
            )
        t0, t1 = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
        if t0 is None or t1 is None or t1 < t0:
            why = ("heures, minutes ou secondes impossibles" if t0 is None or t1 is None
                   else "la fin du sous-titre précède son début")
            raise CorpusError(
                f"{source}, ligne {i + 1} : horaire impossible « {line.strip()[:80]} » ({why}) ; "
                "corrigez-le (par ex. « 00:01:02.500 --> 00:01:04.000 ») puis importez le "
                "fichier à nouveau.")
        payload = []
        i += 1
        while i < n and lines[i].strip():
            payload.append(lines[i])
            i += 1
        segments.extend(_segments("\n".join(payload), t0, t1))
    return segments


def _leading_labels(segments: list[_Segment]) -> None:
    """Take ``Fatima : …`` labels out of unnamed segments when they follow the label rules.

    A label counts if it is a role label or (ENQ)-marked, names a voice of the
    file, or starts at least two cues.
    """
    found = {}
    counts: Counter[str] = Counter()
    strong = {fold_name(seg.speaker) for seg in segments if seg.speaker}
    for k, seg in enumerate(segments):
        if seg.speaker is None:
            cand = match_label(seg.text)
            if cand is not None:
                found[k] = cand
                counts[cand.key] += 1
                if cand.strong:
                    strong.add(cand.key)
    for k, cand in found.items():
        if cand.key in strong or counts[cand.key] >= 2:
            seg = segments[k]
            rest = seg.text[cand.col :].strip()
            if rest:
                seg.speaker, seg.text, seg.enq = cand.label, rest, cand.enq


def _merged(segments: list[_Segment]) -> list[_Segment]:
    out: list[_Segment] = []
    for seg in segments:
        last = out[-1] if out else None
        if last is not None and seg.speaker is not None and seg.speaker == last.speaker:
            last.text = f"{last.text} {seg.text}"
            last.t_end = max(last.t_end, seg.t_end)
        else:
            out.append(seg)
    return out


def read_subtitles(path: Path, *, roles: dict[str, str] | None = None) -> ParsedDocument:
    """Read a .vtt or .srt file: one turn per cue, same-speaker cues merged."""
    raw, encoding, warnings = decode_bytes(read_bytes(path), source=path.name)
    segments = _cues(normalise_text(raw), path.name)
    if not segments:
        raise CorpusError(
            f"{path.name} : aucun sous-titre avec du texte n'a été trouvé (un sous-titre a "
            "besoin d'une ligne comme « 00:00:01.000 --> 00:00:04.000 ») ; vérifiez que c'est "
            "un fichier .vtt ou .srt."
        )
    _leading_labels(segments)
    marked = {seg.speaker for seg in segments if seg.enq}
    builder = TranscriptBuilder()
    for seg in _merged(segments):
        role = infer_role(seg.speaker, roles=roles, interviewer_mark=seg.speaker in marked)
        builder.add(seg.speaker, seg.text, t_start=seg.t_start, t_end=seg.t_end, role=role)
    return builder.document(encoding=encoding, warnings=warnings)
