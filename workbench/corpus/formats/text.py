"""Plain text (.txt) and Markdown (.md) transcripts.

The bytes are decoded with :func:`~workbench.corpus.encoding.decode_bytes`,
normalised, then split by :func:`~workbench.corpus.turns.parse_turns`. In
Markdown, ATX headings (``# Titre``) become sections; the Markdown markup
itself stays in the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.corpus.encoding import decode_bytes
from workbench.corpus.files import read_bytes
from workbench.corpus.model import ParsedDocument
from workbench.corpus.normalise import normalise_text
from workbench.corpus.turns import ProgressFn, parse_turns

_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def markdown_headings(text: str) -> list[tuple[int, str]]:
    """``(line index, title)`` of the ATX headings of a Markdown text."""
    out: list[tuple[int, str]] = []
    for i, line in enumerate(text.split("\n")):
        if line.lstrip(" ").startswith("#"):
            m = _MD_HEADING.match(line)
            if m and m.group(1).strip():
                out.append((i, m.group(1).strip()))
    return out


def read_text(
    path: Path,
    *,
    pattern: str | None = None,
    roles: dict[str, str] | None = None,
    progress: bool | ProgressFn | None = None,
) -> ParsedDocument:
    """Read a .txt or .md transcript."""
    raw, encoding, warnings = decode_bytes(read_bytes(path), source=path.name)
    text = normalise_text(raw)
    headings = markdown_headings(text) if path.suffix.lower() == ".md" else None
    turns, matched, total = parse_turns(
        text, pattern=pattern, roles=roles, headings=headings, progress=progress,
        source=path.name,
    )
    return ParsedDocument(
        text=text, turns=turns, encoding=encoding, warnings=warnings, matched_lines=matched,
        total_lines=total,
    )
