"""The Excel annex: structure, links, pseudonymisation, formula safety, cell limit, and
what happens to a file already there when an export fails."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import CODEBOOK_YAML
from tests.export.libreoffice import pdf_text, to_pdf
from workbench import Project
from workbench.analysis.labels import column_label
from workbench.export.annex_xlsx import ExportError
from workbench.sheets.safe_cells import EXCEL_CELL_LIMIT

HOSTILE = ["=SOMME(A1:A3)", "+33 6 12 34 56", "-2+3", "@utilisateur", "=HYPERLINK(\"x\")"]


def sheet_rows(ws) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def all_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


@pytest.fixture(scope="module")
def annex(demo: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("annex") / "annexe_extraits.xlsx"
    demo.export.annex(path, matrix="genre", cooccurrence="turn")
    return path


def test_one_sheet_per_theme_holds_every_accepted_extract(demo: Project, annex: Path) -> None:
    wb = load_workbook(annex)
    expected = demo.extracts(status="accepted", pseudonymise=True)
    codes = demo.codes().set_index("key")
    themes = set(expected["code"].map(lambda k: k.split(".")[0]))
    assert wb.sheetnames[0] == "Sommaire"
    theme_sheets = [n for n in wb.sheetnames[1:] if not n.startswith(("Matrice", "Cooccur"))]
    assert len(theme_sheets) == len(themes)
    rows = [r for name in theme_sheets for r in sheet_rows(wb[name])]
    assert sorted(r["Référence"] for r in rows) == sorted(expected["reference"])
    assert {r["Statut"] for r in rows} == {"validé"}
    for name in theme_sheets:  # every row of a theme sheet belongs to that theme
        paths = {r["Code (chemin)"].split(" > ")[0] for r in sheet_rows(wb[name])}
        assert len(paths) == 1
        assert name.rstrip("…") in paths.pop()
    header = [c.value for c in wb[theme_sheets[0]][1]]
    assert header[:3] == ["Référence", "Document", "Locuteur·rice"]
    assert {"Genre", "Génération", "Extrait", "Code (chemin)", "Codeur·euse", "Statut",
            "Mémo"} <= set(header)
    ws = wb[theme_sheets[0]]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws["A1"].font.bold
    extract_col = header.index("Extrait") + 1
    assert ws.cell(row=2, column=extract_col).alignment.wrap_text
    assert codes.loc["liens", "name"] in wb.sheetnames[1:]


def test_summary_links_each_code_to_its_first_extract(demo: Project, annex: Path) -> None:
    wb = load_workbook(annex)
    summary = wb["Sommaire"]
    names = demo.codes().set_index("name")["path"]
    linked = 0
    for row in summary.iter_rows(min_row=1):
        cell = row[0]
        if cell.hyperlink is None:
            continue
        link = cell.hyperlink
        assert not link.target, "in-workbook links use location, not a URL"
        sheet, ref = link.location.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
        target = wb[sheet]
        header = [c.value for c in target[1]]
        row_number = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        code_path = target.cell(row=row_number,
                                column=header.index("Code (chemin)") + 1).value
        assert code_path.startswith(names[cell.value]), (cell.value, code_path)
        count = row[3].value
        assert count > 0
        linked += 1
    frequencies = demo.analysis.code_frequencies()
    assert linked == int((frequencies["codings"] > 0).sum())


def test_analysis_sheets_match_the_analysis_api(demo: Project, annex: Path) -> None:
    wb = load_workbook(annex)
    rows = sheet_rows(wb["Matrice Genre"])
    by_path = {r["Code (cas distincts)"]: r for r in rows}
    matrix = demo.analysis.matrix("genre")
    sizes = demo.analysis.prevalence("genre").groupby("group")["cases_in_group"].first()
    path = demo.codes().set_index("key").loc["femmes.gouvernance", "path"]
    for group in ("F", "H"):  # headed with the group's size, counted as the analyses count
        assert by_path[path][f"{group} (n = {sizes[group]})"] == matrix.loc[
            "femmes.gouvernance", group]
    pairs = sheet_rows(wb["Cooccurrences (même tour)"])
    api = demo.analysis.cooccurrence(scope="turn")
    assert len(pairs) == int((api["n_ab"] > 0).sum())
    assert all(r[column_label("n_ab")] > 0 for r in pairs)


def test_pseudonymised_by_default_and_real_names_only_on_request(demo: Project, annex: Path,
                                                                 tmp_path: Path) -> None:
    assert demo.leaks(all_text(annex)) == []
    real = demo.export.annex(tmp_path / "interne.xlsx", pseudonymise=False)
    text = all_text(real.path)
    assert demo.leaks(text), "the real-name export must hold names (else the check is blind)"
    assert "Attention : noms réels" in text


def test_master_sheet_with_filters(demo: Project, tmp_path: Path) -> None:
    report = demo.export.annex(tmp_path / "femmes.xlsx", "femmes", where={"genre": "F"},
                               layout="master", attributes=["genre", "region_residence"])
    expected = demo.extracts("femmes", where={"genre": "F"}, status="accepted")
    wb = load_workbook(report.path)
    assert wb.sheetnames == ["Sommaire", "Extraits"]
    rows = sheet_rows(wb["Extraits"])
    assert sorted(r["Référence"] for r in rows) == sorted(expected["reference"])
    assert {r["Genre"] for r in rows} == {"F"}
    assert "Région de résidence" in rows[0] and "Génération" not in rows[0]
    summary_text = all_text(report.path)
    assert "Sélection : codes = femmes ; Genre = F" in summary_text


def test_csv_for_excel(demo: Project, tmp_path: Path) -> None:
    report = demo.export.annex(tmp_path / "annexe.csv", matrix="genre")
    raw = (tmp_path / "annexe.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(tmp_path / "annexe.csv", encoding="utf-8-sig")
    assert len(frame) == report.extracts == len(demo.extracts(status="accepted"))
    assert frame.columns[0] == "Référence"
    assert (tmp_path / "annexe_matrice_genre.csv").is_file()


class Unprintable:
    """A value whose text cannot be made: the export fails while writing the last sheet."""

    def __str__(self) -> str:
        raise RuntimeError("valeur illisible")


@pytest.fixture
def hostile(project: Project, tmp_path: Path) -> Project:
    """The mini project with a turn full of text a spreadsheet would run, and a long one."""
    lines = [f"Fatima : {value} est ce que j'ai écrit." for value in HOSTILE]
    lines.append("Fatima : " + "le puits du village " * 2200)  # 44,000 characters
    path = tmp_path / "E03_formules.txt"
    path.write_text("Enquêtrice : Bonjour.\n" + "\n".join(lines) + "\n", encoding="utf-8")
    project.import_file(path, progress=False)
    for value in HOSTILE:
        project.code_quote("E03_formules", f"{value} est ce que", "liens.affectifs",
                           memo=value)
    text = project.text("E03_formules")
    start = text.index("le puits du village")
    project.code("E03_formules", start, len(text.rstrip("\n")), "actions.eau")
    project.privacy.propose()  # a pseudonymised annex names nobody by a real name
    return project


def test_text_that_looks_like_a_formula_stays_text(hostile: Project, tmp_path: Path) -> None:
    path = hostile.export.annex(tmp_path / "a.xlsx", layout="master").path
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)
    ws = load_workbook(path)["Extraits"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    for value in HOSTILE:
        extract = next(c for c in cells if c.value == f"{value} est ce que")
        memo = next(c for c in cells if c.value == value)
        assert extract.data_type == memo.data_type == "s"
    _pages, text = pdf_text(to_pdf(path, tmp_path / "pdf"))
    assert "=SOMME(A1:A3)" in text  # shown, not computed
    csv = pd.read_csv(hostile.export.annex(tmp_path / "a.csv").path, encoding="utf-8-sig")
    for value in HOSTILE:
        assert f"'{value} est ce que" in set(csv["Extrait"])
        assert f"'{value}" in set(csv["Mémo"])


def test_excel_cell_limit_cut_with_a_visible_note(hostile: Project, tmp_path: Path) -> None:
    report = hostile.export.annex(tmp_path / "long.xlsx", "actions.eau", layout="master")
    assert report.truncated == 1
    ws = load_workbook(report.path)["Extraits"]
    texts = [c.value for row in ws.iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and c.value.startswith("le puits")]
    assert len(texts) == 1 and len(texts[0]) <= EXCEL_CELL_LIMIT
    assert texts[0].endswith("(texte tronqué : limite Excel de 32 767 caractères)")
    assert "Attention : 1 cellule(s) dépassaient la limite" in all_text(report.path)


def test_bad_requests_write_nothing_and_keep_the_previous_file(demo: Project,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "annexe.xlsx"
    demo.export.annex(path, "femmes")
    before = path.read_bytes()
    with pytest.raises(ExportError, match="Disposition"):
        demo.export.annex(path, layout="par-code")
    with pytest.raises(ExportError, match="Attribut"):
        demo.export.annex(path, attributes=["couleur_preferee"])
    with pytest.raises(ExportError, match="Aucun extrait"):
        demo.export.annex(path, "femmes", where={"genre": "X"})
    with pytest.raises(RuntimeError, match="illisible"):  # fails mid-file, after the extracts
        demo.export.annex(path, tables={"Cassé": pd.DataFrame({"x": [1, Unprintable()]})})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annexe.xlsx"]


def test_libreoffice_opens_and_prints_the_annex(annex: Path, tmp_path: Path) -> None:
    pages, text = pdf_text(to_pdf(annex, tmp_path))
    assert pages >= 5
    assert "Annexe : extraits codés" in text
    assert "Liens au territoire d'origine" in text
    assert "E01-T10" in text


def test_markup_quotes_controls_and_scripts_survive_the_xml(project: Project,
                                                            tmp_path: Path) -> None:
    memo = 'Note <b>&amp; "citée" \x07fin\r\nسلام عليكم ⵜⴰⵎⴰⵣⵉⵖⵜ 😀'
    project.code_quote("E01_fatima", "c'est ma mère", "liens.affectifs", memo=memo)
    project.privacy.propose()
    path = project.export.annex(tmp_path / "x.xlsx", layout="master").path
    ws = load_workbook(path)["Extraits"]
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row]
    stored = project.extracts()["memo"].iloc[0]
    assert "\x07" not in stored and "سلام عليكم ⵜⴰⵎⴰⵣⵉⵖⵜ 😀" in stored  # controls stripped
    assert stored in values  # markup, quotes, scripts and emoji survive the XML
    assert "c'est ma mère" in values


def test_code_descriptions_are_pseudonymised_too(project: Project, tmp_path: Path) -> None:
    grille = tmp_path / "grille_nommee.yaml"
    grille.write_text(CODEBOOK_YAML.replace(
        "Attachement, nostalgie.", "Attachement, nostalgie (voir Fatima Aït Lahcen)."),
        encoding="utf-8")
    project.load_codebook(grille)
    project.privacy.propose()
    project.code_quote("E01_fatima", "c'est l'odeur de la terre", "liens.affectifs")
    project.review.set(int(project.extracts("liens.affectifs")["coding_id"].iloc[0]), "accepted")
    path = project.export.annex(tmp_path / "annexe.xlsx").path
    text = all_text(path)
    assert "Attachement, nostalgie" in text
    assert project.leaks(text) == []
    internal = project.export.annex(tmp_path / "interne.xlsx", pseudonymise=False).path
    assert "Fatima Aït Lahcen" in all_text(internal)
