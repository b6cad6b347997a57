"""« Trouver des passages semblables » and the learned models' suggestions in a real
browser: Voila serves the coding panel on a generated study (four interviews coded by
hand, a model trained on them has made suggestions); headless chromium selects a
sentence with the mouse, finds the passages like it, ticks a code and two passages,
codes them, and accepts a model's suggestion; the store is then read back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.assist.study import Study, build_study, code_topics
from tests.browser import save_screenshot, voila_server
from tests.ui.test_coding_widget import TIMEOUT, _drag_over, _notebook, _open, _status
from workbench import Project

pytestmark = pytest.mark.browser

DOC = "R05_resp5"
CODED = {"R01_resp1", "R02_resp2", "R03_resp3", "R04_resp4"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Study]]:
    """Voila serving CodingPanel on R05 of a generated study whose first four interviews
    are coded (water, school) and whose water model has made suggestions."""
    study = build_study(tmp_path / "etude")
    p = study.project
    code_topics(study, CODED, {"eau": "eau", "ecole": "ecole"})
    p.assist.train()
    p.assist.suggest(codes=["eau"])
    notebook = _notebook(tmp_path / "app", p.location, False, coder="ana", document=DOC)
    with voila_server(notebook) as url:
        yield url, study
    shutil.rmtree(notebook.parent, ignore_errors=True)
    p.close()


def _picture(page: Any, name: str) -> Path:
    """save_screenshot, after growing the viewport to the page: the document view's
    height follows the viewport's, so the page is measured again until it fits."""
    for _ in range(4):
        height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('body *'))"
                               ".map(e => e.scrollHeight))")
        page.set_viewport_size({"width": 1280, "height": min(int(height) + 40, 16000)})
        page.wait_for_timeout(200)
    shot = save_screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})
    return shot


def _accepted(location: Any) -> set[tuple[str, str, int, int, str]]:
    with Project.open(location) as again:
        rows = again.extracts(status="accepted")
    return set(zip(rows["document"], rows["code"], rows["start"].astype(int),
                   rows["end"].astype(int), rows["coder"], strict=True))


def test_find_similar_passages_tick_and_code_them(served: tuple[str, Study],
                                                  browser_page: Any) -> None:
    url, study = served
    p = study.project
    page = browser_page
    _open(page, url)
    _doc, a, b = next(s for s in study.spans("eau", {DOC})
                      if p.text(DOC)[s[1]:s[2]].count(" ") >= 4)
    sentence = p.text(DOC)[a:b]
    _drag_over(page, sentence)
    page.wait_for_selector(f".wb-selection:has-text('caractères {a}–{b}')", timeout=TIMEOUT)
    page.click(".wb-similar button, button.wb-similar")
    _status(page, "passages semblables à")
    page.wait_for_selector(".wb-similar-results .wb-similar-item", timeout=TIMEOUT)

    # the page lists what p.assist.similar finds, best first, never the example itself
    expected = p.assist.similar(document=DOC, start=a, end=b, top=10)
    lines = page.locator(".wb-similar-results .wb-similar-item")
    assert lines.count() == len(expected) == 10
    references = [lines.nth(i).get_attribute("data-reference") for i in range(10)]
    assert references == expected["reference"].tolist()
    spans = [(lines.nth(i).get_attribute("data-document"),
              int(lines.nth(i).get_attribute("data-start") or -1)) for i in range(10)]
    assert (DOC, a) not in spans
    first = lines.nth(0).inner_text()
    assert expected["reference"][0] in first
    assert f"{expected['score'][0]:.2f}".replace(".", ",") in first
    assert expected["text"][0] in first

    # tick a code in the tree and two passages (one of another interview), then code them
    page.click('.wb-code[data-key="ecole"] input')
    page.wait_for_selector(".wb-tree-chosen:has-text('École')", timeout=TIMEOUT)
    other = next(i for i in range(1, len(spans)) if spans[i][0] != DOC)
    chosen = [0, other]
    for i in chosen:
        lines.nth(i).locator("input").check()
    page.wait_for_selector(f".wb-similar-head:has-text('{len(chosen)} passages choisis')",
                           timeout=TIMEOUT)
    shot = _picture(page, "similar_panel")
    assert shot.stat().st_size > 10_000
    before = _accepted(p.location)
    page.click(".wb-code-similar button, button.wb-code-similar")
    _status(page, f"{len(chosen)} passages codés → École ({len(chosen)} codages enregistrés).")
    new = _accepted(p.location) - before
    assert new == {(expected["document"][i], "ecole", int(expected["start"][i]),
                    int(expected["end"][i]), "ana") for i in chosen}
    # the list shows the code now on those passages, and the ticks are gone
    page.wait_for_function(
        "(n) => document.querySelectorAll('.wb-similar-item .wb-similar-code"
        "[data-key=\"ecole\"]').length >= n", arg=len(chosen), timeout=TIMEOUT)
    assert page.locator(".wb-similar-item input:checked").count() == 0

    # a click on a reference shows that passage in its document
    lines.nth(other).locator(".wb-similar-ref").click()
    _status(page, f"Passage {references[other]} affiché")
    page.wait_for_function(
        "([d, s]) => [...document.querySelectorAll('.wb-piece.wb-flash')].some("
        "p => Number(p.dataset.start) <= s && Number(p.dataset.end) > s)",
        arg=[spans[other][0], spans[other][1]], timeout=TIMEOUT)
    assert page.eval_on_selector(".wb-document-chooser select",
                                 "s => s.options[s.selectedIndex].textContent") == spans[other][0]


def test_a_model_suggestion_is_listed_with_its_score_and_accepted(
        served: tuple[str, Study], browser_page: Any) -> None:
    url, study = served
    p = study.project
    page = browser_page
    pending = p.review.suggestions(model="eau", document=DOC)
    assert len(pending) >= 1
    best = pending.iloc[0]
    _open(page, url)
    page.wait_for_selector(".wb-suggestions option", timeout=TIMEOUT)
    assert "Propositions (règles et modèles)" in page.inner_text(".wb-coding-panel")
    select = page.locator(".wb-suggestions select")
    labels = [t.replace("\xa0", " ") for t in select.locator("option").all_inner_texts()]
    score = f"{best['score']:.2f}".replace(".", ",")
    wanted = next(label for label in labels if f"(modèle, {score})" in label
                  and best["text"][:20] in label)
    assert len(labels) == len(pending)
    # the suggestion is drawn dashed in the text, its tooltip says it is the model's
    piece = page.locator(f'.wb-piece.wb-suggested[data-codings~="{int(best["coding_id"])}"]')
    assert f"(proposition : modèle, {score})" in (piece.first.get_attribute("title") or "")

    select.select_option(index=labels.index(wanted))
    page.click("button:has-text('Accepter')")
    _status(page, "1 proposition acceptée.")
    with Project.open(p.location) as again:
        row = again.extracts(status=None).set_index("coding_id").loc[int(best["coding_id"])]
    assert (row["status"], row["origin"], row["reviewed_by"]) == ("accepted", "model:eau",
                                                                 "ana")
    page.wait_for_function("(n) => document.querySelectorAll('.wb-suggestions option').length"
                           " === n", arg=len(labels) - 1, timeout=TIMEOUT)
