"""The framework matrix (NVivo's framework matrices, MAXQDA's Summary Grid): one row per
case (or document), one column per theme, each cell the accepted extracts of that row
under the theme's branch and the summary a researcher wrote for it.

Pure functions on DataFrames: the extracts as `ProjectData.extracts` returns them
(accepted ones, filters applied by the caller), the rows (`row`, `reference`), the codes
frame (`key`, `parent`, `name`) and the summaries (`coding.summaries.summaries_frame`).
A column counts its whole branch: an extract coded with a sub-code belongs to the
column of its theme. A cell counts passages (distinct document, start and end: two
codings of one passage under one theme are one extract) and people (distinct cases).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from workbench.analysis.codes import ancestors
from workbench.errors import WorkbenchError

BY = ("case", "document")
CELL_COLUMNS = ["row", "reference", "code", "code_name", "extracts", "people", "references",
                "summary", "status", "author", "updated_at", "validated_by", "validated_at",
                "summary_id"]
SUMMARY_FIELDS = ("status", "author", "updated_at", "validated_by", "validated_at",
                  "summary_id")
PASSAGE = ["document", "start", "end"]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def framework_columns(codes: pd.DataFrame, chosen: Sequence[str] | None = None) -> list[str]:
    """The matrix's columns: the top-level codes in codebook order (`chosen` None), or the
    code keys chosen (in their order, duplicates dropped); an unknown key is an error."""
    keys = [str(k) for k in codes["key"]]
    if chosen is None:
        return [str(k) for k, p in zip(codes["key"], codes["parent"], strict=True)
                if _missing(p)]
    unknown = [k for k in chosen if k not in set(keys)]
    if unknown:
        raise WorkbenchError(f"code(s) inconnu(s) pour la matrice : {', '.join(unknown)} ; "
                             f"codes connus : {', '.join(keys[:12])}"
                             + (" …" if len(keys) > 12 else "") + ".")
    return list(dict.fromkeys(chosen))


def rolled_extracts(extracts: pd.DataFrame, codes: pd.DataFrame,
                    columns: Sequence[str]) -> pd.DataFrame:
    """The extracts with a `column` column: each extract once for every chosen column it
    falls under (its own code or an ancestor); extracts under no column are left out."""
    chains = ancestors(codes)
    wanted = set(columns)
    frame = extracts.copy()
    frame["column"] = [[k for k in chains.get(code, [code]) if k in wanted]
                       for code in frame["code"]]
    frame = frame.explode("column", ignore_index=True)
    return frame[frame["column"].notna()].reset_index(drop=True)


def _summary_key(record: dict[Any, Any], by: str) -> tuple[str, str]:
    return str(record[by]), str(record["code"])


def framework_cells(extracts: pd.DataFrame, rows: pd.DataFrame, codes: pd.DataFrame,
                    columns: Sequence[str], summaries: pd.DataFrame, *, by: str,
                    every_row: bool = False) -> pd.DataFrame:
    """The long table of cells, one line per row and column, rows in `rows`' order and
    columns in `columns`' order: row, reference (a document's), code, code_name,
    extracts (passages), people (distinct cases), references (the extracts' references,
    « E01-T4, E01-T9 », in text order), summary, status, author, updated_at,
    validated_by, validated_at, summary_id.

    `by`: "case" or "document", the extracts' column a row is read from (and the
    summaries' column). A row with neither an extract nor a summary in any column is
    left out unless `every_row`.
    """
    if by not in BY:
        raise WorkbenchError(f"by={by!r} : les lignes se lisent par « case » ou « document ».")
    names = {str(k): str(n) for k, n in zip(codes["key"], codes["name"], strict=True)}
    shown = set(rows["row"])
    material = rolled_extracts(extracts[extracts[by].isin(shown)], codes, columns)
    groups: dict[tuple[str, str], pd.DataFrame] = {}
    for key, group in material.groupby([by, "column"], sort=False):
        row, column = key
        groups[(str(row), str(column))] = group
    written = {_summary_key(r, by): r for r in summaries.to_dict("records")
               if not _missing(r.get(by))}
    records: list[list[Any]] = []
    for row, reference in zip(rows["row"], rows["reference"], strict=True):
        line: list[list[Any]] = []
        for column in columns:
            found = groups.get((str(row), column))
            summary = written.get((str(row), column))
            count = 0 if found is None else len(found.drop_duplicates(PASSAGE))
            people = 0 if found is None else int(found["case"].dropna().nunique())
            refs = [] if found is None else list(dict.fromkeys(map(str, found["reference"])))
            fields = [None] * len(SUMMARY_FIELDS) if summary is None \
                else [summary[f] for f in SUMMARY_FIELDS]
            line.append([row, None if _missing(reference) else reference, column,
                         names.get(column, column), count, people, ", ".join(refs),
                         None if summary is None else summary["text"], *fields])
        if every_row or any(cell[4] or cell[7] is not None for cell in line):
            records.extend(line)
    frame = pd.DataFrame(records, columns=CELL_COLUMNS)
    for column in ("reference", "summary", *SUMMARY_FIELDS[:-1]):
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), None)
    frame["extracts"] = frame["extracts"].astype(int)
    frame["people"] = frame["people"].astype(int)
    frame["summary_id"] = frame["summary_id"].astype("Int64")
    return frame


def framework_matrix(cells: pd.DataFrame, columns: Sequence[str], *, by: str) -> pd.DataFrame:
    """The matrix: one row per row of `cells` (index named `by`), one column per code key
    of `columns`, each cell the summary's text (None where none is written)."""
    order = list(dict.fromkeys(cells["row"]))
    text = {(str(r), str(c)): s for r, c, s in zip(cells["row"], cells["code"],
                                                    cells["summary"], strict=True)
            if not _missing(s)}
    data = {column: pd.Series([text.get((str(r), column)) for r in order], dtype=object)
            for column in columns}
    frame = pd.DataFrame(data, columns=list(columns))
    frame.index = pd.Index(order, name=by)
    frame.columns.name = "code"
    return frame


def cell_extracts(extracts: pd.DataFrame, codes: pd.DataFrame, row: str, code: str, *,
                  by: str) -> pd.DataFrame:
    """The extracts of one cell: those of `row` (a case or document name, read from the
    `by` column) under `code`'s branch, in text order."""
    if by not in BY:
        raise WorkbenchError(f"by={by!r} : les lignes se lisent par « case » ou « document ».")
    frame = rolled_extracts(extracts[extracts[by] == row], codes, [code])
    return frame.drop(columns=["column"]).reset_index(drop=True)
