"""Codebook files: YAML and Excel, validation errors with places, lossless round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench import CodebookError
from workbench.codebook import read_codebook, write_codebook

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "grille.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_nested_yaml_gives_ids_parents_and_paths(codebook_file: Path) -> None:
    book = read_codebook(codebook_file)
    index = book.by_id()
    assert index["liens.affectifs"].parent == "liens"
    assert book.path("actions.education") == "Domaines d'action > Éducation"
    assert [c.id for c in book.ordered()][:3] == ["liens", "liens.affectifs", "liens.materiels"]


def test_duplicate_name_under_one_parent_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, """codes:
  - id: a
    name: Liens
    children:
      - id: a.x
        name: Affectifs
      - id: a.y
        name: affectifs
""")
    with pytest.raises(CodebookError) as err:
        read_codebook(path)
    assert "nom de code « affectifs » en double" in str(err.value)
    assert "ligne 7" in str(err.value) and "ligne 5" in str(err.value)


def test_cycle_unknown_parent_bad_colour_empty_name_reported_together(tmp_path: Path) -> None:
    path = write(tmp_path, """codes:
  - {id: a, name: A, parent: b}
  - {id: b, name: B, parent: a}
  - {id: c, name: C, parent: zzz}
  - {id: d, name: D, color: "rouge"}
  - {id: e, name: ""}
""")
    with pytest.raises(CodebookError) as err:
        read_codebook(path)
    message = str(err.value)
    assert ("cycle" in message and "a → b → a" in message) or "b → a → b" in message
    assert "le parent « zzz » du code « c » n'est pas un code" in message
    assert "ligne 4" in message
    assert "couleur « rouge » invalide" in message
    assert "le code « e » n'a pas de nom" in message
    assert message.startswith(str(path))


def test_duplicate_id_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "codes:\n  - {id: a, name: A}\n  - {id: a, name: B}\n")
    with pytest.raises(CodebookError, match="identifiant de code « a » en double"):
        read_codebook(path)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "codes:\n  - id: a\n   name: [\n")
    with pytest.raises(CodebookError, match="YAML invalide"):
        read_codebook(path)


def test_yaml_structure_problems_are_listed_in_french(tmp_path: Path) -> None:
    path = write(tmp_path, """codes:
  - Liens
  - name: Eau
    colour: "#ff0000"
    rules: {id: r1}
    children: puits
""")
    with pytest.raises(CodebookError) as err:
        read_codebook(path)
    message = str(err.value)
    assert message.startswith(f"{path} : 4 problème(s) dans la grille de codage, rien n'a été "
                              "chargé ; corrigez-les")
    assert "grille.yaml : un code de premier niveau est écrit « Liens »" in message
    assert "grille.yaml, ligne 3 : champ(s) inconnu(s) « colour »" in message
    assert "grille.yaml, ligne 3 : `rules` doit être une liste" in message
    assert "grille.yaml, ligne 3 : `children` doit être une liste de codes" in message


def test_file_and_format_errors_are_in_french(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="grille de codage introuvable ; vérifiez le chemin"):
        read_codebook(tmp_path / "absente.yaml")
    other = tmp_path / "grille.txt"
    other.write_text("codes: []\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"format de grille inconnu « \.txt »"):
        read_codebook(other)
    with pytest.raises(CodebookError, match="une liste `codes:` au premier niveau"):
        read_codebook(write(tmp_path, "codebook: {name: x}\n"))


def test_excel_rules_cell_that_is_not_yaml_names_the_cell(tmp_path: Path,
                                                          codebook_file: Path) -> None:
    xlsx = write_codebook(read_codebook(codebook_file), tmp_path / "g.xlsx")
    wb = load_workbook(xlsx)
    wb["codes"]["J2"] = "- id: r\n   lemmas: [\n"
    wb.save(xlsx)
    with pytest.raises(CodebookError, match=r"g\.xlsx, feuille « codes », cellule J2 : les "
                                            r"règles ne sont pas du YAML valide, ligne 2"):
        read_codebook(xlsx)


def test_yaml_excel_yaml_round_trip_is_lossless(tmp_path: Path) -> None:
    source = ROOT / "codebooks" / "diaspora_souss_massa.yaml"
    book = read_codebook(source)
    xlsx = write_codebook(book, tmp_path / "grille.xlsx")
    again = read_codebook(xlsx)
    assert [c.as_dict() for c in again.ordered()] == [c.as_dict() for c in book.ordered()]
    assert again.name == book.name
    yaml_again = read_codebook(write_codebook(again, tmp_path / "grille2.yaml"))
    assert [c.as_dict() for c in yaml_again.ordered()] == [c.as_dict() for c in book.ordered()]


def test_excel_errors_name_the_row(tmp_path: Path, codebook_file: Path) -> None:
    xlsx = write_codebook(read_codebook(codebook_file), tmp_path / "g.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["codes"]
    ws["B3"] = "inconnu"  # the parent of the 2nd code
    wb.save(xlsx)
    with pytest.raises(CodebookError, match=r"g\.xlsx, feuille « codes », ligne 3 : le parent "
                                            r"« inconnu » du code « liens\.affectifs » n'est "
                                            r"pas un code"):
        read_codebook(xlsx)


def test_excel_header_is_french_and_text_is_not_a_formula(tmp_path: Path,
                                                           codebook_file: Path) -> None:
    book = read_codebook(codebook_file)
    book.codes[0].definition = "=HYPERLINK(\"http://x\")"
    xlsx = write_codebook(book, tmp_path / "g.xlsx")
    ws = load_workbook(xlsx)["codes"]
    assert [c.value for c in ws[1]][:4] == ["identifiant", "parent", "niveau", "nom"]
    assert ws["E2"].data_type == "s"
    assert read_codebook(xlsx).codes[0].definition.startswith("=HYPERLINK")


def test_demo_codebook_has_25_to_40_codes_in_2_or_3_levels() -> None:
    book = read_codebook(ROOT / "codebooks" / "diaspora_souss_massa.yaml")
    # Thematic codes; the `initiatives` branch holds one code per capitalised initiative.
    thematic = [c for c in book.codes if c.id.split(".")[0] != "initiatives"]
    assert 25 <= len(thematic) <= 40
    assert 2 <= len(book.codes) - len(thematic) <= 10
    depths = {book.depth(c.id) for c in book.codes}
    assert depths in ({0, 1}, {0, 1, 2})
    for code in book.codes:
        assert code.definition and code.inclusion and code.exclusion, code.id


def test_xlsx_headers_typed_with_curly_apostrophes_and_extra_spaces(
        codebook_file: Path, tmp_path: Path) -> None:
    """Spreadsheets autocorrect ' into ’: "Critères d’inclusion" is still the inclusion
    column (it used to be dropped, and the criteria with it)."""
    xlsx = write_codebook(read_codebook(codebook_file), tmp_path / "g.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["codes"]
    for cell in ws[1]:
        if cell.value and "inclusion" in str(cell.value):
            cell.value = "Critères  d’inclusion"
            ws.cell(row=2, column=cell.column, value="Seulement les départs")
        elif cell.value and "exclusion" in str(cell.value):
            cell.value = "CRITÈRES D‘EXCLUSION"
            ws.cell(row=3, column=cell.column, value="Pas les visites")
    wb.save(xlsx)
    again = read_codebook(xlsx).codes
    assert again[0].inclusion == "Seulement les départs"
    assert again[1].exclusion == "Pas les visites"
