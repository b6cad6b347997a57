"""Placing spans in a text: finding quotes, and re-anchoring codings after a text change."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CONTEXT = 40
_APOSTROPHES = "'’ʼ"


def _pattern(quote: str) -> re.Pattern[str]:
    """A regex matching `quote` with any run of whitespace and either apostrophe."""
    words = unicodedata.normalize("NFC", quote).split()
    if not words:
        raise ValueError("empty quote")
    apostrophe = f"[{_APOSTROPHES}]"
    parts = ["".join(apostrophe if ch in _APOSTROPHES else re.escape(ch) for ch in word)
             for word in words]
    return re.compile(r"\s+".join(parts))


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) where `quote` occurs, exactly up to whitespace and apostrophes."""
    return [(m.start(), m.end()) for m in _pattern(quote).finditer(text)]


def context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """The span with some text either side, on one line, for error messages and lists."""
    before = text[max(0, start - width):start].replace("\n", " ")
    after = text[end:end + width].replace("\n", " ")
    return f"…{before}[{text[start:end]}]{after}…".replace("\n", " ")


@dataclass
class Placement:
    """Where a coding lands in the new text, or why it cannot."""

    coding_id: int
    start: int | None
    end: int | None
    reason: str = ""


def reanchor(old_text: str, new_text: str, spans: list[tuple[int, int, int]]) -> list[Placement]:
    """Place each (coding_id, start, end) of `old_text` in `new_text` by its quote and context.

    A quote found once is placed there; found several times, the occurrence
    whose surrounding text matches best wins, and a tie is reported rather than
    guessed; not found, it is reported. Nothing is ever moved silently.
    """
    out = []
    for coding_id, start, end in spans:
        quote = old_text[start:end]
        if not quote.strip():
            out.append(Placement(coding_id, None, None, "citation vide"))
            continue
        hits = [(start, end)] if new_text[start:end] == quote and _same_context(
            old_text, new_text, start, end) else find_quote(new_text, quote)
        if len(hits) == 1:
            out.append(Placement(coding_id, *hits[0]))
            continue
        if not hits:
            out.append(Placement(coding_id, None, None,
                                 "la citation n'est plus dans le nouveau texte : "
                                 f"{context(old_text, start, end)}"))
            continue
        before = old_text[max(0, start - CONTEXT):start]
        after = old_text[end:end + CONTEXT]
        scored = sorted(
            ((_overlap_score(before, new_text[max(0, s - CONTEXT):s], suffix=True)
              + _overlap_score(after, new_text[e:e + CONTEXT], suffix=False), (s, e))
             for s, e in hits), reverse=True)
        if scored[0][0] > scored[1][0]:
            out.append(Placement(coding_id, *scored[0][1]))
        else:
            out.append(Placement(coding_id, None, None,
                                 f"citation trouvée {len(hits)} fois avec le même contexte, "
                                 f"impossible de choisir : {context(old_text, start, end)}"))
    return out


def _same_context(old: str, new: str, start: int, end: int) -> bool:
    return (old[max(0, start - CONTEXT):start] == new[max(0, start - CONTEXT):start]
            and old[end:end + CONTEXT] == new[end:end + CONTEXT])


def _overlap_score(a: str, b: str, *, suffix: bool) -> int:
    """How many characters agree next to the span (walking away from it)."""
    n = 0
    pairs = zip(reversed(a), reversed(b), strict=False) if suffix else zip(a, b, strict=False)
    for x, y in pairs:
        if x != y:
            break
        n += 1
    return n
