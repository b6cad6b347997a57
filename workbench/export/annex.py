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
from workbench.analysis.population import counted
from workbench.coding.extracts import CodeSpec, WhereValue
from workbench.errors import ExportError
from workbench.export.profile_columns import annex_attributes, attribute_labels

if TYPE_CHECKING:
    from workbench.export.annex_xlsx import AnnexReport
    from workbench.project_data import ProjectData


CODE_TEXTS = ("name", "path", "description", "inclusion", "exclusion", "example")
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
                    labels: Mapping[str, str] | None = None,
                    respondents: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Matrix coding sheets (codes × attribute, counting cases) and a co-occurrence sheet,
    computed on the annex's own extracts and labelled with code paths; `labels`: attribute
    → the label the study gives it (sheet titles). With `respondents` (the population the
    analyses count), a matrix counts only them and heads each group with its size."""
    names = labels or {}
    paths = code_labels(codes, label="path")
    tables: dict[str, pd.DataFrame] = {}
    for by in [matrix] if isinstance(matrix, str) else list(matrix or []):
        if respondents is None:
            table = matrix_coding(extracts, codes, by, unit="cases")
        else:
            from workbench.export.annex_xlsx import matrix_sheet_frame

            table = matrix_sheet_frame(
                matrix_coding(counted(extracts, respondents), codes, by, unit="cases"),
                respondents, by)
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


def export_annex(project: ProjectData, path: str | Path, codes: CodeSpec = None, *,
                 where: Mapping[str, WhereValue] | None = None,
                 status: str | Iterable[str] = "accepted", layout: str = "themes",
                 attributes: Sequence[str] | None = None, pseudonymise: bool = True,
                 matrix: str | Sequence[str] | None = None, cooccurrence: str | None = None,
                 tables: Mapping[str, pd.DataFrame] | None = None,
                 names_reviewed: bool = False) -> AnnexReport:
    """Write the annex of the extracts selected by `codes`, `where` and `status`.

    `attributes`: the attribute columns (default: those the study profile filters and
    crosses by that hold a value in the selected extracts), headed by their labels.
    Pseudonymised (the default), it is written only when no real name and no unreviewed
    possible name is left in it (see `Project.check_names`; `names_reviewed` once the
    list of possible names has been read).
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
    if pseudonymise:
        # A code's name or description may hold a respondent's name.
        all_codes = pseudonymised_codes(project, all_codes)
    summary = code_frequencies(extracts, all_codes)
    if codes is not None:
        summary = summary[summary["codings"] > 0]
    summary = summary.merge(all_codes[["key", "description"]], left_on="code", right_on="key")
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
    respondents = project.analysis.respondents()
    if pseudonymise:
        respondents = project.pseudonymise(respondents)  # the cases as the extracts name them
    extra = analysis_tables(extracts, all_codes, matrix=matrix, cooccurrence=cooccurrence,
                            labels=labels, respondents=respondents)
    extra.update(tables or {})
    if pseudonymise:
        # A document's file name often holds a first name that is also a common word
        # ("martine"), which the pseudonymiser only matches capitalised: show the
        # document's reference (E01, D12) instead.
        extracts = extracts.assign(document=document_references(extracts["reference"]))
        shown = [extracts, summary, all_codes[["key", *CODE_TEXTS]], *extra.values()]
        project.check_names([cell for frame in shown for cell in frame_texts(frame)]
                            + heading, "L'annexe Excel", names_reviewed=names_reviewed)
    # openpyxl is loaded here, not by the COPIL apps that share this module's helpers
    from workbench.export.annex_xlsx import write_annex

    return write_annex(extracts, all_codes, summary, path, layout=layout,
                       attributes=attributes, labels=labels, tables=extra, heading=heading)


def pseudonymised_codes(project: ProjectData, codes: pd.DataFrame) -> pd.DataFrame:
    """The codes with names replaced in their names, paths and definitions (a code named
    after a respondent); keys are identifiers and stay as they are."""
    texts = project.pseudonymise(codes[list(CODE_TEXTS)], columns=CODE_TEXTS)
    return codes.assign(**{c: texts[c] for c in CODE_TEXTS})


def frame_texts(frame: pd.DataFrame) -> list[str]:
    """Every text a table shows: its headers, its index and its text cells."""
    texts = [str(c) for c in frame.columns] + [str(i) for i in frame.index
                                               if isinstance(i, str)]
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            texts += [v for v in frame[column].dropna().unique() if isinstance(v, str)]
    return texts


def document_references(references: pd.Series) -> list[str]:
    """'E01' from each extract reference 'E01-T12' (or 'E01-@350' outside any turn)."""
    return [_REFERENCE.sub("", str(r)) for r in references]


def _matrix_keys(matrix: str | Sequence[str] | None) -> list[str]:
    return [matrix] if isinstance(matrix, str) else list(matrix or [])

