"""Code frequencies through the codebook hierarchy, and the units QDA numbers count.

Every table here counts one of three units, and says which in
``frame.attrs["unit"]``: *codings* (coded passages), *documents* or *cases*
(the people and organisations behind the words). A parent code counts the
codings of its whole branch, each coding once, and its documents and cases as
distinct values: a case coded under two children counts once for the parent.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbench.errors import WorkbenchError

UNITS = {"codings": "coding_id", "documents": "document", "cases": "case"}
UNIT_LABELS = {"codings": "codages", "documents": "documents", "cases": "cas"}
MISSING = "(non renseigné)"


def unit_column(unit: str) -> str:
    """The extracts column a unit counts (ValueError for an unknown unit)."""
    if unit not in UNITS:
        raise WorkbenchError(f"unit doit valoir {', '.join(UNITS)}, pas « {unit} ».")
    return UNITS[unit]


def unit_keys(frame: pd.DataFrame, scope: str) -> pd.Series:
    """The turn ("E01#12") or document each row lies in; turns come from the `turn`
    column of extracts or the `idx` column of tokens and entities."""
    if scope not in ("turn", "document"):
        raise WorkbenchError(f"scope doit valoir « turn » (tour de parole) ou « document », "
                             f"pas « {scope} ».")
    keys = frame["document"].astype(str)
    if scope == "document":
        return keys
    turn = frame["turn"] if "turn" in frame.columns else frame["idx"]
    return keys + "#" + turn.astype("Int64").astype(str)


def split_values(frame: pd.DataFrame, column: str, separator: str, *,
                 keep_empty: bool = True) -> pd.DataFrame:
    """One row per value of a multi-valued cell ("eau; santé" → two rows); an empty
    cell gives one "(non renseigné)" row, or none when not `keep_empty`."""
    out = frame.copy()
    empty = [MISSING] if keep_empty else []
    out[column] = out[column].map(
        lambda v: [p.strip() for p in str(v).split(separator) if p.strip() and v != MISSING]
        or empty)
    return out.explode(column, ignore_index=True).dropna(subset=[column])


def ancestors(codes: pd.DataFrame) -> dict[str, list[str]]:
    """Code key → the key itself and every ancestor's, nearest first."""
    parent = dict(zip(codes["key"], codes["parent"], strict=True))
    chains: dict[str, list[str]] = {}
    for key in parent:
        chain, seen = [key], {key}
        up = parent.get(key)
        while isinstance(up, str) and up in parent and up not in seen:
            chain.append(up)
            seen.add(up)
            up = parent.get(up)
        chains[key] = chain
    return chains


def roll_up(extracts: pd.DataFrame, codes: pd.DataFrame, *,
            include_children: bool = True) -> pd.DataFrame:
    """The extracts with a `tally` column: each row once for its code and, with
    `include_children`, once more for every ancestor (what a parent counts)."""
    frame = extracts.copy()
    if not include_children:
        frame["tally"] = frame["code"]
        return frame
    chains = ancestors(codes)
    frame["tally"] = frame["code"].map(lambda key: chains.get(key, [key]))
    return frame.explode("tally", ignore_index=True)


def code_frequencies(extracts: pd.DataFrame, codes: pd.DataFrame, *,
                     n_cases: int | None = None) -> pd.DataFrame:
    """Codings, documents and cases per code at every level of the hierarchy.

    Units: codings (`own_codings` on the code itself, `codings` on its branch),
    documents and cases (distinct, branch included). `pct_cases` is over
    `n_cases` (default: the cases present in `extracts`): pass the number of
    respondents so that a theme nobody raised still weighs. Codes in codebook
    order, those never coded included with zeros.
    """
    rolled = roll_up(extracts, codes)
    grouped = rolled.groupby("tally")
    table = pd.DataFrame({
        "codings": grouped["coding_id"].nunique(),
        "documents": grouped["document"].nunique(),
        "cases": grouped["case"].nunique(),
    })
    own = extracts.groupby("code")["coding_id"].nunique().rename("own_codings")
    base = codes[["key", "name", "path", "depth"]].rename(columns={"key": "code"})
    out = base.merge(own, left_on="code", right_index=True, how="left") \
        .merge(table, left_on="code", right_index=True, how="left")
    counts = ["own_codings", "codings", "documents", "cases"]
    out[counts] = out[counts].fillna(0).astype("int64")
    total = n_cases if n_cases is not None else extracts["case"].nunique()
    out["pct_cases"] = (100 * out["cases"] / total).round(1) if total else 0.0
    out = out.reset_index(drop=True)
    out.attrs["unit"] = "codings, documents, cases"
    out.attrs["n_cases"] = total
    return out


def code_labels(codes: pd.DataFrame, *, label: str = "name") -> dict[str, str]:
    """Code key → its name or path, for tables and charts shown to people."""
    return dict(zip(codes["key"], codes[label], strict=True))


def select_codes(codes: pd.DataFrame, keys: Iterable[str] | None = None, *,
                 depth: int | None = None, branch: str | None = None) -> list[str]:
    """Code keys in codebook order: the given `keys`, or those at `depth` (0 = top),
    or the descendants of `branch`; all codes when nothing is given."""
    if keys is not None:
        keys = list(keys)
        unknown = sorted(set(keys) - set(codes["key"]))
        if unknown:
            raise WorkbenchError(f"codes inconnus : {', '.join(unknown)} ; vérifiez leur "
                                 "orthographe dans la grille.")
        return [k for k in codes["key"] if k in set(keys)]
    chains = ancestors(codes)
    selected = []
    for key, d in zip(codes["key"], codes["depth"], strict=True):
        if depth is not None and d != depth:
            continue
        if branch is not None and (key == branch or branch not in chains[key]):
            continue
        selected.append(key)
    return selected
