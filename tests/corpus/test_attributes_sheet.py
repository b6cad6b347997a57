from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from workbench.corpus import read_attributes, read_document
from workbench.errors import AttributesError

KNOWN = {
    "E01_fatima": ["Enquêtrice", "Fatima"],
    "E02_youssef": ["Enquêteur", "Youssef"],
    "FG1_tiznit": ["Modératrice", "Hassan", "Khadija Aït-Baha"],
}


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


CASES = [
    ["Cas", "Type", "Document", "Locuteur", "Genre", "Âge", "Date entretien", "Bénévole",
     "Revenu", "Code postal"],
    ["Fatima Aït Lahcen", "personne", "E01_fatima.docx", "fatima", "F", 58,
     dt.datetime(2024, 3, 12), True, 1234.5, "92230"],
    ["Youssef", "person", "e02_youssef", None, "H", "24", "12/03/2024", "non", "1 234,5",
     "05000"],
    ["Khadija Aït Baha", None, None, None, "F", None, None, None, None, None],
    ["Association Tafraout", "Organisation", "FG1_tiznit; E01_fatima", None, None, None, None,
     None, None, None],
    ["Personne Absente", "personne", None, None, None, None, None, None, None, None],
]
DOCUMENTS = [
    ["Document", "Type", "Lieu"],
    ["E01_fatima", "entretien", "Gennevilliers"],
    ["FG1_tiznit.odt", "Focus group", "Tiznit"],
    ["e02_youssef", "notes de terrain", None],
]


def test_xlsx_cases_links_typed_attributes_and_documents(tmp_path: Path) -> None:
    path = workbook(tmp_path / "attributs.xlsx", {"documents": DOCUMENTS, "Cas": CASES})
    sheet = read_attributes(path, known=KNOWN)
    fatima, youssef, khadija, association, absente = sheet.cases
    assert (fatima.name, fatima.kind, fatima.row) == ("Fatima Aït Lahcen", "person", 2)
    assert fatima.links == [("E01_fatima", "Fatima")]
    assert fatima.attributes == {
        "Genre": ("F", "text"), "Âge": (58, "int"),
        "Date entretien": (dt.date(2024, 3, 12), "date"),
        "Bénévole": (True, "bool"), "Revenu": (1234.5, "float"), "Code postal": (92230, "int"),
    }
    assert fatima.texts["Date entretien"] == "2024-03-12" and fatima.texts["Bénévole"] == "oui"
    assert youssef.links == [("E02_youssef", "Youssef")]
    assert youssef.attributes == {
        "Genre": ("H", "text"), "Âge": (24, "int"),
        "Date entretien": (dt.date(2024, 3, 12), "date"),
        "Bénévole": (False, "bool"), "Revenu": (1234.5, "float"), "Code postal": ("05000", "text"),
    }
    assert youssef.texts["Revenu"] == "1 234,5"
    assert khadija.links == [("FG1_tiznit", "Khadija Aït-Baha")]
    assert (association.kind, association.links) == (
        "organisation", [("FG1_tiznit", None), ("E01_fatima", None)]
    )
    assert absente.links == []
    assert sheet.warnings == [
        "attributs.xlsx, feuille « Cas », ligne 6 : aucun document indiqué et le nom du cas ne "
        "correspond à aucune étiquette de locuteur d'un document ; le cas est importé sans lien "
        "vers des documents."
    ]
    assert [(d.name, d.kind, d.attributes, d.row) for d in sheet.documents] == [
        ("E01_fatima", "interview", {"Lieu": ("Gennevilliers", "text")}, 2),
        ("FG1_tiznit", "focus_group", {"Lieu": ("Tiznit", "text")}, 3),
        ("E02_youssef", "notes", {}, 4),
    ]


def test_without_known_documents_links_are_taken_as_written(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"cases": CASES})
    sheet = read_attributes(path)
    assert sheet.cases[0].links == [("E01_fatima.docx", "fatima")]
    assert sheet.cases[2].links == [] and sheet.warnings == []


def test_csv_semicolons_cp1252_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "cas.csv"
    path.write_bytes(
        "cas;type;documents;locuteur;région;âge\n\n"
        "Fatima Aït Lahcen;personne;E01_fatima;Fatima;Île-de-France;58\n"
        "\"Youssef\";;E02_youssef;;\"Provence; Alpes\";24,5\n".encode("cp1252")
    )
    sheet = read_attributes(path, known=KNOWN)
    assert [(c.name, c.row, c.links) for c in sheet.cases] == [
        ("Fatima Aït Lahcen", 3, [("E01_fatima", "Fatima")]),
        ("Youssef", 4, [("E02_youssef", "Youssef")]),
    ]
    assert sheet.cases[0].attributes == {"région": ("Île-de-France", "text"), "âge": (58, "int")}
    assert sheet.cases[1].attributes["région"] == ("Provence; Alpes", "text")
    assert sheet.cases[1].attributes["âge"] == (24.5, "float")


def test_every_problem_is_listed_once_with_its_row(tmp_path: Path) -> None:
    rows = [
        ["cas", "document", "locuteur", "genre", None, "age"],
        ["Fatima", "E99_inconnu", "Fatima", "F", None, 58],
        ["Youssef", "E02_youssef", "Yousef", "H", None, 24],
        ["Hassan", "FG1_tiznit", None, "H", "oublié", 61],
        ["HASSAN", "FG1_tiznit", None, "H", None, 61],
        [None, "E01_fatima", None, "F", None, 40],
        ["Nadia", None, None, "F", None, 33],
        ["Salma", "E01_fatima", None, "F", None, 30],
    ]
    path = workbook(tmp_path / "cas.xlsx", {"cas": rows})
    with pytest.raises(AttributesError) as err:
        read_attributes(path, known=KNOWN)
    message = str(err.value)
    lines = message.split("\n  - ")
    assert lines[0] == (
        "cas.xlsx : 5 problème(s) dans la feuille d'attributs, rien n'a été importé ; "
        "corrigez-les et importez-la à nouveau :"
    )
    assert lines[1] == (
        "feuille « cas », ligne 1 : colonne E : des valeurs mais pas d'en-tête ; donnez-lui un "
        "nom ou supprimez-la."
    )
    assert lines[2].startswith("feuille « cas », ligne 2 : document « E99_inconnu » absent du "
                              "projet")
    assert lines[3].startswith(
        "feuille « cas », ligne 3 : le locuteur de la colonne « locuteur » n'est pas une "
        "étiquette de locuteur du document « E02_youssef »"
    )
    assert lines[4].startswith("feuille « cas », ligne 5 : même cas qu'à la ligne 4")
    assert lines[5].startswith("feuille « cas », ligne 6 : l'identifiant du cas est vide "
                              "(colonne « cas »)")
    assert "Yousef" not in message  # what people are called stays out of error messages


def test_case_kind_and_document_kind_must_be_known(tmp_path: Path) -> None:
    path = workbook(tmp_path / "k.xlsx", {
        "cas": [["cas", "type"], ["Fatima", "famille"]],
        "documents": [["document", "type"], ["E01_fatima", "podcast"], ["E01_fatima", "notes"]],
    })
    with pytest.raises(AttributesError) as err:
        read_attributes(path, known=KNOWN)
    message = str(err.value)
    assert "3 problème(s)" in message
    assert "feuille « cas », ligne 2 : type « famille » : ce n'est pas un type de cas" in message
    assert ("feuille « documents », ligne 2 : type « podcast » : ce n'est pas un type de "
            "document") in message
    assert ("feuille « documents », ligne 3 : document « E01_fatima » : déjà décrit à la "
            "ligne 2") in message


def test_missing_case_column_and_bad_files(tmp_path: Path) -> None:
    path = workbook(tmp_path / "sans.xlsx", {"Feuil1": [["nom", "age"], ["Fatima", 3]]})
    with pytest.raises(AttributesError, match=r"sans\.xlsx, .* : pas de colonne de cas"):
        read_attributes(path)
    with pytest.raises(AttributesError, match=r"les colonnes de nom de cas PRENOM ne sont pas"):
        read_attributes(path, case_columns=["PRENOM", "nom"])
    fake = tmp_path / "faux.xlsx"
    fake.write_text("cas;age\n", encoding="utf-8")
    with pytest.raises(AttributesError, match=r"faux\.xlsx : .*pas un classeur Excel \.xlsx"):
        read_attributes(fake)
    old = tmp_path / "vieux.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(AttributesError, match=r"vieux\.xls : les feuilles \.xls ne sont pas lues"):
        read_attributes(old)


@pytest.mark.realdata
def test_cfpp_metadata_with_case_columns_links_textgrid_speakers(real_data: Path) -> None:
    folder = real_data / "transcripts" / "cfpp2000_textgrid"
    known = {
        p.stem: sorted({t.speaker for t in read_document(p).turns if t.speaker})
        for p in folder.glob("*.TextGrid")
    }
    sheet = read_attributes(folder / "cfpp_metadata.csv", known=known,
                            case_columns=["PRÉNOM", "NOM"])
    with (folder / "cfpp_metadata.csv").open(encoding="utf-8", newline="") as f:
        assert len(sheet.cases) == sum(1 for row in csv.reader(f) if any(row)) - 1
    by_name = {c.name: c for c in sheet.cases}
    anita = by_name["ANITA MUSSO"]
    assert anita.links == [("Anita_MUSSO_F_46_11e-v2", "Anita Musso")]
    assert anita.attributes["GENRE"] == ("F", "text")
    assert anita.attributes["AGE"] == (46, "int")
    assert anita.attributes["ANNÉE DE NAISSANCE"] == (1962, "int")
    assert "PRÉNOM" not in anita.attributes and "NOM" not in anita.attributes
    assert by_name["REINE CÉRÊT"].links == [("Blanche_Duchemin_F_25_Reine_Ceret_F_60_11e-v2",
                                              "Reine Cérêt")]
    assert "MIRA" in by_name  # a row with an empty first name
    leblond = by_name["LAURENCE LEBLOND"].links
    assert {doc for doc, _ in leblond} == {
        "Laurence_Leblond_F_43_Stephanie_Zanotti_F_49_7e-1-v2",
        "Laurence_Leblond_F_43_Stephanie_Zanotti_F_49_7e-2-v2",
    }
    linked = [c for c in sheet.cases if c.links]
    assert len(linked) >= 25
    assert len(sheet.warnings) == len(sheet.cases) - len(linked)
    for case in linked:
        for doc, speaker in case.links:
            assert speaker in known[doc]


def test_csv_problems_are_given_by_line(tmp_path: Path) -> None:
    path = tmp_path / "cas.csv"
    path.write_text("id,genre\nA12,F\n\na12,H\n,F\n", encoding="utf-8")
    with pytest.raises(AttributesError) as err:
        read_attributes(path)
    assert str(err.value).split("\n  - ")[1:] == [
        "ligne 4 : même cas qu'à la ligne 2 (chaque identifiant de cas doit être unique) ; "
        "fusionnez les deux lignes ou corrigez l'identifiant.",
        "ligne 5 : l'identifiant du cas est vide (colonne « id ») ; remplissez-le ou supprimez "
        "la ligne.",
    ]


def test_initiatives_and_projects_are_a_case_kind(tmp_path: Path) -> None:
    path = workbook(tmp_path / "i.xlsx", {"cas": [
        ["cas", "type", "documents", "code"],
        ["Château d'eau de Tagadirt", "initiative", "E01_fatima", "initiatives.eau"],
        ["Maison d'attente", "Projet", "E02_youssef; FG1_tiznit", "initiatives.sante"],
    ]})
    sheet = read_attributes(path, known=KNOWN)
    assert [(c.name, c.kind) for c in sheet.cases] == [
        ("Château d'eau de Tagadirt", "initiative"), ("Maison d'attente", "initiative")]
    assert sheet.cases[1].links == [("E02_youssef", None), ("FG1_tiznit", None)]
    assert sheet.cases[0].attributes["code"][0] == "initiatives.eau"
    assert sheet.warnings == []
