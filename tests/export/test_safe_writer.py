"""The one formula-safe writer of CSV and XLSX files: every file is read back (csv module,
openpyxl, the raw sheet XML) and no text cell may run as a formula, headers included;
a carriage return may not split a CSV row; control characters and lone surrogates may
not crash; numbers stay numbers."""

from __future__ import annotations

import csv
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import CODEBOOK_YAML, E01
from workbench import Project
from workbench.cli import main
from workbench.codebook import read_codebook, write_codebook
from workbench.export.tables import export_tables, write_table
from workbench.profile.files import read_profile, write_profile
from workbench.sheets.safe_cells import FORMULA_STARTS, clean_text, csv_safe

TRIGGERS = ["=SOMME(A1:A3)", "+33 6 12 34 56", "-2+3", "@utilisateur", "\tcachée",
            "\r=HYPERLINK(\"x\")"]
MEMO = "début\r=SOMME(A1)\rsuite\x07\x00 fin"  # bare carriage returns, controls


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                       if n.startswith("xl/worksheets/sheet"))


def assert_csv_safe(rows: list[list[str]], numbers: set[str] = frozenset()) -> None:
    """No cell (headers included) opens with a formula trigger, except the numbers given."""
    for row in rows:
        for cell in row:
            assert cell in numbers or not cell.startswith(FORMULA_STARTS), cell
            assert "\r" not in cell, cell


def assert_xlsx_safe(path: Path) -> None:
    """No formula anywhere; every text cell is a text cell."""
    assert "<f>" not in sheet_xml(path) and "<f " not in sheet_xml(path)
    book = load_workbook(path)
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "=risque": TRIGGERS,
        "-note": [-3, 0, 7, -1, 2, 5],
        "mémo": [MEMO, "a\r\nb", "\ud83d moitié", "ok", None, "x\x1by"],
        "date": [datetime(2024, 5, 1, 10, 30)] * 6,
        "part": [-0.5, float("nan"), 1.25, 2.0, 3.0, 4.0],
    })


# -- the cells' rules -----------------------------------------------------------------

def test_clean_text_and_csv_safe() -> None:
    assert clean_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert clean_text("a\x00b\x07c\x1bd\tE") == "abcd\tE"
    assert clean_text("x\ud800y") == "x\ufffdy"
    assert clean_text("rien à faire") == "rien à faire"
    for text in TRIGGERS:
        assert csv_safe(text).startswith("'")
    assert csv_safe("\x07=1+1") == "'=1+1"  # a control dropped in front is no way round
    assert csv_safe(-3) == -3 and csv_safe(None) is None
    assert csv_safe("Texte simple") == "Texte simple"


# -- write_table ------------------------------------------------------------------------

def test_csv_escapes_cells_and_headers_and_keeps_rows_whole(tmp_path: Path) -> None:
    path = write_table(hostile_frame(), tmp_path / "t.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csv_rows(path)
    assert len(rows) == 7 and all(len(row) == 5 for row in rows)  # no row split by a CR
    assert rows[0] == ["'=risque", "'-note", "mémo", "date", "part"]
    assert_csv_safe(rows, numbers={"-3", "-1", "-0.5"})
    assert [row[0] for row in rows[1:]] == ["'" + clean_text(t) for t in TRIGGERS]
    assert [row[1] for row in rows[1:]] == ["-3", "0", "7", "-1", "2", "5"]  # numbers
    assert rows[1][2] == "début\n=SOMME(A1)\nsuite fin"
    assert rows[2][2] == "a\nb" and rows[3][2] == "\ufffd moitié" and rows[6][2] == "xy"
    assert rows[5][2] == "" and rows[2][4] == ""
    raw = path.read_bytes().decode("utf-8-sig")
    assert '"a\nb"' in raw  # a cell with a line break is quoted


def test_xlsx_keeps_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    path = write_table(hostile_frame(), tmp_path / "t.xlsx")
    assert_xlsx_safe(path)
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("=risque", "-note", "mémo", "date", "part")
    assert [r[0] for r in rows[1:]] == [clean_text(t) for t in TRIGGERS]  # shown as typed
    assert [r[1] for r in rows[1:]] == [-3, 0, 7, -1, 2, 5]
    assert all(isinstance(r[1], int) for r in rows[1:])
    assert rows[1][2] == "début\n=SOMME(A1)\nsuite fin"
    assert rows[3][2] == "\ufffd moitié" and rows[6][2] == "xy" and rows[5][2] is None
    assert rows[1][3] == datetime(2024, 5, 1, 10, 30)
    assert rows[1][4] == -0.5 and rows[2][4] is None
    assert ws.freeze_panes == "A2" and ws["A1"].font.b


def test_missing_values_dates_booleans_and_objects(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "aware": pd.to_datetime(["2024-01-01 10:00", None]).tz_localize("UTC"),
        "naive": pd.to_datetime(["2024-01-01 10:00", None]),
        "entier": pd.array([-1, None], dtype="Int64"),
        "oui": [True, np.bool_(False)],
        "réel": [np.inf, np.float32(-1.5)],
        "objet": [["x", "=y"], {"k": "@z"}],
    })
    rows = list(load_workbook(write_table(frame, tmp_path / "t.xlsx")).active
                .iter_rows(values_only=True))
    assert rows[1] == ("2024-01-01T10:00:00+00:00", datetime(2024, 1, 1, 10), -1, True, "inf",
                       "['x', '=y']")
    assert rows[2] == (None, None, None, False, -1.5, "{'k': '@z'}")
    assert_xlsx_safe(tmp_path / "t.xlsx")
    rows = csv_rows(write_table(frame, tmp_path / "t.csv"))
    assert rows[1:] == [["2024-01-01T10:00:00+00:00", "2024-01-01 10:00:00", "-1", "True",
                         "inf", "['x', '=y']"], ["", "", "", "False", "-1.5", "{'k': '@z'}"]]


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("valeur illisible")

    for suffix in (".csv", ".xlsx"):
        path = write_table(pd.DataFrame({"a": [1]}), tmp_path / f"t{suffix}")
        before = path.read_bytes()
        with pytest.raises(RuntimeError, match="illisible"):
            write_table(pd.DataFrame({"a": [1, Unprintable()]}), path)
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.xlsx"]


# -- the command line and the project's exports ------------------------------------------

@pytest.fixture
def hostile_project(tmp_path: Path) -> Path:
    """A project whose attribute names, values, quote and memo open with formula triggers,
    and whose memo holds a bare carriage return and controls (as an older store or an
    import may hold them: written straight into the database)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "E01_fatima.txt").write_text(E01 + "Fatima : =SOMME(A1) est ce que je dis.\n",
                                           encoding="utf-8")
    (corpus / "attributes.csv").write_text(
        "cas;document;locuteur;=risque;+note;age\n"
        "Fatima;E01_fatima;Fatima;-2+3;@moi;-5\n", encoding="utf-8")
    grille = tmp_path / "grille.yaml"
    grille.write_text(CODEBOOK_YAML.replace("name: Mini grille", "name: \"=Mini grille\"")
                      .replace("Attachement, nostalgie.", '"-Attachement\\a nostalgie."'),
                      encoding="utf-8")
    folder = tmp_path / "projet"
    with Project.create(folder, coder="claire") as p:
        p.load_codebook(grille)
        p.import_corpus(corpus, attributes=corpus / "attributes.csv", progress=False)
        p.code_quote("E01_fatima", "=SOMME(A1) est ce que", "femmes", memo="@memo")
        p.code_quote("E01_fatima", "ne sont pas au bureau", "femmes", memo="x")
    with sqlite3.connect(folder / "project.sqlite") as con:
        con.execute("UPDATE codings SET memo = ? WHERE memo = 'x'", (MEMO,))
    return folder


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_extracts_out_csv_is_formula_safe(hostile_project: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.csv"
    assert "2 extrait(s) écrit(s)" in cli(capsys, "extracts", "-p", str(hostile_project), "--out",
                               str(out))
    rows = csv_rows(out)
    assert len(rows) == 3 and len({len(r) for r in rows}) == 1  # the CR split no row
    header = rows[0]
    assert "'=risque" in header and "'+note" in header
    assert_csv_safe(rows, numbers={"-5"})
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert {r["text"] for r in table} == {"'=SOMME(A1) est ce que", "ne sont pas au bureau"}
    assert {r["memo"] for r in table} == {"'@memo",
                                          "début\n=SOMME(A1)\nsuite fin"}
    assert {r["'=risque"] for r in table} == {"'-2+3"} and {r["age"] for r in table} == {"-5"}


def test_extracts_out_xlsx_is_formula_safe_and_survives_controls(
        hostile_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.xlsx"
    assert "2 extrait(s) écrit(s)" in cli(capsys, "extracts", "-p", str(hostile_project), "--out",
                               str(out))
    assert_xlsx_safe(out)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert "=risque" in rows[0] and "+note" in rows[0]
    assert {r["memo"] for r in table} == {"@memo",
                                          "début\n=SOMME(A1)\nsuite fin"}
    assert {r["age"] for r in table} == {-5} and {r["=risque"] for r in table} == {"-2+3"}


def test_workbench_export_writes_only_safe_files(hostile_project: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "exports"
    cli(capsys, "export", "-p", str(hostile_project), str(out))
    for name in ("extraits.csv", "documents.csv", "cas.csv"):
        rows = csv_rows(out / name)
        assert len({len(r) for r in rows}) == 1, name
        assert_csv_safe(rows, numbers={"-5"} | {c for r in rows for c in r
                                                if c.lstrip("-").replace(".", "").isdigit()})
    assert "'=risque" in csv_rows(out / "cas.csv")[0] or "'=risque" in csv_rows(
        out / "extraits.csv")[0]
    grille = out / "grille_de_codage.xlsx"
    assert_xlsx_safe(grille)
    book = load_workbook(grille)
    assert book["grille"]["B1"].value == "=Mini grille"  # shown, not computed
    definitions = [c.value for c in book["codes"]["E"]]
    assert "-Attachement nostalgie." in definitions  # the control dropped, no crash
    back = read_codebook(grille)
    assert back.name == "=Mini grille"


def test_export_tables_of_the_demo_project_are_safe(demo: Project, tmp_path: Path) -> None:
    """The CSVs `make demo` writes (extracts, documents, cases)."""
    for path in export_tables(demo, tmp_path):
        if path.suffix == ".csv":
            rows = csv_rows(path)
            assert len({len(r) for r in rows}) == 1, path.name
            for row in rows:
                for cell in row:
                    assert not cell.startswith(FORMULA_STARTS) or _number(cell), cell


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- the codebook, the profile, the annex ------------------------------------------------

def test_codebook_xlsx_survives_controls_and_keeps_formula_text(tmp_path: Path,
                                                                codebook_file: Path) -> None:
    book = read_codebook(codebook_file)
    book.name = "=Grille"
    book.description = "@équipe\x0b du projet"
    book.codes[0].definition = "+Définition\x01 longue\r\nsur deux lignes"
    path = write_codebook(book, tmp_path / "g.xlsx")
    assert_xlsx_safe(path)
    back = read_codebook(path)
    assert back.name == "=Grille" and back.description == "@équipe du projet"
    assert back.codes[0].definition == "+Définition longue\nsur deux lignes"
    ws = load_workbook(path)["codes"]
    assert ws["C2"].value == 1 and ws["D2"].font.b and ws.freeze_panes == "A2"


def test_profile_xlsx_keeps_text_as_typed(tmp_path: Path) -> None:
    from workbench.profile.model import StudyProfile

    profile = StudyProfile.from_dict({"attributs": [
        {"cle": "=risque", "libelle": "-Risque perçu", "type": "category"},
        {"cle": "age", "libelle": "@Âge", "type": "number"}]})
    path = write_profile(profile, tmp_path / "profil.xlsx")
    assert_xlsx_safe(path)
    assert read_profile(path) == profile  # no apostrophe added on the way


def test_annex_csv_headers_are_escaped_and_rows_whole(hostile_project: Path,
                                                      tmp_path: Path) -> None:
    with Project.open(hostile_project) as p:
        report = p.export.annex(tmp_path / "a.csv", attributes=["=risque"],
                                pseudonymise=False)
        xlsx = p.export.annex(tmp_path / "a.xlsx", attributes=["=risque"],
                              layout="master", pseudonymise=False).path
    rows = csv_rows(report.path)
    assert len(rows) == 3 and len({len(r) for r in rows}) == 1
    assert_csv_safe(rows)
    assert_xlsx_safe(xlsx)
    values = [c.value for row in load_workbook(xlsx)["Extraits"].iter_rows() for c in row]
    assert "début\n=SOMME(A1)\nsuite fin" in values
