"""A project's Excel (or CSV) annex: which extracts, which counts, which tables, which
words at the top; `annex_xlsx.py` lays them out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench.analysis.codes import code_frequencies, code_labels
from workbench.analysis.cooccurrence import cooccurrence as cooccurrence_pairs
from workbench.analysis.labels import STATUS_LABELS, column_label
from workbench.analysis.matrix import matrix_coding
from workbench.coding.extracts import CodeSpec, WhereValue
from workbench.export.annex_xlsx import AnnexReport, ExportError, write_annex
from workbench.export.profile_columns import annex_attributes, attribute_labels

if TYPE_CHECKING:
    from workbench.project import Project


_REFERENCE = re.compile(r"-(?:T|@)\d+$")
SCOPE_LABELS = {"overlap": "chevauchement", "turn": "même tour", "document": "même document"}


def describe_selection(codes: CodeSpec, where: Mapping[str, WhereValue] | None,
                       labels: Mapping[str, str] | None = None) -> str | None:
    """The filter in words, for the top of the annex ("Sélection : codes = …; Genre = F");
    `labels`: attribute → the label the study gives it."""
    parts = []
    if codes is not None:
        shown = codes if isinstance(codes, str) else ", ".join(map(str, codes))
        parts.append(f"codes = {shown}")
    for key, value in (where or {}).items():
        if callable(value):
            shown = "condition"
        elif isinstance(value, str) or not isinstance(value, Iterable):
            shown = str(value)
        else:
            shown = " ou ".join(map(str, value))
        parts.append(f"{(labels or {}).get(key) or column_label(key)} = {shown}")
    return "Sélection : " + " ; ".join(parts) if parts else None


def analysis_tables(extracts: pd.DataFrame, codes: pd.DataFrame, *,
                    matrix: str | Sequence[str] | None, cooccurrence: str | None,
                    labels: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Matrix coding sheets (codes × attribute, counting cases) and a co-occurrence sheet,
    computed on the annex's own extracts and labelled with code paths; `labels`: attribute
    → the label the study gives it (sheet titles)."""
    names = labels or {}
    paths = code_labels(codes, label="path")
    tables: dict[str, pd.DataFrame] = {}
    for by in [matrix] if isinstance(matrix, str) else list(matrix or []):
        table = matrix_coding(extracts, codes, by, unit="cases")
        table.index = [paths.get(k, k) for k in table.index]
        table.index.name = "Code (cas distincts)"
        tables[f"Matrice {names.get(by) or column_label(by)}"] = table
    if cooccurrence:
        pairs = cooccurrence_pairs(extracts, codes, scope=cooccurrence)
        pairs = pairs[pairs["n_ab"] > 0].sort_values(["n_ab", "jaccard"], ascending=False)
        pairs = pairs.assign(code_a=pairs["code_a"].map(lambda k: paths.get(k, k)),
                             code_b=pairs["code_b"].map(lambda k: paths.get(k, k)))
        tables[f"Cooccurrences ({SCOPE_LABELS.get(cooccurrence, cooccurrence)})"] = pairs
    return tables


def export_annex(project: Project, path: str | Path, codes: CodeSpec = None, *,
                 where: Mapping[str, WhereValue] | None = None,
                 status: str | Iterable[str] = "accepted", layout: str = "themes",
                 attributes: Sequence[str] | None = None, pseudonymise: bool = True,
                 matrix: str | Sequence[str] | None = None, cooccurrence: str | None = None,
                 tables: Mapping[str, pd.DataFrame] | None = None) -> AnnexReport:
    """Write the annex of the extracts selected by `codes`, `where` and `status`.

    `attributes`: the attribute columns (default: those the study profile filters and
    crosses by that hold a value in the selected extracts), headed by their labels.
    """
    extracts = project.extracts(codes, where=where, status=status, pseudonymise=pseudonymise)
    if extracts.empty:
        raise ExportError("Aucun extrait ne correspond à cette sélection : rien n'est écrit. "
                          "Vérifiez les codes, les filtres et le statut demandés.")
    profile = project.profile()
    if attributes is None:
        attributes = annex_attributes(profile, project.cases(), extracts)
    labels = attribute_labels(profile, [*attributes, *(where or {}), *_matrix_keys(matrix)])
    all_codes = project.codes()
    summary = code_frequencies(extracts, all_codes)
    if codes is not None:
        summary = summary[summary["codings"] > 0]
    descriptions = all_codes[["key", "description"]]
    if pseudonymise:
        # A code's description may cite an example with a respondent's name.
        descriptions = project.pseudonymise(descriptions.rename(columns={"description": "text"})
                                            ).rename(columns={"text": "description"})
    summary = summary.merge(descriptions, left_on="code", right_on="key")
    statuses = [status] if isinstance(status, str) else list(status)
    heading = [
        "Annexe : extraits codés",
        f"Exporté le {date.today():%d/%m/%Y} : {len(extracts)} extraits "
        f"({', '.join(STATUS_LABELS.get(s, s) for s in statuses)}), "
        f"{extracts['document'].nunique()} documents.",
        "Noms des personnes remplacés par des pseudonymes." if pseudonymise else
        "Attention : noms réels des personnes, document à usage interne.",
    ]
    selection = describe_selection(codes, where, labels)
    if selection:
        heading.append(selection)
    extra = analysis_tables(extracts, all_codes, matrix=matrix, cooccurrence=cooccurrence,
                            labels=labels)
    extra.update(tables or {})
    if pseudonymise:
        # A document's file name often holds a first name that is also a common word
        # ("martine"), which the pseudonymiser only matches capitalised: show the
        # document's reference (E01, D12) instead.
        extracts = extracts.assign(document=document_references(extracts["reference"]))
    return write_annex(extracts, all_codes, summary, path, layout=layout,
                       attributes=attributes, labels=labels, tables=extra, heading=heading)


def document_references(references: pd.Series) -> list[str]:
    """'E01' from each extract reference 'E01-T12' (or 'E01-@350' outside any turn)."""
    return [_REFERENCE.sub("", str(r)) for r in references]


def _matrix_keys(matrix: str | Sequence[str] | None) -> list[str]:
    return [matrix] if isinstance(matrix, str) else list(matrix or [])

