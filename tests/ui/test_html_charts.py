"""The dashboard's HTML charts: labels escaped, bars as wide as their values, a French
sentence when there is nothing to show, a readable colour scale, and the same data as the
view's tables."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from workbench import Project
from workbench.analysis.codes import code_labels
from workbench.ui import html_charts
from workbench.views import CopilView

HOSTILE = "<script>alert('x')</script>"


class Elements(HTMLParser):
    """Every element of an HTML string: (tag, attributes, text directly inside)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[list] = []
        self.open: list[list] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = [tag, dict(attrs), ""]
        self.found.append(element)
        self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2] += data

    def of_class(self, css: str) -> list[list]:
        return [e for e in self.found if css in (e[1].get("class") or "").split()]

    def tags(self, tag: str) -> list[list]:
        return [e for e in self.found if e[0] == tag]


def style(element: list, key: str) -> str:
    rules = dict(rule.split(":", 1) for rule in element[1]["style"].split(";") if rule)
    return rules[key]


def width(element: list) -> float:
    return float(style(element, "width").removesuffix("%"))


def frequencies(names: list[str], cases: list[int], n_cases: int = 20) -> pd.DataFrame:
    table = pd.DataFrame({"code": [f"c{i}" for i in range(len(names))], "name": names,
                          "depth": 0, "cases": cases})
    table.attrs["n_cases"] = n_cases
    return table


def prevalence(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["code", "group", "cases_coded", "cases_in_group"])
    table["pct"] = (100 * table["cases_coded"] / table["cases_in_group"]).round(1)
    return table


# -- escaping ------------------------------------------------------------------------------
def test_hostile_labels_are_escaped_in_every_chart() -> None:
    charts = [
        html_charts.themes_bars(frequencies([HOSTILE, "eau"], [3, 1]), title=HOSTILE),
        html_charts.prevalence_bars(prevalence([("c0", HOSTILE, 1, 2), ("c0", "F", 2, 4)]),
                                    labels={"c0": HOSTILE}, groups_label=HOSTILE,
                                    title=HOSTILE),
        html_charts.heatmap_table(pd.DataFrame({HOSTILE: [1, 2]}, index=["c0", HOSTILE]),
                                  labels={"c0": HOSTILE}, title=HOSTILE, caption=HOSTILE),
        html_charts.empty(HOSTILE),
    ]
    for chart in charts:
        assert "<script" not in chart
        assert "&lt;script&gt;" in chart
        assert not Elements(chart).tags("script")


# -- bars ----------------------------------------------------------------------------------
def test_theme_bars_are_as_wide_as_their_values_biggest_first() -> None:
    chart = Elements(html_charts.themes_bars(
        frequencies(["eau", "école", "santé"], [5, 20, 10], n_cases=24), title="Thèmes"))
    labels = [e[2] for e in chart.of_class("wb-hc-etiquette")]
    assert labels == ["école", "santé", "eau"]
    assert [width(e) for e in chart.of_class("wb-barre")] == [100.0, 50.0, 25.0]
    assert [e[2] for e in chart.of_class("wb-hc-valeur")] == ["20", "10", "5"]
    assert "sur 24 personnes" in chart.of_class("wb-hc-axe")[0][2]
    assert chart.of_class("wb-hc-titre")[0][2] == "Thèmes"


def test_theme_bars_chart_one_level_only() -> None:
    table = frequencies(["eau", "puits"], [4, 2])
    table.loc[1, "depth"] = 1
    chart = Elements(html_charts.themes_bars(table, title="Thèmes"))
    assert [e[2] for e in chart.of_class("wb-hc-etiquette")] == ["eau"]


def test_prevalence_bars_show_the_share_and_counts_of_each_group() -> None:
    table = prevalence([("eau", "F", 3, 12), ("eau", "H", 6, 8),
                        ("ecole", "F", 12, 12), ("ecole", "H", 0, 8)])
    chart = Elements(html_charts.prevalence_bars(table, labels={"eau": "Eau potable"},
                                                 groups_label="Genre", title="Genre"))
    assert [e[2] for e in chart.of_class("wb-hc-etiquette")] == ["Eau potable", "ecole"]
    assert [width(e) for e in chart.of_class("wb-barre")] == [25.0, 75.0, 100.0, 0.0]
    assert [e[2] for e in chart.of_class("wb-hc-valeur")] == [
        "25 % (3/12)", "75 % (6/8)", "100 % (12/12)", "0 % (0/8)"]
    keys = [e[2] for e in chart.of_class("wb-hc-cle")]
    assert keys == ["F (n = 12)", "H (n = 8)"]
    bars = chart.of_class("wb-barre")
    assert style(bars[0], "background") == style(bars[2], "background") != \
        style(bars[1], "background")


def test_bars_and_cells_carry_what_they_open_and_nothing_else_is_clickable() -> None:
    """A bar or cell with something behind it says which theme and group it opens; the
    choice reads back whole, whatever the labels hold (quotes, |, a script)."""
    themes = Elements(html_charts.themes_bars(frequencies(["eau", "école"], [4, 0]),
                                              title="Thèmes", clickable=True))
    rows = themes.of_class("wb-hc-ligne")
    assert [e[1].get("data-choix") for e in rows] == ['["c0", "", ""]', None]  # 0: nothing
    assert "onclick" in rows[0][1] and rows[0][1]["role"] == "button"
    odd = f"F|{HOSTILE}\"'"
    table = prevalence([("eau", "F", 3, 12), ("eau", "H", 0, 8)])
    table["group"] = ["Femmes", "Hommes"]
    shown = html_charts.prevalence_bars(table, title="Genre", by="genre",
                                        group_values={"Femmes": odd, "Hommes": "H"})
    assert "<script" not in shown
    bars = Elements(shown).of_class("wb-hc-piste")
    assert html_charts.read_choice("17|" + bars[0][1]["data-choix"]) == ("eau", "genre", odd)
    assert "data-choix" not in bars[1][1]  # 0 of 8: no extract behind it
    cells = Elements(html_charts.heatmap_table(
        pd.DataFrame({"Agadir": [2.0, 0.0], "?": [1.0, 1.0]}, index=["eau", "ecole"]),
        title="t", caption="c", by="province", group_values={"Agadir": "Agadir"}))
    choices = [e[1].get("data-choix") for e in cells.of_class("wb-hc-cellule")]
    assert choices == ['["eau", "province", "Agadir"]', None, None, None]
    plain = html_charts.themes_bars(frequencies(["eau"], [4]), title="Thèmes")
    assert "data-choix" not in plain and "onclick" not in plain
    assert html_charts.read_choice("17|pas du json") is None
    assert html_charts.read_choice("") is None


def test_empty_frames_say_so_in_french() -> None:
    nothing = pd.DataFrame(columns=["code", "name", "depth", "cases"])
    for chart in (html_charts.themes_bars(nothing, title="Thèmes"),
                  html_charts.prevalence_bars(prevalence([]), title="Genre"),
                  html_charts.heatmap_table(pd.DataFrame(), title="Matrice", caption="n")):
        found = Elements(chart).of_class("wb-vide")
        assert len(found) == 1 and found[0][2].startswith("Aucune donnée")
        assert not Elements(chart).of_class("wb-barre")


# -- heatmap -------------------------------------------------------------------------------
def test_colour_scale_runs_from_near_white_to_dark_blue_with_readable_text() -> None:
    assert html_charts.blue(0) == "#f7fbff"
    assert html_charts.blue(1) == "#08306b"
    assert html_charts.blue(-3) == html_charts.blue(0) and html_charts.blue(9) == \
        html_charts.blue(1)
    assert html_charts.text_colour(html_charts.blue(0)) == html_charts.DARK_TEXT
    assert html_charts.text_colour(html_charts.blue(1)) == html_charts.LIGHT_TEXT
    for step in range(21):
        background = html_charts.blue(step / 20)
        assert html_charts.contrast(html_charts.text_colour(background), background) > 4


def test_heatmap_cells_hold_the_counts_and_darken_with_them() -> None:
    table = pd.DataFrame({"France": [0, 4, 8], "Maroc": [2, 8, 1]},
                         index=pd.Index(["eau", "ecole", "sante"], name="code"))
    chart = Elements(html_charts.heatmap_table(table, labels={"eau": "Eau potable"},
                                               title="Matrice", caption="Personnes"))
    headers = [e[2] for e in chart.tags("th")]
    assert headers == ["Thème", "France", "Maroc", "Eau potable", "ecole", "sante"]
    cells = chart.of_class("wb-hc-cellule")
    assert [float(c[1]["data-value"]) for c in cells] == [0, 2, 4, 8, 8, 1]
    assert [c[2] for c in cells] == ["", "2", "4", "8", "8", "1"]  # zero stays blank
    darkest = [c for c in cells if c[1]["data-value"] == "8"]
    assert {style(c, "background") for c in darkest} == {"#08306b"}
    assert {style(c, "color") for c in darkest} == {html_charts.LIGHT_TEXT}
    assert style(cells[0], "background") == "#f7fbff"
    assert style(cells[0], "color") == html_charts.DARK_TEXT
    shades = [html_charts._luminance(style(c, "background")) for c in cells]
    order = sorted(range(len(cells)), key=lambda i: float(cells[i][1]["data-value"]))
    assert [shades[i] for i in order] == sorted(shades, reverse=True)


# -- the view's own tables -----------------------------------------------------------------
@pytest.fixture(scope="module")
def view(demo: Project) -> CopilView:
    return CopilView.from_project(demo)


def test_charts_of_a_selection_show_the_views_tables(view: CopilView) -> None:
    selection = view.selection(genre="F")
    names = code_labels(view.codes)
    frequencies = selection.frequencies()
    chart = Elements(html_charts.themes_bars(frequencies, title="Thèmes"))
    shown = {e[2]: int(v[2]) for e, v in zip(chart.of_class("wb-hc-etiquette"),
                                               chart.of_class("wb-hc-valeur"), strict=True)}
    assert shown == dict(zip(frequencies["name"], frequencies["cases"], strict=True))

    table = selection.prevalence("genre")
    chart = Elements(html_charts.prevalence_bars(table, labels=names, title="Genre"))
    assert [e[2] for e in chart.of_class("wb-hc-etiquette")] == \
        [names[c] for c in dict.fromkeys(table["code"])]
    assert [width(e) for e in chart.of_class("wb-barre")] == pytest.approx(list(table["pct"]))

    table = selection.matrix("generation")
    chart = Elements(html_charts.heatmap_table(table, labels=names, title="M", caption="n"))
    values = [float(c[1]["data-value"]) for c in chart.of_class("wb-hc-cellule")]
    assert values == [float(v) for v in table.to_numpy().ravel()]
