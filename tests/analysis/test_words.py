"""Word statistics: frequencies, distinctive words (hand-computed), spans."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.analysis.words import distinctive_words, lemma_frequencies, tokens_in_spans


def tokens(rows: list[tuple[str, str, str, bool]]) -> pd.DataFrame:
    """(document, genre, lemma, is_word) rows → a token table with offsets."""
    frame = pd.DataFrame(rows, columns=["document", "genre", "lemma", "is_word"])
    frame["start"] = frame.groupby("document").cumcount() * 10
    frame["end"] = frame["start"] + 5
    return frame


SMALL = tokens([
    ("A", "F", "puits", True), ("A", "F", "puits", True), ("A", "F", "femme", True),
    ("A", "F", "le", False), ("B", "H", "puits", True), ("B", "H", "route", True),
    ("B", "H", "route", True), ("B", "H", "route", True), ("B", "H", "euh", False),
])


def test_frequencies_overall_and_by_group() -> None:
    overall = lemma_frequencies(SMALL)
    assert overall[["lemma", "count"]].values.tolist() == [["puits", 3], ["route", 3],
                                                           ["femme", 1]]
    assert overall["share"].tolist() == [round(3 / 7, 5), round(3 / 7, 5), round(1 / 7, 5)]
    by = lemma_frequencies(SMALL, by="genre").set_index(["genre", "lemma"])
    assert by.loc[("F", "puits"), "count"] == 2 and by.loc[("F", "puits"), "share"] == 0.66667
    assert by.loc[("H", "route"), "share"] == 0.75
    assert ("F", "le") not in by.index  # stop words and fillers are not counted


def test_distinctive_words_match_the_formula_by_hand() -> None:
    table = distinctive_words(SMALL, column="genre", value="H", min_count=1, prior=1.0,
                              top=None).set_index("lemma")
    # corpus counts: puits 3, route 3, femme 1 (n = 7); prior = 1.0 × 7 → alpha_w = count_w
    # group H: route 3, puits 1 (n_a = 4); rest F: puits 2, femme 1 (n_b = 3); alpha0 = 7
    a, ya, yb, n_a, n_b, a0 = 3, 3, 0, 4, 3, 7
    delta = math.log((ya + a) / (n_a + a0 - ya - a)) - math.log((yb + a) / (n_b + a0 - yb - a))
    z = delta / math.sqrt(1 / (ya + a) + 1 / (yb + a))
    assert table.loc["route", "log_odds"] == pytest.approx(delta, abs=1e-4)
    assert table.loc["route", "z"] == pytest.approx(z, abs=1e-3)
    # puits: delta = log(4/7) - log(5/5), z = -0.834; femme: log(1/10) - log(2/8), z = -0.748
    assert table.index.tolist() == ["route", "femme", "puits"]
    assert table.loc["puits", "z"] == pytest.approx(math.log(4 / 7) / math.sqrt(1 / 4 + 1 / 5),
                                                    abs=1e-3)
    assert table.loc["route", ["count_group", "count_rest"]].tolist() == [3, 0]


def test_tokens_in_spans_keeps_each_span_and_its_code() -> None:
    spans = pd.DataFrame({"document": ["A", "B"], "start": [0, 10], "end": [15, 25],
                          "code": ["eau", "routes"]})
    inside = tokens_in_spans(SMALL, spans)
    assert inside[["document", "lemma", "code"]].values.tolist() == [
        ["A", "puits", "eau"], ["A", "puits", "eau"], ["B", "route", "routes"],
        ["B", "route", "routes"]]
