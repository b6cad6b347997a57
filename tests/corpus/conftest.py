"""Fixtures for the corpus readers' tests: the invariant every ParsedDocument must keep."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.corpus.model import ParsedDocument

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def check_document(doc: ParsedDocument) -> None:
    """NFC text with \\n line ends; turns in order, inside the text, spanning stripped words."""
    text = doc.text
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "\ufeff" not in text
    previous_end = 0
    for turn in doc.turns:
        assert 0 <= turn.start < turn.end <= len(text), turn
        span = text[turn.start : turn.end]
        assert span == span.strip(), (turn, span)
        assert turn.start >= previous_end, turn
        previous_end = turn.end


@pytest.fixture
def valid() -> Callable[[ParsedDocument], ParsedDocument]:
    """Check the invariant and hand the document back."""

    def check(doc: ParsedDocument) -> ParsedDocument:
        check_document(doc)
        return doc

    return check


@pytest.fixture
def real_data() -> Path:
    """../shared/data, or skip the test."""
    path = SHARED_DATA.resolve()
    if not path.is_dir():
        pytest.skip(f"real test material not found at {path} (../shared/data from the repo root)")
    return path

