"""A project's Excel (or CSV) annex: which extracts, which counts, which tables, which
words at the top; `annex_xlsx.py` lays them out."""

from __future__ import annotations

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

if TYPE_CHECKING:
    from workbench.project import Project


SCOPE_LABELS = {"overlap": "chevauchement", "turn": "même tour", "document": "même document"}


def describe_selection(codes: CodeSpec, where: Mapping[str, WhereValue] | None) -> str | None:
    """The filter in words, for the top of the annex ("Sélection : codes = …; genre = F")."""
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
        parts.append(f"{column_label(key)} = {shown}")
    return "Sélection : " + " ; ".join(parts) if parts else None


def analysis_tables(extracts: pd.DataFrame, codes: pd.DataFrame, *,
                    matrix: str | Sequence[str] | None, cooccurrence: str | None
                    ) -> dict[str, pd.DataFrame]:
    """Matrix coding sheets (codes × attribute, counting cases) and a co-occurrence sheet,
    computed on the annex's own extracts and labelled with code paths."""
    labels = code_labels(codes, label="path")
    tables: dict[str, pd.DataFrame] = {}
    for by in [matrix] if isinstance(matrix, str) else list(matrix or []):
        table = matrix_coding(extracts, codes, by, unit="cases")
        table.index = [labels.get(k, k) for k in table.index]
        table.index.name = "Code (cas distincts)"
        tables[f"Matrice {column_label(by)}"] = table
    if cooccurrence:
        pairs = cooccurrence_pairs(extracts, codes, scope=cooccurrence)
        pairs = pairs[pairs["n_ab"] > 0].sort_values(["n_ab", "jaccard"], ascending=False)
        pairs = pairs.assign(code_a=pairs["code_a"].map(lambda k: labels.get(k, k)),
                             code_b=pairs["code_b"].map(lambda k: labels.get(k, k)))
        tables[f"Cooccurrences ({SCOPE_LABELS.get(cooccurrence, cooccurrence)})"] = pairs
    return tables


def export_annex(project: Project, path: str | Path, codes: CodeSpec = None, *,
                 where: Mapping[str, WhereValue] | None = None,
                 status: str | Iterable[str] = "accepted", layout: str = "themes",
                 attributes: Sequence[str] | None = None, pseudonymise: bool = True,
                 matrix: str | Sequence[str] | None = None, cooccurrence: str | None = None,
                 tables: Mapping[str, pd.DataFrame] | None = None) -> AnnexReport:
    """Write the annex of the extracts selected by `codes`, `where` and `status`."""
    extracts = project.extracts(codes, where=where, status=status, pseudonymise=pseudonymise)
    if extracts.empty:
        raise ExportError("Aucun extrait ne correspond à cette sélection : rien n'est écrit. "
                          "Vérifiez les codes, les filtres et le statut demandés.")
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
    selection = describe_selection(codes, where)
    if selection:
        heading.append(selection)
    extra = analysis_tables(extracts, all_codes, matrix=matrix, cooccurrence=cooccurrence)
    extra.update(tables or {})
    return write_annex(extracts, all_codes, summary, path, layout=layout,
                       attributes=attributes, tables=extra, heading=heading)
