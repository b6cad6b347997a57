"""The COPIL apps' view: the same numbers as the project's analysis API, no real name in
anything it holds, and clear refusals. (The apps themselves: test_copil_apps.py.)"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench import Project, WorkbenchError
from workbench.analysis import groups, matrix
from workbench.analysis.codes import code_frequencies
from workbench.coding.extracts import apply_where
from workbench.notebook import load_view
from workbench.serve import main as serve_main
from workbench.ui.app import build_app
from workbench.ui.dashboard import CopilDashboard
from workbench.views import CopilView

FILTERS = [
    {},
    {"genre": "F"},
    {"theme": "actions"},
    {"theme": "femmes", "generation": "née ou né en France"},
    {"genre": "H", "region_residence": "PACA", "type_organisation": "OSIM"},
    {"theme": "liens.affectifs", "province_origine": "Tiznit"},
]


@pytest.fixture(scope="module")
def view(demo: Project) -> CopilView:
    return CopilView.from_project(demo, words=True)


def api(demo: Project, theme: str | None, where: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accepted extracts and the respondents for a filter, through the project."""
    extracts = demo.extracts(theme, where=where or None, status="accepted", pseudonymise=True)
    respondents = demo.analysis.respondents()
    respondents = apply_where(respondents, where) if where else respondents
    return extracts, demo.pseudonymise(respondents)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f.values()) or "tout")
def test_selection_is_what_the_api_gives(demo: Project, view: CopilView, filters: dict) -> None:
    where = {k: v for k, v in filters.items() if k != "theme"}
    theme = filters.get("theme")
    selection = view.selection(**filters)
    extracts, respondents = api(demo, theme, where)
    assert list(selection.extracts["coding_id"]) == list(extracts["coding_id"])
    assert list(selection.extracts["text"]) == list(extracts["text"])
    assert selection.counts() == {"documents": extracts["document"].nunique(),
                                  "personnes": extracts["case"].dropna().nunique(),
                                  "extraits": len(extracts), "codes": extracts["code"].nunique()}
    assert len(selection.respondents) == len(respondents)
    codes = demo.codes()
    rows = selection.theme_rows()
    expected = code_frequencies(extracts, codes, n_cases=len(respondents))
    expected = expected[expected["code"].isin(rows)]
    pd.testing.assert_frame_equal(selection.frequencies()[["code", "codings", "cases",
                                                            "pct_cases"]].reset_index(drop=True),
                                  expected[["code", "codings", "cases", "pct_cases"]]
                                  .reset_index(drop=True))
    pd.testing.assert_frame_equal(
        selection.prevalence("genre"),
        groups.prevalence(extracts, codes, respondents, "genre", rows=rows), check_like=True)
    pd.testing.assert_frame_equal(
        selection.matrix("generation"),
        matrix.matrix_coding(extracts, codes, "generation", rows=rows))


def test_whole_view_matches_project_analysis(demo: Project, view: CopilView) -> None:
    """Without filters, the charts' tables are project.analysis's."""
    selection = view.selection()
    themes = selection.theme_rows()
    pd.testing.assert_frame_equal(selection.matrix("generation"),
                                  demo.analysis.matrix("generation", rows=themes))
    table = demo.analysis.code_frequencies()
    assert list(selection.frequencies()["cases"]) == \
        list(table.loc[table["code"].isin(themes), "cases"])


def test_the_view_holds_no_real_name(demo: Project, view: CopilView) -> None:
    frames = [view.extracts, view.respondents, view.organisations, view.codes, view.words]
    cells = [str(v) for frame in frames for column in frame.columns
             for v in frame[column].dropna().unique()]
    cells += [str(c) for frame in frames for c in frame.columns]
    text = "\n".join(cells)
    real = demo.privacy.table()["real"]
    found = [n for n in real if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    assert not found, f"{len(found)} real name(s) in the view"
    assert not demo.leaks(text)
    for column in ("memo", "coder", "enqueteur", "organisation", "source"):
        assert column not in view.extracts.columns


def test_word_search_and_kwic_are_pseudonymised(demo: Project, view: CopilView) -> None:
    found = view.with_word(view.selection(), "association")
    lines = view.kwic(found, "association")
    assert len(found) > 0 and len(lines) >= len(found)
    assert set(lines["keyword"].str.lower()) <= {"association", "associations"}
    assert set(lines["reference"]) == set(found["reference"])
    assert not demo.leaks(lines)
    assert view.with_word(view.selection(), "zzzinconnu").empty


def test_places_follow_filters(demo: Project, view: CopilView) -> None:
    places = view.places(pays_residence="Maroc")
    orgs = demo.cases()
    expected = orgs[(orgs["case_kind"] == "organisation") & (orgs["pays_residence"] == "Maroc")]
    assert places.counts()["organisations"] == len(expected) > 0
    assert places.links(exclude_countries=("Maroc",)).empty  # the home country's own bodies
    assert len(places.links()) > 0
    assert set(places.by_place()["region_residence"]) == set(expected["region_residence"])
    assert view.territory() == {"residence_country": "pays_residence",
                                "residence": "region_residence", "origin": "province_origine",
                                "fields": "domaines", "organisation_type": "type_organisation"}
    in_water = view.places(domaines="eau").organisations  # one of several values
    assert len(in_water) > 0 and all("eau" in str(v).split("; ") for v in in_water["domaines"])


def test_unknown_theme_or_filter_is_refused(view: CopilView) -> None:
    with pytest.raises(WorkbenchError, match="thème inconnu"):
        view.selection(theme="pas_un_code")
    with pytest.raises(WorkbenchError, match="filtre inconnu"):
        view.selection(couleur="bleu")


def test_a_project_without_pseudonyms_is_refused_with_a_french_message(
        project: Project) -> None:
    with pytest.raises(WorkbenchError, match=r"propose_pseudonyms|privacy\.propose") as error:
        CopilView.from_project(project)
    assert "Fatima" not in str(error.value) and "Youssef" not in str(error.value)
    shown = build_app(lambda: CopilDashboard(CopilView.from_project(project)).widget)
    assert "wb-erreur" in shown.value and "ne peut pas s'ouvrir" in shown.value
    project.privacy.propose()  # once pseudonyms exist, the app opens
    dashboard = CopilDashboard(CopilView.from_project(project))
    assert "Fatima" not in dashboard.extracts.table.value


def test_a_missing_project_is_refused(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    absent = tmp_path / "absent"
    with pytest.raises(WorkbenchError):
        load_view(absent)
    assert serve_main(["--project", str(absent)]) == 2
    assert "projet introuvable" in capsys.readouterr().err
    assert not absent.exists()


def test_a_first_name_shared_by_two_people_must_get_a_pseudonym(
        tmp_path, codebook_file) -> None:  # type: ignore[no-untyped-def]
    """"Fatima" speaks in two interviews for two different people: the view refuses while
    the label has no pseudonym; the proposed table hides it as "[prénom]"."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, place in (("E01_a", "Tiznit"), ("E02_b", "Agadir")):
        (corpus / f"{name}.txt").write_text(
            f"Enquêtrice : Bonjour, pouvez-vous vous présenter ?\n"
            f"Fatima : Je suis née à {place}, Fatima c'est moi.\n"
            "Enquêtrice : Et le village ?\nFatima : J'y retourne chaque été.\n",
            encoding="utf-8")
    (corpus / "attributes.csv").write_text(
        "cas;type;document;locuteur;genre\nFatima Alaoui;personne;E01_a;Fatima;F\n"
        "Fatima Berrada;personne;E02_b;Fatima;F\n", encoding="utf-8")
    project = Project.create(tmp_path / "projet", coder="claire")
    project.load_codebook(codebook_file)
    project.import_corpus(corpus, attributes=corpus / "attributes.csv", progress=False)
    for document in ("E01_a", "E02_b"):
        project.code_quote(document, "Fatima c'est moi", "liens.affectifs")
    project.privacy.set_pseudonym("Fatima Alaoui", "Enquêtée F1")
    project.privacy.set_pseudonym("Fatima Berrada", "Enquêtée F2")
    with pytest.raises(WorkbenchError, match="locuteur sans pseudonyme") as error:
        CopilView.from_project(project)
    assert "Fatima" not in str(error.value)
    project.privacy.propose()
    view = CopilView.from_project(project)
    shown = " ".join([*view.respondents["case"], *view.extracts["case"],
                      *view.extracts["text"]])
    assert len(view.extracts) == 2
    assert "Fatima" not in shown and "Alaoui" not in shown and "Berrada" not in shown
    assert set(view.extracts["text"]) == {"[prénom] c'est moi"}
    project.close()
