"""Documents made of paragraphs (Word, OpenDocument, PDF): collect lines, then parse turns.

Each paragraph becomes one or more lines of the document text (a paragraph
holding line breaks gives several); headings are remembered by line index, and
bold speaker labels found in the formatting are passed to the turn parser.
"""

from __future__ import annotations

import re
from collections import Counter

from workbench.corpus.model import ParsedDocument
from workbench.corpus.normalise import collapse_spaces, normalise_text
from workbench.corpus.roles import fold_name, known_role
from workbench.corpus.turns import NOT_SPEAKERS, ProgressFn, parse_turns

_TIMESTAMP = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*[-–—]?\s*")


def bold_label(pieces: list[tuple[str, bool]]) -> tuple[str, bool] | None:
    """The speaker label made by the bold start of a paragraph, if any.

    Args:
        pieces: the paragraph's text as ``(text, is_bold)`` runs, in order.

    Returns:
        ``(label, alone)`` when the leading bold runs end with ':' or are
        followed by ':'; `alone` is True when nothing but the label is on the
        paragraph. None otherwise.
    """
    prefix: list[str] = []
    k = 0
    while k < len(pieces):
        text, bold = pieces[k]
        if text.strip() and not bold:
            break
        if text.strip() or prefix:
            prefix.append(text)
        k += 1
    head = "".join(prefix).strip()
    rest = "".join(t for t, _ in pieces[k:]).strip()
    if not head:
        return None
    if head.endswith(":"):
        label = head[:-1]
    elif rest.startswith(":"):
        label, rest = head, rest[1:].strip()
    else:
        return None
    label = collapse_spaces(_TIMESTAMP.sub("", label).replace("*", " "))
    words = label.split()
    if not label or len(label) > 60 or len(words) > 6 or label.isdigit():
        return None
    if fold_name(label).strip(".") in NOT_SPEAKERS:
        return None
    return label, not rest


def _short_label(cell_text: str) -> str | None:
    """The cell's text if it can be a speaker label in a two-column table, else None."""
    label = cell_text.strip().rstrip(":").strip()
    if not label or "\n" in label or len(label) > 40 or len(label.split()) > 4:
        return None
    if label[-1] in ".?!…" and not label.endswith(("M.", "Mme.", "Dr.")):
        return None
    return label


class LineCollector:
    """The lines of a paragraph document, its headings and its bold speaker labels."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self._bold_inline: set[str] = set()
        self._bold_alone: Counter[str] = Counter()

    def add(self, text: str, *, heading: bool = False) -> None:
        """Add a paragraph (normalised here; it may hold several lines)."""
        parts = normalise_text(text).split("\n")
        if heading:
            title = collapse_spaces(text)
            if title:
                self.headings.extend((len(self.lines) + i, title) for i in range(len(parts)))
        self.lines.extend(parts)

    def add_row(self, cells: list[str]) -> None:
        """Add a table row (see the .docx reader's docstring for the layout)."""
        filled = [t for t in cells if t.strip()]
        label = _short_label(filled[0]) if len(filled) == 2 else None
        if label is not None:
            self.add(f"{label} : {filled[1].strip()}")
        elif filled and all("\n" not in t for t in filled):
            self.add("\t".join(t.strip() for t in filled))
        else:
            for t in filled:
                self.add(t)

    def add_bold_label(self, label: str, *, alone: bool) -> None:
        """Remember a bold label; one alone on its paragraph must recur or be a role label."""
        if alone:
            self._bold_alone[label] += 1
        else:
            self._bold_inline.add(label)

    @property
    def bold_speakers(self) -> set[str]:
        recurring = {k for k, v in self._bold_alone.items() if v >= 2 or known_role(k)}
        return self._bold_inline | recurring

    def parse(
        self,
        *,
        source: str,
        pattern: str | None = None,
        roles: dict[str, str] | None = None,
        encoding: str | None = None,
        warnings: list[str] | None = None,
        progress: bool | ProgressFn | None = None,
    ) -> ParsedDocument:
        """Join the lines and split them into speaker turns."""
        text = "\n".join(self.lines)
        turns, matched, total = parse_turns(
            text, pattern=pattern, roles=roles, bold_speakers=self.bold_speakers,
            headings=self.headings, progress=progress, source=source,
        )
        return ParsedDocument(
            text=text, turns=turns, encoding=encoding, warnings=list(warnings or []),
            matched_lines=matched, total_lines=total,
        )
