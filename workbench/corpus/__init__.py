"""Reading corpora: transcripts of every format into text + speaker turns, and attribute sheets.

Public entry points: :func:`read_document` (one transcript → :class:`ParsedDocument`)
and :func:`read_attributes` (a cases sheet → :class:`AttributesSheet`).
"""

from __future__ import annotations

from workbench.corpus.attributes import AttributesSheet, CaseRow, DocRow, read_attributes
from workbench.corpus.model import ParsedDocument, Turn
from workbench.corpus.readers import SUPPORTED, read_document, turn_summary

__all__ = [
    "SUPPORTED",
    "AttributesSheet",
    "CaseRow",
    "DocRow",
    "ParsedDocument",
    "Turn",
    "read_attributes",
    "read_document",
    "turn_summary",
]
