"""Read the rows of a spreadsheet (.xlsx) or a CSV file, with their row/line numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from workbench.corpus.encoding import decode_bytes
from workbench.corpus.files import read_bytes
from workbench.corpus.normalise import normalise_text
from workbench.errors import AttributesError, CorpusError


@dataclass
class Table:
    """One sheet: its header cells and its data rows as ``(row number, cells)``."""

    title: str
    header: list[object]
    header_row: int
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    csv: bool = False

    @property
    def unit(self) -> str:
        """What a row number counts: "line" in a CSV file, "row" in a sheet."""
        return "line" if self.csv else "row"

    def where(self, row: int) -> str:
        """How to point the user at a row: "line 5" (CSV) or "sheet 'cas', row 5"."""
        return f"line {row}" if self.csv else f"sheet '{self.title}', row {row}"


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _table(title: str, numbered: list[tuple[int, list[object]]], *, is_csv: bool) -> Table:
    rows = [(n, cells) for n, cells in numbered if not all(_blank(c) for c in cells)]
    if not rows:
        return Table(title, [], 0, [], is_csv)
    width = max(max((k + 1 for k, c in enumerate(cells) if not _blank(c)), default=0)
                for _, cells in rows)
    padded = [(n, (list(cells) + [None] * width)[:width]) for n, cells in rows]
    (header_row, header), data = padded[0], padded[1:]
    return Table(title, header, header_row, data, is_csv)


def _delimiter(first_line: str) -> str:
    counts = {d: 0 for d in (";", ",", "\t")}
    quoted = False
    for c in first_line:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path) -> Table:
    """The single table of a CSV file (encoding detected, delimiter ',' ';' or tab)."""
    try:
        text, _, _ = decode_bytes(read_bytes(path), source=path.name)
    except CorpusError as exc:
        raise AttributesError(str(exc)) from exc
    text = normalise_text(text)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]))
    numbered: list[tuple[int, list[object]]] = []
    line = 1
    try:
        for cells in reader:
            numbered.append((line, list(cells)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise AttributesError(
            f"{path.name}, line {reader.line_num}: cannot be read as CSV ({exc}); check the "
            "quotes on that line."
        ) from exc
    return _table(path.name, numbered, is_csv=True)


def read_xlsx(path: Path) -> list[Table]:
    """Every sheet of an Excel workbook, in order (formulas read as their last value)."""
    import openpyxl

    source = path.name
    todo = "open it in Excel or LibreOffice, save it as .xlsx and try again"
    if not path.exists():
        raise AttributesError(f"{source}: file not found ({path}); check the path.")
    if not zipfile.is_zipfile(path):
        raise AttributesError(
            f"{source}: is not a valid Excel .xlsx file (it is not a zip archive); {todo}."
        )
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise AttributesError(
            f"{source}: is not a valid Excel .xlsx file ({type(exc).__name__}); {todo}."
        ) from exc
    tables = []
    for ws in workbook.worksheets:
        rows = ws.iter_rows(min_row=1, values_only=True)
        numbered = [(k, list(row)) for k, row in enumerate(rows, start=1)]
        tables.append(_table(ws.title, numbered, is_csv=False))
    workbook.close()
    return tables
