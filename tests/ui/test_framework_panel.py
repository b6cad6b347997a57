"""The framework panel (case × theme summaries): driven from Python on a real project, and
in a real browser (Voila + Debian chromium) as a coder and as the lead: a cell's extracts
are listed, a summary typed and saved lands in the store with its author, only the lead
validates, and undo brings the former text back."""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.browser import save_screenshot, voila_server
from workbench import Project
from workbench.ui.framework_panel import FrameworkPanel, framework_panel

FATIMA, YOUSSEF = "Fatima Aït Lahcen", "Youssef Bennani"
MOTHER = "Le village, c'est ma mère"
TIMEOUT = 60_000
SCREENSHOT = Path("/tmp/framework_panel.png")


@pytest.fixture
def coded(project: Project) -> Project:
    """The mini project (claire, its first coder, is the lead), coded in three places, and
    a second coder, sami."""
    project.code_quote("E01_fatima", MOTHER, "liens.affectifs")
    project.code_quote("E01_fatima", "On envoie de l'argent pour le puits", "actions.eau")
    project.code_quote("E02_youssef", "Le puits du village, c'est mon père qui l'a financé",
                       "actions.eau")
    project.team.add_coder("sami", "coder")
    return project


def _stored(location: Any, row: str, code: str) -> dict[str, Any] | None:
    """The summary as another process reads it."""
    with Project.open(location) as again:
        return again.framework.summary(row, code)


# -- from Python ---------------------------------------------------------------------------
def test_the_list_shows_each_case_of_the_column_with_its_extracts_and_state(
        coded: Project) -> None:
    panel = FrameworkPanel(coded)
    assert panel.code == "liens"  # the first theme of the codebook
    assert list(panel._buttons) == [FATIMA]  # only Fatima speaks of ties
    panel.column.value = "actions"
    assert list(panel._buttons) == [FATIMA, YOUSSEF]
    assert "aucune synthèse écrite" in panel.summary_count.value
    states = [getattr(c, "value", c.description) for c in panel.cells.children[3:]]
    assert "1 extrait" in states[1] and "vide" in states[2]
    panel.boxes["genre"].value = "H"  # a filter of the study profile
    assert list(panel._buttons) == [YOUSSEF]


def test_save_validate_and_undo_from_python(coded: Project) -> None:
    panel = FrameworkPanel(coded)
    panel._buttons[FATIMA].click()
    assert html.escape(MOTHER) in panel.extracts.value and "E01-T4" in panel.extracts.value
    assert "vide" in panel.state.value and panel.validate_button.disabled
    panel.text.value = "  L'attachement passe par la mère.  "
    panel.save_button.click()
    assert "Synthèse enregistrée" in panel.status.value, panel.status.value
    saved = _stored(coded.location, FATIMA, "liens")
    assert saved is not None
    assert (saved["text"], saved["status"], saved["author"]) == (
        "L'attachement passe par la mère.", "draft", "claire")
    assert "brouillon" in panel.state.value and "claire" in panel.state.value
    assert not panel.validate_button.disabled  # claire is the lead
    panel.validate_button.click()
    assert "Synthèse validée" in panel.status.value
    assert _stored(coded.location, FATIMA, "liens")["status"] == "validated"
    panel.text.value = "Un autre texte."
    panel.save_button.click()
    assert _stored(coded.location, FATIMA, "liens")["status"] == "draft"
    panel.undo_button.click()
    assert "Dernière modification annulée" in panel.status.value
    assert panel.text.value == "L'attachement passe par la mère."
    assert "validée" in panel.state.value


def test_refusals_are_french_messages_in_the_panel(coded: Project) -> None:
    sami = Project.open(coded.location, coder="sami")
    panel = FrameworkPanel(sami)
    panel.save_button.click()
    assert "Aucune cellule ouverte" in panel.status.value
    panel._buttons[FATIMA].click()
    panel.text.value = "   "
    panel.save_button.click()
    assert "est vide" in panel.status.value and "#b00020" in panel.status.value
    panel.text.value = "Texte de sami."
    panel.save_button.click()
    assert panel.validate_button.disabled and "responsable" in panel.role_note.value
    panel._run(panel.validate)  # what a click would do, were the button enabled
    assert "ne peut pas valider" in panel.status.value and "Traceback" not in panel.status.value
    assert _stored(coded.location, FATIMA, "liens")["status"] == "draft"
    panel.undo_button.click()
    panel.undo_button.click()
    assert "Rien à annuler pour sami" in panel.status.value
    assert _stored(coded.location, FATIMA, "liens") is None
    sami.close()


def test_text_typed_and_not_saved_is_kept_when_another_cell_is_opened(coded: Project) -> None:
    panel = FrameworkPanel(coded, codes=["actions"])
    assert [key for _label, key in panel.column.options] == ["actions"]
    panel._buttons[FATIMA].click()
    panel.text.value = "Pas encore enregistré."
    panel._buttons[YOUSSEF].click()
    assert panel.text.value == ""
    assert "non enregistrée" in panel.cells.children[5].value  # Fatima's state in the list
    panel._buttons[FATIMA].click()
    assert panel.text.value == "Pas encore enregistré."
    assert _stored(coded.location, FATIMA, "actions") is None


def test_a_filter_given_presets_its_dropdown_and_an_empty_codebook_is_a_message(
        coded: Project, tmp_path: Path) -> None:
    panel = FrameworkPanel(coded, codes="actions", where={"genre": "F"})
    assert panel.boxes["genre"].value == "F" and list(panel._buttons) == [FATIMA]
    with Project.create(tmp_path / "vide") as empty:
        shown = framework_panel(empty)
    assert "grille de codage est vide" in shown.value and "wb-erreur" in shown.value


# -- in a browser ----------------------------------------------------------------------------
def _notebook(folder: Path, name: str, location: Any, coder: str) -> None:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(
        "from workbench import Project\n"
        "from workbench.ui.framework_panel import framework_panel\n"
        f"p = Project.open({json.dumps(str(location))}, coder={coder!r})\n"
        "framework_panel(p)")]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    nbformat.write(book, folder / f"{name}.ipynb")


@pytest.fixture
def served(coded: Project, tmp_path: Path) -> Iterator[str]:
    """Voila serving the panel twice: as sami (a coder) and as claire (the lead)."""
    folder = tmp_path / "app"
    folder.mkdir()
    _notebook(folder, "codeur", coded.location, "sami")
    _notebook(folder, "responsable", coded.location, "claire")
    with voila_server(folder) as url:
        yield url
    shutil.rmtree(folder, ignore_errors=True)


def _open(page: Any, url: str) -> None:
    page.goto(url, timeout=TIMEOUT * 3)
    page.wait_for_selector(".wb-framework-panel .wb-fw-ligne", timeout=TIMEOUT * 3)


def _message(page: Any, text: str) -> None:
    page.wait_for_function(
        "(t) => document.querySelector('.wb-fw-message')?.innerText.includes(t)",
        arg=text, timeout=TIMEOUT)


def _text_is(page: Any, text: str) -> None:
    """Wait until the summary box holds `text` (widget updates arrive one by one)."""
    page.wait_for_function(
        "(t) => document.querySelector('.wb-fw-texte textarea')?.value === t",
        arg=text, timeout=TIMEOUT)


def _open_cell(page: Any, row: str) -> None:
    page.click(f".wb-fw-ligne:has-text('{row}')")
    page.wait_for_selector(f".wb-fw-titre:has-text('{row}')", timeout=TIMEOUT)
    page.wait_for_selector(".wb-fw-extraits table", timeout=TIMEOUT)


@pytest.mark.browser
def test_write_validate_and_undo_in_the_page(coded: Project, served: str,
                                             browser_page: Any) -> None:
    page = browser_page
    # a coder: reads the extracts, writes the summary; « Valider » stays disabled
    _open(page, f"{served}voila/render/codeur.ipynb")
    assert page.inner_text(".wb-fw-message") == ""
    _open_cell(page, FATIMA)
    rows = page.eval_on_selector_all(".wb-fw-extraits tbody tr",
                                     "rs => rs.map(r => Array.from(r.cells, c => c.innerText))")
    assert rows == [["E01-T4", "Fatima", "Affectifs", MOTHER]]  # the code under the column
    page.fill(".wb-fw-texte textarea", "Le village se confond avec la mère.")
    page.click("button.wb-fw-enregistrer")
    _message(page, "Synthèse enregistrée")
    saved = _stored(coded.location, FATIMA, "liens")
    assert saved is not None
    assert (saved["text"], saved["author"], saved["status"]) == (
        "Le village se confond avec la mère.", "sami", "draft")
    page.wait_for_selector(".wb-fw-etat:has-text('Écrite par sami')", timeout=TIMEOUT)
    page.wait_for_selector(".wb-fw-role:has-text('responsable')", timeout=TIMEOUT)
    assert page.is_disabled("button.wb-fw-valider")

    # the lead: validates it, rewrites it, and undoes the rewrite
    _open(page, f"{served}voila/render/responsable.ipynb")
    page.wait_for_selector(".wb-fw-liste:has-text('brouillon (sami)')", timeout=TIMEOUT)
    _open_cell(page, FATIMA)
    _text_is(page, "Le village se confond avec la mère.")
    page.wait_for_selector("button.wb-fw-valider:enabled", timeout=TIMEOUT)
    page.click("button.wb-fw-valider")
    _message(page, "Synthèse validée")
    saved = _stored(coded.location, FATIMA, "liens")
    assert (saved["status"], saved["validated_by"]) == ("validated", "claire")
    page.wait_for_selector(".wb-fw-etat:has-text('Validée par claire')", timeout=TIMEOUT)
    page.wait_for_selector("button.wb-fw-valider:disabled",  # nothing left to validate
                           timeout=TIMEOUT)

    page.fill(".wb-fw-texte textarea", "Réécriture de la responsable.")
    page.click("button.wb-fw-enregistrer")
    _message(page, "Synthèse enregistrée")
    assert _stored(coded.location, FATIMA, "liens")["status"] == "draft"
    page.click("button.wb-fw-annuler")
    _message(page, "Dernière modification annulée")
    _text_is(page, "Le village se confond avec la mère.")
    saved = _stored(coded.location, FATIMA, "liens")
    assert (saved["text"], saved["status"]) == ("Le village se confond avec la mère.",
                                                "validated")
    page.wait_for_selector(".wb-fw-etat:has-text('Validée par claire')", timeout=TIMEOUT)

    # another column, then a picture of the whole panel
    page.select_option(".wb-fw-colonne select", label="Domaines d'action")
    page.wait_for_selector(f".wb-fw-ligne:has-text('{YOUSSEF}')", timeout=TIMEOUT)
    _open_cell(page, FATIMA)
    page.fill(".wb-fw-texte textarea", "L'argent envoyé finance le puits et l'école.")
    page.click("button.wb-fw-enregistrer")
    _message(page, "Synthèse enregistrée")
    page.wait_for_selector(".wb-fw-liste:has-text('brouillon (claire)')", timeout=TIMEOUT)
    _open_cell(page, YOUSSEF)
    page.fill(".wb-fw-texte textarea", "Le père a financé le puits du village.")
    page.wait_for_selector(".wb-fw-etat:has-text('non enregistrée')", timeout=TIMEOUT)
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body
    shot = save_screenshot(page, "framework_panel")
    shutil.copy(shot, SCREENSHOT)
    assert shot.stat().st_size > 10_000
