"""The Excel annex of coded extracts, for the annexes of intermediate and final reports.

A summary sheet lists the codebook with counts, each code linked (an in-workbook
hyperlink, not a `#` URL) to the first row of its extracts; then one sheet per theme
(top-level code) or one master sheet; then any analysis tables (matrix, co-occurrence).
Every string is written as a text cell, so nothing a respondent said can run as a
formula, and text past Excel's cell limit is cut with a visible note. The workbook is
streamed (openpyxl write-only mode) so 50,000 extracts stay fast and small in memory,
and written to a temporary file renamed at the end: a failure leaves no half file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from workbench.analysis.groups import group_sizes
from workbench.analysis.labels import STATUS_LABELS, column_label
from workbench.atomic import write_atomically
from workbench.errors import ExportError
from workbench.export.tables import write_csv
from workbench.sheets.safe_cells import EXCEL_CELL_LIMIT, excel_text
from workbench.sheets.xlsx_rows import (
    RowSource,
    abandon,
    data_rows,
    save_with_rows,
    style_template,
    write_only_cell,
)

LAYOUTS = ("themes", "master")
LEADING = ("reference", "document", "speaker")
TRAILING = ("text", "code_path", "coder", "status", "memo")
REVIEW = ("reviewed_by", "review_comment")  # shown when some extract was reviewed
WIDTHS = {"reference": 10, "document": 18, "speaker": 14, "text": 64, "code_path": 28,
          "coder": 12, "status": 9, "memo": 30, "reviewed_by": 12, "review_comment": 30}
ATTRIBUTE_WIDTH = 13
# Columns whose text wraps; attribute columns (not in WIDTHS) wrap too.
WRAPPED = {"text", "code_path", "memo", "review_comment", "document", "speaker"}
LINE_HEIGHT = 15.0  # points per line of 11-point text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
SUMMARY_SHEET = "Sommaire"
MASTER_SHEET = "Extraits"
HEADER_FILL = "2F5D62"


@dataclass
class AnnexReport:
    """What was written: the file, its sheets, the extract count and cells cut."""

    path: Path
    sheets: list[str]
    extracts: int
    truncated: int = 0
    notes: list[str] = field(default_factory=list)


def annex_columns(extracts: pd.DataFrame, attributes: Sequence[str] | None) -> list[str]:
    """Reference, document, speaker, the `attributes` asked (None: none), then extract,
    code path, coder, status and memo, then reviewer and review comment when some
    extract has them."""
    attributes = list(attributes or ())
    unknown = [a for a in attributes if a not in extracts.columns]
    if unknown:
        known = ", ".join(c for c in extracts.columns if c not in LEADING + TRAILING)
        raise ExportError(f"Attribut(s) inconnu(s) pour l'annexe : {', '.join(unknown)}. "
                          f"Attributs disponibles : {known}.")
    review = [c for c in REVIEW if c in extracts.columns and extracts[c].notna().any()]
    return [c for c in (*LEADING, *attributes, *TRAILING) if c in extracts.columns] + review


def header_label(column: str, labels: Mapping[str, str] | None = None) -> str:
    """The header of a column: its label in `labels` (the study's own, for attributes),
    else the workbench's French label."""
    return (labels or {}).get(column) or column_label(column)


def wrapped_column(column: str) -> bool:
    return column in WRAPPED or column not in WIDTHS


def code_order(codes: pd.DataFrame) -> dict[str, int]:
    """Position of each code key in the codebook's reading order (depth first)."""
    children: dict[Any, list[str]] = {}
    for key, parent in zip(codes["key"], codes["parent"], strict=True):
        children.setdefault(parent if isinstance(parent, str) else None, []).append(key)
    order: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        key = stack.pop()
        order.append(key)
        stack.extend(reversed(children.get(key, [])))
    return {key: i for i, key in enumerate(order)}


def theme_of(codes: pd.DataFrame) -> dict[str, str]:
    """Each code key → the key of its top-level code."""
    parent = dict(zip(codes["key"], codes["parent"], strict=True))
    out = {}
    for key in parent:
        top = key
        while isinstance(parent.get(top), str):
            top = parent[top]
        out[key] = top
    return out


def sheet_names(titles: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Valid, unique Excel sheet names (≤ 31 characters, no []:*?/\\)."""
    taken = {name.casefold() for name in reserved}
    names = []
    for title in titles:
        base = "".join("-" if ch in "[]:*?/\\" else ch for ch in str(title)).strip("' ")
        base = (base if len(base) <= 31 else base[:30].rstrip() + "…") or "Feuille"
        name, n = base, 2
        while name.casefold() in taken:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        taken.add(name.casefold())
        names.append(name)
    return names


def location(sheet: str, row: int = 1, column: int = 1) -> str:
    """An in-workbook hyperlink target: 'Sheet name'!A1, apostrophes doubled."""
    return "'{}'!{}{}".format(sheet.replace("'", "''"), get_column_letter(column), row)


def cell_value(value: Any) -> Any:
    """A plain Python value for a cell: None for missing, oui/non, ints for whole floats."""
    if type(value) is str:
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.strftime("%d/%m/%Y")
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str | int | float):
        return str(value)  # lists, dicts, codes objects: as the reader would print them
    return value


def _too_long(column: pd.Series) -> int:
    """How many texts of a column exceed Excel's cell limit."""
    try:
        return int((column.str.len() > EXCEL_CELL_LIMIT).sum())
    except AttributeError:  # no text in this column (numbers, booleans)
        return 0


def plain_value(value: Any) -> Any:
    """`cell_value`, with text cut to Excel's cell limit (and a note saying so)."""
    if type(value) is not str:
        value = cell_value(value)
    return excel_text(value) if isinstance(value, str) else value


def annex_table(extracts: pd.DataFrame, codes: pd.DataFrame,
                columns: Sequence[str]) -> pd.DataFrame:
    """The extracts in codebook order, then document and position, with French statuses;
    the column `theme` (not written) names each row's top-level code."""
    order, themes = code_order(codes), theme_of(codes)
    frame = extracts.assign(_order=extracts["code"].map(order).fillna(len(order)),
                            theme=extracts["code"].map(themes))
    sort = [c for c in ("_order", "document", "start", "end") if c in frame.columns]
    frame = frame.sort_values(sort, kind="stable")
    out = frame[list(columns)].copy()
    if "status" in out.columns:
        out["status"] = out["status"].map(lambda s: STATUS_LABELS.get(s, s))
    out["theme"] = frame["theme"].to_numpy()
    out["code"] = frame["code"].to_numpy()
    return out.reset_index(drop=True)


def matrix_sheet_frame(matrix: pd.DataFrame, respondents: pd.DataFrame, by: str, *,
                       split: str | None = None) -> pd.DataFrame:
    """A code × group matrix (`matrix_coding`, unit: cases) as its annex sheet shows it:
    each group's column headed with the group's size, « F (n = 12) ».

    `respondents`: the population the analyses count (`analysis.population.respondents`,
    ``project.analysis.respondents()``), so the sizes are those of the prevalence and of
    the COPIL charts; a group without any respondent reads « (n = 0) ».
    """
    sizes = group_sizes(respondents, by, split=split)
    out = matrix.rename(columns=lambda value: f"{value} (n = {int(sizes.get(value, 0))})")
    out.columns.name = matrix.columns.name
    return out


class _Styles:
    """Cell templates whose style arrays are copied onto new cells (fast in write-only)."""

    def __init__(self, ws: Any) -> None:
        def template(**style: Any) -> WriteOnlyCell:
            return style_template(ws, **style)

        top = Alignment(vertical="top")
        self.header = template(font=Font(bold=True, color="FFFFFF"),
                               fill=PatternFill("solid", fgColor=HEADER_FILL),
                               alignment=Alignment(vertical="center", wrap_text=True))
        self.plain = template(alignment=top)
        self.wrapped = template(alignment=Alignment(vertical="top", wrap_text=True))
        self.title = template(font=Font(bold=True, size=14))
        self.note = template(font=Font(italic=True, color="555555"))
        self.link = template(font=Font(color="0563C1", underline="single"), alignment=top)
        self.warning = template(font=Font(bold=True, color="9C0006"))


class _SheetWriter:
    """Writes rows into one write-only sheet, counting cells cut at the Excel limit."""

    def __init__(self, wb: Workbook, title: str) -> None:
        self.ws = wb.create_sheet(title)
        self.styles = _Styles(self.ws)
        self.truncated = 0

    def cell(self, value: Any, style: WriteOnlyCell | None = None) -> WriteOnlyCell | None:
        """A cell holding `value` as text when it is text (never a formula); None for an
        empty value, which write-only sheets skip."""
        value = cell_value(value)
        if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
            self.truncated += 1
        return write_only_cell(self.ws, value, style)

    def height(self, row: int, points: float) -> None:
        """Set the height of the next row; write-only sheets read it as the row is written."""
        if points > LINE_HEIGHT:
            self.ws.row_dimensions[row].height = points

    def header(self, labels: Sequence[str]) -> None:
        self.ws.append([self.cell(label, self.styles.header) for label in labels])

    def layout(self, widths: Sequence[float], *, freeze: str | None, rows: int,
               header_row: int = 1) -> None:
        """Column widths, frozen panes, autofilter, landscape pages repeating the header.
        Must run before rows are appended (write-only sheets write as they go)."""
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        last = get_column_letter(max(1, len(widths)))
        self.ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(rows, 1)}"
        self.ws.print_title_rows = f"{header_row}:{header_row}"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True


def row_height(values: Iterable[Any], widths: Iterable[float | None]) -> float:
    """Points needed to show wrapped text whole (`widths` None where a column does not
    wrap): spreadsheet programs do not grow rows a program wrote, so the height is
    estimated from text lengths, line breaks and column widths."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        if width is not None and isinstance(value, str) and value:
            lines = max(lines, math.ceil(len(value) / max(1.0, width * 1.1))
                        + value.count("\n"))
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)


def _extract_sheet(wb: Workbook, title: str, table: pd.DataFrame, columns: Sequence[str],
                   pending: dict[str, tuple[RowSource, int]],
                   labels: Mapping[str, str] | None = None) -> None:
    """Lay out one extract sheet with openpyxl (header, widths, panes, filter, pages) and
    leave its data rows in `pending`, to be spliced in as strings after saving."""
    sheet = _SheetWriter(wb, title)
    widths = [WIDTHS.get(c, ATTRIBUTE_WIDTH) for c in columns]
    sheet.layout(widths, freeze="B2", rows=len(table))
    headers = [header_label(c, labels) for c in columns]
    sheet.height(1, max(2 * LINE_HEIGHT, row_height(headers, widths)))
    sheet.header(headers)
    styles = [(sheet.styles.wrapped if wrapped_column(c) else sheet.styles.plain).style_id
              for c in columns]
    values = table[list(columns)]
    wrapped = [i for i, c in enumerate(columns) if wrapped_column(c)]
    wrapped_widths = [widths[i] for i in wrapped]

    def rows() -> Iterable[str]:
        cells = [[plain_value(v) for v in row]
                 for row in values.astype(object).to_numpy().tolist()]
        heights = [row_height([row[i] for i in wrapped], wrapped_widths) for row in cells]
        return data_rows(cells, styles, heights, default_height=LINE_HEIGHT)

    pending[title] = (rows, len(values))


def _first_rows(table: pd.DataFrame, sheet_of_theme: Mapping[str, str],
                codes: pd.DataFrame) -> dict[str, tuple[str, int]]:
    """Each code with extracts (own or in its branch) → (sheet, first row of its rows)."""
    parent = dict(zip(codes["key"], codes["parent"], strict=True))
    first: dict[str, tuple[str, int]] = {}
    row_in_sheet: dict[str, int] = {}
    for code, theme in zip(table["code"], table["theme"], strict=True):
        sheet = sheet_of_theme[theme]
        row_in_sheet[sheet] = row_in_sheet.get(sheet, 1) + 1
        key: Any = code
        while isinstance(key, str):
            first.setdefault(key, (sheet, row_in_sheet[sheet]))
            key = parent.get(key)
    return first


def _summary_sheet(wb: Workbook, summary: pd.DataFrame, links: Mapping[str, tuple[str, int]],
                   heading: Sequence[str]) -> None:
    columns = ["name", "path", "description", "codings", "documents", "cases"]
    sheet = _SheetWriter(wb, SUMMARY_SHEET)
    header_row = len(heading) + 2
    sheet.layout([38, 46, 60, 10, 11, 8], freeze=f"A{header_row + 1}", rows=len(summary),
                 header_row=header_row)
    for i, line in enumerate(heading):
        style = sheet.styles.title if i == 0 else (
            sheet.styles.warning if line.startswith("Attention") else sheet.styles.note)
        sheet.ws.append([sheet.cell(line, style)])
    sheet.ws.append([])
    sheet.header(["Thème / code", "Chemin", "Description", "Extraits", "Documents", "Cas"])
    for row in summary[[*columns, "code", "depth"]].itertuples(index=False):
        name = sheet.cell(row.name, sheet.styles.link if row.code in links
                          else sheet.styles.plain)
        name.alignment = Alignment(vertical="top", indent=int(row.depth) * 2)
        if row.code in links:
            name.hyperlink = Hyperlink(ref="", location=location(*links[row.code]),
                                       tooltip="Aller aux extraits")
        if row.depth == 0:
            name.font = Font(bold=True, color=name.font.color, underline=name.font.underline)
        cells = [name, sheet.cell(row.path, sheet.styles.wrapped),
                 sheet.cell(row.description, sheet.styles.wrapped)]
        cells += [sheet.cell(getattr(row, c), sheet.styles.plain)
                  for c in ("codings", "documents", "cases")]
        sheet.ws.append(cells)


def _table_sheet(wb: Workbook, title: str, frame: pd.DataFrame) -> int:
    frame = frame.reset_index() if frame.index.name or any(frame.index.names) else frame
    columns = list(frame.columns)
    sheet = _SheetWriter(wb, title)
    widths = [min(60, max(10, len(column_label(c)) + 2,
                          *(len(str(v)) + 2 for v in frame[c].head(200))))
              for c in columns]
    sheet.layout(widths, freeze="B2", rows=len(frame))
    sheet.header([column_label(c) for c in columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.ws.append([sheet.cell(v, sheet.styles.plain) for v in row])
    return sheet.truncated


def write_annex_csv(table: pd.DataFrame, columns: Sequence[str], path: Path,
                    tables: Mapping[str, pd.DataFrame],
                    labels: Mapping[str, str] | None = None) -> list[Path]:
    """The master table as CSV for Excel (UTF-8 with BOM, formula-safe), and each extra
    table beside it as `<name>_<table>.csv`."""
    def csv(frame: pd.DataFrame, target: Path) -> None:
        write_csv(frame.map(cell_value), target,
                  header=[header_label(c, labels) for c in frame.columns])

    csv(table[list(columns)], path)
    written = [path]
    for name, frame in tables.items():
        frame = frame.reset_index() if frame.index.name or any(frame.index.names) else frame
        slug = "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")
        target = path.with_name(f"{path.stem}_{slug}.csv")
        csv(frame, target)
        written.append(target)
    return written


def write_annex(extracts: pd.DataFrame, codes: pd.DataFrame, summary: pd.DataFrame,
                path: str | Path, *, layout: str = "themes",
                attributes: Sequence[str] | None = None,
                labels: Mapping[str, str] | None = None,
                tables: Mapping[str, pd.DataFrame] | None = None,
                heading: Sequence[str] = ("Annexe : extraits codés",)) -> AnnexReport:
    """Write the annex workbook (or CSV when `path` ends in .csv).

    `extracts`: rows of `Project.extracts`; `codes`: `Project.codes()`; `summary`: the
    codes to list on the summary sheet with their counts (`code_frequencies`); `layout`:
    "themes" (one sheet per top-level code) or "master" (one sheet); `attributes`: the
    attribute columns (None: none); `labels`: their headers (column → label); `tables`: extra
    sheets by title (matrix, co-occurrence); `heading`: lines above the summary table.
    """
    path = Path(path)
    if layout not in LAYOUTS:
        raise ExportError(f"Disposition « {layout} » inconnue : choisissez « themes » "
                          "(une feuille par thème) ou « master » (une seule feuille).")
    columns = annex_columns(extracts, attributes)
    table = annex_table(extracts, codes, columns)
    tables = dict(tables or {})
    if path.suffix.lower() == ".csv":
        written = write_annex_csv(table, columns, path, tables, labels)
        return AnnexReport(path, [p.name for p in written], len(table))
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"{path.name} : l'annexe s'écrit en .xlsx ou en .csv.")

    names = dict(zip(codes["key"], codes["name"], strict=True))
    if layout == "themes":
        themes = [t for t in dict.fromkeys(table["theme"]) if isinstance(t, str)]
        titles = sheet_names([names.get(t, t) for t in themes], reserved=[SUMMARY_SHEET])
        sheet_of_theme = dict(zip(themes, titles, strict=True))
    else:
        sheet_of_theme = dict.fromkeys(table["theme"].dropna().unique(), MASTER_SHEET)
    table_titles = sheet_names(tables, reserved=[SUMMARY_SHEET, *sheet_of_theme.values()])
    links = _first_rows(table, sheet_of_theme, codes)
    truncated = sum(_too_long(table[c]) for c in columns)
    heading = list(heading)
    if truncated:
        heading.append(f"Attention : {truncated} cellule(s) dépassaient la limite d'Excel "
                       "(32 767 caractères) ; leur texte est tronqué et se termine par "
                       "« […] (texte tronqué …) ».")
    sheets = [SUMMARY_SHEET]

    pending: dict[str, tuple[RowSource, int]] = {}

    def fill(wb: Workbook) -> None:
        _summary_sheet(wb, summary, links, heading)
        if layout == "themes":
            for theme, title in sheet_of_theme.items():
                _extract_sheet(wb, title, table[table["theme"] == theme], columns, pending,
                               labels)
                sheets.append(title)
        else:
            _extract_sheet(wb, MASTER_SHEET, table, columns, pending, labels)
            sheets.append(MASTER_SHEET)
        for title, frame in zip(table_titles, tables.values(), strict=True):
            _table_sheet(wb, title, frame)
            sheets.append(title)

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        try:
            fill(wb)
        except BaseException:
            abandon(wb)
            raise
        last = get_column_letter(len(columns))
        save_with_rows(wb, tmp, pending, last_column=dict.fromkeys(pending, last))

    write_atomically(path, write)
    return AnnexReport(path, sheets, len(table), truncated, heading[1:])
