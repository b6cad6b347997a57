"""REFI-QDA text positions ↔ our offsets.

Both count Unicode code points from 0 (standard §10.2). Ours are offsets into
the stored text (NFC, ``\\n`` line ends, no control characters) with `end`
exclusive. A REFI position counts in the source file *as written*, which may
have CRLF line ends, a byte-order mark or decomposed accents: `SourceText`
normalises such a text exactly as the store does and maps every position of
the source onto the normalised text (a position inside a CRLF pair or inside
a decomposed letter snaps outward, so a selection never loses a character).

endPosition: inclusive or exclusive?
    §10.2 says a selection is "defined by the first and the last character",
    which reads as inclusive; but the standard's own worked example (appendix:
    the selection named "Oh, that was great. See you tomorrow? Eleven thirty.
    Mm.", 56 characters, has startPosition 139 and endPosition 195) and the real
    exports we have (qc 1.3.2: each selection is exactly one line, newline
    included, ending where the next line starts) are exclusive. **We write
    exclusive** (`endPosition` = position after the last character, the same
    number as our `end`), which is what tools read in practice and the
    standard's example shows.

    On import we decide per file: each selection whose `name` holds its quote
    (or a line reference "line:N") votes for the reading under which the quote
    matches the source text; an empty selection (start = end) votes inclusive,
    one ending at the very end of the text votes exclusive. Without votes, or
    on a tie, the file is read as exclusive (our convention).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable

from workbench.corpus.normalise import normalise_text

EXCLUSIVE = "exclusive"
INCLUSIVE = "inclusive"

# The same changes as corpus.normalise.normalise_text, in one pass.
_CHANGES = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]"
                      "|[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")
_LINE_REF = re.compile(r"^\s*line\s*[:#]?\s*(\d+)\s*$", re.IGNORECASE)
_ELLIPSIS = ("…", "...")


class OffsetMap:
    """Positions of a text → positions after some pieces of it were replaced.

    `pieces`: (start, end, new start, new end, unchanged) covering the old text.
    """

    def __init__(self, pieces: list[tuple[int, int, int, int, bool]]) -> None:
        self.pieces = pieces
        self.starts = [p[0] for p in pieces]

    def __call__(self, pos: int, *, end: bool) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0:
            return 0
        a, b, oa, ob, identity = self.pieces[i]
        if pos >= b:  # past the end of the text: stays past it
            return ob + (pos - b)
        if identity:
            return oa + (pos - a)
        if pos == a:
            return oa
        return ob if end else oa


def replace_spans(raw: str, changes: Iterable[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """The changed text and its map, from (start, end, replacement) in increasing order."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, int, bool]] = []
    last = size = 0
    for a, b, new in changes:
        if a > last:
            pieces.append((last, a, size, size + a - last, True))
            out.append(raw[last:a])
            size += a - last
        pieces.append((a, b, size, size + len(new), False))
        out.append(new)
        size += len(new)
        last = b
    pieces.append((last, len(raw), size, size + len(raw) - last, True))
    out.append(raw[last:])
    return "".join(out), OffsetMap(pieces)


def _nfc_changes(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, NFC form) of each run (a starter and its combining marks) that changes."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            run = text[start:i]
            nfc = unicodedata.normalize("NFC", run)
            if nfc != run:
                yield start, i, nfc
            start = i


class SourceText:
    """A source text as written, its normalised form (`text`), and the map between them."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = normalise_text(raw)
        self._stages: list[OffsetMap] = []
        self._prefix: str | None = None  # fallback: map by normalising the prefix
        if self.text == raw:
            return
        changes = ((m.start(), m.end(), "\n" if _is_break(m.group()) else "")
                   for m in _CHANGES.finditer(raw))
        first, stage = replace_spans(raw, changes)
        self._stages.append(stage)
        if not unicodedata.is_normalized("NFC", first):
            second, stage2 = replace_spans(first, _nfc_changes(first))
            if second != self.text:  # a composition across runs: map by prefixes instead
                self._stages, self._prefix = [], raw
                return
            self._stages.append(stage2)
        elif first != self.text:
            self._stages, self._prefix = [], raw

    @property
    def identity(self) -> bool:
        return not self._stages and self._prefix is None

    def position(self, pos: int, *, end: bool = False) -> int:
        """The offset in `text` of position `pos` of the source as written."""
        if self._prefix is not None:
            return len(normalise_text(self._prefix[:pos]))
        for stage in self._stages:
            pos = stage(pos, end=end)
        return pos

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A source span [start, end) as offsets into `text`."""
        return self.position(start), self.position(end, end=True)


def _is_break(chunk: str) -> bool:
    return chunk == "\r\n" or chunk in "\r\x0b\x0c\x85\u2028\u2029"


def _collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _quote_vote(raw: str, start: int, end: int, name: str) -> str | None:
    """Which reading of `end` makes the selection's name equal to its text, if only one."""
    quote = _collapse(name)
    if not quote or quote.endswith(_ELLIPSIS):
        return None
    exclusive = _collapse(raw[start:end]) == quote
    inclusive = end < len(raw) and _collapse(raw[start:end + 1]) == quote
    if exclusive != inclusive:
        return EXCLUSIVE if exclusive else INCLUSIVE
    return None


def _line_vote(line_starts: list[int], start: int, end: int, number: int) -> str | None:
    """Votes from a name "line:N" (0- or 1-based line N of the source)."""
    for n in (number, number - 1):
        if 0 <= n < len(line_starts) - 1 and line_starts[n] == start:
            stop = line_starts[n + 1]  # just after the line's "\n"
            ends = {stop - 1, stop}  # without / with the newline
            exclusive, inclusive = end in ends, end + 1 in ends
            if exclusive != inclusive:
                return EXCLUSIVE if exclusive else INCLUSIVE
    return None


def votes(raw: str, selections: Iterable[tuple[int, int, str | None]]) -> dict[str, int]:
    """Evidence for each reading of endPosition from one source's selections."""
    counts = {EXCLUSIVE: 0, INCLUSIVE: 0}
    line_starts: list[int] | None = None
    for start, end, name in selections:
        vote = None
        if start == end:
            vote = INCLUSIVE
        elif end == len(raw):
            vote = EXCLUSIVE
        elif name and (m := _LINE_REF.match(name)):
            if line_starts is None:
                line_starts = [0] + [m.end() for m in re.finditer("\n", raw)] + [len(raw) + 1]
            vote = _line_vote(line_starts, start, end, int(m.group(1)))
        elif name:
            vote = _quote_vote(raw, start, end, name)
        if vote:
            counts[vote] += 1
    return counts


def decide(counts: dict[str, int]) -> str:
    """Inclusive only when the evidence says so; exclusive (our convention) otherwise."""
    return INCLUSIVE if counts[INCLUSIVE] > counts[EXCLUSIVE] else EXCLUSIVE
