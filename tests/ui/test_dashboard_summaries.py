"""Validated framework summaries on the COPIL dashboard: the view holds only those the lead
validated, pseudonymised (a real name written in a summary does not show), filtered by
the dashboard's theme and filters; a snapshot carries them; and in a browser, choosing
a theme shows « Synthèses validées » with their text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ROOT, save_screenshot, voila_server
from workbench import Project, WorkbenchError
from workbench.ui.dashboard import CopilDashboard
from workbench.views import ENV_VARIABLE, CopilView

FATIMA, YOUSSEF = "Fatima Aït Lahcen", "Youssef Bennani"
# What the lead validated (names to be replaced), and what stays a draft.
TIES = "Fatima Aït Lahcen relie le village à sa mère ; Youssef Bennani en parle aussi."
AFFECTION = "Un attachement d'abord affectif."
DRAFT = "Brouillon : le puits financé par le père."
OF_A_DOCUMENT = "Synthèse du document E01 sur les femmes."
SCREENSHOT = Path("/tmp/dashboard_summaries.png")


@pytest.fixture
def summarised(project: Project) -> Project:
    """The mini project coded, with two validated summaries of Fatima's (one naming
    people), a draft of Youssef's, a validated summary of a document, and pseudonyms."""
    project.code_quote("E01_fatima", "Le village, c'est ma mère", "liens.affectifs")
    project.code_quote("E01_fatima", "Les femmes font tout le travail", "femmes")
    project.code_quote("E02_youssef", "Le puits du village, c'est mon père qui l'a financé",
                       "actions.eau")
    for row, code, text in ((FATIMA, "liens", TIES), (FATIMA, "liens.affectifs", AFFECTION),
                            ("E01_fatima", "femmes", OF_A_DOCUMENT)):
        project.framework.write(row, code, text)
        project.framework.validate(row, code)  # claire, the project's first coder, is lead
    project.framework.write(YOUSSEF, "actions", DRAFT)
    project.privacy.propose()
    return project


def _real_names(project: Project, text: str) -> list[str]:
    real = project.privacy.table()["real"]
    return [n for n in real if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]


def test_the_view_holds_only_validated_summaries_of_cases_pseudonymised(
        summarised: Project) -> None:
    view = CopilView.from_project(summarised)
    assert list(view.validated["code"]) == ["liens", "liens.affectifs"]
    texts = " ".join(view.validated["text"])
    assert DRAFT not in texts and OF_A_DOCUMENT not in texts
    shown = " ".join(str(v) for column in view.validated.columns
                     for v in view.validated[column].dropna())
    assert not _real_names(summarised, shown) and not summarised.leaks(shown)
    pseudonym = summarised.pseudonymise(summarised.cases()[["case"]])["case"].iloc[0]
    assert set(view.validated["case"]) == {pseudonym}
    assert view.validated["text"].iloc[0].startswith(pseudonym)  # the name replaced
    assert AFFECTION in texts


def test_summaries_follow_the_theme_and_the_filters(summarised: Project) -> None:
    view = CopilView.from_project(summarised)
    assert list(view.summaries("liens")["code"]) == ["liens", "liens.affectifs"]  # branch
    assert list(view.summaries("liens.affectifs")["text"]) == [AFFECTION]
    assert view.summaries("actions").empty  # a draft only
    assert view.summaries(None).empty  # the apps show them theme by theme
    assert len(view.summaries("liens", {"genre": "F"})) == 2
    assert view.summaries("liens", genre="H").empty
    assert len(view.summaries("liens", {"region_residence": "Île-de-France", "genre": ""})) == 2
    with pytest.raises(WorkbenchError, match="thème inconnu"):
        view.summaries("pas_un_code")
    with pytest.raises(WorkbenchError, match="filtre inconnu"):
        view.summaries("liens", couleur="bleu")


def test_the_dashboard_lists_them_for_a_theme_and_hides_the_section_otherwise(
        summarised: Project) -> None:
    dashboard = CopilDashboard(CopilView.from_project(summarised))
    assert dashboard.summaries_box.layout.display == "none"  # no theme chosen
    dashboard.filters.theme.value = "liens"
    shown = dashboard.summaries.value
    assert dashboard.summaries_box.layout.display is None
    assert "Affectifs" in shown and "attachement" in shown
    assert "Fatima" not in shown and "Youssef" not in shown and "Bennani" not in shown
    dashboard.filters.boxes["genre"].value = "H"
    assert dashboard.summaries_box.layout.display == "none"
    dashboard.filters.boxes["genre"].value = ""
    dashboard.filters.theme.value = "actions"
    assert dashboard.summaries_box.layout.display == "none" and DRAFT not in \
        dashboard.summaries.value
    dashboard._open("liens", "genre", "F")  # a click on a bar of women
    assert dashboard.summaries_box.layout.display is None
    dashboard._open("liens", "genre", "H")
    assert dashboard.summaries_box.layout.display == "none"


def test_without_any_validated_summary_the_section_stays_hidden(project: Project) -> None:
    project.code_quote("E01_fatima", "Le village, c'est ma mère", "liens.affectifs")
    project.framework.write(FATIMA, "liens", DRAFT)  # a draft only
    project.privacy.propose()
    view = CopilView.from_project(project)
    assert view.validated.empty and "genre" in view.validated.columns
    assert view.summaries("liens", {"genre": "F"}).empty
    dashboard = CopilDashboard(view)
    dashboard.filters.theme.value = "liens"
    dashboard.filters.boxes["genre"].value = "F"
    assert dashboard.summaries_box.layout.display == "none"
    assert dashboard.notice.widget.layout.display == "none"  # no failure said
    assert "Enquêtée" in dashboard.extracts.table.value  # the extracts are listed


@pytest.fixture
def snapshot(summarised: Project, tmp_path: Path) -> Project:
    summarised.export.snapshot(tmp_path / "instantane", "COPIL de test", names_reviewed=True)
    frozen = Project.open(tmp_path / "instantane")
    yield frozen
    frozen.close()


def test_a_snapshot_carries_the_validated_summaries(summarised: Project,
                                                    snapshot: Project) -> None:
    live = CopilView.from_project(summarised)
    frozen = CopilView.from_project(snapshot)
    assert list(frozen.validated["text"]) == list(live.validated["text"])
    assert list(frozen.validated["case"]) == list(live.validated["case"])
    assert list(frozen.summaries("liens", {"genre": "F"})["code"]) == ["liens",
                                                                        "liens.affectifs"]


# -- in a browser, served from the snapshot as `workbench app --project` serves it ----------
def _wait_for_update(page: Any, before: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('.wb-etat-valeur')?.dataset.graphiques) > n",
        arg=before, timeout=60_000)


def _updates(page: Any) -> int:
    return int(page.eval_on_selector(".wb-etat-valeur", "e => Number(e.dataset.graphiques)"))


def _choose(page: Any, css: str, label: str) -> None:
    before = _updates(page)
    page.select_option(f".{css} select", label=label)
    _wait_for_update(page, before)


@pytest.mark.browser
def test_the_section_shows_the_summaries_of_the_theme_in_the_page(
        summarised: Project, snapshot: Project, browser_page: Any) -> None:
    page = browser_page
    expected = CopilView.from_project(snapshot).summaries("liens")
    apps = ROOT / "notebooks" / "apps"
    with voila_server(apps, env={ENV_VARIABLE: str(snapshot.location)}) as url:
        page.goto(f"{url}voila/render/tableau_de_bord_copil.ipynb", timeout=180_000)
        page.wait_for_selector(".wb-etat-valeur", state="attached", timeout=180_000)
        _wait_for_update(page, 0)
        assert "COPIL de test" in page.inner_text(".wb-snapshot")
        assert not page.is_visible(".wb-syntheses")
        _choose(page, "wb-filtre-theme", "Liens au territoire")
        page.wait_for_selector(".wb-syntheses table", timeout=60_000)
        rows = page.eval_on_selector_all(
            ".wb-syntheses tbody tr", "rs => rs.map(r => Array.from(r.cells, c => c.innerText))")
        assert rows == [[case, theme, text] for case, theme, text in zip(
            expected["case"], ["Liens au territoire", "Affectifs"], expected["text"],
            strict=True)]
        assert "Synthèses validées" in page.inner_text(".wb-tableau-de-bord")
        body = page.inner_text("body")
        assert not _real_names(summarised, body) and not summarised.leaks(body)
        assert DRAFT not in body and "Traceback" not in body
        shot = save_screenshot(page, "tableau_de_bord_syntheses")
        shutil.copy(shot, SCREENSHOT)
        _choose(page, "wb-filtre-genre", "H")
        page.wait_for_selector(".wb-syntheses", state="hidden", timeout=60_000)
