"""The COPIL apps in a real browser (Voila + Debian chromium): they render, a filter gives
exactly what the project's API gives for it, and no real name reaches the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from tests.browser import (
    ROOT,
    save_screenshot,
    voila_server,
)
from workbench import Project
from workbench.analysis import cartography
from workbench.coding.extracts import apply_where

pytestmark = pytest.mark.browser

APPS = ROOT / "notebooks" / "apps"
PAGE_SIZE = 25
ERROR_WORDS = ("Traceback", "There was an error", "Error", "Exception")


# -- servers, one per app, on the session's demo project --------------------------------
def _server(demo: Project, app: str) -> Iterator[str]:
    with voila_server(APPS / f"{app}.ipynb", env={"WORKBENCH_PROJECT": str(demo.location)},
                      preheat=True) as url:
        yield url


@pytest.fixture(scope="module")
def dashboard_url(demo: Project) -> Iterator[str]:
    yield from _server(demo, "tableau_de_bord_copil")


@pytest.fixture(scope="module")
def explorer_url(demo: Project) -> Iterator[str]:
    yield from _server(demo, "explorateur_extraits")


@pytest.fixture(scope="module")
def cartography_url(demo: Project) -> Iterator[str]:
    yield from _server(demo, "cartographie")


# -- reading the page ----------------------------------------------------------------------
def open_app(page: Any, url: str, title: str) -> None:
    page.goto(url, timeout=180_000)
    page.wait_for_selector(".wb-count-value", timeout=180_000)
    wait_for(page, "graphiques", 0)
    assert page.get_by_role("heading", name=title).is_visible()
    body = page.inner_text("body")
    for word in ERROR_WORDS:
        assert word not in body
    assert page.locator(".wb-erreur").count() == 0
    source = page.content()
    assert "from workbench" not in source and "PROJET" not in source  # sources stripped


def progress(page: Any, step: str = "comptes") -> int:
    return int(page.eval_on_selector(".wb-etat-valeur", f"e => Number(e.dataset.{step})"))


def wait_for(page: Any, step: str, before: int) -> None:
    """Wait until the app says an update after `before` is done (counts, or charts)."""
    page.wait_for_function(
        f"n => Number(document.querySelector('.wb-etat-valeur')?.dataset.{step}) > n",
        arg=before, timeout=60_000)


def choose(page: Any, css: str, value: str) -> None:
    """Pick an option of a filter through the real dropdown, and wait for the update."""
    before = progress(page, "graphiques")
    page.select_option(f".{css} select", value=value)
    wait_for(page, "graphiques", before)


def shown_counts(page: Any, keys: list[str]) -> dict[str, int]:
    return {key: int(page.get_attribute(f".wb-count-{key} .wb-count-value", "data-value"))
            for key in keys}


def table_rows(page: Any, css: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"table.{css} tbody tr", "rows => rows.map(r => Array.from(r.cells)"
                                 ".map(c => c.textContent))")


def assert_no_real_name(project: Project, text: str) -> None:
    """No name of the pseudonym table, as written, nor any variant the pseudonymiser knows
    (the names themselves are never printed)."""
    real = project.pseudonyms()["real"]
    found = [n for n in real if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    assert not found, f"{len(found)} real name(s) visible in the page"
    assert not project.leaks(text), "a variant of a real name is visible in the page"


# -- what the API gives, computed independently of the app's view --------------------------
def api_extracts(project: Project, theme: str | None = None, **where: str) -> pd.DataFrame:
    return project.extracts(theme, where=where or None, status="accepted", pseudonymise=True)


def api_counts(extracts: pd.DataFrame) -> dict[str, int]:
    return {"extraits": len(extracts), "documents": extracts["document"].nunique(),
            "personnes": extracts["case"].dropna().nunique(),
            "codes": extracts["code"].nunique()}


def api_rows(extracts: pd.DataFrame) -> list[list[str]]:
    page = extracts.head(PAGE_SIZE)
    return [[r, "" if pd.isna(c) else c, p, t] for r, c, p, t in
            zip(page["reference"], page["case"], page["code_path"], page["text"], strict=True)]


# -- the dashboard -------------------------------------------------------------------------
def test_dashboard_filters_give_what_the_api_gives(demo: Project, dashboard_url: str,
                                                   browser_page: Any) -> None:
    page = browser_page
    open_app(page, dashboard_url, "Tableau de bord du COPIL")
    keys = ["extraits", "documents", "personnes", "codes"]
    everything = api_extracts(demo)
    assert shown_counts(page, keys) == api_counts(everything)
    assert table_rows(page, "wb-extraits") == api_rows(everything)
    assert_no_real_name(demo, page.inner_text("body"))
    chart = page.inner_html(".wb-graphique-themes")

    choose(page, "wb-filtre-genre", "F")
    women = api_extracts(demo, genre="F")
    assert 0 < len(women) < len(everything)
    assert shown_counts(page, keys) == api_counts(women)
    assert table_rows(page, "wb-extraits") == api_rows(women)
    assert page.inner_html(".wb-graphique-themes") != chart
    assert_no_real_name(demo, page.inner_text("body"))

    choose(page, "wb-filtre-theme", "Domaines d'action")
    choose(page, "wb-filtre-generation", "née ou né en France")
    narrow = api_extracts(demo, "actions", genre="F", generation="née ou né en France")
    assert 0 < len(narrow) < len(women)
    assert shown_counts(page, keys) == api_counts(narrow)
    assert table_rows(page, "wb-extraits") == api_rows(narrow)
    for css, part in (("wb-graphique-themes", ".wb-barre"), ("wb-graphique-genre", ".wb-barre"),
                      ("wb-graphique-matrice", "td.wb-hc-cellule")):
        width = page.eval_on_selector(f".{css}", "e => e.getBoundingClientRect().width")
        assert width > 200 and page.locator(f".{css} {part}").count() > 0, \
            f"{css}: no chart drawn"
    assert_no_real_name(demo, page.inner_text("body"))
    path = save_screenshot(page, "tableau_de_bord_copil")
    assert path.stat().st_size > 50_000


def test_dashboard_pages_through_the_extracts(demo: Project, dashboard_url: str,
                                              browser_page: Any) -> None:
    page = browser_page
    open_app(page, dashboard_url, "Tableau de bord du COPIL")
    page.click(".wb-suivants")
    page.wait_for_function("() => document.querySelector('.wb-pagination')"
                           "?.textContent.includes('Extraits 26 à')")
    second = api_extracts(demo).iloc[PAGE_SIZE:2 * PAGE_SIZE]
    assert [row[0] for row in table_rows(page, "wb-extraits")] == list(second["reference"])


# -- the explorer --------------------------------------------------------------------------
def word_hits(project: Project, extracts: pd.DataFrame, word: str) -> pd.DataFrame:
    """The tokens of lemma `word`, or of the lemma of a token written `word` (spaCy reads
    "puits" as "puit" or "puits"), inside each of `extracts`: one row per (extract, token),
    from the project's tokens."""
    tokens = project.tokens(progress=False)
    lemmas = {word, *tokens.loc[tokens["lower"] == word, "lemma"]}
    hits = tokens[tokens["lemma"].isin(lemmas)]
    raw = project.extracts(status="accepted").set_index("coding_id")
    rows = []
    for cid in extracts["coding_id"]:
        inside = hits[(hits["document"] == raw.at[cid, "document"])
                      & (hits["start"] >= raw.at[cid, "start"])
                      & (hits["end"] <= raw.at[cid, "end"])]
        rows += [(cid, form) for form in inside["lower"]]
    return pd.DataFrame(rows, columns=["coding_id", "form"])


def check_word_search(page: Any, project: Project, extracts: pd.DataFrame,
                      word: str) -> pd.DataFrame:
    """The page shows exactly the extracts holding `word` and one KWIC line per token."""
    hits = word_hits(project, extracts, word)
    found = extracts[extracts["coding_id"].isin(set(hits["coding_id"]))]
    counts = api_counts(found)
    keys = ["extraits", "documents", "personnes"]
    assert shown_counts(page, keys) == {k: counts[k] for k in keys}
    assert table_rows(page, "wb-extraits") == api_rows(found)
    lines = table_rows(page, "wb-kwic")
    assert len(lines) == shown_counts(page, ["occurrences"])["occurrences"] == len(hits)
    assert {line[3].lower() for line in lines} == set(hits["form"])
    assert {line[0] for line in lines} == set(found["reference"])
    assert_no_real_name(project, page.inner_text("body"))
    return found


def test_explorer_word_and_filters_give_what_the_api_gives(demo: Project, explorer_url: str,
                                                           browser_page: Any) -> None:
    page = browser_page
    open_app(page, explorer_url, "Explorateur d'extraits")
    before = progress(page)
    page.fill(".wb-mot input", "eau")
    page.press(".wb-mot input", "Enter")
    wait_for(page, "comptes", before)
    everyone = check_word_search(page, demo, api_extracts(demo), "eau")
    choose(page, "wb-filtre-genre", "H")
    men = check_word_search(page, demo, api_extracts(demo, genre="H"), "eau")
    assert 0 < len(men) < len(everyone)
    save_screenshot(page, "explorateur_extraits")


# -- the cartography -----------------------------------------------------------------------
def api_places(project: Project, where: dict[str, Any]) -> set[tuple]:
    """(country, region, number, {pseudonyms}) per place, from the project's cases."""
    pseudonym = dict(zip(project.pseudonyms()["real"], project.pseudonyms()["pseudonym"],
                         strict=True))
    orgs = cartography.organisations(project.cases())
    orgs = apply_where(orgs, where) if where else orgs
    table = cartography.organisations_by_place(orgs.reset_index(drop=True))
    return {(c, r, n, frozenset(pseudonym[name] for name in names.split(", ")))
            for c, r, n, names in zip(table["pays_residence"], table["region_residence"],
                                      table["organisations"], table["names"], strict=True)}


def shown_places(page: Any) -> set[tuple]:
    return {(c, r, int(n), frozenset(names.split(", ")))
            for c, r, n, names, _fields in table_rows(page, "wb-lieux")}


def test_cartography_filters_give_what_the_api_gives(demo: Project, cartography_url: str,
                                                     browser_page: Any) -> None:
    page = browser_page
    open_app(page, cartography_url, "Cartographie des organisations")
    assert shown_places(page) == api_places(demo, {})
    assert_no_real_name(demo, page.inner_text("body"))

    choose(page, "wb-filtre-pays_residence", "France")
    expected = api_places(demo, {"pays_residence": "France"})
    assert shown_places(page) == expected
    assert shown_counts(page, ["organisations"])["organisations"] == sum(n for *_, n, _ in
                                                                         expected)
    choose(page, "wb-filtre-domaines", "eau")
    in_water = {"pays_residence": "France",
                "domaines": lambda v: "eau" in [p.strip() for p in str(v).split(";")]}
    expected = api_places(demo, in_water)
    assert len(expected) > 0 and shown_places(page) == expected
    assert_no_real_name(demo, page.inner_text("body"))
    save_screenshot(page, "cartographie")


# -- serving -------------------------------------------------------------------------------
def test_tree_mode_lists_the_three_apps_and_serves_them(demo: Project,
                                                         browser_page: Any) -> None:
    page = browser_page
    with voila_server(APPS, env={"WORKBENCH_PROJECT": str(demo.location)}) as url:
        page.goto(url)
        for app in ("tableau_de_bord_copil", "explorateur_extraits", "cartographie"):
            page.get_by_text(f"{app}.ipynb").first.wait_for()
        save_screenshot(page, "liste_des_applications")
        open_app(page, url + "voila/render/cartographie.ipynb", "Cartographie des organisations")
