"""Cases with their documents: the "personnes rencontrées" of a report's annex, and the
documents behind an organisation or an initiative."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select

from workbench.export.docx_common import KIND_WORDS, document_label, missing, short_date
from workbench.store import schema as s

if TYPE_CHECKING:
    from workbench.project import Project

# (output column, attribute names tried in order): the first attribute a case has wins.
PERSON_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("genre", ("genre", "sexe", "gender")),
    ("generation", ("generation", "génération")),
    ("role", ("role", "rôle", "fonction", "statut")),
    ("organisation", ("organisation", "structure", "association")),
)


def case_documents(project: Project) -> pd.DataFrame:
    """One row per (case, document) link: case, case_kind, document_id, document (name),
    label (E01…), document kind, and the document's date and place when the sheet gives
    them."""
    c, dc, d, da = s.cases, s.document_cases, s.documents, s.document_attributes
    with project.store.read() as conn:
        links = conn.execute(
            select(c.c.name, c.c.kind, d.c.id, d.c.name, d.c.kind).distinct()
            .select_from(dc.join(c, c.c.id == dc.c.case_id).join(d, d.c.id == dc.c.document_id))
        ).all()
        facts = conn.execute(select(da.c.document_id, da.c.key, da.c.value)
                             .where(da.c.key.in_(["date", "lieu"]))).all()
    frame = pd.DataFrame(links, columns=["case", "case_kind", "document_id", "document",
                                         "document_kind"])
    by_doc: dict[int, dict[str, str]] = {}
    for doc, key, value in facts:
        by_doc.setdefault(doc, {})[key] = value
    frame["label"] = [document_label(n, i) for n, i in zip(frame["document"],
                                                           frame["document_id"], strict=True)]
    frame["date"] = [by_doc.get(i, {}).get("date") for i in frame["document_id"]]
    frame["lieu"] = [by_doc.get(i, {}).get("lieu") for i in frame["document_id"]]
    return frame.sort_values(["label", "case"]).reset_index(drop=True)


def _first(row: pd.Series, names: Sequence[str]) -> object:
    for name in names:
        if name in row.index and not missing(row[name]):
            return row[name]
    return None


def people_met(project: Project,
               columns: Sequence[tuple[str, Sequence[str]]] = PERSON_COLUMNS) -> pd.DataFrame:
    """One row per person case (real names: pseudonymise before showing): case, the
    `columns` attributes, place and date of the (first) interview, documents (labels),
    document kinds. Ordered by first document, then name."""
    cases = project.cases()
    people = cases[cases["case_kind"] == "person"]
    links = case_documents(project)
    rows = []
    for _, person in people.iterrows():
        mine = links[links["case"] == person["case"]]
        first = mine.iloc[0] if len(mine) else None
        row = {"case": person["case"]}
        row.update({out: _first(person, names) for out, names in columns})
        row["lieu"] = None if first is None else first["lieu"]
        row["date"] = "" if first is None else short_date(first["date"])
        row["documents"] = ", ".join(dict.fromkeys(mine["label"]))
        row["document_kinds"] = ", ".join(dict.fromkeys(
            KIND_WORDS.get(k, k) for k in mine["document_kind"]))
        row["_order"] = "~" if first is None else first["label"]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["case", *[c for c, _ in columns], "lieu", "date",
                                        "documents", "document_kinds", "_order"])
    return frame.sort_values(["_order", "case"]).drop(columns="_order").reset_index(drop=True)
