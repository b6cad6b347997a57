"""What the coding widget draws and checks, without any widget.

The browser draws a document from a plain *render model*: its turns, each cut into
pieces at every coding boundary so overlapping codings show as stacked colours.
Offsets everywhere are code points into the stored text (the store's convention);
the browser converts its UTF-16 positions before it sends a selection, and
:func:`check_selection` re-reads the text the reader saw between those offsets, so
a wrong conversion is refused instead of saved.

In a pseudonymised view the speaker labels and every name inside the text show
their pseudonyms; a name is one unbreakable piece that keeps the offsets of the
real name, so a selection still maps to the stored text.

When the document has a recording, the model also carries the player's source (the
server's media route, never the sound itself) and each turn's start time as the
researcher reads it (« 1:23 », « ≈ 1:23 » when estimated); the times are those of
``p.media.timeline``, so the browser only seeks to what Python computed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

import pandas as pd

from workbench.errors import CodingError
from workbench.media.playback import clock, seconds
from workbench.privacy.forms import fold

# Colours for top-level codes that have none in the codebook (ColorBrewer Dark2).
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
           "#666666")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# Statuses drawn in the text: accepted codings solid, suggestions dashed.
SHOWN_STATUSES = ("accepted", "suggested")
LABEL_WIDTH = 90

NameSpan = tuple[int, int, str]


def direction(script: Any) -> str:
    """The HTML `dir` of a turn from its writing system: Arabic script right to left,
    Latin and Tifinagh left to right, mixed or unknown left to the browser."""
    if script == "arabic":
        return "rtl"
    if script in ("latin", "tifinagh"):
        return "ltr"
    return "auto"


def _color(value: Any) -> str | None:
    return value if isinstance(value, str) and _HEX.fullmatch(value.strip()) else None


def code_colors(codes: pd.DataFrame) -> dict[str, str]:
    """Each code's colour (key → "#rrggbb"): its own, else its nearest ancestor's, else
    a palette colour given to its top-level code. Only hex colours pass, since they
    end up in a style attribute."""
    keys = codes["key"].tolist()
    own = {k: c for k, c in zip(keys, map(_color, codes["color"].tolist()), strict=True) if c}
    parent = {k: (p if isinstance(p, str) else None)
              for k, p in zip(keys, codes["parent"].tolist(), strict=True)}

    def root(key: str) -> str:
        seen = {key}
        while parent.get(key) and parent[key] not in seen:
            key = parent[key]  # type: ignore[assignment]
            seen.add(key)
        return key

    roots = list(dict.fromkeys(root(k) for k in keys))
    fallback = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(roots)}
    colors = {}
    for key in keys:
        current: str | None = key
        seen: set[str] = set()
        while current is not None and current not in own and current not in seen:
            seen.add(current)
            current = parent.get(current)
        colors[key] = own[current] if current in own else fallback[root(key)]
    return colors


def _cuts(start: int, end: int, marks: Sequence[Mapping[str, Any]],
          names: Sequence[NameSpan]) -> list[int]:
    """Where a turn's pieces begin and end: turn ends, coding ends, name ends — but never
    inside a name, which stays whole."""
    points = {start, end}
    points.update(p for m in marks for p in (m["start"], m["end"]) if start < p < end)
    points.update(p for a, b, _ in names for p in (a, b) if start < p < end)
    return sorted(p for p in points if not any(a < p < b for a, b, _ in names))


def turn_pieces(text: str, start: int, marks: Sequence[Mapping[str, Any]],
                names: Sequence[NameSpan] = ()) -> list[dict[str, Any]]:
    """Cut one turn (its `text`, beginning at document offset `start`) into pieces.

    `marks` are codings with document offsets (`start`, `end`); each piece lists the
    indexes of the marks covering it. `names` are (start, end, pseudonym) spans in
    document offsets: such a piece shows the pseudonym and is flagged `name`.
    """
    end = start + len(text)
    names = [n for n in names if start <= n[0] < n[1] <= end]
    cuts = _cuts(start, end, marks, names)
    whole = {(a, b): r for a, b, r in names}
    pieces = []
    for a, b in pairwise(cuts):
        covering = [i for i, m in enumerate(marks) if m["start"] < b and m["end"] > a]
        pseudonym = whole.get((a, b))
        pieces.append({"start": a, "end": b, "marks": covering, "name": pseudonym is not None,
                       "text": pseudonym if pseudonym is not None else text[a - start:b - start]})
    return pieces


def turn_time(t_start: Any, t_end: Any, *, estimated: bool) -> dict[str, Any] | None:
    """A turn's time control: where it starts playing (`start`, s), where the turn ends
    (`end`, s, None when unknown), its label (« 1:23 », « ≈ 1:23 » when `estimated`) and
    its tooltip; None when the turn has no time at all."""
    start = seconds(t_start)
    if start is None:
        return None
    end = seconds(t_end)
    shown = clock(start)
    return {"start": round(start, 3), "end": None if end is None else round(max(start, end), 3),
            "label": f"≈ {shown}" if estimated else shown, "estimated": bool(estimated),
            "title": f"Écouter à partir de {shown}"
                     + (" (temps estimé)" if estimated else "")}


def turn_times(turns: pd.DataFrame, timeline: pd.DataFrame) -> dict[int, dict[str, Any] | None]:
    """Each turn's time control (`turn_time`), by turn `idx`.

    `timeline`: ``p.media.timeline`` rows (times known or estimated, in turn order). A
    start is shown as estimated (« ≈ ») only when it is (``start_interpolated``): a turn
    of a text with ``[hh:mm:ss]`` marks starts exactly at its mark even though its end
    is estimated.
    """
    by_offsets = {(int(r["start"]), int(r["end"])): r for r in timeline.to_dict("records")}
    out: dict[int, dict[str, Any] | None] = {}
    for idx, a, b in zip(turns["idx"].tolist(), turns["start"].tolist(),
                         turns["end"].tolist(), strict=True):
        row = by_offsets.get((int(a), int(b)))
        out[int(idx)] = (turn_time(row["t_start"], row["t_end"],
                                   estimated=bool(row["start_interpolated"]))
                         if row is not None else None)
    return out


def player(link: Any) -> dict[str, Any]:
    """The player's part of a render model, from ``p.media.link``: the address the
    browser streams from (the server's media route: no sound goes through the
    widget), audio or video, the MIME type and the duration (s, None when unknown)."""
    return {"src": str(link.url), "kind": "video" if link.kind == "video" else "audio",
            "mime": str(link.mime), "duration": seconds(link.duration)}


def document_model(turns: pd.DataFrame, codings: pd.DataFrame, colors: Mapping[str, str], *,
                   names: Iterable[NameSpan] = (), media: Mapping[str, Any] | None = None,
                   timeline: pd.DataFrame | None = None,
                   media_note: str = "") -> dict[str, Any]:
    """The render model of one document: its turns (speaker, role, `dir`, pieces, time)
    and its drawn codings (id, code, path, colour, status, origin, memo, offsets), with
    the player (`media`, see `player`; None: no player) and a French line about the
    recording (`media_note`: a missing file, a server that does not stream…).

    `turns`: Project.turns rows (speaker possibly pseudonymised); `codings`: extracts
    rows of this document (rejected ones are left out); `names`: pseudonym spans;
    `timeline`: ``p.media.timeline`` rows. A turn's `time` (see `turn_time`) is given
    only with a player (a time is a control that plays the recording); else None.
    """
    shown = codings[codings["status"].isin(SHOWN_STATUSES)].sort_values(["start", "end"])
    marks = [{"id": int(r.coding_id), "code": r.code, "path": r.code_path,
              "color": colors.get(r.code, PALETTE[-1]), "status": r.status,
              "origin": r.origin, "start": int(r.start), "end": int(r.end),
              "memo": r.memo if isinstance(r.memo, str) else "",
              "source": suggestion_source(r.origin, getattr(r, "score", None))}
             for r in shown.itertuples(index=False)]
    names = sorted(names)
    times = (turn_times(turns, timeline) if media is not None and timeline is not None
             else {})
    out = []
    for t in turns.itertuples(index=False):
        start, end = int(t.start), int(t.end)
        inside = [i for i, m in enumerate(marks) if m["start"] < end and m["end"] > start]
        pieces = turn_pieces(t.text, start, [marks[i] for i in inside],
                             [n for n in names if start <= n[0] < end])
        for piece in pieces:  # indexes into the document's marks, not the turn's
            piece["marks"] = [inside[i] for i in piece["marks"]]
        out.append({"idx": int(t.idx), "start": start, "end": end,
                    "speaker": t.speaker if isinstance(t.speaker, str) else "",
                    "role": t.role if isinstance(t.role, str) else "",
                    "dir": direction(t.script), "pieces": pieces,
                    "time": times.get(int(t.idx))})
    return {"turns": out, "codings": marks, "media": dict(media) if media is not None else None,
            "media_note": media_note}


def shown_text(model: Mapping[str, Any], start: int, end: int) -> str:
    """The text a reader sees between two document offsets: the pieces' text (clipped,
    names whole), turn after turn, without the speaker labels."""
    parts = []
    for turn in model["turns"]:
        for piece in turn["pieces"]:
            a, b = piece["start"], piece["end"]
            if a >= end or b <= start:
                continue
            if piece["name"]:
                parts.append(piece["text"])
            else:
                parts.append(piece["text"][max(start, a) - a:min(end, b) - a])
    return "".join(parts)


def check_selection(model: Mapping[str, Any], selection: Mapping[str, Any]) -> tuple[int, int]:
    """The (start, end) of a browser selection, after checking that the text between
    them is the text the browser says was selected; otherwise a CodingError."""
    if not selection or selection.get("start") is None or selection.get("end") is None:
        raise CodingError("Aucun passage sélectionné : sélectionnez d'abord un passage du "
                          "texte à la souris.")
    start, end = int(selection["start"]), int(selection["end"])
    if not 0 <= start < end:
        raise CodingError(f"Sélection vide ou inversée ({start}–{end}) : sélectionnez à "
                          "nouveau le passage.")
    seen = shown_text(model, start, end)
    if seen != selection.get("text", ""):
        raise CodingError(
            f"La sélection ({start}–{end}) ne correspond pas au texte affiché ; rien n'est "
            "enregistré. Rechargez le document et sélectionnez à nouveau le passage.")
    return start, end


def code_tree(codes: pd.DataFrame, colors: Mapping[str, str]) -> list[dict[str, Any]]:
    """The codebook as the tree widget draws it, in tree order."""
    return [{"key": r.key, "name": r.name, "path": r.path, "depth": int(r.depth),
             "parent": r.parent if isinstance(r.parent, str) else None,
             "color": colors.get(r.key, PALETTE[-1]),
             "description": r.description if isinstance(r.description, str) else ""}
            for r in codes.itertuples(index=False)]


def filter_codes(tree: Sequence[Mapping[str, Any]], query: str) -> tuple[list[str], list[str]]:
    """The codes to show for a search, and those that match it.

    A code matches when every word of the query appears (case and accents ignored) in
    its path, key or description; its ancestors are shown too, for context.
    """
    words = fold(query).split()
    if not words:
        keys = [c["key"] for c in tree]
        return keys, keys
    parent = {c["key"]: c["parent"] for c in tree}
    matching = [c["key"] for c in tree
                if all(w in fold(f"{c['path']} {c['key']} {c['description']}") for w in words)]
    visible = set(matching)
    for key in matching:
        current = parent.get(key)
        while current is not None and current not in visible:
            visible.add(current)
            current = parent.get(current)
    return [c["key"] for c in tree if c["key"] in visible], matching


def short(text: Any, width: int = LABEL_WIDTH) -> str:
    """One line of at most `width` characters, for labels."""
    line = " ".join(str(text).split()) if isinstance(text, str) else ""
    return line if len(line) <= width else line[:width - 1].rstrip() + "…"


def score_label(score: Any) -> str:
    """A score (0–1) as a French reader writes it, « 0,82 »; empty when there is none."""
    try:
        value = float(score)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(value) else f"{value:.2f}".replace(".", ",")


def suggestion_source(origin: Any, score: Any = None) -> str:
    """Where a suggestion comes from, in French: « règle <id> », « modèle, 0,82 » (a
    learned model's, with its score), or the origin itself."""
    origin = str(origin)
    if origin.startswith("rule:"):
        return f"règle {origin.removeprefix('rule:')}"
    if origin.startswith("model:"):
        shown = score_label(score)
        return f"modèle, {shown}" if shown else "modèle"
    return origin


def suggestion_options(suggestions: pd.DataFrame) -> list[tuple[str, int]]:
    """(label, coding id) of each suggestion, a rule's or a learned model's: quote, code
    path and source (the rule, or « modèle » and the score), in text order."""
    rows = suggestions.sort_values(["start", "end"]) if len(suggestions) else suggestions
    return [(f"« {short(r.text, 60)} » → {r.code_path} "
             f"({suggestion_source(r.origin, getattr(r, 'score', None))})", int(r.coding_id))
            for r in rows.itertuples(index=False)]


def code_keys(codes: Any) -> list[str]:
    """The code keys of a similar passage's `codes` cell (« a, b »; empty: none)."""
    return [c.strip() for c in codes.split(",") if c.strip()] if isinstance(codes, str) else []


def similar_items(found: pd.DataFrame, colors: Mapping[str, str],
                  names: Mapping[str, str]) -> list[dict[str, Any]]:
    """What the list of similar passages draws, one item per row of `found` (rows of
    ``p.assist.similar``; `key` is the row's position): reference, score and its French
    label, speaker, a short text, the codes already on the passage (key, name, colour)
    and its offsets."""
    items = []
    for key, r in enumerate(found.itertuples(index=False)):
        codes = code_keys(r.codes)
        items.append({
            "key": key, "reference": str(r.reference), "document": str(r.document),
            "score": float(r.score), "score_label": score_label(r.score),
            "speaker": r.speaker if isinstance(r.speaker, str) else "",
            "text": short(r.text, 240), "start": int(r.start), "end": int(r.end),
            "codes": [{"key": c, "name": names.get(c, c), "color": colors.get(c, PALETTE[-1])}
                      for c in codes]})
    return items


def similar_rows(found: pd.DataFrame, chosen: Iterable[int],
                 codes: Sequence[str]) -> tuple[list[dict[str, Any]], int]:
    """The codings to add for the chosen rows of `found` (positions) with each code, as
    ``Project.code_many`` rows, and how many (passage, code) pairs were left out because
    the passage already carries that code."""
    rows, skipped = [], 0
    for key in dict.fromkeys(int(k) for k in chosen):
        if not 0 <= key < len(found):
            continue
        r = found.iloc[key]
        there = set(code_keys(r["codes"]))
        for code in codes:
            if code in there:
                skipped += 1
                continue
            rows.append({"document": str(r["document"]), "code": code,
                         "start": int(r["start"]), "end": int(r["end"])})
    return rows, skipped


def memo_items(codings: pd.DataFrame, memos: pd.DataFrame,
               document_id: int | None) -> list[dict[str, str]]:
    """The memos worth showing beside one document: its own memos, then the memos of
    its codings (with their code and quote)."""
    items = []
    if len(memos) and document_id is not None:
        own = memos[(memos["target_type"] == "document") & (memos["target_id"] == document_id)]
        items += [{"about": "Document", "author": str(r.author or ""), "text": str(r.text)}
                  for r in own.itertuples(index=False)]
    has_memo = codings["memo"].map(lambda m: isinstance(m, str) and bool(m.strip()))
    with_memo = codings.loc[has_memo.astype(bool)]
    items += [{"about": f"{r.code_path} · « {short(r.text, 50)} »",
               "author": str(r.coder or ""),
               "text": str(r.memo)}
              for r in with_memo.sort_values(["start", "end"]).itertuples(index=False)]
    return items
