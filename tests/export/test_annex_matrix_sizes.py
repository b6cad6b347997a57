"""The Excel annex's code × group matrix shows each group's size, « F (n = 13) », counted
from the same population as the analyses (prevalence, COPIL charts)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench import Project
from workbench.analysis.groups import group_sizes
from workbench.export.annex_xlsx import matrix_sheet_frame


@pytest.mark.parametrize("by", ["genre", "generation"])
def test_matrix_columns_carry_the_sizes_of_the_prevalence(demo: Project, by: str) -> None:
    analysis = demo.analysis
    matrix = analysis.matrix(by)
    frame = matrix_sheet_frame(matrix, analysis.respondents(), by)
    sizes = analysis.prevalence(by).drop_duplicates("group").set_index("group")[
        "cases_in_group"]
    assert list(frame.columns) == [f"{g} (n = {sizes[g]})" for g in matrix.columns]
    assert frame.to_numpy().tolist() == matrix.to_numpy().tolist()  # cells unchanged
    assert list(frame.index) == list(matrix.index)


def test_sizes_count_every_respondent_once_and_missing_values() -> None:
    respondents = pd.DataFrame({"case": ["a", "b", "c", "d", "d"],
                                "genre": ["F", "F", "H", None, None],
                                "domaines": ["eau; santé", "eau", None, "santé", "santé"]})
    assert group_sizes(respondents, "genre").to_dict() == {"(non renseigné)": 1, "F": 2,
                                                           "H": 1}
    assert group_sizes(respondents, "domaines", split=";").to_dict() == {
        "(non renseigné)": 1, "eau": 2, "santé": 2}
    matrix = pd.DataFrame({"F": [2], "H": [0], "X": [0]}, index=["code"])
    frame = matrix_sheet_frame(matrix, respondents, "genre")
    assert list(frame.columns) == ["F (n = 2)", "H (n = 1)", "X (n = 0)"]


def test_the_annex_matrix_sheet_shows_group_sizes(demo: Project, tmp_path: Path) -> None:
    path = tmp_path / "annexe.xlsx"
    demo.export.annex(path, matrix="genre")
    header = [c.value for c in load_workbook(path)["Matrice Genre"][1]]
    sizes = group_sizes(demo.analysis.respondents(), "genre")
    assert header[1:] == [f"{g} (n = {n})" for g, n in sizes.items()]
