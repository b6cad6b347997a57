"""The COPIL apps on any study, without a browser: the filters are the study's own (from
its profile), each filter gives what the API gives, the gender chart and the cartography
follow what the profile declares, and no failure ever reaches the committee as a Python
error. (In a browser: test_copil_apps.py.)"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pandas as pd
import pytest

from tests.ui.studies import (
    ERROR_WORDS,
    api_extracts,
    api_respondents,
    expected_filters,
    study_name,
    study_project,  # noqa: F401  (fixture)
    telling_value,
)
from workbench import Project
from workbench.analysis import groups, matrix
from workbench.ui import app
from workbench.ui.cartography import Cartography
from workbench.ui.dashboard import NO_GENDER, CopilDashboard
from workbench.ui.explorer import ExtractExplorer
from workbench.views import CopilView


@pytest.fixture(scope="module")
def study_view(study_project: Project) -> CopilView:  # noqa: F811
    return CopilView.from_project(study_project, words=True)


def assert_french(text: str) -> None:
    for word in ERROR_WORDS:
        assert word not in text, word


# -- the view ------------------------------------------------------------------------------
def test_the_filters_are_the_studys_own(study_project: Project,  # noqa: F811
                                        study_view: CopilView) -> None:
    profile = study_project.profile()
    keys = expected_filters(study_project)
    assert study_view.filters() == keys and len(keys) >= 2
    assert [study_view.label(k) for k in keys] == [profile.label(k) for k in keys]
    if study_name(study_project) != "demo":
        assert not {"genre", "generation", "region_residence"} & set(keys)
    for column in keys:
        assert study_view.options(column), column


def test_each_filter_gives_what_the_api_gives(study_project: Project,  # noqa: F811
                                              study_view: CopilView) -> None:
    p = study_project
    theme = study_view.codes.loc[study_view.codes["depth"] == 0, "key"].iloc[0]
    for key in study_view.filters():
        value = telling_value(p, key)
        selection = study_view.selection(where={key: value})
        extracts = api_extracts(p, None, {key: value})
        assert list(selection.extracts["coding_id"]) == list(extracts["coding_id"]), key
        assert list(selection.extracts["text"]) == list(extracts["text"]), key
        assert len(selection.respondents) == len(api_respondents(p, {key: value})), key
        narrow = study_view.selection(theme, {key: value})
        assert list(narrow.extracts["coding_id"]) == \
            list(api_extracts(p, theme, {key: value})["coding_id"]), key
        split = ";" if study_view.is_multi(key) else None
        pd.testing.assert_frame_equal(
            selection.matrix(key, split=split is not None),
            matrix.matrix_coding(extracts, p.codes(), key, rows=selection.theme_rows(),
                                 split=split))


def test_the_view_holds_no_real_name(study_project: Project,  # noqa: F811
                                     study_view: CopilView) -> None:
    frames = [study_view.extracts, study_view.respondents, study_view.organisations,
              study_view.words]
    text = "\n".join(str(v) for frame in frames for column in frame.columns
                     for v in frame[column].dropna().unique())
    real = study_project.privacy.table()["real"]
    assert not [n for n in real if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    assert not study_project.leaks(text)
    kept = set(study_view.attributes.values())
    for spec in study_project.profile().attributes:
        if spec.key in kept:
            assert spec.type in ("category", "multi", "number"), spec.key
            assert spec.role not in ("interviewer", "organisation"), spec.key


# -- the apps' widgets -----------------------------------------------------------------------
def test_dashboard_offers_the_studys_attributes(study_project: Project,  # noqa: F811
                                                study_view: CopilView) -> None:
    dashboard = CopilDashboard(study_view)
    profile = study_project.profile()
    keys = expected_filters(study_project)
    assert list(dashboard.filters.boxes) == keys
    assert [b.description for b in dashboard.filters.boxes.values()] == \
        [profile.label(k) for k in keys]
    assert sorted(v for _, v in dashboard.matrix_by.options) == sorted(keys)
    gender = profile.key("gender")
    if gender is None:
        assert NO_GENDER in html.unescape(dashboard.gender.widget.value)
    else:
        shown = dashboard.gender.widget.value
        assert "Femmes" in shown and "wb-barre" in shown
        expected = groups.prevalence(api_extracts(study_project), study_project.codes(),
                                     study_project.analysis.respondents(), gender,
                                     rows=study_view.selection().theme_rows())
        assert f"(n = {expected['cases_in_group'].max()})" in shown
    assert dashboard.notice.widget.layout.display == "none"
    assert_french(dashboard.gender.widget.value + dashboard.matrix.widget.value)


def test_explorer_and_cartography_open_on_any_study(study_project: Project,  # noqa: F811
                                                    study_view: CopilView) -> None:
    explorer = ExtractExplorer(study_view)
    assert list(explorer.filters.boxes) == expected_filters(study_project)
    assert explorer.notice.widget.layout.display == "none"
    cartography = Cartography(study_view)
    shown = html.unescape("".join(getattr(w, "value", "") for w in cartography.widget.children
                                  if isinstance(getattr(w, "value", None), str)))
    assert_french(shown)
    assert cartography.progress.done["graphiques"] >= 1
    if study_name(study_project) == "demo":
        assert cartography.counts.cards["organisations"].value.count("data-value='13'") == 1
        assert "wb-lieux" in cartography.table.value
    else:  # no organisation in these studies: the app says what to declare
        assert "aucune organisation" in shown and "profil de l'étude" in shown


# -- nothing unexpected reaches the committee ----------------------------------------------
@pytest.fixture
def server_log(capfd: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    yield capfd


def test_an_unexpected_failure_becomes_a_french_message(
        server_log: pytest.CaptureFixture[str]) -> None:
    def broken() -> None:
        raise KeyError("pays_residence")

    shown = html.unescape(app.build_app(broken).value)  # type: ignore[arg-type]
    assert "n'a pas pu s'afficher" in shown and "Prévenez l'équipe de l'étude" in shown
    assert_french(shown)
    assert "pays_residence" not in shown
    reference = re.search(r"référence (\d{6}-[0-9a-f]{4})", shown).group(1)
    log = server_log.readouterr().err
    assert reference in log and "KeyError: 'pays_residence'" in log


def test_run_app_never_raises(server_log: pytest.CaptureFixture[str]) -> None:
    shown = html.unescape(app.run_app("pas_une_application").value)
    assert "n'a pas pu s'afficher" in shown
    assert_french(shown)
    assert "KeyError" in server_log.readouterr().err


def test_a_failing_update_is_said_in_french(server_log: pytest.CaptureFixture[str]) -> None:
    notice = app.Notice()
    calls = []

    def update() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("Fatima")

    guarded = app.guarded(update, notice, what="test update")
    guarded()
    assert notice.widget.layout.display is None and "mise à jour" in notice.widget.value
    assert_french(notice.widget.value)
    assert "Fatima" not in notice.widget.value
    assert "ValueError" in server_log.readouterr().err
    guarded()  # the next update works: the notice goes
    assert notice.widget.layout.display == "none"


def test_a_refusal_keeps_its_french_explanation(project: Project) -> None:
    shown = html.unescape(app.run_app("tableau_de_bord", project.location).value)
    assert "ne peut pas s'ouvrir" in shown
    assert "propose_pseudonyms" in shown or "privacy.propose" in shown
    assert_french(shown)
