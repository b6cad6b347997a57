"""Cartographie des organisations: where the diaspora's organisations are, where they act.

Unit: organisations (cases of kind ``organisation``). Places and fields of
action come from the attributes sheet; a cell may hold several values
separated by ";" ("Taroudannt; Chtouka-Aït Baha", "eau; éducation"), each
counted. The columns are the study's own: pass the keys the study profile
gives for each role (``profile.key("residence")``, ``"origin"``, ``"fields"``…).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from workbench.analysis.codes import split_values
from workbench.analysis.matrix import value_label
from workbench.errors import WorkbenchError

SEPARATOR = ";"


def organisations(cases: pd.DataFrame, *, kind: str = "organisation") -> pd.DataFrame:
    """The cases of kind `kind` (the organisations)."""
    if "case_kind" not in cases.columns:
        raise WorkbenchError("le tableau des cas n'a pas de colonne case_kind (utilisez "
                             "Project.cases()).")
    return cases[cases["case_kind"] == kind].reset_index(drop=True)


def _explode(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in frame.columns:
        raise WorkbenchError(f"les organisations n'ont pas d'attribut « {column} ».")
    labelled = frame.assign(**{column: frame[column].map(value_label)})
    return split_values(labelled, column, SEPARATOR, keep_empty=False)


def organisations_by_place(cases: pd.DataFrame, levels: Sequence[str], *,
                           fields: str | None = None, top_fields: int = 3) -> pd.DataFrame:
    """Organisations per place (`levels`: e.g. the country then the place of residence
    columns), with their names and, when `fields` names the fields-of-action column,
    their most frequent fields. Unit: organisations."""
    if not levels:
        raise WorkbenchError("organisations_by_place : donnez au moins une colonne de lieu.")
    orgs = organisations(cases)
    for level in levels:
        orgs = _explode(orgs, level)
    grouped = orgs.groupby(list(levels), sort=True)
    out = pd.DataFrame({"organisations": grouped["case"].nunique(),
                        "names": grouped["case"].agg(lambda s: ", ".join(sorted(set(s))))})
    if fields:
        exploded = _explode(orgs, fields)
        top = exploded.groupby(list(levels))[fields].agg(
            lambda s: ", ".join(f"{f} ({n})" for f, n in s.value_counts().head(top_fields)
                                .items()))
        out["main_fields"] = top
    out = out.reset_index().sort_values(["organisations", *levels],
                                        ascending=[False, *[True] * len(levels)])
    out = out.reset_index(drop=True)
    out.attrs["unit"] = "organisations"
    return out


def origin_links(cases: pd.DataFrame, *, residence: str, origin: str,
                 exclude: Mapping[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """Organisations per (place of residence, place of origin): the diaspora's ties
    between here and there. `exclude`: {column: values} left out, e.g. {country
    column: [the home country]} for the diaspora's organisations only.
    Unit: organisations."""
    orgs = organisations(cases)
    for column, values in (exclude or {}).items():
        if column not in orgs.columns:
            raise WorkbenchError(f"les organisations n'ont pas d'attribut « {column} ».")
        orgs = orgs[~orgs[column].isin(list(values))]
    orgs = _explode(_explode(orgs, residence), origin)
    counts = orgs.groupby([residence, origin])["case"].nunique().rename("organisations")
    out = counts.reset_index().sort_values(["organisations", residence, origin],
                                        ascending=[False, True, True]).reset_index(drop=True)
    out.attrs["unit"] = "organisations"
    return out


def fields_by_place(cases: pd.DataFrame, *, place: str, fields: str) -> pd.DataFrame:
    """Place × field of action: how many organisations act in each field for each place.
    Unit: organisations."""
    orgs = _explode(_explode(organisations(cases), place), fields)
    table = orgs.groupby([place, fields])["case"].nunique().unstack(fields, fill_value=0)
    table = table[table.sum().sort_values(ascending=False).index]
    table.attrs["unit"] = "organisations"
    return table
