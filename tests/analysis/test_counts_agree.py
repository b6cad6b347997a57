"""Every count by case agrees: frequencies, matrix, prevalence, the COPIL view and a hand
count, on the demo and on two other studies (one definition of who is counted)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench import Project
from workbench.analysis.codes import ancestors
from workbench.views import CopilView


@pytest.fixture(params=["demo", "real", "random"])
def study(request: pytest.FixtureRequest) -> Project:
    if request.param == "demo":
        return request.getfixturevalue("demo")
    path: Path = request.getfixturevalue(f"{request.param}_project_path")
    project = Project.open(path, coder="lead")
    request.addfinalizer(project.close)
    return project


def _hand_count(p: Project) -> dict[str, set[str]]:
    """Code → respondent cases who said something coded with it or a sub-code, counted by
    hand from the accepted codings: the speaker's case, never on an interviewer's turn."""
    people = set(p.analysis.respondents()["case"])
    rows = p.extracts(status="accepted")
    chains = ancestors(p.codes())
    out: dict[str, set[str]] = {}
    for code, case, role in zip(rows["code"], rows["case"], rows["speaker_role"], strict=True):
        if pd.isna(case) or role == "interviewer" or case not in people:
            continue
        for key in chains.get(code, [code]):
            out.setdefault(key, set()).add(case)
    return out


def test_counts_by_case_agree(study: Project) -> None:
    a = study.analysis
    respondents = a.respondents()
    frequencies = a.code_frequencies().set_index("code")
    hand = _hand_count(study)
    assert frequencies.attrs["n_cases"] == len(respondents)
    for code, row in frequencies.iterrows():
        assert row["cases"] == len(hand.get(code, ())), code
    by = study.profile().filters(respondents)[0]
    matrix = a.matrix(by, unit="cases")
    prevalence = a.prevalence(by)
    coded = prevalence.pivot(index="code", columns="group", values="cases_coded")
    for code in matrix.index:
        for group in matrix.columns:
            assert matrix.loc[code, group] == coded.loc[code, group], (code, group)
    sizes = prevalence.groupby("group")["cases_in_group"].first()
    assert sizes.sum() == len(respondents)  # every respondent in one group ("non renseigné")
    missing = [c for c in matrix.columns if str(c).startswith("(")]
    counted = set(respondents["case"] if missing else
                  respondents.loc[respondents[by].notna(), "case"])
    for code in matrix.index:
        assert matrix.loc[code].sum() == len(hand.get(code, set()) & counted), code


def test_copil_view_counts_the_same_people(study: Project) -> None:
    view = CopilView.from_project(study)
    selection = view.selection()
    shown = selection.frequencies().set_index("code")["cases"]
    api = study.analysis.code_frequencies().set_index("code")["cases"]
    assert len(selection.respondents) == len(study.analysis.respondents())
    for code, n in shown.items():
        assert n == api[code], code
