"""Small hand-made tables: every expected number in these tests was worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def codes() -> pd.DataFrame:
    """A > A.1, A.2 ; B."""
    return pd.DataFrame({
        "key": ["A", "A.1", "A.2", "B"],
        "name": ["Thème A", "Sous-thème A1", "Sous-thème A2", "Thème B"],
        "parent": [None, "A", "A", None],
        "path": ["Thème A", "Thème A > Sous-thème A1", "Thème A > Sous-thème A2", "Thème B"],
        "depth": [0, 1, 1, 0],
    })


@pytest.fixture
def extracts() -> pd.DataFrame:
    """Seven codings in three documents by three cases (c4 speaks but is never coded).

    d1: 1 A.1 [0,10) overlaps 2 A.2 [5,15) which overlaps 3 B [12,20).
    d2: 4 A.1 [0,10) and 5 B [30,40), apart. d3: 6 A.2 [0,5) and 7 A.2 [10,20).
    """
    return pd.DataFrame({
        "coding_id": [1, 2, 3, 4, 5, 6, 7],
        "document": ["d1", "d1", "d1", "d2", "d2", "d3", "d3"],
        "case": ["c1", "c1", "c1", "c2", "c2", "c3", "c3"],
        "code": ["A.1", "A.2", "B", "A.1", "B", "A.2", "A.2"],
        "start": [0, 5, 12, 0, 30, 0, 10],
        "end": [10, 15, 20, 10, 40, 5, 20],
        "turn": [0, 0, 1, 0, 2, 0, 1],
        "genre": ["F", "F", "F", "H", "H", "F", "F"],
        "text": ["un", "deux", "trois", "quatre", "cinq", "six", "sept"],
    })


@pytest.fixture
def respondents() -> pd.DataFrame:
    return pd.DataFrame({"case": ["c1", "c2", "c3", "c4"], "genre": ["F", "H", "F", "H"],
                         "age": [22, 58, 35, None]})
