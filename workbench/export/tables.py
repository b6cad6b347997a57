"""Plain tables out: CSV for Excel (UTF-8 with BOM) and simple .xlsx sheets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from workbench.export.safe_cells import csv_safe, excel_text

if TYPE_CHECKING:
    from workbench.project import Project


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame to .csv (UTF-8 BOM, formula-safe) or .xlsx (text cells)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        write_xlsx_sheet(frame, path)
    else:
        frame.map(csv_safe).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _cell(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value


def write_xlsx_sheet(frame: pd.DataFrame, path: Path, title: str = "donnees") -> Path:
    """One sheet, bold header, frozen first row; strings are stored as text, never formulas."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(frame.itertuples(index=False), start=2):
        for col_number, value in enumerate(row, start=1):
            value = _cell(value)
            cell = ws.cell(row=row_number, column=col_number)
            if isinstance(value, str):
                cell.value = excel_text(value)
                cell.data_type = "s"
            else:
                cell.value = value
    ws.freeze_panes = "A2"
    wb.save(path)
    return path


def export_tables(project: Project, out: Path) -> list[Path]:
    """Extracts, documents, cases (CSV) and the codebook (YAML and Excel) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_table(project.extracts(status="all"), out / "extraits.csv"),
        write_table(project.documents(), out / "documents.csv"),
        write_table(project.cases(), out / "cas.csv"),
        project.export_codebook(out / "grille_de_codage.yaml"),
        project.export_codebook(out / "grille_de_codage.xlsx"),
    ]
    return written
