"""Code frequencies, matrix coding and co-occurrence against hand-counted tables."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.analysis.codes import code_frequencies, select_codes
from workbench.analysis.cooccurrence import cooccurrence, cooccurrence_matrix, pair_extracts
from workbench.analysis.matrix import cell_extracts, matrix_coding, percentages, value_label
from workbench.errors import WorkbenchError


def test_a_parent_counts_its_branch_once(extracts: pd.DataFrame, codes: pd.DataFrame) -> None:
    table = code_frequencies(extracts, codes, n_cases=4).set_index("code")
    assert table.loc["A", ["own_codings", "codings", "documents", "cases"]].tolist() == \
        [0, 5, 3, 3]
    assert table.loc["A.1", ["own_codings", "codings", "documents", "cases"]].tolist() == \
        [2, 2, 2, 2]
    assert table.loc["A.2", ["own_codings", "codings", "documents", "cases"]].tolist() == \
        [3, 3, 2, 2]
    assert table.loc["B", ["codings", "documents", "cases"]].tolist() == [2, 2, 2]
    assert table["pct_cases"].tolist() == [75.0, 50.0, 50.0, 50.0]
    assert table.attrs["n_cases"] == 4


def test_an_uncoded_code_is_listed_with_zeros(extracts: pd.DataFrame,
                                              codes: pd.DataFrame) -> None:
    more = pd.concat([codes, pd.DataFrame({"key": ["C"], "name": ["C"], "parent": [None],
                                           "path": ["C"], "depth": [0]})], ignore_index=True)
    table = code_frequencies(extracts, more).set_index("code")
    assert table.loc["C", ["codings", "cases", "pct_cases"]].tolist() == [0, 0, 0.0]
    assert table.loc["A", "pct_cases"] == 100.0  # default population: the 3 coded cases


def test_select_codes_by_depth_branch_and_keys(codes: pd.DataFrame) -> None:
    assert select_codes(codes, depth=0) == ["A", "B"]
    assert select_codes(codes, branch="A") == ["A.1", "A.2"]
    assert select_codes(codes, ["B", "A.2"]) == ["A.2", "B"]
    with pytest.raises(WorkbenchError, match="codes inconnus : Z"):
        select_codes(codes, ["Z"])


def test_matrix_in_cases_and_codings(extracts: pd.DataFrame, codes: pd.DataFrame) -> None:
    cases = matrix_coding(extracts, codes, "genre")
    assert cases.to_dict("index") == {"A": {"F": 2, "H": 1}, "A.1": {"F": 1, "H": 1},
                                      "A.2": {"F": 2, "H": 0}, "B": {"F": 1, "H": 1}}
    assert cases.attrs["unit"] == "cases"
    codings = matrix_coding(extracts, codes, "genre", unit="codings")
    assert codings.loc["A"].tolist() == [4, 1] and codings.loc["A.2"].tolist() == [3, 0]
    documents = matrix_coding(extracts, codes, "genre", unit="documents", rows=["A"])
    assert documents.to_dict("index") == {"A": {"F": 2, "H": 1}}


def test_row_and_column_percentages(extracts: pd.DataFrame, codes: pd.DataFrame) -> None:
    cases = matrix_coding(extracts, codes, "genre")
    assert percentages(cases, "row").loc["A"].tolist() == [66.7, 33.3]
    assert percentages(cases, "row").loc["A.2"].tolist() == [100.0, 0.0]
    codings = matrix_coding(extracts, codes, "genre", unit="codings")
    # column F: 4 + 1 + 3 + 1 = 9 codings
    assert percentages(codings, "column").loc["A", "F"] == 44.4
    with pytest.raises(WorkbenchError):
        percentages(cases, "diagonal")


def test_missing_and_multi_valued_attributes(extracts: pd.DataFrame,
                                             codes: pd.DataFrame) -> None:
    frame = extracts.assign(domaines=["eau; santé", "eau", None, "santé", "santé", "eau",
                                      "eau"])
    matrix = matrix_coding(frame, codes, "domaines", unit="codings", split=";")
    assert list(matrix.columns) == ["eau", "santé", "(non renseigné)"]
    assert matrix.loc["A"].tolist() == [4, 2, 0]
    assert matrix.loc["B"].tolist() == [0, 1, 1]
    assert value_label(58.0) == "58" and value_label(True) == "oui"
    with pytest.raises(WorkbenchError, match="pas de colonne ni d'attribut « pays »"):
        matrix_coding(extracts, codes, "pays")


def test_the_extracts_behind_a_cell(extracts: pd.DataFrame, codes: pd.DataFrame) -> None:
    assert cell_extracts(extracts, codes, "A", "genre", "F")["coding_id"].tolist() == \
        [1, 2, 6, 7]
    assert cell_extracts(extracts, codes, "A.2", "genre", "H").empty
    assert cell_extracts(extracts, codes, "A", "genre", "F", include_children=False).empty


@pytest.mark.parametrize(("scope", "expected"), [
    ("overlap", {("A.1", "A.2"): (2, 3, 1, 0.25), ("A.1", "B"): (2, 2, 0, 0.0),
                 ("A.2", "B"): (3, 2, 1, 0.25)}),
    ("turn", {("A.1", "A.2"): (2, 3, 1, 0.25), ("A.1", "B"): (2, 2, 0, 0.0),
              ("A.2", "B"): (3, 2, 0, 0.0)}),
    ("document", {("A.1", "A.2"): (2, 2, 1, 0.333), ("A.1", "B"): (2, 2, 2, 1.0),
                  ("A.2", "B"): (2, 2, 1, 0.333)}),
])
def test_cooccurrence_by_scope(extracts: pd.DataFrame, codes: pd.DataFrame, scope: str,
                               expected: dict) -> None:
    pairs = cooccurrence(extracts, codes, scope=scope)
    got = {(r.code_a, r.code_b): (r.n_a, r.n_b, r.n_ab, r.jaccard)
           for r in pairs.itertuples()}
    assert got == expected


def test_touching_codings_do_not_cooccur(codes: pd.DataFrame) -> None:
    frame = pd.DataFrame({"coding_id": [1, 2], "document": ["d", "d"], "case": ["c", "c"],
                          "code": ["A.1", "B"], "start": [0, 10], "end": [10, 20],
                          "turn": [0, 0]})
    assert cooccurrence(frame, codes)["n_ab"].tolist() == [0]


def test_cooccurrence_of_branches(extracts: pd.DataFrame, codes: pd.DataFrame) -> None:
    pairs = cooccurrence(extracts, codes, scope="document", include_children=True)
    got = {(r.code_a, r.code_b): (r.n_ab, r.jaccard) for r in pairs.itertuples()}
    assert ("A", "A.1") not in got  # a parent is not paired with its own child
    assert got[("A", "B")] == (2, 0.667)
    matrix = cooccurrence_matrix(pairs, value="n_ab", order=["A", "B"])
    assert matrix.loc["A", "B"] == matrix.loc["B", "A"] == 2
    assert pd.isna(matrix.loc["A", "A"])


def test_the_extracts_behind_a_pair(extracts: pd.DataFrame, codes: pd.DataFrame) -> None:
    assert pair_extracts(extracts, codes, "A.2", "B")["coding_id"].tolist() == [2, 3]
    assert sorted(pair_extracts(extracts, codes, "A.1", "B", scope="document")["coding_id"]) \
        == [1, 3, 4, 5]
    with pytest.raises(WorkbenchError, match="scope doit valoir"):
        cooccurrence(extracts, codes, scope="paragraph")
