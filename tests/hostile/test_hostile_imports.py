"""Imports that must leave the project exactly as it was: two files for one document, a
command-line import with a bad file among good ones, attribute sheets whose values are
formulas or merged cells, a CSV sheet with a quote never closed."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.conftest import ATTRIBUTES_CSV
from tests.hostile.conftest import (
    GOOD,
    Unchanged,
    assert_bounded,
    assert_french_advice,
    bounded,
    counts,
    inflate_first_sheet,
    refused,
)
from tests.hostile.test_hostile_codebooks import with_cached_value
from workbench import Project
from workbench.cli import main
from workbench.errors import AttributesError, CorpusError


def test_two_files_with_the_same_stem_are_refused_with_both_names(tmp_path: Path,
                                                                  coded: Project) -> None:
    folder = tmp_path / "doublons"
    folder.mkdir()
    (folder / "E01.txt").write_text(GOOD, encoding="utf-8")
    (folder / "E01.md").write_text("# Autre\n" + GOOD, encoding="utf-8")
    (folder / "E02.txt").write_text(GOOD, encoding="utf-8")
    refused(CorpusError, lambda: coded.import_corpus(folder, progress=False), "E01.txt",
            "E01.md", project=coded)


def test_the_same_stem_across_paths_given_together_is_refused(tmp_path: Path,
                                                              coded: Project) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "E07.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b" / "E07.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Fatima>Le puits.\n", encoding="utf-8")
    refused(CorpusError, lambda: coded.import_corpus([tmp_path / "a", tmp_path / "b"],
                                                     progress=False),
            "E07.txt", "E07.vtt", project=coded)


def cli_import(project: Project, *paths: Path, attributes: Path | None = None,
               capsys=None) -> int:
    args = ["import", "-p", str(project.location), *map(str, paths)]
    if attributes is not None:
        args += ["--attributes", str(attributes)]
    return main(args)


def test_cli_import_of_a_folder_then_a_bad_file_writes_nothing(tmp_path: Path, coded: Project,
                                                               capsys) -> None:
    good = tmp_path / "bons"
    good.mkdir()
    (good / "E30_bon.txt").write_text(GOOD, encoding="utf-8")
    (good / "E31_bon.txt").write_text(GOOD.replace("puits", "forage"), encoding="utf-8")
    bad = tmp_path / "E32_mauvais.docx"
    bad.write_bytes(b"PK\x03\x04 pas un document")
    with Unchanged(coded):
        assert cli_import(coded, good, bad) == 2
    error = capsys.readouterr().err
    assert "E32_mauvais.docx" in error and "rien n'a été importé" in error


def test_cli_import_of_several_files_with_a_bad_one_writes_nothing(tmp_path: Path,
                                                                  coded: Project,
                                                                  capsys) -> None:
    files = [tmp_path / "E33.txt", tmp_path / "E34.txt", tmp_path / "E35.TextGrid"]
    files[0].write_text(GOOD, encoding="utf-8")
    files[1].write_text(GOOD, encoding="utf-8")
    files[2].write_text('File type = "ooTextFile"\nObject class = "TextGrid"\nxmin = 0\n'
                        "xmax = inf\n", encoding="utf-8")
    with Unchanged(coded):
        assert cli_import(coded, *files) == 2
    error = capsys.readouterr().err
    assert_french_advice(error, "E35.TextGrid", "inf")


def test_cli_import_of_several_good_files_is_one_import(tmp_path: Path, coded: Project) -> None:
    files = [tmp_path / "E36.txt", tmp_path / "E37.txt"]
    for path in files:
        path.write_text(GOOD, encoding="utf-8")
    before = counts(coded)["documents"]
    assert cli_import(coded, *files) == 0
    assert counts(coded)["documents"] == before + 2


def attributes_workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "cas"
    ws.append(["cas", "type", "document", "locuteur", "genre", "age"])
    for row in rows:
        ws.append(row)
    notes = wb.create_sheet("notes")  # a sheet nobody reads may be laid out freely
    notes.append(["Notes de terrain", None])
    notes.merge_cells("A1:B1")
    wb.save(path)
    return path


ROWS = [["Fatima Aït Lahcen", "personne", "E01_fatima", "Fatima", "F", 58],
        ["Youssef Bennani", "personne", "E02_youssef", "Youssef", "H", "=30-6"]]


def test_attributes_formula_without_its_value_is_refused_naming_the_cell(tmp_path: Path,
                                                                        coded: Project) -> None:
    path = attributes_workbook(tmp_path / "attributs_formule.xlsx", ROWS)
    refused(AttributesError, lambda: coded.import_attributes(path), "attributs_formule.xlsx",
            "F3", "=30-6", project=coded)


def test_attributes_formula_is_read_by_its_saved_value(tmp_path: Path, coded: Project) -> None:
    path = with_cached_value(attributes_workbook(tmp_path / "attributs_calcules.xlsx", ROWS),
                             "F3", "24")
    coded.import_attributes(path)
    cases = coded.cases().set_index("case")
    assert str(cases.loc["Youssef Bennani", "age"]) == "24"


def test_attributes_merged_cells_are_refused_with_the_range(tmp_path: Path,
                                                            coded: Project) -> None:
    rows = [["Fatima Aït Lahcen", "personne", "E01_fatima", "Fatima", "F", 58],
            ["Youssef Bennani", None, "E02_youssef", "Youssef", "H", 24]]
    path = attributes_workbook(tmp_path / "attributs_fusion.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb["cas"].merge_cells("B2:B3")  # "personne" for both rows, to the eye only
    wb.save(path)
    message = refused(AttributesError, lambda: coded.import_attributes(path),
                      "attributs_fusion.xlsx", "B2:B3", project=coded)
    assert "notes" not in message  # the merged title of an unread sheet is no problem


def test_csv_with_a_quote_never_closed_is_refused_naming_the_line(tmp_path: Path,
                                                                  coded: Project) -> None:
    lines = ATTRIBUTES_CSV.splitlines()
    lines[2] = lines[2].replace("Youssef Bennani", '"Youssef Bennani')
    path = tmp_path / "attributs_guillemet.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(AttributesError, lambda: coded.import_attributes(path), "attributs_guillemet.csv",
            "ligne 3", "guillemet", project=coded)


def test_csv_with_text_after_a_closing_quote_is_refused_naming_the_line(
        tmp_path: Path, coded: Project) -> None:
    lines = ATTRIBUTES_CSV.splitlines()
    lines[1] = lines[1].replace("Fatima Aït Lahcen", '"Fatima" Aït Lahcen')
    path = tmp_path / "attributs_guillemets.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(AttributesError, lambda: coded.import_attributes(path), "attributs_guillemets.csv",
            "ligne 2", project=coded)


def test_an_import_with_a_bad_sheet_writes_no_transcript(tmp_path: Path, coded: Project) -> None:
    folder = tmp_path / "avec_feuille"
    folder.mkdir()
    (folder / "E40.txt").write_text(GOOD, encoding="utf-8")
    sheet = folder / "attributs.csv"
    sheet.write_text('cas;document\n"Fatima;E40\n', encoding="utf-8")
    refused(AttributesError, lambda: coded.import_corpus(folder, attributes=sheet,
                                                         progress=False),
            "attributs.csv", "ligne 2", project=coded)


def test_attributes_workbook_bomb_is_refused_before_it_is_read(tmp_path: Path,
                                                               coded: Project) -> None:
    path = attributes_workbook(tmp_path / "attributs_bombe.xlsx", ROWS[:1])
    inflate_first_sheet(path)
    code = 'from workbench.corpus import read_attributes\nread_attributes(V["path"])'
    assert_bounded(bounded(code, path=path), "AttributesError", "attributs_bombe.xlsx",
                   "sheet1.xml", "bombe zip")
    refused(AttributesError, lambda: coded.import_attributes(path), "attributs_bombe.xlsx",
            project=coded)
