"""The COPIL apps in a real browser (Voila + Debian chromium), on three studies (the demo,
the real CFPP2000/ESLO1 project, the random-attribute project): they render, offer the
study's own filters with the profile's labels, a filter gives exactly what the project's
API gives for it, no real name and no Python error reach the page.

One Voila server per study (tree mode, the three apps pre-heated), kept for the module.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.browser import ROOT, save_screenshot, voila_server
from tests.ui.studies import (
    ERROR_WORDS,
    api_counts,
    api_extracts,
    expected_filters,
    matcher,
    study_name,
    study_project,  # noqa: F401  (fixture)
    telling_value,
)
from workbench import Project
from workbench.analysis import cartography
from workbench.coding.extracts import apply_where
from workbench.ui.filters import filter_classes
from workbench.views import ENV_VARIABLE, CopilView

pytestmark = pytest.mark.browser

APPS = ROOT / "notebooks" / "apps"
PAGE_SIZE = 25
TITLES = {"tableau_de_bord_copil": "Tableau de bord du COPIL",
          "explorateur_extraits": "Explorateur d'extraits",
          "cartographie": "Cartographie des organisations"}


@dataclass
class Served:
    """One study served by Voila: its project, the view the apps load, the server."""

    name: str
    project: Project
    view: CopilView
    url: str
    log: Path

    def app(self, notebook: str) -> str:
        return f"{self.url}voila/render/{notebook}.ipynb"


@pytest.fixture(scope="module")
def served(study_project: Project,  # noqa: F811
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    name = study_name(study_project)
    log = tmp_path_factory.mktemp(f"voila-{name}") / "voila.log"
    view = CopilView.from_project(study_project, words=True)
    with voila_server(APPS, env={ENV_VARIABLE: str(study_project.location)}, preheat=True,
                      log_path=log) as url:
        yield Served(name, study_project, view, url, log)


# -- reading the page ----------------------------------------------------------------------
def assert_no_error_shown(page: Any) -> None:
    body = page.inner_text("body")
    for word in ERROR_WORDS:
        assert word not in body, f"{word!r} on the page"


def open_app(page: Any, url: str, title: str) -> None:
    page.goto(url, timeout=180_000)
    page.wait_for_selector(".wb-etat-valeur", state="attached", timeout=180_000)
    wait_for(page, "graphiques", 0)
    assert page.get_by_role("heading", name=title).is_visible()
    assert_no_error_shown(page)
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


def shown_filters(page: Any) -> list[tuple[str, list[str]]]:
    """(label, options) of each attribute dropdown, in page order (the theme's left out)."""
    return page.eval_on_selector_all(
        ".wb-filtres .wb-filtre:not(.wb-filtre-theme)",
        "boxes => boxes.map(b => [b.querySelector('label').textContent, "
        "Array.from(b.querySelectorAll('option'))"
        ".map(o => o.textContent.replace(/\\u00a0/g, ' '))])")


def assert_no_real_name(project: Project, text: str) -> None:
    """No name of the pseudonym table, as written, nor any variant the pseudonymiser knows
    (the names themselves are never printed)."""
    real = project.privacy.table()["real"]
    found = [n for n in real if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    assert not found, f"{len(found)} real name(s) visible in the page"
    assert not project.leaks(text), "a variant of a real name is visible in the page"


def api_rows(extracts: pd.DataFrame) -> list[list[str]]:
    page = extracts.head(PAGE_SIZE)
    return [[r, "" if pd.isna(c) else c, p, t] for r, c, p, t in
            zip(page["reference"], page["case"], page["code_path"], page["text"], strict=True)]


def top_theme(project: Project, where: dict[str, str]) -> tuple[str, str]:
    """(key, name) of a main theme that narrows the extracts under `where`."""
    codes = project.codes()
    everything = len(api_extracts(project, None, where))
    for key, name in zip(codes.loc[codes["depth"] == 0, "key"],
                         codes.loc[codes["depth"] == 0, "name"], strict=True):
        if 0 < len(api_extracts(project, key, where)) < everything:
            return key, name
    raise AssertionError("no main theme narrows the extracts")


# -- the dashboard -------------------------------------------------------------------------
def test_dashboard_filters_give_what_the_api_gives(served: Served, browser_page: Any) -> None:
    page, p = browser_page, served.project
    open_app(page, served.app("tableau_de_bord_copil"), TITLES["tableau_de_bord_copil"])
    profile = p.profile()
    keys = expected_filters(p)
    css = filter_classes(keys)
    filters = shown_filters(page)
    assert [label for label, _ in filters] == [profile.label(k) for k in keys]
    crossing = page.eval_on_selector_all(
        ".wb-croiser option", "os => os.map(o => o.textContent.replace(/\\u00a0/g, ' '))")
    assert sorted(crossing) == sorted(profile.label(k) for k in keys)

    counts = ["extraits", "documents", "personnes", "codes"]
    everything = api_extracts(p)
    assert shown_counts(page, counts) == api_counts(everything)
    assert table_rows(page, "wb-extraits") == api_rows(everything)
    assert_no_real_name(p, page.inner_text("body"))
    chart = page.inner_html(".wb-graphique-themes")

    first = profile.key("gender") if profile.key("gender") in keys else keys[0]
    value = telling_value(p, first)
    choose(page, css[first], value)
    chosen = api_extracts(p, None, {first: value})
    assert shown_counts(page, counts) == api_counts(chosen)
    assert table_rows(page, "wb-extraits") == api_rows(chosen)
    assert page.inner_html(".wb-graphique-themes") != chart
    assert_no_real_name(p, page.inner_text("body"))

    theme, theme_name = top_theme(p, {first: value})
    choose(page, "wb-filtre-theme", theme_name)
    second = next((k for k in keys if k != first and profile.get(k)
                   and profile.get(k).type == "multi"), next(k for k in keys if k != first))
    other = telling_value(p, second, theme, {first: value})
    choose(page, css[second], other)
    narrow = api_extracts(p, theme, {first: value, second: other})
    assert 0 < len(narrow) < len(chosen)
    assert shown_counts(page, counts) == api_counts(narrow)
    assert table_rows(page, "wb-extraits") == api_rows(narrow)
    charts = [("wb-graphique-themes", ".wb-barre"), ("wb-graphique-matrice", "td.wb-hc-cellule")]
    if profile.key("gender"):
        charts.append(("wb-graphique-femmes-hommes", ".wb-barre"))
        assert "Femmes" in page.inner_text(".wb-graphique-femmes-hommes")
    else:
        assert "ne déclare pas d'attribut de genre" in page.inner_text(
            ".wb-graphique-femmes-hommes")
    for chart_css, part in charts:
        width = page.eval_on_selector(f".{chart_css}", "e => e.getBoundingClientRect().width")
        assert width > 200 and page.locator(f".{chart_css} {part}").count() > 0, \
            f"{chart_css}: no chart drawn"
    assert_no_error_shown(page)
    assert_no_real_name(p, page.inner_text("body"))
    path = save_screenshot(page, f"tableau_de_bord_copil-{served.name}")
    assert path.stat().st_size > 50_000


def test_dashboard_bars_and_cells_open_their_extracts(served: Served,
                                                      browser_page: Any) -> None:
    """A click on a theme bar, a group's bar or a matrix cell lists the extracts behind it
    (the API's, for its theme and group); a button goes back to the whole selection."""
    page, p = browser_page, served.project
    open_app(page, served.app("tableau_de_bord_copil"), TITLES["tableau_de_bord_copil"])
    everything = api_extracts(p)
    charts = ["wb-graphique-themes", "wb-graphique-matrice"]
    if p.profile().key("gender"):
        charts.append("wb-graphique-femmes-hommes")
    caption = ""
    for chart in charts:
        clickable = page.locator(f".{chart} [data-choix]")
        assert clickable.count() > 0, f"{chart}: nothing to click"
        target = clickable.nth(clickable.count() // 2)
        code, by, group = json.loads(target.get_attribute("data-choix"))
        target.click()
        page.wait_for_function(
            "old => { const e = document.querySelector('.wb-derriere');"
            " return e && e.textContent.includes('Extraits derrière') && e.textContent !== old }",
            arg=caption, timeout=60_000)
        caption = page.inner_text(".wb-derriere")
        behind = api_extracts(p, code, {by: group} if by else None)
        assert 0 < len(behind) < len(everything) or chart != "wb-graphique-themes"
        assert f"{len(behind)} extrait" in caption, (chart, caption, len(behind))
        assert table_rows(page, "wb-extraits") == api_rows(behind), chart
        assert_no_real_name(p, page.inner_text("body"))
    save_screenshot(page, f"tableau_de_bord_clic-{served.name}")
    page.click(".wb-toute-la-selection")
    page.wait_for_function("() => document.querySelector('.wb-derriere').textContent === ''")
    assert table_rows(page, "wb-extraits") == api_rows(everything)


def test_dashboard_pages_through_the_extracts(served: Served, browser_page: Any) -> None:
    page = browser_page
    everything = api_extracts(served.project)
    assert len(everything) > PAGE_SIZE
    open_app(page, served.app("tableau_de_bord_copil"), TITLES["tableau_de_bord_copil"])
    page.click(".wb-suivants")
    page.wait_for_function("() => document.querySelector('.wb-pagination')"
                           "?.textContent.includes('Extraits 26 à')")
    second = everything.iloc[PAGE_SIZE:2 * PAGE_SIZE]
    assert [row[0] for row in table_rows(page, "wb-extraits")] == list(second["reference"])


# -- the explorer --------------------------------------------------------------------------
def word_hits(project: Project, extracts: pd.DataFrame, word: str) -> pd.DataFrame:
    """The tokens of lemma `word`, or of the lemma of a token written `word` (spaCy reads
    "puits" as "puit" or "puits"), inside each of `extracts`: one row per (extract, token),
    from the project's tokens, with the token's document and start."""
    tokens = project.tokens(progress=False)
    lemmas = {word, *tokens.loc[tokens["lower"] == word, "lemma"]}
    hits = tokens[tokens["lemma"].isin(lemmas)]
    raw = project.extracts(status="accepted").set_index("coding_id")
    rows = []
    for cid in extracts["coding_id"]:
        inside = hits[(hits["document"] == raw.at[cid, "document"])
                      & (hits["start"] >= raw.at[cid, "start"])
                      & (hits["end"] <= raw.at[cid, "end"])]
        rows += [(cid, form, doc, start) for form, doc, start in
                 zip(inside["lower"], inside["document"], inside["start"], strict=True)]
    return pd.DataFrame(rows, columns=["coding_id", "form", "document", "start"])


def check_word_search(page: Any, project: Project, extracts: pd.DataFrame,
                      word: str) -> pd.DataFrame:
    """The page shows exactly the extracts holding `word` and one KWIC line per occurrence
    (a token inside two codings, such as a passage coded with two codes, is one line)."""
    hits = word_hits(project, extracts, word)
    found = extracts[extracts["coding_id"].isin(set(hits["coding_id"]))]
    counts = api_counts(found)
    keys = ["extraits", "documents", "personnes"]
    assert shown_counts(page, keys) == {k: counts[k] for k in keys}
    assert table_rows(page, "wb-extraits") == api_rows(found)
    lines = table_rows(page, "wb-kwic")
    occurrences = hits.drop_duplicates(["document", "start"])
    assert len(lines) == shown_counts(page, ["occurrences"])["occurrences"] == len(occurrences)
    assert {line[3].lower() for line in lines} == set(hits["form"])
    assert {line[0] for line in lines} == set(found["reference"])
    assert_no_real_name(project, page.inner_text("body"))
    return found


def common_word(view: CopilView) -> str:
    """A content word found in several extracts (the demo: "eau")."""
    words = view.words
    spread = Counter(lemma for lemma, _ in set(zip(words["lemma"], words["coding_id"],
                                                   strict=True))
                     if lemma.isalpha() and len(lemma) >= 5)
    return "eau" if "eau" in spread else spread.most_common(1)[0][0]


def test_explorer_word_and_filters_give_what_the_api_gives(served: Served,
                                                           browser_page: Any) -> None:
    page, p = browser_page, served.project
    open_app(page, served.app("explorateur_extraits"), TITLES["explorateur_extraits"])
    keys = expected_filters(p)
    assert [label for label, _ in shown_filters(page)] == [p.profile().label(k) for k in keys]
    word = common_word(served.view)
    before = progress(page)
    page.fill(".wb-mot input", word)
    page.press(".wb-mot input", "Enter")
    wait_for(page, "comptes", before)
    everyone = check_word_search(page, p, api_extracts(p), word)
    key = keys[0]
    for value in [v for _label, options in shown_filters(page)[:1] for v in options[1:]]:
        chosen = api_extracts(p, None, {key: value})
        if 0 < len(word_hits(p, chosen, word)["coding_id"].unique()) < len(everyone):
            break
    else:
        raise AssertionError(f"no value of {key!r} narrows the extracts holding {word!r}")
    choose(page, filter_classes(keys)[key], value)
    narrow = check_word_search(page, p, chosen, word)
    assert 0 < len(narrow) < len(everyone)
    assert_no_error_shown(page)
    save_screenshot(page, f"explorateur_extraits-{served.name}")


# -- the cartography -----------------------------------------------------------------------
def api_places(project: Project, where: dict[str, str]) -> set[tuple]:
    """(place…, number, {pseudonyms}) per place, from the project's cases and profile."""
    profile = project.profile()
    pseudonym = dict(zip(project.privacy.table()["real"], project.privacy.table()["pseudonym"],
                         strict=True))
    orgs = cartography.organisations(project.cases())
    predicates = {k: matcher(project, k, v) for k, v in where.items()}
    orgs = apply_where(orgs, predicates) if predicates else orgs
    levels = [k for k in (profile.key("residence_country"), profile.key("residence")) if k]
    table = cartography.organisations_by_place(orgs.reset_index(drop=True), levels,
                                               fields=profile.key("fields"))
    return {(*[table.at[i, c] for c in levels], int(table.at[i, "organisations"]),
             frozenset(pseudonym[name] for name in table.at[i, "names"].split(", ")))
            for i in table.index}


def shown_places(page: Any, levels: int) -> set[tuple]:
    return {(*row[:levels], int(row[levels]), frozenset(row[levels + 1].split(", ")))
            for row in table_rows(page, "wb-lieux")}


def test_cartography_follows_the_declared_territories(served: Served,
                                                      browser_page: Any) -> None:
    page, p = browser_page, served.project
    open_app(page, served.app("cartographie"), TITLES["cartographie"])
    profile = p.profile()
    orgs = cartography.organisations(p.cases())
    if not len(orgs):  # the real and random studies: the app says what to declare
        text = page.inner_text(".wb-explication")
        assert "aucune organisation" in text and "profil de l'étude" in text
        assert page.locator(".wb-count").count() == 0
        save_screenshot(page, f"cartographie-{served.name}")
        return
    levels = [k for k in (profile.key("residence_country"), profile.key("residence")) if k]
    headers = page.eval_on_selector_all("table.wb-lieux thead th",
                                        "hs => hs.map(h => h.textContent)")
    assert headers[:len(levels)] == [profile.label(k) for k in levels]
    assert shown_places(page, len(levels)) == api_places(p, {})
    assert_no_real_name(p, page.inner_text("body"))

    places = served.view.place_filters()
    css = filter_classes(places)
    country, fields = profile.key("residence_country"), profile.key("fields")
    assert country in places and fields in places
    choose(page, css[country], "France")
    expected = api_places(p, {country: "France"})
    assert shown_places(page, len(levels)) == expected
    assert shown_counts(page, ["organisations"])["organisations"] == \
        sum(row[-2] for row in expected)
    choose(page, css[fields], "eau")
    expected = api_places(p, {country: "France", fields: "eau"})
    assert len(expected) > 0 and shown_places(page, len(levels)) == expected
    assert page.locator(".wb-graphique-liens img").count() == 1
    assert_no_error_shown(page)
    assert_no_real_name(p, page.inner_text("body"))
    save_screenshot(page, f"cartographie-{served.name}")


# -- serving -------------------------------------------------------------------------------
def test_tree_mode_lists_the_three_apps(served: Served, browser_page: Any) -> None:
    page = browser_page
    page.goto(served.url, timeout=180_000)
    for app in TITLES:
        page.get_by_text(f"{app}.ipynb").first.wait_for(timeout=180_000)
    assert_no_error_shown(page)
    if served.name == "demo":
        save_screenshot(page, "liste_des_applications")


# -- failures become French messages, details in the server log -----------------------------
def _notebook(source: Path, target: Path, replace: dict[str, str]) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        text = "".join(cell["source"])
        for old, new in replace.items():
            text = text.replace(old, new)
        cell["source"] = text
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_no_failure_shows_voilas_english_error(project: Project, tmp_path: Path,
                                                browser_page: Any) -> None:
    """An app that fails, a workbench that cannot even be imported, a project without
    pseudonyms: each gives a short French message; the details go to the server log."""
    folder = tmp_path / "apps"
    folder.mkdir()
    dashboard = APPS / "tableau_de_bord_copil.ipynb"
    _notebook(dashboard, folder / "inconnue.ipynb",
              {'run_app("tableau_de_bord"': 'run_app("pas_une_application"'})
    _notebook(dashboard, folder / "sans_atelier.ipynb",
              {"from workbench.ui.app import run_app": "from workbench.ui.absent import run_app"})
    shutil.copy(dashboard, folder / "sans_pseudonymes.ipynb")
    log = tmp_path / "voila.log"
    expected = {"inconnue": "n'a pas pu s'afficher", "sans_atelier": "n'a pas pu s'afficher",
                "sans_pseudonymes": r"propose_pseudonyms|privacy\.propose"}
    with voila_server(folder, env={ENV_VARIABLE: str(project.location)}, log_path=log) as url:
        pages = {name: browser_page if i == 0 else browser_page.context.new_page()
                 for i, name in enumerate(expected)}
        for name, page in pages.items():  # the three kernels run side by side
            page.goto(f"{url}voila/render/{name}.ipynb", wait_until="commit")
        for name, page in pages.items():
            page.wait_for_selector(".wb-erreur" if name == "sans_pseudonymes" else
                                   "text=Prévenez l'équipe de l'étude", timeout=180_000)
            body = page.inner_text("body")
            assert re.search(expected[name], body), name
            assert_no_error_shown(page)
            assert "Fatima" not in body and "Youssef" not in body
        save_screenshot(pages["sans_atelier"], "application_en_echec")
        save_screenshot(pages["sans_pseudonymes"], "application_sans_pseudonymes")
        for page in list(pages.values())[1:]:
            page.close()
    server = html.unescape(log.read_text(encoding="utf-8"))
    assert "KeyError: 'pas_une_application'" in server
    assert "No module named 'workbench.ui.absent'" in server
