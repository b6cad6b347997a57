"""The framework matrix exported (``p.export.framework``): a landscape Word annex (one table,
a row per case or document, a column per theme, summary then references), an Excel
workbook (the same table and a sheet of cells), pseudonymised and checked, on the demo and
on a study whose attributes have other names; LibreOffice opens the Word file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.export.libreoffice import pdf_text, to_pdf
from tests.export.other_study import REAL_NAMES, build_other_study
from workbench import Project
from workbench.errors import ExportError, WorkbenchError
from workbench.export.docx_common import document_text
from workbench.privacy.name_check import NameCheckError

NBHY = "\u2011"
CODES = ["liens", "actions", "femmes", "obstacles"]
FATIMA = "Fatima Aït Lahcen"


def pseudonym_of(p: Project, real: str) -> str:
    table = p.privacy.table()
    return table.loc[table["real"] == real, "pseudonym"].item()


def shown(text: str) -> str:
    """A cell's text as a comparison reads it: no-break hyphens and spaces as plain ones."""
    return text.replace(NBHY, "-").replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def demo_copy(demo: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """A copy of the demo with summaries: validated, drafts, one naming Fatima."""
    folder = tmp_path_factory.mktemp("demo_framework")
    demo.backup(folder / "project.sqlite")
    with Project.open(folder / "project.sqlite", coder="demo") as p:
        p.framework.write(FATIMA, "liens", "Fatima Aït Lahcen reste attachée au douar de sa "
                          "mère ; elle finance le puits.")
        p.framework.validate(FATIMA, "liens")
        p.framework.write(FATIMA, "femmes", "Les femmes portent l'association sans siéger "
                          "au bureau.\nDeuxième paragraphe.")
        p.framework.write("Youssef Bennani", "actions", "=SOMME(A1:A3) n'est pas une formule.")
        p.framework.validate("Youssef Bennani", "actions")
        yield p


@pytest.fixture(scope="module")
def word(demo_copy: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy.export.framework(tmp_path_factory.mktemp("word") / "matrice.docx", CODES,
                                      names_reviewed=True)


def cell_texts(path: Path) -> list[list[str]]:
    return [[shown(c.text) for c in row.cells] for row in Document(str(path)).tables[0].rows]


def test_word_is_one_landscape_table_of_cases_and_themes(demo_copy: Project,
                                                         word: Path) -> None:
    document = Document(str(word))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert len(document.tables) == 1
    rows = cell_texts(word)
    names = demo_copy.codes().set_index("key").loc[CODES, "name"].tolist()
    assert rows[0] == ["Cas", *names]
    matrix = demo_copy.framework.matrix(CODES)
    assert len(rows) == len(matrix) + 1
    labels = [r[0] for r in rows[1:]]
    expected = sorted(demo_copy.pseudonymise(matrix.reset_index()[["case"]])["case"],
                      key=lambda s: [int(t) if t.isdigit() else t
                                     for t in re.split(r"(\d+)", s.casefold())])
    assert labels == expected  # pseudonyms, in their own order
    assert not set(labels) & set(demo_copy.cases()["case"])
    assert document.core_properties.title.startswith("Annexe — Matrice de synthèse")


def test_word_cells_hold_summaries_references_and_drafts(demo_copy: Project,
                                                         word: Path) -> None:
    rows = {r[0]: r[1:] for r in cell_texts(word)[1:]}
    fatima = rows[pseudonym_of(demo_copy, FATIMA)]
    liens, femmes = fatima[0], fatima[2]
    assert liens.startswith(pseudonym_of(demo_copy, FATIMA) + " reste attachée au douar")
    assert "Fatima" not in liens and "brouillon" not in liens
    cells = demo_copy.framework.cells(CODES).set_index(["row", "code"])
    assert f"Extraits : {cells.loc[(FATIMA, 'liens'), 'references']}" in liens
    assert femmes.startswith("Les femmes portent l'association") and "Deuxième" in femmes
    assert "brouillon" in femmes  # a draft is marked
    assert f"Extraits : {cells.loc[(FATIMA, 'femmes'), 'references']}" in femmes
    for row in rows.values():  # a cell without anything says so
        assert all(text for text in row)
    document = Document(str(word))
    paragraphs = [shown(p.text) for p in document.paragraphs]
    assert any("3 synthèses : 2 validées par la ou le responsable et 1 brouillon (marqué "
               "« brouillon »)." in t for t in paragraphs), paragraphs
    assert any("pseudonymes" in t for t in paragraphs)
    text = document_text(document)
    assert demo_copy.leaks(text) == []
    references = re.findall(r"\b[A-Z]{1,3}\d{2}-T\d+\b", shown(text))
    assert references and set(references) <= set(demo_copy.extracts()["reference"])


def test_word_only_validated_summaries_and_extracts_on_request(demo_copy: Project,
                                                               tmp_path: Path) -> None:
    path = demo_copy.export.framework(tmp_path / "valides.docx", CODES, status="validated",
                                      extracts=True, names_reviewed=True)
    rows = {r[0]: r[1:] for r in cell_texts(path)[1:]}
    fatima = rows[pseudonym_of(demo_copy, FATIMA)]
    assert fatima[0].startswith(pseudonym_of(demo_copy, FATIMA) + " reste attachée")
    assert "Les femmes portent" not in fatima[2]  # a draft is left out
    extract = demo_copy.framework.extracts(FATIMA, "liens")
    first = demo_copy.pseudonymise(extract)["text"].iloc[0]
    assert shown(first).strip()[:40] in fatima[0]  # the extract itself, pseudonymised
    assert extract["reference"].iloc[0] in fatima[0]
    assert any("synthèses validées seulement" in shown(p.text)
               for p in Document(str(path)).paragraphs)
    with pytest.raises(ExportError, match="status='fini'"):
        demo_copy.export.framework(tmp_path / "x.docx", CODES, status="fini")


def test_word_with_every_theme_splits_into_tables(demo_copy: Project, tmp_path: Path) -> None:
    path = demo_copy.export.framework(tmp_path / "themes.docx", names_reviewed=True)
    document = Document(str(path))
    themes = len(demo_copy.codes().query("depth == 0"))
    assert len(document.tables) == 3 and themes == 13  # 5 + 4 + 4 columns of themes
    assert [len(t.columns) for t in document.tables] == [6, 5, 5]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == ["Thèmes 1 à 5 (sur 13)", "Thèmes 6 à 9 (sur 13)",
                        "Thèmes 10 à 13 (sur 13)"]
    labels = [[row.cells[0].text for row in t.rows] for t in document.tables]
    assert labels[0] == labels[1] == labels[2]


def test_word_by_document_and_with_real_names(demo_copy: Project, tmp_path: Path) -> None:
    path = demo_copy.export.framework(tmp_path / "documents.docx", CODES, rows="documents",
                                      names_reviewed=True)
    rows = cell_texts(path)
    assert rows[0][0] == "Document"
    references = [r[0] for r in rows[1:]]
    assert references and set(references) <= set(demo_copy.documents()["reference"])
    real = demo_copy.export.framework(tmp_path / "interne.docx", CODES, pseudonymise=False)
    labels = [r[0] for r in cell_texts(real)[1:]]
    assert FATIMA in labels
    assert any("noms réels" in p.text for p in Document(str(real)).paragraphs)


def test_a_name_in_a_summary_is_replaced_or_refused(project: Project, tmp_path: Path) -> None:
    """A name the pseudonym table knows is replaced; a possible name nobody has reviewed
    stops the export, Word or Excel, until it gets a pseudonym."""
    notes = tmp_path / "N01_notes.txt"
    notes.write_text("Enquêtrice : Avec qui travaillez-vous ?\nFatima : Avec Mireille Masson, "
                     "à la mairie, depuis des années.\n", encoding="utf-8")
    project.import_file(notes, kind="notes")
    project.code_quote("E01_fatima", "Les femmes font tout le travail", "femmes")
    project.privacy.propose()
    assert "Mireille Masson" in set(project.privacy.candidates()["name"])
    project.framework.write(FATIMA, "femmes", "Fatima et Mireille Masson tiennent "
                            "l'association sans siéger au bureau.")
    for name in ("refus.docx", "refus.xlsx"):
        with pytest.raises(NameCheckError, match="Mireille Masson"):
            project.export.framework(tmp_path / name)
        assert not (tmp_path / name).exists()
    project.privacy.set_pseudonym("Mireille Masson", "Élue 9")
    word = project.export.framework(tmp_path / "cadre.docx")
    sheet = project.export.framework(tmp_path / "cadre.xlsx")
    cell = cell_texts(word)[1][3]
    fatima = pseudonym_of(project, FATIMA)
    assert cell.startswith(f"{fatima} et Élue 9 tiennent l'association")
    values = "\n".join(str(v) for ws in load_workbook(sheet)
                       for r in ws.iter_rows(values_only=True) for v in r if v is not None)
    assert f"{fatima} et Élue 9 tiennent" in values
    for text in (document_text(Document(str(word))), values):
        assert "Mireille" not in text and "Fatima" not in text and project.leaks(text) == []


def test_excel_has_the_matrix_and_the_cells(demo_copy: Project, tmp_path: Path) -> None:
    path = demo_copy.export.framework(tmp_path / "matrice.xlsx", CODES, names_reviewed=True)
    book = load_workbook(path)
    assert book.sheetnames == ["Matrice", "Cellules"]
    sheet = book["Matrice"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "Cas")
    names = demo_copy.codes().set_index("key").loc[CODES, "name"].tolist()
    assert rows[header][1:] == names
    body = {r[0]: r[1:] for r in rows[header + 1:]}
    assert len(body) == len(demo_copy.framework.matrix(CODES))
    fatima = body[pseudonym_of(demo_copy, FATIMA)]
    assert fatima[0].startswith(pseudonym_of(demo_copy, FATIMA) + " reste attachée")
    assert "\n\nExtraits : " in fatima[0]
    assert fatima[2].split("\n\n")[0].endswith("[brouillon]")
    youssef = body[pseudonym_of(demo_copy, "Youssef Bennani")][1]
    assert youssef.startswith("=SOMME(A1:A3)")
    formula_cell = next(c for r in sheet.iter_rows() for c in r
                        if isinstance(c.value, str) and c.value.startswith("=SOMME"))
    assert formula_cell.data_type == "s"  # text, never a formula
    assert sheet.freeze_panes == f"B{header + 2}"
    cells = book["Cellules"]
    long = [list(r) for r in cells.iter_rows(values_only=True)]
    assert long[0][:4] == ["Cas", "Code", "Thème", "Extraits"]
    assert len(long) - 1 == len(body) * len(CODES)
    statuses = {r[long[0].index("Statut")] for r in long[1:]}
    assert statuses == {None, "validée", "brouillon"}
    text = "\n".join(str(v) for ws in book for r in ws.iter_rows(values_only=True)
                     for v in r if v is not None)
    assert demo_copy.leaks(text) == [] and FATIMA not in text
    with pytest.raises(WorkbenchError, match=r"en Word \(.docx\) ou en Excel"):
        demo_copy.export.framework(tmp_path / "matrice.csv")


def test_the_word_file_opens_in_libreoffice_landscape(word: Path, demo_copy: Project,
                                                      tmp_path: Path) -> None:
    pdf = to_pdf(word, tmp_path / "pdf")
    pages, text = pdf_text(pdf)
    box = PdfReader(str(pdf)).pages[0].mediabox
    assert box.width > box.height  # landscape
    assert pages >= 1 and "Matrice de synthèse par cas et par thème" in text
    assert pseudonym_of(demo_copy, FATIMA) in text and FATIMA not in text


# -- a study whose attributes are named in its own words ------------------------------------
@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = build_other_study(tmp_path_factory.mktemp("autre_etude_cadre"))
    project.framework.write("Martine Dufour", "logement", "Martine trouve le logement trop "
                            "cher pour ses enfants.")
    project.framework.validate("Martine Dufour", "logement")
    project.framework.write("Odile Marchand", "liens", "La chorale et le marché la relient "
                            "aux autres, avec Samir.")
    yield project
    project.close()


def test_another_study_filtered_by_its_own_attribute(study: Project, tmp_path: Path) -> None:
    path = study.export.framework(tmp_path / "femmes.docx", where={"sexe": "femme"},
                                  names_reviewed=True)
    rows = cell_texts(path)
    assert rows[0] == ["Cas", "Liens sociaux", "Logement", "Travail"]
    assert len(rows) == 3  # Martine and Odile
    text = document_text(Document(str(path)))
    assert not [n for n in REAL_NAMES if re.search(rf"\b{re.escape(n)}\b", text)]
    assert "Sexe = femme" in shown(text) or "sexe = femme" in shown(text)
    odile = next(r for r in rows[1:] if "chorale" in r[1])
    assert "Samir" not in odile[1] and "aux autres, avec Enquêté" in odile[1]
    sheet = study.export.framework(tmp_path / "femmes.xlsx", where={"sexe": "femme"},
                                   names_reviewed=True)
    workbook = load_workbook(sheet)
    values = "\n".join(str(v) for ws in workbook for r in ws.iter_rows(values_only=True)
                       for v in r if v is not None)
    assert not [n for n in REAL_NAMES if re.search(rf"\b{re.escape(n)}\b", values)]
    assert "trop cher pour ses enfants" in values


def test_another_study_rendered(study: Project, tmp_path: Path) -> None:
    path = study.export.framework(tmp_path / "cadre.docx", names_reviewed=True)
    pages, text = pdf_text(to_pdf(path, tmp_path / "pdf"))
    text = " ".join(text.split())
    assert pages == 1 and "trop cher pour ses enfants" in text
    assert "Liens sociaux" in text and "Logement" in text
