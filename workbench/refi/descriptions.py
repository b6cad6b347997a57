"""What REFI-QDA has no field for, written as readable French lines in a Description.

A REFI case is linked to whole sources only and has no kind; a source has no
kind either; a codebook has no name. So the Description of a case, source or
project starts with lines such as::

    Type de cas : organisation
    Locuteur dans « E01_fatima » : Fatima
    Type de document : focus group
    Livre de codes : Diaspora Souss-Massa

    (free text: the case's memos)

which another tool shows as a comment, and which our import reads back (the
kind, the case ↔ speaker links, the codebook's name); the free text after them
becomes a memo (the codebook's description, for the project).
"""

from __future__ import annotations

import re

from workbench.analysis.labels import KIND_LABELS
from workbench.corpus.attributes import normalise_kind

CASE_KINDS = {"person": "personne", "organisation": "organisation"}
_CASE_KIND = re.compile(r"^Type de cas : (.+)$")
_DOC_KIND = re.compile(r"^Type de document : (.+)$")
_SPEAKER = re.compile(r"^Locuteur dans « (.+) » : (.+)$")
_BOOK = re.compile(r"^Livre de codes : (.+)$")


def case_description(kind: str, speakers: list[tuple[str, str]], memos: list[str]) -> str:
    """Kind line, one line per (document name, speaker label), then the memos."""
    lines = [f"Type de cas : {CASE_KINDS.get(kind, kind)}"]
    lines += [f"Locuteur dans « {doc} » : {speaker}" for doc, speaker in speakers]
    return "\n\n".join(["\n".join(lines), *memos])


def document_description(kind: str) -> str:
    return f"Type de document : {KIND_LABELS.get(kind, kind)}"


def _head_and_rest(text: str) -> tuple[list[str], str]:
    """The leading lines up to the first blank line, and the text after it."""
    text = text.replace("\r\n", "\n").strip()
    head, _, rest = text.partition("\n\n")
    return head.split("\n"), rest.strip()


def parse_case_description(text: str) -> tuple[str | None, list[tuple[str, str]], str]:
    """(kind or None, [(document name, speaker)], remaining free text)."""
    lines, rest = _head_and_rest(text)
    kind: str | None = None
    speakers: list[tuple[str, str]] = []
    other: list[str] = []
    for line in lines:
        if (m := _CASE_KIND.match(line.strip())) and kind is None:
            value = m.group(1).strip()
            kind = {"personne": "person", "organization": "organisation"}.get(value.casefold(),
                                                                           value)
        elif m := _SPEAKER.match(line.strip()):
            speakers.append((m.group(1).strip(), m.group(2).strip()))
        else:
            other.append(line)
    free = "\n\n".join(p for p in ("\n".join(other).strip(), rest) if p)
    return kind, speakers, free


def parse_document_description(text: str) -> tuple[str | None, str]:
    """(our document kind or None, remaining free text)."""
    lines, rest = _head_and_rest(text)
    kind = None
    if lines and (m := _DOC_KIND.match(lines[0].strip())):
        kind = normalise_kind(m.group(1).strip())
        if kind is not None:
            lines = lines[1:]
    free = "\n\n".join(p for p in ("\n".join(lines).strip(), rest) if p)
    return kind, free


def project_description(book_name: str, book_description: str) -> str:
    """The project's Description: the codebook's name line, then its description."""
    return "\n\n".join(p for p in (f"Livre de codes : {book_name}" if book_name else "",
                                     book_description) if p)


def parse_project_description(text: str) -> tuple[str | None, str]:
    """(codebook name or None, the rest: the codebook's description or free text)."""
    lines, rest = _head_and_rest(text)
    if lines and (m := _BOOK.match(lines[0].strip())):
        return m.group(1).strip(), "\n\n".join(p for p in ("\n".join(lines[1:]).strip(), rest)
                                                if p)
    return None, text.strip()
