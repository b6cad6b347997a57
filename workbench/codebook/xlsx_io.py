"""Read and write codebooks as Excel workbooks (for the COPIL and report writers).

One sheet `codes`, one row per code in tree order, French headers; rules are
kept as YAML text in their cell so the round trip YAML → Excel → YAML is lossless.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from workbench.atomic import atomic_output
from workbench.codebook.model import Code, Codebook, problem_list
from workbench.codebook.yaml_io import load_bounded, yaml_syntax
from workbench.corpus.sheets import workbook_tables
from workbench.errors import CodebookError
from workbench.sheets.xlsx_rows import abandon, style_template, write_only_cell
from workbench.text import ascii_fold

if TYPE_CHECKING:
    from openpyxl.cell import Cell

# (attribute, French header written, other accepted headers)
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("id", "identifiant", ("id", "code_id")),
    ("parent", "parent", ("parent_id",)),
    ("level", "niveau", ("level",)),
    ("name", "nom", ("name", "code")),
    ("definition", "définition", ("definition", "description")),
    ("inclusion", "critères d'inclusion", ("inclusion",)),
    ("exclusion", "critères d'exclusion", ("exclusion",)),
    ("example", "exemple", ("example",)),
    ("color", "couleur", ("color", "colour")),
    ("rules", "règles", ("rules",)),
    ("replaces", "remplace", ("replaces",)),
    ("guid", "guid", ()),
]


_APOSTROPHES = str.maketrans("’‘ʼ`´", "'''''")


def _key(header: str) -> str:
    """A header as typed by hand or by a spreadsheet's autocorrect ("Critères d’inclusion",
    "critères  d'inclusion") → its key ("criteres d'inclusion")."""
    return " ".join(ascii_fold(header.translate(_APOSTROPHES)).split())


_HEADERS = {_key(h): attr for attr, h, others in COLUMNS for h in (h, *others)}


def write_xlsx(book: Codebook, path: str | Path) -> Path:
    """Write the codebook as one styled sheet, codes in tree order; every text is a text
    cell (never a formula), through the workbench's one XLSX cell writer."""
    from openpyxl import Workbook  # imported when a codebook is written: 0.2 s
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    codes = book.ordered()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("codes")
    widths = [22, 18, 7, 32, 50, 40, 40, 40, 10, 40, 14, 38]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(codes) + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    header = style_template(ws, font=Font(bold=True, color="FFFFFF"),
                            fill=PatternFill("solid", fgColor="305496"))
    body = style_template(ws, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.append([write_only_cell(ws, h, header) for _, h, _ in COLUMNS])
    for code in codes:
        level = book.depth(code.id) + 1
        cells: list[Cell | None] = []  # write-only cells (None: empty)
        for attr, _, _ in COLUMNS:
            if attr == "level":
                value: Any = level
            elif attr == "rules":
                value = _dump(code.rules) if code.rules else None
            elif attr == "replaces":
                value = "; ".join(code.replaces) or None
            else:
                value = getattr(code, attr) or None
            cells.append(write_only_cell(ws, value, body))
        name = cells[3]
        if name is not None:
            name.alignment = Alignment(wrap_text=True, vertical="top", indent=2 * (level - 1))
            if level == 1:
                name.font = Font(bold=True)
        if code.color and cells[8] is not None:
            cells[8].fill = PatternFill("solid", fgColor=_rrggbb(code.color))
        ws.append(cells)
    info = wb.create_sheet("grille")
    for key, value in (("nom", book.name), ("description", book.description),
                       ("langue", book.language)):
        info.append([write_only_cell(info, key), write_only_cell(info, value)])
    with atomic_output(path) as tmp:
        try:
            wb.save(tmp)
        except BaseException:
            abandon(wb)
            raise
    return path


def _rrggbb(color: str) -> str:
    hexa = color.lstrip("#")
    return (hexa * 2 if len(hexa) == 1 else "".join(c * 2 for c in hexa) if len(hexa) == 3
            else hexa).upper()


def _dump(rules: list[dict[str, Any]]) -> str:
    return yaml.safe_dump(rules, allow_unicode=True, sort_keys=False, width=1000).strip()


def read_xlsx(path: str | Path) -> Codebook:
    """Parse and validate an Excel codebook; errors name the file, row and column.

    Formulas are read by the value saved with them (refused without one) and merged
    cells are refused with their range (see `workbench.corpus.sheets`).
    """
    from openpyxl.utils import get_column_letter

    path = Path(path)
    todo = ("ouvrez la grille dans Excel ou LibreOffice, enregistrez-la en .xlsx et "
            "chargez-la à nouveau")
    if not zipfile.is_zipfile(path):
        raise CodebookError(
            f"{path} : ce n'est pas un classeur Excel .xlsx lisible (ce n'est pas une archive "
            f"zip) ; {todo}.")
    tables = workbook_tables(path, error=CodebookError, todo=todo)
    by_title = {t.title: t for t in tables}
    sheet = by_title.get("codes") or tables[0]
    if not sheet.header:
        raise CodebookError(
            f"{path} : la feuille « {sheet.title} » est vide ; écrivez les en-têtes "
            "(identifiant, parent, nom…) sur la première ligne, puis un code par ligne.")
    header = [_HEADERS.get(_key(str(h or ""))) for h in sheet.header]
    for required in ("id", "name"):
        if required not in header:
            raise CodebookError(
                f"{path} : la feuille « {sheet.title} » n'a pas de colonne "
                f"« {dict((a, h) for a, h, _ in COLUMNS)[required]} » sur sa première ligne ; "
                "ajoutez cet en-tête.")
    codes: list[Code] = []
    problems: list[str] = []
    for number, values in sheet.rows:
        cells = {attr: v for attr, v in zip(header, values, strict=False) if attr}
        if all(v in (None, "") for v in cells.values()):
            continue
        where = f"{path.name}, feuille « {sheet.title} », ligne {number}"
        rules_text = cells.get("rules")
        rules: list[dict[str, Any]] = []
        if rules_text:
            col = get_column_letter(header.index("rules") + 1)
            try:
                rules = load_bounded(str(rules_text),
                                     source=f"{path.name}, cellule {col}{number}") or []
            except yaml.YAMLError as exc:
                problems.append(f"{path.name}, feuille « {sheet.title} », cellule {col}{number} : "
                                "les règles ne sont pas du YAML valide, "
                                f"{yaml_syntax(exc, within='du texte de la cellule')} ; "
                                "corrigez l'indentation de la cellule")
        replaces = [r.strip() for r in str(cells.get("replaces") or "").split(";") if r.strip()]
        codes.append(Code(
            id=_str(cells.get("id")), name=_str(cells.get("name")),
            parent=_str(cells.get("parent")) or None,
            definition=_str(cells.get("definition")), inclusion=_str(cells.get("inclusion")),
            exclusion=_str(cells.get("exclusion")), example=_str(cells.get("example")),
            color=_str(cells.get("color")) or None, rules=rules,
            guid=_str(cells.get("guid")) or None, replaces=replaces, where=where,
        ))
    if problems:
        raise CodebookError(problem_list(str(path), problems))
    head: dict[str, str] = {}
    if "grille" in by_title and by_title["grille"].header:
        info = by_title["grille"]
        for line in [info.header, *(row for _, row in info.rows)]:
            key, value = [*line, None, None][:2]
            if key:
                head[str(key)] = _str(value)
    return Codebook(codes, name=head.get("nom", ""), description=head.get("description", ""),
                    language=head.get("langue", "fr") or "fr", source=str(path)).validate()


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()
