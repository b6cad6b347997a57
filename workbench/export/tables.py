"""Tables out, formula-safe: CSV for Excel (UTF-8 with BOM) and simple .xlsx sheets.

This is the writer every table of the workbench goes through (`write_table`: extracts,
documents, cases, disagreements, fiches' tables, notebooks' exports); the cell rules
(cleaning, the CSV apostrophe, text cells in XLSX) live in `workbench.sheets.safe_cells`
and the fast XLSX rows in `workbench.sheets.xlsx_rows`. Files are written to a temporary
file renamed at the end: a failure leaves the previous file in place.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.atomic import write_atomically
from workbench.codebook import write_codebook
from workbench.sheets.safe_cells import csv_safe, table_value
from workbench.sheets.xlsx_rows import (
    DATE_FORMATS,
    abandon,
    data_rows,
    save_with_rows,
    style_template,
    write_only_cell,
)

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

SHEET_TITLE = "donnees"


def headers(frame: pd.DataFrame) -> list[str]:
    """The column names as text (a tuple of a multi-level header joined by " / ")."""
    return [" / ".join(map(str, c)) if isinstance(c, tuple) else str(c)
            for c in frame.columns]


def csv_cell(value: Any) -> str:
    """The text of one CSV cell: empty for missing, formula-safe text (`csv_safe`),
    numbers as Python prints them."""
    kind = type(value)
    if kind is str:
        return csv_safe(value)
    if kind is int or (kind is float and value - value == 0):  # finite numbers
        return repr(value)
    value = table_value(value)
    if value is None:
        return ""
    return csv_safe(value if isinstance(value, str) else str(value))


def write_csv(frame: pd.DataFrame, path: str | Path,
              header: Sequence[str] | None = None) -> Path:
    """Write `frame` as CSV for Excel: UTF-8 with BOM, comma-separated, CRLF line ends,
    cells with a line break quoted; every text cell (headers included) formula-safe.
    `header`: the headers to write (default: the column names)."""
    path = Path(path)
    names = list(header) if header is not None else headers(frame)
    rows = frame.astype(object).to_numpy().tolist()

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow([csv_cell(h) for h in names])
            writer.writerows([csv_cell(v) for v in row] for row in rows)

    return write_atomically(path, write)


def write_xlsx(frame: pd.DataFrame, path: str | Path, title: str = SHEET_TITLE,
               header: Sequence[str] | None = None) -> Path:
    """Write `frame` as one sheet: bold header, frozen first row, text as text cells
    (never formulas), numbers as numbers, dates as dates. `title`: the sheet's name
    (31 characters at most); `header`: the headers (default: the column names)."""
    path = Path(path)
    names = list(header) if header is not None else headers(frame)
    rows = frame.astype(object).to_numpy().tolist()  # `data_rows` converts each value
    title = title[:31] or SHEET_TITLE

    def write(tmp: Path) -> None:
        from openpyxl import Workbook  # imported when a sheet is written: 0.2 s
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        wb = Workbook(write_only=True)
        try:
            ws = wb.create_sheet(title)
            bold = style_template(ws, font=Font(bold=True))
            dates = {kind: style_template(ws, number_format=fmt).style_id
                     for kind, fmt in DATE_FORMATS.items()}
            ws.freeze_panes = "A2"
            ws.append([write_only_cell(ws, name, bold) for name in names])
        except BaseException:
            abandon(wb)
            raise
        styles = [0] * len(names)

        def source() -> Iterable[str]:
            return data_rows(rows, styles, date_styles=dates)

        save_with_rows(wb, tmp, {title: (source, len(rows))},
                       last_column={title: get_column_letter(max(1, len(names)))})

    return write_atomically(path, write)


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame to .xlsx (`write_xlsx`) or, for any other suffix, to CSV
    (`write_csv`); the folder is created when missing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(frame, path)
    return write_csv(frame, path)


def export_tables(project: ProjectData, out: Path) -> list[Path]:
    """Extracts, documents, cases (CSV) and the codebook (YAML and Excel) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_table(project.extracts(status="all"), out / "extraits.csv"),
        write_table(project.documents(), out / "documents.csv"),
        write_table(project.cases(), out / "cas.csv"),
        write_codebook(project.codebook(), out / "grille_de_codage.yaml"),
        write_codebook(project.codebook(), out / "grille_de_codage.xlsx"),
    ]
    return written


def export_extracts(data: ProjectData, path: str | Path, codes: Any = None, *,
                    where: Any = None, status: str | Iterable[str] | None = "accepted",
                    pseudonymise: bool = True, names_reviewed: bool = False,
                    columns: Sequence[str] | None = None) -> Path:
    """The selected extracts as a table (see ``p.export.extracts``): pseudonymised and
    checked for names before anything is written, unless `pseudonymise` is False."""
    frame = data.extracts(codes, where=where, status=status, pseudonymise=pseudonymise)
    if columns is not None:
        frame = frame[[c for c in columns if c in frame.columns]]
    if pseudonymise:
        data.check_names(frame, f"Le tableau d'extraits {Path(path).name}",
                         names_reviewed=names_reviewed)
    return write_table(frame, path)
