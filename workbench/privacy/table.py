"""The project's pseudonym table, and pseudonymised views of its extracts and texts.

The table lives in the store (never in an output meant for the COPIL); the
matching and replacing rules are in `privacy/matching.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, select

from workbench.coding.extracts import case_table, turn_table
from workbench.privacy.forms import PseudonymEntry, fold, variants
from workbench.privacy.proposals import propose_pseudonyms
from workbench.profile import StudyProfile
from workbench.profile.model import SEPARATOR
from workbench.profile.stored import current_profile
from workbench.store import Writer
from workbench.store import schema as s

# Roles of the study profile whose values are places or categories, never people: the
# values of the category attributes playing them are protected, so that a surname shared
# with a place ("Ait Baha" in "Chtouka-Aït Baha") does not eat the place. Category
# attributes without a role (a second place of origin, a diploma…) are protected too,
# except the values that hold a real name of the pseudonym table.
PROTECTED_ROLES = ("residence", "residence_country", "origin", "place", "organisation_type",
                   "language", "cohort", "age_class", "fields")
PROTECTED_TYPES = ("category", "multi")


def protected_attributes(profile: StudyProfile) -> list[tuple[str, str, bool, bool]]:
    """(scope, key, several values, declared) of the attributes whose values are
    protected; `declared`: its role says it holds places or categories (else it has no
    role, and a value holding a real name is not protected)."""
    return [(a.scope, a.key, a.type == "multi", a.role is not None)
            for a in profile.attributes
            if a.type in PROTECTED_TYPES and (a.role is None or a.role in PROTECTED_ROLES)]


def stored_table(conn: Connection) -> list[PseudonymEntry]:
    """The project's pseudonym table, oldest first."""
    rows = conn.execute(select(s.pseudonyms.c.real, s.pseudonyms.c.pseudonym,
                               s.pseudonyms.c.kind, s.pseudonyms.c.source)
                        .order_by(s.pseudonyms.c.id)).all()
    return [PseudonymEntry(*row) for row in rows]


def save_entries(w: Writer, entries: Iterable[PseudonymEntry]) -> int:
    """Add new real names, or change the pseudonym of a known one; audited."""
    existing = {r.real: r for r in w.conn.execute(select(s.pseudonyms)).mappings()}
    n = 0
    for entry in entries:
        old = existing.get(entry.real)
        if old is None:
            row = {"real": entry.real, "pseudonym": entry.pseudonym, "kind": entry.kind,
                   "source": entry.source, "created_at": w.at}
            new_id = w.conn.execute(s.pseudonyms.insert().values(**row)
                                    .returning(s.pseudonyms.c.id)).scalar_one()
            w.log("create", "pseudonyms", new_id, after={"id": new_id, **row})
            n += 1
        elif old["pseudonym"] != entry.pseudonym:
            w.conn.execute(s.pseudonyms.update().where(s.pseudonyms.c.id == old["id"])
                           .values(pseudonym=entry.pseudonym))
            w.log("update", "pseudonyms", old["id"], before=dict(old),
                  after={**dict(old), "pseudonym": entry.pseudonym})
            n += 1
    return n


def proposals(conn: Connection) -> list[PseudonymEntry]:
    """The full table: stored entries kept, new cases and speaker names added."""
    turns = turn_table(conn)
    speakers = (turns.rename(columns={"role": "speaker_role"})
                [["document", "speaker", "speaker_role", "case"]].drop_duplicates())
    return propose_pseudonyms(case_table(conn), speakers, existing=stored_table(conn))


def protected_values(conn: Connection) -> list[str]:
    """Place and category values from the attributes, kept as they are in text: those of
    the attributes of :func:`protected_attributes` (each value of a several-valued cell
    on its own, and the whole cell)."""
    attributes = protected_attributes(current_profile(conn))
    reals = [fold(e.real) for e in stored_table(conn) if e.real and e.real.strip()]
    names = re.compile("|".join(rf"(?<!\w){re.escape(r)}(?!\w)" for r in
                                sorted(set(reals), key=len, reverse=True))) if reals else None
    values: set[str] = set()

    def add(value: object, multi: bool, declared: bool) -> None:
        text = str(value).strip()
        if not text or text.casefold() == "nan":
            return
        parts = [text, *(p.strip() for p in text.split(SEPARATOR) if p.strip())] if multi \
            else [text]
        values.update(p for p in parts
                      if declared or names is None or not names.search(fold(p)))

    case_keys = [(k, multi, declared) for scope, k, multi, declared in attributes
                 if scope == "case"]
    if case_keys:
        cases = case_table(conn)
        for key, multi, declared in case_keys:
            if key in cases.columns:
                for value in cases[key].dropna():
                    add(value, multi, declared)
    document_keys = {k: (multi, declared) for scope, k, multi, declared in attributes
                     if scope == "document"}
    if document_keys:
        da = s.document_attributes
        rows = conn.execute(select(da.c.key, da.c.value)
                            .where(da.c.key.in_(list(document_keys)))).all()
        for key, value in rows:
            if value:
                add(value, *document_keys[key])
    return sorted(values)


def name_words(table: list[PseudonymEntry], protect: list[str]) -> set[str]:
    """Single words (folded) that are forms of a real name: left out of word statistics
    so that a word cloud or frequency table never shows a name."""
    return {fold(v) for entry in table for v in variants(entry, places=protect)
            if " " not in v.strip()}


def table_frame(entries: list[PseudonymEntry]) -> pd.DataFrame:
    return pd.DataFrame([(e.real, e.pseudonym, e.kind, e.source) for e in entries],
                        columns=["real", "pseudonym", "kind", "source"])

