"""Read the rows of a spreadsheet (.xlsx) or a CSV file, with their row/line numbers.

Values are read as the user sees them, or refused with the cell to fix:

- a formula gives the value Excel or LibreOffice last computed and saved with
  it; a formula saved without one (a file written by a script) is refused,
  naming the cell;
- merged cells are refused with their range (only the first cell of a merge
  holds the value, the others would be read as empty);
- a CSV field whose opening quote is never closed is refused with its line
  (it would otherwise swallow the rest of the file into one cell).

A sheet's problems are raised when its rows are used (``Table.header`` /
``Table.rows``), so a merged title in a sheet nobody reads does not block an
import. A workbook is a zip archive: it is checked like every archive the
workbench opens (`workbench.corpus.archives`) before openpyxl inflates it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.corpus.archives import Limits, SafeArchive
from workbench.corpus.encoding import decode_bytes
from workbench.corpus.files import read_bytes
from workbench.corpus.normalise import normalise_text
from workbench.errors import AttributesError, CorpusError, WorkbenchError

# An attributes sheet or a codebook: thousands of rows at most, a few MB of XML. openpyxl
# holds every cell: a 10 MB sheet (200,000 cells) takes 100 MB and 4 s; 32 MB stays
# well under 1 GB.
SHEET_LIMITS = Limits(member=32 * 1024**2, total=64 * 1024**2, eager=True)


@dataclass
class Table:
    """One sheet: its header cells and its data rows as ``(row number, cells)``.

    `problems`: what makes the sheet unreadable as it is (merged cells, formulas
    without a value); reading `header` or `rows` then raises `error` listing them.
    """

    title: str
    _header: list[object]
    _header_row: int
    _rows: list[tuple[int, list[object]]] = field(default_factory=list)
    csv: bool = False
    problems: list[str] = field(default_factory=list)
    source: str = ""
    error: type[WorkbenchError] = AttributesError

    def check(self) -> None:
        """Raise the sheet's problems, if any (one error listing them all)."""
        if self.problems:
            raise self.error(
                f"{self.source}, feuille « {self.title} » : {len(self.problems)} problème(s), "
                "rien n'a été lu :\n  - " + "\n  - ".join(self.problems))

    @property
    def header(self) -> list[object]:
        self.check()
        return self._header

    @property
    def header_row(self) -> int:
        self.check()
        return self._header_row

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        self.check()
        return self._rows

    @property
    def unit(self) -> str:
        """What a row number counts, in the user's words ("ligne" in a CSV file and a sheet)."""
        return "ligne"

    def where(self, row: int) -> str:
        """How to point the user at a row: "ligne 5" (CSV) or "feuille « cas », ligne 5"."""
        return f"ligne {row}" if self.csv else f"feuille « {self.title} », ligne {row}"


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _table(title: str, numbered: list[tuple[int, list[object]]], *, is_csv: bool,
           problems: list[str] | None = None, source: str = "",
           error: type[WorkbenchError] = AttributesError) -> Table:
    rows = [(n, cells) for n, cells in numbered if not all(_blank(c) for c in cells)]
    problems, source = problems or [], source or title
    if not rows:
        return Table(title, [], 0, [], is_csv, problems=problems, source=source, error=error)
    width = max(max((k + 1 for k, c in enumerate(cells) if not _blank(c)), default=0)
                for _, cells in rows)
    padded = [(n, (list(cells) + [None] * width)[:width]) for n, cells in rows]
    (header_row, header), data = padded[0], padded[1:]
    return Table(title, header, header_row, data, is_csv, problems=problems, source=source,
                 error=error)


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
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]),
                        strict=True)
    numbered: list[tuple[int, list[object]]] = []
    line = 1
    try:
        for cells in reader:
            numbered.append((line, list(cells)))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "end of data" in str(exc):
            raise AttributesError(
                f"{path.name}, ligne {line} : un guillemet (\") ouvert sur cette ligne n'est "
                "jamais refermé, la suite du fichier serait lue comme une seule cellule ; "
                "fermez-le (ou retirez-le) puis importez le fichier à nouveau.") from exc
        raise AttributesError(
            f"{path.name}, ligne {reader.line_num} : illisible en CSV ({exc}) ; vérifiez les "
            "guillemets de cette ligne (une cellule entre guillemets ne peut pas être suivie "
            "d'autre texte) puis importez le fichier à nouveau.") from exc
    return _table(path.name, numbered, is_csv=True)


def _formula(cell: Any) -> str:
    value = cell.value
    return str(getattr(value, "text", value))


def _sheet(ws: Any, cached: Any | None, *, source: str,
           error: type[WorkbenchError]) -> Table:
    """One worksheet as a Table: formulas by their saved value, problems listed."""
    problems = [
        f"cellules {rng.coord} fusionnées : seule la première garde sa valeur ; défusionnez-les "
        "et écrivez la valeur dans chaque cellule"
        for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    ]
    numbered: list[tuple[int, list[object]]] = []
    for k, row in enumerate(ws.iter_rows(min_row=1), start=1):
        values: list[object] = []
        for cell in row:
            value = cell.value
            if cell.data_type == "f":
                value = cached[cell.coordinate].value if cached is not None else None
                if value is None:
                    problems.append(
                        f"cellule {cell.coordinate} : formule « {_formula(cell)} » enregistrée "
                        "sans sa valeur ; ouvrez le classeur dans Excel ou LibreOffice et "
                        "enregistrez-le (la formule est alors calculée), ou remplacez-la par "
                        "sa valeur")
            values.append(value)
        numbered.append((k, values))
    return _table(ws.title, numbered, is_csv=False, problems=problems, source=source,
                  error=error)


def workbook_tables(path: Path, *, error: type[WorkbenchError],
                    todo: str = "ouvrez-le dans Excel ou LibreOffice, enregistrez-le en .xlsx "
                    "et réessayez") -> list[Table]:
    """Every sheet of an Excel workbook as a Table, in order (see the module for formulas
    and merged cells); `error` is the class raised, for an attributes sheet or a codebook."""
    import openpyxl

    source = path.name
    SafeArchive(path, limits=SHEET_LIMITS, error=error, kind="un classeur Excel .xlsx",
                todo=todo).close()
    try:
        workbook = openpyxl.load_workbook(path)
        formulas = any(cell.data_type == "f" for ws in workbook.worksheets
                       for row in ws.iter_rows() for cell in row)
        cached = openpyxl.load_workbook(path, data_only=True) if formulas else None
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise error(f"{source} : ce n'est pas un classeur Excel .xlsx lisible "
                    f"({type(exc).__name__}) ; {todo}.") from exc
    tables = [_sheet(ws, cached[ws.title] if cached is not None else None, source=source,
                     error=error) for ws in workbook.worksheets]
    workbook.close()
    if cached is not None:
        cached.close()
    return tables


def read_xlsx(path: Path) -> list[Table]:
    """Every sheet of an Excel workbook, in order (formulas read as their last value)."""
    source = path.name
    todo = "ouvrez-le dans Excel ou LibreOffice, enregistrez-le en .xlsx et réessayez"
    if not path.exists():
        raise AttributesError(f"{source} : fichier introuvable ({path}) ; vérifiez le chemin.")
    if not zipfile.is_zipfile(path):
        raise AttributesError(
            f"{source} : ce n'est pas un classeur Excel .xlsx valide (ce n'est pas une archive "
            f"zip) ; {todo}."
        )
    return workbook_tables(path, error=AttributesError)
