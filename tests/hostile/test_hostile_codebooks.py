"""Hostile codebooks: YAML alias bombs, oversized files, Excel merged cells and formulas,
and rule regexes that backtrack without end."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.conftest import Unchanged, assert_bounded, bounded, counts, refused
from workbench import Project
from workbench.codebook import read_codebook
from workbench.errors import CodebookError

LOAD = 'from workbench.codebook import read_codebook\nread_codebook(V["path"])'

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
codes:
  - id: liens
    name: Liens au territoire
    definition: *i
"""


def test_yaml_alias_bomb_in_a_definition_is_refused(tmp_path: Path, coded: Project) -> None:
    path = tmp_path / "grille_bombe.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert_bounded(bounded(LOAD, path=path), "CodebookError", "grille_bombe.yaml", "alias")
    refused(CodebookError, lambda: coded.load_codebook(path), "grille_bombe.yaml",
            project=coded)


def test_yaml_alias_that_contains_itself_is_refused(tmp_path: Path, coded: Project) -> None:
    path = tmp_path / "grille_boucle.yaml"
    path.write_text("codes:\n  - &moi\n    id: liens\n    name: Liens\n    children: [*moi]\n",
                    encoding="utf-8")
    assert_bounded(bounded(LOAD, path=path), "CodebookError", "grille_boucle.yaml")
    refused(CodebookError, lambda: coded.load_codebook(path), "grille_boucle.yaml",
            project=coded)


def test_yaml_nested_a_thousand_levels_deep_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "grille_profonde.yaml"
    path.write_text("codes: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert_bounded(bounded(LOAD, path=path), "CodebookError", "grille_profonde.yaml")


def test_yaml_codebook_of_12_mb_is_refused_unread(tmp_path: Path, coded: Project) -> None:
    path = tmp_path / "grille_enorme.yaml"
    path.write_text("codes:\n  - id: liens\n    name: Liens\n    definition: \""
                    + "x" * 12 * 1024**2 + "\"\n", encoding="utf-8")
    message = refused(CodebookError, lambda: coded.load_codebook(path), "grille_enorme.yaml",
                      project=coded)
    assert "trop grand" in message


def excel_codebook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "codes"
    ws.append(["identifiant", "parent", "nom", "définition", "règles"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def with_cached_value(path: Path, cell: str, value: str) -> Path:
    """The workbook as Excel saves it: the formula in `cell` carries its computed value."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(rf'<c r="{cell}"><f>(.*?)</f><v></v></c>',
                       rf'<c r="{cell}" t="str"><f>\1</f><v>{value}</v></c>', sheet)
    assert n == 1, sheet
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def test_excel_codebook_with_merged_cells_is_refused_with_the_range(tmp_path: Path,
                                                                    coded: Project) -> None:
    path = excel_codebook(tmp_path / "grille_fusion.xlsx", [
        ["liens", None, "Liens au territoire", "Les liens."],
        ["liens.affectifs", "liens", "Affectifs", None],
        ["liens.materiels", "liens", "Matériels", None],
    ])
    wb = openpyxl.load_workbook(path)
    wb["codes"].merge_cells("B3:B4")  # one "liens" parent for two rows: B4 would read empty
    wb.save(path)
    message = refused(CodebookError, lambda: coded.load_codebook(path), "grille_fusion.xlsx",
                      "B3:B4", project=coded)
    assert "fusionnées" in message


def test_excel_codebook_formula_without_its_value_is_refused(tmp_path: Path,
                                                             coded: Project) -> None:
    path = excel_codebook(tmp_path / "grille_formule.xlsx", [
        ["liens", None, "Liens au territoire", "Les liens."],
        ["liens.affectifs", "liens", '=UPPER("affectifs")', None],
    ])
    refused(CodebookError, lambda: coded.load_codebook(path), "grille_formule.xlsx", "C3",
            "UPPER", project=coded)


def test_excel_codebook_formula_is_read_by_its_saved_value(tmp_path: Path) -> None:
    path = excel_codebook(tmp_path / "grille_calculee.xlsx", [
        ["liens", None, "Liens au territoire", "Les liens."],
        ["liens.affectifs", "liens", '=UPPER("affectifs")', None],
    ])
    book = read_codebook(with_cached_value(path, "C3", "AFFECTIFS"))
    assert book.by_id()["liens.affectifs"].name == "AFFECTIFS"


def test_excel_codebook_alias_bomb_in_a_rules_cell_is_refused(tmp_path: Path) -> None:
    rules = BILLION_LAUGHS.split("codes:")[0] + "z: *i\n"
    path = excel_codebook(tmp_path / "grille_regles.xlsx", [
        ["liens", None, "Liens au territoire", "Les liens.", rules],
    ])
    assert_bounded(bounded(LOAD, path=path), "CodebookError", "grille_regles.xlsx", "E2")


RULES = """\
codes:
  - id: liens
    name: Liens
    rules:
      - {{id: r-lent, regex: "{regex}", unit: sentence}}
"""
TEXT = ("Enquêtrice : Et le village, vous y retournez souvent pour les fêtes de famille ?\n"
        "Fatima : Chaque été, avec les enfants. Ils crient aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaab dans la voiture quand on arrive au douar.\n")


@pytest.fixture
def ruled(tmp_path: Path) -> Project:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "E01_fatima.txt").write_text(TEXT, encoding="utf-8")
    project = Project.create(tmp_path / "p", coder="lea")
    project.import_corpus(folder, progress=False)
    yield project
    project.close()


def test_rule_regex_with_catastrophic_backtracking_is_stopped(tmp_path: Path,
                                                              ruled: Project) -> None:
    path = tmp_path / "grille_regex.yaml"
    path.write_text(RULES.format(regex="(a|aa)+$"), encoding="utf-8")
    ruled.load_codebook(path)
    start = time.perf_counter()
    message = refused(CodebookError, lambda: ruled.review.autocode(progress=False), "r-lent",
                      "liens", project=ruled)
    assert time.perf_counter() - start < 60
    assert "(a|aa)+$" in message and counts(ruled)["codings"] == 0


def test_the_issue_regex_runs_in_bounded_time(tmp_path: Path, ruled: Project) -> None:
    """`(a+)+$`, which hung Python's re, runs at once with the regex engine."""
    path = tmp_path / "grille_regex.yaml"
    path.write_text(RULES.format(regex="(a+)+$"), encoding="utf-8")
    ruled.load_codebook(path)
    start = time.perf_counter()
    with Unchanged(ruled):  # no match: nothing suggested
        summary = ruled.review.autocode(progress=False)
    assert time.perf_counter() - start < 60
    assert summary["new_suggestions"].sum() == 0
