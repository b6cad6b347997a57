"""Exports of a study whose attributes are not the demo's (sexe, age, ville, diplome…, no
generation): « Personnes rencontrées », reference lines, the Excel annex's columns and
the fiches come from its study profile, with its labels, and no real name leaks."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from tests.export.libreoffice import pdf_text, to_pdf
from tests.export.other_study import INTERVIEWERS, REAL_NAMES, build_other_study
from workbench import Project
from workbench.errors import TemplateError
from workbench.export.docx_common import display_value, document_text
from workbench.export.fiches import export_fiches_signaletiques, fiche_template
from workbench.export.profile_columns import people_attributes, reference_attributes
from workbench.export.word_annex import export_word_annex, met_in, people_sentence
from workbench.privacy.forms import fold
from workbench.privacy.table import protected_values
from workbench.profile import AttributeSpec, StudyProfile


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = build_other_study(tmp_path_factory.mktemp("autre_etude"))
    yield project
    project.close()


@pytest.fixture(scope="module")
def word(study: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_word_annex(study, tmp_path_factory.mktemp("word") / "annexe.docx")


@pytest.fixture(scope="module")
def excel(study: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return study.export.annex(tmp_path_factory.mktemp("excel") / "annexe.xlsx").path


def found_names(text: str, names: list[str]) -> list[str]:
    """The names of `names` present in `text` as words, whatever their case or accents."""
    folded = fold(text)
    return [n for n in names if re.search(rf"(?<!\w){re.escape(fold(n))}(?!\w)", folded)]


def workbook_text(path: Path) -> str:
    book = load_workbook(path)
    return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def table_rows(path: Path) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in Document(str(path)).tables[-1].rows]


def test_people_met_shows_the_studys_own_attributes(study: Project, word: Path) -> None:
    rows = table_rows(word)
    assert rows[0] == ["Pseudonyme", "Sexe", "Âge", "Ville", "Diplôme", "Profession",
                       "Fonction", "Référent", "Lieu de l'entretien", "Date de l'entretien",
                       "Document"]
    profile = study.profile()
    keys = ["sexe", "age", "ville", "diplome", "profession", "fonction", "referent"]
    assert rows[0][1:8] == [profile.label(k) for k in keys]
    # No demo column, nothing that identifies (organisation, interviewer).
    assert not {"Génération", "Genre", "Structure", "Enquêteur·rice", "Organisation"} & set(
        rows[0])
    table = study.privacy.table().set_index("real")["pseudonym"]
    karim = next(r for r in rows if r[0] == table["Karim Benali"])
    assert karim[1:] == ["homme", "32", "Grenoble", "licence", "infirmier", "entraîneur",
                         table["Martine Dufour"], "Lyon", "12/02/2025", "ENT02"]
    martine = next(r for r in rows if r[0] == table["Martine Dufour"])
    assert martine[6:8] == ["—", "—"]
    assert len(rows) == 5  # the four people; the organisation is not a person
    text = [p.text for p in Document(str(word)).paragraphs]
    assert ("4 personnes (2 femmes, 2 hommes), rencontrées au cours de 4 entretiens "
            "individuels.") in text


def test_reference_lines_use_the_profile(study: Project, word: Path) -> None:
    lines = [p.text for p in Document(str(word)).paragraphs
             if p.style.name == "Référence d'extrait"]
    table = study.privacy.table().set_index("real")["pseudonym"]
    assert f"ENT01-T4 · {table['Martine Dufour']} · femme, 50-64 ans, Lyon" in lines
    assert f"ENT04-T4 · {table['Samir Haddad']} · homme, moins de 25 ans, Grenoble" in lines
    extracts = study.extracts(status="accepted")
    assert reference_attributes(study.profile(), extracts) == ["sexe", "classe_age", "ville"]


def test_excel_annex_headers_are_the_studys_labels(study: Project, excel: Path,
                                                   tmp_path: Path) -> None:
    book = load_workbook(excel)
    sheet = book[book.sheetnames[1]]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["Référence", "Document", "Locuteur·rice", "Sexe", "Classe d'âge",
                          "Ville", "Diplôme", "Profession"]
    assert "Génération" not in header and "Genre" not in header
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["Document"] == "ENT01" and first["Sexe"] == "femme"
    # attributes= still chooses the columns; a where filter is stated with its label.
    report = study.export.annex(tmp_path / "lyon.xlsx", where={"ville": "Lyon"},
                                attributes=["ville", "diplome"], layout="master")
    header = [c.value for c in load_workbook(report.path)["Extraits"][1]]
    assert header[3:5] == ["Ville", "Diplôme"] and "Sexe" not in header
    assert "Sélection : Ville = Lyon" in workbook_text(report.path)


def test_no_real_name_in_the_pseudonymised_files(study: Project, word: Path,
                                                 excel: Path) -> None:
    word_text = document_text(Document(str(word)))
    excel_text = workbook_text(excel)
    assert found_names(word_text, REAL_NAMES) == []
    assert found_names(excel_text, REAL_NAMES) == []
    assert "Club sportif" not in word_text  # organisations are pseudonymised in the annex
    # The check can fail: the internal versions hold the names.
    real = export_word_annex(study, word.with_name("interne.docx"), pseudonymise=False,
                             people="real")
    rows = table_rows(real)
    assert "Structure" in rows[0] and "Karim Benali" in {r[0] for r in rows}
    assert found_names(document_text(Document(str(real))), ["Martine Dufour", "Karim"])
    internal = study.export.annex(excel.with_name("interne.xlsx"), pseudonymise=False)
    assert found_names(workbook_text(internal.path), ["Martine", "Odile"])
    assert not found_names(workbook_text(internal.path), INTERVIEWERS)


def test_fiche_signaletique_from_the_roles(study: Project, tmp_path: Path) -> None:
    report = export_fiches_signaletiques(study, tmp_path / "fiches")
    document = Document(str(report.documents[0]))
    fields = [(r.cells[0].text, r.cells[1].text) for r in document.tables[0].rows]
    assert fields == [("Type de structure", "association"), ("Implantation", "Grenoble"),
                      ("Secteurs", "sport\u202f; jeunesse"), ("Année de création", "1987")]
    table = study.privacy.table().set_index("real")["pseudonym"]
    items = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("List Bullet", f"{table['Karim Benali']} — entraîneur") in items
    references = [t for s, t in items if s == "Référence d'extrait"]
    assert references[0] == f"ENT02-T4 · {table['Karim Benali']} · homme, 25-34 ans — Liens sociaux"
    text = document_text(document)
    assert found_names(text, REAL_NAMES) == []
    assert f"{table['Martine Dufour']} y venait aussi" in text
    assert "Club sportif des Eaux-Claires" in text  # the organisation is the fiche's subject
    frame = pd.read_excel(report.table, dtype=str)
    assert list(frame.columns[:5]) == ["Organisation", "Type de structure", "Implantation",
                                       "Secteurs", "Année de création"]


def test_a_template_names_the_studys_attributes(study: Project, tmp_path: Path) -> None:
    model = fiche_template("signaletique", tmp_path / "modele.docx")
    document = Document(str(model))
    document.add_paragraph("Créé en {{ annee_creation }} à {{ implantation }} "
                           "({{ valeurs.secteurs }}).")
    document.save(str(model))
    report = export_fiches_signaletiques(study, tmp_path / "out", template=model, table=False)
    text = document_text(Document(str(report.documents[0])))
    assert "Créé en 1987 à Grenoble (sport\u202f; jeunesse)." in text
    document.add_paragraph("{{ generation }}")  # the demo's attribute: not this study's
    document.save(str(model))
    with pytest.raises(TemplateError, match=r"generation.*annee_creation"):
        export_fiches_signaletiques(study, tmp_path / "out2", template=model)


def test_protected_values_come_from_the_profile(study: Project) -> None:
    with study.store.read() as conn:
        protected = protected_values(conn)
    assert {"Lyon", "Grenoble", "licence", "association"} <= set(protected)
    # A category attribute holding a person's name (the referent) protects nothing.
    assert not found_names("\n".join(protected), REAL_NAMES)


def test_word_annex_of_another_study_renders(word: Path, tmp_path: Path) -> None:
    pages, text = pdf_text(to_pdf(word, tmp_path))
    flat = " ".join(text.split())
    assert pages == 2
    assert "Personnes rencontrées" in flat and "Diplôme" in flat and "Génération" not in flat


# -- the pure parts ---------------------------------------------------------------------
PROFILE = StudyProfile((
    AttributeSpec("sex", "Sexe", role="gender", values={"W": "women", "M": "men"}),
    AttributeSpec("years", "Âge", type="number", role="age"),
    AttributeSpec("band", "Tranche", role="age_class"),
    AttributeSpec("employer", "Employeur", role="organisation"),
    AttributeSpec("notes", "Notes", type="text"),
    AttributeSpec("club", "Club"),
))


def test_people_attributes_choose_from_the_profile() -> None:
    people = pd.DataFrame({"case": ["a", "b"], "sex": ["W", "M"], "years": [30, 41],
                           "band": ["25-34", "35-44"], "employer": ["X", None],
                           "notes": ["long text", None], "club": [None, None]})
    assert people_attributes(PROFILE, people) == ["sex", "years"]
    assert people_attributes(PROFILE, people, pseudonymised=False) == [
        "sex", "years", "employer", "notes"]
    assert people_attributes(PROFILE, people.drop(columns="years")) == ["sex", "band"]


def test_gender_is_shown_through_the_profile() -> None:
    assert display_value("W", key="sex", profile=PROFILE) == "femme"
    assert display_value("M", key="sex", profile=PROFILE) == "homme"
    assert display_value("F", key="genre", profile=PROFILE) == "F"  # not the gender here
    assert display_value("F", key="genre") == "F"  # no column name is special


def test_the_count_sentence() -> None:
    links = pd.DataFrame({"case": ["a", "b", "b", "c"], "document_id": [1, 2, 3, 3],
                          "document_kind": ["interview", "interview", "focus_group",
                                            "focus_group"]})
    assert met_in(links) == "2 entretiens individuels et 1 focus group"
    counts = {"women": 2, "men": 0, "other": 1, "unknown": 1}
    assert people_sentence(4, counts, met_in(links)) == (
        "4 personnes (2 femmes, 1 autre genre, 1 genre non renseigné), rencontrées au "
        "cours de 2 entretiens individuels et 1 focus group.")
    assert people_sentence(1, {}, "1 entretien individuel") == (
        "1 personne, rencontrée au cours de 1 entretien individuel.")
    assert people_sentence(2, {"unknown": 2}, "") == "2 personnes."
