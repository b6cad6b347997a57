"""Cases with their documents: the "personnes rencontrées" of a report's annex, and the
documents behind an organisation or an initiative."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select

from workbench.analysis.labels import KIND_LABELS
from workbench.export.docx_common import document_label, missing, short_date
from workbench.profile import StudyProfile
from workbench.store import schema as s

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

LINK_COLUMNS = ["case", "case_kind", "document_id", "document", "document_kind", "label",
                "date", "place"]
PEOPLE_FACTS = ("_place", "_date", "_documents", "_kinds")
# Document kinds where nobody was met: their respondents are not « personnes rencontrées ».
NOT_MET_KINDS = ("survey",)


def interview_keys(profile: StudyProfile) -> dict[str, str | None]:
    """The attributes giving an interview's date and place ("date", "place" → key)."""
    return {role: profile.key(role) for role in ("date", "place")}


def case_documents(project: ProjectData, profile: StudyProfile) -> pd.DataFrame:
    """One row per (case, document) link: case, case_kind, document_id, document (name),
    document_kind, label (E01…), and the interview's date and place (`date`, `place`)
    from the document attributes playing those roles in `profile`."""
    c, dc, d, da = s.cases, s.document_cases, s.documents, s.document_attributes
    wanted = {k: role for role, k in interview_keys(profile).items() if k}
    with project.store.read() as conn:
        links = conn.execute(
            select(c.c.name, c.c.kind, d.c.id, d.c.name, d.c.kind).distinct()
            .select_from(dc.join(c, c.c.id == dc.c.case_id).join(d, d.c.id == dc.c.document_id))
        ).all()
        facts = conn.execute(select(da.c.document_id, da.c.key, da.c.value)
                             .where(da.c.key.in_(list(wanted)))).all() if wanted else []
    frame = pd.DataFrame(links, columns=LINK_COLUMNS[:5])
    by_doc: dict[int, dict[str, str]] = {}
    for doc, key, value in facts:
        by_doc.setdefault(doc, {})[wanted[key]] = value
    frame["label"] = [document_label(n, i) for n, i in zip(frame["document"],
                                                           frame["document_id"], strict=True)]
    frame["date"] = [by_doc.get(i, {}).get("date") for i in frame["document_id"]]
    frame["place"] = [by_doc.get(i, {}).get("place") for i in frame["document_id"]]
    return frame.sort_values(["label", "case"]).reset_index(drop=True)


def people_met(cases: pd.DataFrame, links: pd.DataFrame, attributes: Sequence[str], *,
               profile: StudyProfile) -> pd.DataFrame:
    """One row per person case of `cases` (real names: pseudonymise before showing):
    ``case``, the `attributes` (raw values, under their keys), and ``_place``, ``_date``
    (the first interview's, from its document, else from the person's own attribute
    playing that role), ``_documents`` (labels) and ``_kinds`` (document kinds, as
    words). `links`: :func:`case_documents`. Ordered by first document, then name."""
    people = cases[cases["case_kind"] == "person"]
    own = {role: key for role, key in interview_keys(profile).items()
           if key and key in people.columns}
    rows = []
    for person in people.to_dict("records"):
        mine = links[links["case"] == person["case"]]
        first = mine.iloc[0] if len(mine) else None
        row = {"case": person["case"], **{a: person.get(a) for a in attributes}}
        for role in ("place", "date"):
            value = None if first is None else first[role]
            if missing(value) and role in own:
                value = person.get(own[role])
            row[f"_{role}"] = value
        row["_date"] = short_date(row["_date"])
        row["_documents"] = ", ".join(dict.fromkeys(mine["label"]))
        row["_kinds"] = ", ".join(dict.fromkeys(
            KIND_LABELS.get(k, k) for k in mine["document_kind"]))
        row["_order"] = "~" if first is None else first["label"]
        rows.append(row)
    columns = ["case", *attributes, *PEOPLE_FACTS, "_order"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["_order", "case"]).drop(columns="_order").reset_index(drop=True)


def answered_only(links: pd.DataFrame) -> set[str]:
    """Cases whose every document is a questionnaire (`NOT_MET_KINDS`): respondents the
    team never met, left out of « Personnes rencontrées »."""
    met = set(links.loc[~links["document_kind"].isin(NOT_MET_KINDS), "case"])
    return set(links["case"]) - met
