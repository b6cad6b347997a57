"""The coding panel in a real browser: Voila serves a notebook showing CodingPanel on a
copy of a real project; headless chromium selects text with the mouse, ticks a code,
saves, reviews suggestions and undoes; the store is then read back."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.browser import save_screenshot, voila_server
from workbench import Project

pytestmark = pytest.mark.browser

DOC = "E03_musique"
# Non-BMP characters (a musical symbol, an emoji) before the passage selected: the
# browser counts each as two UTF-16 units, the store as one code point.
E03 = ("Enquêtrice : Qu'est-ce que le village pour vous et pour Youssef Bennani ?\n"
       "Fatima : 𝄞 Ma musique 😀, c'est le village de ma mère, on y envoie de l'argent "
       "pour le puits.\n"
       "Fatima : الدوار ديالي هو الأصل ديالنا\n")
PHRASE = "le village de ma mère"
TIMEOUT = 60_000


def _notebook(folder: Path, location: Any, pseudonymise: bool, *, coder: str = "claire",
              document: str = DOC) -> Path:
    """A notebook showing CodingPanel on `document` of the project at `location`."""
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(
        "from workbench import Project\n"
        "from workbench.ui.coding_panel import CodingPanel\n"
        f"p = Project.open({json.dumps(str(location))}, coder={coder!r})\n"
        f"CodingPanel(p, {document!r}, pseudonymise={pseudonymise})")]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    folder.mkdir()
    nbformat.write(book, folder / "codage.ipynb")
    return folder / "codage.ipynb"


@pytest.fixture
def served(request: pytest.FixtureRequest, project: Project,
           tmp_path: Path) -> Iterator[tuple[str, Project, dict[str, int]]]:
    """Voila serving a notebook that shows CodingPanel on `project` (pseudonymised when
    the test is parametrised so), with the E03 interview and two rule suggestions."""
    pseudonymise = getattr(request, "param", False)
    source = tmp_path / f"{DOC}.txt"
    source.write_text(E03, encoding="utf-8")
    project.import_file(source)
    if pseudonymise:
        project.privacy.propose()
    text = project.text(DOC)
    puits = text.index("on y envoie de l'argent pour le puits")
    arabic = text.index("الدوار")
    ids = {
        "puits": project.code(DOC, puits, puits + 37, "actions.eau", origin="rule:eau-puits",
                              status="suggested"),
        "douar": project.code(DOC, arabic, arabic + 6, "liens.affectifs",
                              origin="rule:douar", status="suggested"),
    }
    notebook = _notebook(tmp_path / "app", project.location, pseudonymise)
    with voila_server(notebook) as url:
        yield url, project, ids
    shutil.rmtree(notebook.parent, ignore_errors=True)


def _point(page: Any, phrase: str, *, last: bool) -> tuple[float, float]:
    """The point just inside the first (or last) character of `phrase` on the page."""
    box = page.evaluate("""([phrase, last]) => {
        for (const piece of document.querySelectorAll(".wb-piece")) {
            const node = piece.firstChild;
            const at = node ? node.data.indexOf(phrase) : -1;
            if (at < 0) continue;
            const range = document.createRange();
            const i = last ? at + phrase.length - 1 : at;
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const r = range.getClientRects()[0];
            return {x: last ? r.right - 1 : r.left + 1, y: (r.top + r.bottom) / 2};
        }
        return null;
    }""", [phrase, last])
    assert box, f"{phrase!r} is not drawn in one piece"
    return box["x"], box["y"]


def _drag_over(page: Any, first: str, last: str | None = None) -> None:
    """Select with a real mouse drag from the first character of `first` to the last
    character of `last` (default: `first` itself)."""
    page.mouse.move(*_point(page, first, last=False))
    page.mouse.down()
    page.mouse.move(*_point(page, last or first, last=True), steps=12)
    page.mouse.up()


def _open(page: Any, url: str) -> None:
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".wb-turn", timeout=TIMEOUT)
    page.wait_for_selector(".wb-code", timeout=TIMEOUT)


def _status(page: Any, text: str) -> None:
    page.wait_for_function("(t) => document.querySelector('.wb-status')?.innerText.includes(t)",
                           arg=text, timeout=TIMEOUT)


def _statuses(location: Any) -> dict[int, str]:
    with Project.open(location) as again:
        frame = again.extracts(status=None)
    return dict(zip(frame["coding_id"].astype(int), frame["status"], strict=True))


def test_select_with_the_mouse_tick_a_code_and_save(served: tuple[str, Project, dict[str, int]],
                                                    browser_page: Any) -> None:
    url, project, _ids = served
    page = browser_page
    _open(page, url)
    # the Arabic turn is drawn right to left, the French ones left to right
    assert page.get_attribute('.wb-turn[data-idx="2"] .wb-text', "dir") == "rtl"
    assert page.get_attribute('.wb-turn[data-idx="1"] .wb-text', "dir") == "ltr"

    _drag_over(page, PHRASE)
    page.wait_for_selector(f".wb-selection:has-text('{PHRASE}')", timeout=TIMEOUT)
    page.fill(".wb-tree-search", "affectif")
    page.wait_for_function("() => document.querySelectorAll('.wb-code').length === 2",
                           timeout=TIMEOUT)  # the match and its parent, for context
    page.click('.wb-code[data-key="liens.affectifs"] input')
    page.wait_for_selector(".wb-tree-chosen:has-text('Affectifs')", timeout=TIMEOUT)
    page.fill(".wb-memo textarea", "la mère, le village : attachement")
    page.click(".wb-save button, button.wb-save")
    _status(page, "Codage enregistré")

    text = project.text(DOC)
    turn = project.turns(DOC).iloc[1]
    start = int(turn["start"]) + str(turn["text"]).index(PHRASE)
    assert start == text.index(PHRASE)
    with Project.open(project.location) as again:
        rows = again.extracts("liens.affectifs", status="accepted").query("document == @DOC")
    assert rows[["start", "end", "text", "memo", "coder"]].values.tolist() == [
        [start, start + len(PHRASE), PHRASE, "la mère, le village : attachement", "claire"]]

    # reloading the page reads the store again: the coding is drawn in its colour
    _open(page, url)
    coded = page.locator('.wb-piece[data-codes~="liens.affectifs"]:not(.wb-suggested)')
    assert coded.all_inner_texts() == [PHRASE]
    assert "27, 158, 119" in coded.first.evaluate("e => getComputedStyle(e).boxShadow")
    _drag_over(page, "Ma musique")  # a pending selection, for the picture
    page.wait_for_selector(".wb-selection:has-text('Ma musique')", timeout=TIMEOUT)
    shot = save_screenshot(page, "coding_widget")
    assert shot.stat().st_size > 10_000


def test_accept_reject_and_undo_in_the_page(served: tuple[str, Project, dict[str, int]],
                                            browser_page: Any) -> None:
    url, project, ids = served
    page = browser_page
    _open(page, url)
    select = page.locator(".wb-suggestions select")
    labels = select.locator("option").all_inner_texts()  # spaces drawn as no-break spaces
    assert len(labels) == 2 and "(règle eau-puits)" in labels[0].replace("\xa0", " ")

    select.select_option(label=labels[0])
    page.click("button:has-text('Accepter')")
    _status(page, "1 proposition acceptée.")
    assert _statuses(project.location)[ids["puits"]] == "accepted"

    page.wait_for_function("() => document.querySelectorAll('.wb-suggestions option').length"
                           " === 1", timeout=TIMEOUT)
    select.select_option(label=select.locator("option").all_inner_texts()[0])
    page.click("button:has-text('Rejeter')")
    _status(page, "1 proposition rejetée.")
    assert _statuses(project.location)[ids["douar"]] == "rejected"

    page.click("button:has-text('Annuler la dernière modification')")
    _status(page, "Dernière modification annulée")
    assert _statuses(project.location) == {ids["puits"]: "accepted", ids["douar"]: "suggested"}
    page.wait_for_function("() => document.querySelectorAll('.wb-suggestions option').length"
                           " === 1", timeout=TIMEOUT)


@pytest.mark.parametrize("served", [True], indirect=True, ids=["pseudonymised"])
def test_a_pseudonymised_page_codes_the_real_text(served: tuple[str, Project, dict[str, int]],
                                                  browser_page: Any) -> None:
    url, project, _ids = served
    page = browser_page
    _open(page, url)
    assert project.leaks(page.inner_text(".wb-coding-panel")) == []
    pseudonym = page.inner_text(".wb-name")
    assert pseudonym.startswith("Enquêté")
    # from inside the pseudonym to the question mark: the whole real name is coded
    _drag_over(page, pseudonym[3:], "?")
    page.wait_for_selector(f".wb-selection:has-text('{pseudonym} ?')", timeout=TIMEOUT)
    page.click('.wb-code[data-key="liens"] input')
    page.click("button:has-text('Enregistrer')")
    _status(page, "Codage enregistré")
    assert project.leaks(page.inner_text(".wb-coding-panel")) == []
    text = project.text(DOC)
    start = text.index("Youssef Bennani ?")
    with Project.open(project.location) as again:
        rows = again.extracts("liens", status="accepted").query("document == @DOC")
    assert rows[["start", "end", "text"]].values.tolist() == [
        [start, start + len("Youssef Bennani ?"), "Youssef Bennani ?"]]
