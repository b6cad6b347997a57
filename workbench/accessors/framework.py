"""``p.framework``: case × theme summaries, the framework matrix (NVivo's framework
matrices, MAXQDA's Summary Grid).

Rows are cases (filtered by any attribute of the study profile) or documents; columns
are codes with their branch (the codebook's themes by default). Each cell holds the
accepted extracts of its row under that branch and the summary a researcher writes
beside them: a draft until the lead validates it; every write and validation is in the
audit log (``p.history()``) and ``p.undo()`` takes the last one back. Exports:
``p.export.framework(path)`` (Word or Excel)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.analysis.framework import cell_extracts, framework_cells, framework_matrix
from workbench.coding import summaries as ops
from workbench.coding.extracts import WhereValue

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

CodesArg = str | int | Iterable[str | int] | None


class Framework:
    """The framework matrix of a project (``p.framework``): read cells, write and
    validate summaries."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def _inputs(self, codes: CodesArg, rows: str,
                where: Mapping[str, WhereValue] | None) -> ops.FrameworkInputs:
        with self._data.store.read() as conn:
            return ops.framework_inputs(conn, codes=codes, rows=rows, where=where)

    def cells(self, codes: CodesArg = None, *, rows: str = "cases",
              where: Mapping[str, WhereValue] | None = None) -> pd.DataFrame:
        """The long table of cells, one line per row (case or document) and code: row,
        reference, code, code_name, extracts (accepted passages), people (distinct
        cases), references (« E01-T4, E01-T9 »), summary, status (draft, validated),
        author, updated_at, validated_by, validated_at, summary_id.

        `codes`: the columns (code ids, keys, names or paths; default the top-level codes
        of the codebook), each counting its branch. `rows`: "cases" or "documents".
        `where`: {attribute: value | [values] | predicate}, on the cases' attributes
        (which rows), the documents' (with rows="documents") or any extracts' column.
        Rows without any extract or summary in these columns are left out.
        """
        inputs = self._inputs(codes, rows, where)
        return framework_cells(inputs.extracts, inputs.table, inputs.codes, inputs.columns,
                               inputs.summaries, by=inputs.by)

    def matrix(self, codes: CodesArg = None, *, rows: str = "cases",
               where: Mapping[str, WhereValue] | None = None) -> pd.DataFrame:
        """The framework matrix: one row per case (or document, ``rows="documents"``),
        one column per code key, each cell the summary's text (None where none is written
        yet); the same rows, columns and filters as `cells`."""
        inputs = self._inputs(codes, rows, where)
        cells = framework_cells(inputs.extracts, inputs.table, inputs.codes, inputs.columns,
                                inputs.summaries, by=inputs.by)
        return framework_matrix(cells, inputs.columns, by=inputs.by)

    def _cell(self, row: str | int, code: str | int, rows: str | None) -> ops.Cell:
        with self._data.store.read() as conn:
            return ops.resolve_cell(conn, row, code, rows)

    def extracts(self, row: str | int, code: str | int, *,
                 rows: str | None = None) -> pd.DataFrame:
        """The accepted extracts of one cell: `row` a case name or a document name or
        reference (`rows` None: a case if one has that name, else a document), `code`
        with its branch; in text order."""
        cell = self._cell(row, code, rows)
        by = "case" if cell.rows == "cases" else "document"
        return cell_extracts(self._data.extracts(cell.code), self._data.codes(), cell.row,
                             cell.code, by=by)

    def summary(self, row: str | int, code: str | int, *,
                rows: str | None = None) -> dict[str, Any] | None:
        """The summary of one cell (summary_id, rows, row, code, code_name, text, status,
        author, created_at, updated_at, validated_by, validated_at), or None when none
        is written."""
        with self._data.store.read() as conn:
            cell = ops.resolve_cell(conn, row, code, rows)
            found = ops.find_summary(conn, cell)
        if found is None:
            return None
        return {"summary_id": found["id"], "rows": cell.rows, "row": cell.row,
                "code": cell.code, "code_name": cell.code_name,
                **{k: found[k] for k in ("text", "status", "author", "created_at",
                                         "updated_at", "validated_by", "validated_at")}}

    def write(self, row: str | int, code: str | int, text: str, *,
              rows: str | None = None) -> int:
        """Write the summary of one cell (create it, or replace its text) as this project's
        coder; returns its id. A new text is a draft, even where the lead had validated
        the former one. Audited; ``p.undo()`` takes it back."""
        with self._data.store.write(self._data.coder) as w:
            cell = ops.resolve_cell(w.conn, row, code, rows)
            return ops.write_summary(w, cell, text)

    def validate(self, row: str | int, code: str | int, *, rows: str | None = None) -> None:
        """Validate the summary of one cell (a lead only: RoleError otherwise, nothing
        changed). Audited; ``p.undo()`` takes it back."""
        with self._data.store.write(self._data.coder) as w:
            cell = ops.resolve_cell(w.conn, row, code, rows)
            ops.validate_summary(w, cell)

    def summaries(self, status: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Every summary written (or those of `status`: "draft", "validated"): summary_id,
        rows, case, document, reference, code, code_name, text, status, author,
        created_at, updated_at, validated_by, validated_at."""
        with self._data.store.read() as conn:
            return ops.summaries_frame(conn, status)
