"""Matrix coding: codes × the values of an attribute (genre, génération, province…).

Cells count cases, codings or documents (`unit`), a parent counting its
branch. Percentages are computed from the counts, by row or by column; the
extracts behind any cell come from :func:`cell_extracts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd

from workbench.analysis.codes import (
    MISSING,
    roll_up,
    select_codes,
    split_values,
    unit_column,
)
from workbench.errors import WorkbenchError


def _values(frame: pd.DataFrame, by: str, *, split: str | None) -> pd.DataFrame:
    """Rows with `by` filled ("(non renseigné)" when empty), one row per value when
    the attribute holds several separated by `split` ("eau; santé")."""
    if by not in frame.columns:
        raise WorkbenchError(f"pas de colonne ni d'attribut « {by} » (colonnes : "
                             f"{', '.join(frame.columns)}).")
    out = frame.copy()
    out[by] = out[by].map(value_label)
    return split_values(out, by, split) if split else out


def value_label(value: object) -> str:
    """An attribute value as a column heading: 58.0 → "58", True → "oui", empty → MISSING."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def matrix_coding(extracts: pd.DataFrame, codes: pd.DataFrame, by: str, *,
                  unit: str = "cases", rows: Iterable[str] | None = None,
                  include_children: bool = True, split: str | None = None) -> pd.DataFrame:
    """Codes (rows, codebook order) × values of `by` (columns): distinct `unit`s per cell.

    `unit`: cases, codings or documents. `rows`: code keys (default: every code).
    `split`: separator of a multi-valued attribute. Empty attribute values form
    a "(non renseigné)" column rather than vanishing.
    """
    column = unit_column(unit)
    keys = select_codes(codes, rows)
    frame = _values(roll_up(extracts, codes, include_children=include_children), by,
                    split=split)
    frame = frame[frame["tally"].isin(keys) & frame[column].notna()]  # a unit to count
    counts = frame.groupby(["tally", by])[column].nunique().unstack(by, fill_value=0)
    ordered = sorted(counts.columns, key=lambda v: (v == MISSING, v))
    matrix = counts.reindex(index=keys, columns=ordered, fill_value=0).astype("int64")
    matrix.index.name, matrix.columns.name = "code", by
    matrix.attrs.update(unit=unit, by=by)
    return matrix


def percentages(matrix: pd.DataFrame, along: str = "row") -> pd.DataFrame:
    """Row % (each cell over its row's total) or column % (over its column's total).

    With unit "cases", a case counted in two cells of a row counts in both, so
    row totals are sums of cells, not distinct cases (say so when you show them).
    """
    if along not in ("row", "column"):
        raise WorkbenchError(f"along doit valoir « row » (par ligne) ou « column » (par "
                             f"colonne), pas « {along} ».")
    axis: Literal[0, 1] = 1 if along == "row" else 0
    totals = matrix.sum(axis=axis)
    shares = matrix.div(totals.where(totals != 0), axis=0 if along == "row" else 1)
    out = (100 * shares).round(1).fillna(0.0)
    out.attrs.update(matrix.attrs)
    out.attrs["percent"] = along
    return out


def cell_extracts(extracts: pd.DataFrame, codes: pd.DataFrame, code: str, by: str,
                  value: object, *, include_children: bool = True,
                  split: str | None = None) -> pd.DataFrame:
    """The extracts counted in the cell (`code`, `by` = `value`) of a matrix."""
    select_codes(codes, [code])
    frame = _values(roll_up(extracts, codes, include_children=include_children), by,
                    split=split)
    wanted = value_label(value)
    rows = frame[(frame["tally"] == code) & (frame[by] == wanted)]
    out = extracts.loc[extracts["coding_id"].isin(rows["coding_id"])]
    return out.reset_index(drop=True)
