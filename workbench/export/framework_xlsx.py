"""The framework matrix as an Excel workbook: a « Matrice » sheet (one row per case or
document, one column per theme, each cell the summary then the references of its
extracts) and a « Cellules » sheet (one line per cell: counts, references, summary,
status, author, dates), for report writers who sort and filter.

The content is the Word annex's (`framework_docx.framework_view`): names pseudonymised by
default and checked before anything is written. Every text is a text cell, never a
formula (`sheets.xlsx_rows.write_only_cell`), cut at Excel's cell limit with a note.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.atomic import write_atomically
from workbench.coding.extracts import WhereValue
from workbench.coding.summaries import STATUS_LABELS
from workbench.errors import ExportError
from workbench.export.docx_common import missing
from workbench.export.framework_docx import (
    MAX_COLUMNS,
    ROW_HEADERS,
    TITLES,
    CodesArg,
    FrameworkCell,
    FrameworkView,
    framework_view,
    introduction,
    status_note,
)
from workbench.sheets.xlsx_rows import style_template, write_only_cell

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

MATRIX_SHEET = "Matrice"
CELLS_SHEET = "Cellules"
HEADER_FILL = "2F5D62"
ROW_WIDTH, CODE_WIDTH = 24, 48
LINE_HEIGHT, MAX_ROW_HEIGHT = 13.0, 409.0
# The long sheet: column → (header, width).
CELL_HEADERS = {
    "row": ("", 24), "reference": ("Référence du document", 12), "code": ("Code", 16),
    "code_name": ("Thème", 26), "extracts": ("Extraits", 9), "people": ("Personnes", 10),
    "references": ("Références des extraits", 30), "summary": ("Synthèse", 60),
    "status": ("Statut", 11), "author": ("Rédigée par", 14), "updated_at": ("Mise à jour", 12),
    "validated_by": ("Validée par", 14), "validated_at": ("Validée le", 12),
}


def cell_text(cell: FrameworkCell, *, mark_drafts: bool) -> str:
    """A matrix cell as one text: the summary (« [brouillon] » for a draft), then the
    references, then the extracts."""
    parts = []
    if cell.summary:
        parts.append(cell.summary + (" [brouillon]" if mark_drafts and cell.status == "draft"
                                     else ""))
    if cell.references and not cell.extracts:  # else each extract says its reference
        parts.append("Extraits : " + ", ".join(cell.references))
    parts += [f"{reference} : « {text.strip()} »" for reference, text in cell.extracts]
    return "\n\n".join(parts)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (an estimate)."""
    per_line = max(10, int(width * 1.15))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def export_framework_xlsx(project: ProjectData, path: str | Path, codes: CodesArg = None, *,
                          rows: str = "cases", where: Mapping[str, WhereValue] | None = None,
                          status: str | None = None, extracts: bool = False,
                          pseudonymise: bool = True, names_reviewed: bool = False) -> Path:
    """Write the framework matrix as .xlsx (see `export_framework_docx` for the options);
    pseudonymised, it is written only when no real name and no unreviewed possible name is
    left in it."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"{path.name} : la matrice Excel s'écrit dans un fichier .xlsx.")
    view = framework_view(project, codes, rows=rows, where=where, status=status,
                          extracts=extracts, pseudonymise=pseudonymise)
    mark = status is None
    matrix = [[label, *(cell_text(c, mark_drafts=mark) for c in line)]
              for label, line in zip(view.row_labels, view.grid, strict=True)]
    heading = _heading(view)
    long_rows = _long_rows(view)
    if pseudonymise:
        shown = [*heading, *view.code_names, *(v for r in matrix for v in r),
                 *(v for r in long_rows for v in r if isinstance(v, str))]
        project.check_names(shown, "La matrice de synthèse (Excel)",
                            names_reviewed=names_reviewed)
    return write_atomically(path, lambda tmp: _write(tmp, view, heading, matrix, long_rows))


def _heading(view: FrameworkView) -> list[str]:
    lines = [TITLES[view.rows].replace("Annexe — ", ""), introduction(view),
             f"Export du {date.today():%d/%m/%Y}. {status_note(view)}"]
    if view.selection:
        lines.append(view.selection)
    lines.append("Noms des personnes remplacés par des pseudonymes." if view.pseudonymise
                 else "Attention : noms réels des personnes, document à usage interne.")
    return lines


def long_columns(view: FrameworkView) -> list[str]:
    """The columns of the « Cellules » sheet (a document's reference with document rows)."""
    return [c for c in CELL_HEADERS if c != "reference" or view.rows == "documents"]


def _day(value: Any) -> date | None:
    """The day of a stored timestamp (a date cell), None when missing."""
    return None if missing(value) else pd.Timestamp(value).date()


def _long_rows(view: FrameworkView) -> list[list[Any]]:
    out = []
    for rec in view.cells.to_dict("records"):
        row = []
        for column in long_columns(view):
            value = rec[column]
            if column == "status":
                value = STATUS_LABELS.get(value, value) if not missing(value) else None
            elif column in ("updated_at", "validated_at"):
                value = _day(value)
            elif column in ("extracts", "people"):
                value = int(value)
            elif missing(value):
                value = None
            row.append(value)
        out.append(row)
    return out


def _write(tmp: Path, view: FrameworkView, heading: list[str], matrix: list[list[str]],
           long_rows: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = MATRIX_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    title = style_template(ws, font=Font(bold=True, size=14))
    note = style_template(ws, font=Font(italic=True, color="595959"))
    head = style_template(ws, font=Font(bold=True, color="FFFFFF"), alignment=wrap,
                          fill=PatternFill("solid", fgColor=HEADER_FILL))
    label = style_template(ws, font=Font(bold=True), alignment=wrap)
    body = style_template(ws, alignment=wrap)
    ws.append([write_only_cell(ws, heading[0], title)])
    for line in heading[1:]:
        ws.append([write_only_cell(ws, line, note)])
    ws.append([])
    header_row = len(heading) + 2
    ws.append([write_only_cell(ws, v, head) for v in [ROW_HEADERS[view.rows],
                                                       *view.code_names]])
    for values in matrix:
        ws.append([write_only_cell(ws, v or None, label if i == 0 else body)
                   for i, v in enumerate(values)])
        lines = max(_lines(v, CODE_WIDTH) for v in values[1:] or [""])
        ws.row_dimensions[ws.max_row].height = min(MAX_ROW_HEIGHT, max(15.0,
                                                                      lines * LINE_HEIGHT))
    ws.column_dimensions["A"].width = ROW_WIDTH
    for j in range(len(view.columns)):
        ws.column_dimensions[get_column_letter(j + 2)].width = CODE_WIDTH
    ws.freeze_panes = f"B{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    if len(view.columns) <= MAX_COLUMNS:  # printed: every theme across one page
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:  # more would print too small to read: several pages wide, the rows repeated
        ws.print_title_cols = "A:A"
    ws.print_title_rows = f"{header_row}:{header_row}"

    cells = wb.create_sheet(CELLS_SHEET)
    columns = long_columns(view)
    headers = [CELL_HEADERS[c][0] or ROW_HEADERS[view.rows] for c in columns]
    day = style_template(cells, alignment=wrap, number_format="dd/mm/yyyy")
    cells.append([write_only_cell(cells, h, head) for h in headers])
    for values in long_rows:
        cells.append([write_only_cell(cells, v, day if isinstance(v, date) else body)
                      for v in values])
    for j, column in enumerate(columns, start=1):
        cells.column_dimensions[get_column_letter(j)].width = CELL_HEADERS[column][1]
    cells.freeze_panes = "B2"
    cells.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(long_rows) + 1}"
    wb.save(tmp)
