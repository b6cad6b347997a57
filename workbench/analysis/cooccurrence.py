"""Code co-occurrence: which themes come together, by overlapping passages, turn or document.

The unit depends on `scope`:

- ``document``: documents holding both codes;
- ``turn``: speaker turns holding both (a coding belongs to the turn it starts in);
- ``overlap``: *passages*, the stretches of text covered without a gap by the
  codings of either code; a pair co-occurs in a passage holding both.

For each pair, ``n_ab`` counts the units holding both codes and ``jaccard``
is ``n_ab / (n_a + n_b - n_ab)``: the share of the units holding either code
that hold both, from 0 (never together) to 1 (always together). It does not
grow with the size of the corpus or of the codes, unlike raw counts, so
frequent themes do not dominate the heatmap. For ``overlap``, ``n_a`` and
``n_b`` are passages of the pair (codings of one code merged when they touch
the other's), so the index stays between 0 and 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd

from workbench.analysis.codes import roll_up, select_codes, unit_keys
from workbench.errors import WorkbenchError

SCOPES = ("overlap", "turn", "document")


def _check(scope: str) -> None:
    if scope not in SCOPES:
        raise WorkbenchError(f"scope doit valoir {', '.join(SCOPES)}, pas « {scope} ».")


def _number_passages(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The codings of two codes, sorted, with `side` (a or b) and `unit`, the passage number."""
    spans = pd.concat([a.assign(side="a"), b.assign(side="b")], ignore_index=True)
    spans = spans.sort_values(["document", "start", "end"], kind="stable")
    ends = spans.groupby("document")["end"].cummax()
    previous = ends.groupby(spans["document"]).shift()
    new = previous.isna() | (spans["start"] >= previous)  # touching spans do not overlap
    spans["unit"] = np.cumsum(new.to_numpy())
    return spans


def _passages(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Passages of two codes' codings: has_a, has_b, one row a passage."""
    spans = _number_passages(a[["document", "start", "end"]], b[["document", "start", "end"]])
    # pandas-stubs type a SeriesGroupBy's named aggregation as a Series: it is a DataFrame.
    return spans.groupby("unit")["side"].agg(  # type: ignore[return-value]
        has_a=lambda s: (s == "a").any(), has_b=lambda s: (s == "b").any())


def cooccurrence(extracts: pd.DataFrame, codes: pd.DataFrame, *, scope: str = "overlap",
                 rows: Iterable[str] | None = None,
                 include_children: bool = False) -> pd.DataFrame:
    """One row per pair of codes: n_a, n_b, n_ab (units holding both) and jaccard.

    Unit: documents, turns or passages, by `scope` (see the module). `rows`:
    the codes to pair (default: those coded). `include_children`: a parent
    also stands for its branch (then a parent and its own child are not paired).
    """
    _check(scope)
    frame = roll_up(extracts, codes, include_children=include_children)
    keys = select_codes(codes, rows) if rows is not None else \
        [k for k in codes["key"] if k in set(frame["tally"])]
    frame = frame[frame["tally"].isin(keys)]
    by_code = {key: group for key, group in frame.groupby("tally")}
    units = {key: set(unit_keys(g, scope)) for key, g in by_code.items()} \
        if scope != "overlap" else {}
    lineage = roll_up(codes.rename(columns={"key": "code"}), codes) if include_children \
        else None
    related = set() if lineage is None else set(zip(lineage["code"], lineage["tally"],
                                                     strict=True))
    records = []
    for a, b in combinations(keys, 2):
        if (a, b) in related or (b, a) in related or a not in by_code or b not in by_code:
            continue
        if scope == "overlap":
            passages = _passages(by_code[a], by_code[b])
            n_a, n_b = int(passages["has_a"].sum()), int(passages["has_b"].sum())
            n_ab = int((passages["has_a"] & passages["has_b"]).sum())
        else:
            n_a, n_b = len(units[a]), len(units[b])
            n_ab = len(units[a] & units[b])
        union = n_a + n_b - n_ab
        records.append((a, b, n_a, n_b, n_ab, round(n_ab / union, 3) if union else 0.0))
    out = pd.DataFrame(records, columns=["code_a", "code_b", "n_a", "n_b", "n_ab", "jaccard"])
    out = out.sort_values(["n_ab", "jaccard"], ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(unit={"overlap": "passages", "turn": "turns",
                           "document": "documents"}[scope], scope=scope)
    return out


def cooccurrence_matrix(pairs: pd.DataFrame, *, value: str = "n_ab",
                        order: Iterable[str] | None = None) -> pd.DataFrame:
    """The pairs as a symmetric code × code table of `value` (n_ab or jaccard)."""
    keys = list(order) if order is not None else \
        list(dict.fromkeys([*pairs["code_a"], *pairs["code_b"]]))
    wide = pairs.pivot(index="code_a", columns="code_b", values=value)
    full = wide.combine_first(wide.T).reindex(index=keys, columns=keys)
    full = full.fillna(0)
    for key in keys:
        full.loc[key, key] = np.nan  # a code with itself says nothing
    full.attrs.update(pairs.attrs)
    full.attrs["value"] = value
    return full


def pair_extracts(extracts: pd.DataFrame, codes: pd.DataFrame, a: str, b: str, *,
                  scope: str = "overlap", include_children: bool = False) -> pd.DataFrame:
    """The extracts of `a` and `b` where they co-occur, with the shared `unit` as a column."""
    _check(scope)
    select_codes(codes, [a, b])
    frame = roll_up(extracts, codes, include_children=include_children)
    mine = frame[frame["tally"].isin([a, b])].copy()
    if scope == "overlap":
        mine = _number_passages(mine[mine["tally"] == a], mine[mine["tally"] == b])
    else:
        mine["unit"] = unit_keys(mine, scope)
    both = mine.groupby("unit")["tally"].transform("nunique") == 2
    out = mine[both].drop(columns=["tally", "side"], errors="ignore")
    return out.sort_values(["document", "start"]).reset_index(drop=True)
