"""The project's pseudonym table, and pseudonymised views of its extracts and texts.

The table lives in the store (never in an output meant for the COPIL); the
matching and replacing rules are in `nlp/pseudonyms.py`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, select

from workbench.coding.extracts import case_table, turn_table
from workbench.nlp.pseudonyms import PseudonymEntry, fold, propose_pseudonyms, variants
from workbench.store import Writer
from workbench.store import schema as s

# Attribute columns whose values are places or categories, never people: they are
# protected so that a surname shared with a place ("Ait Baha") does not eat the place.
PROTECTED_VALUE_COLUMNS = ("region_residence", "pays_residence", "province_origine",
                           "commune_origine", "lieu", "type_organisation", "langue_entretien",
                           "commune", "province")


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
    """Place and category values from the attributes, kept as they are in text."""
    cases = case_table(conn)
    values: set[str] = set()
    for column in PROTECTED_VALUE_COLUMNS:
        if column in cases.columns:
            values.update(str(v) for v in cases[column].dropna() if str(v).strip())
    rows = conn.execute(select(s.document_attributes.c.value)
                        .where(s.document_attributes.c.key.in_(PROTECTED_VALUE_COLUMNS))).all()
    values.update(str(v) for (v,) in rows if v)
    return sorted(values)


def name_words(table: list[PseudonymEntry], protect: list[str]) -> set[str]:
    """Single words (folded) that are forms of a real name: left out of word statistics
    so that a word cloud or frequency table never shows a name."""
    return {fold(v) for entry in table for v in variants(entry, places=protect)
            if " " not in v.strip()}


def table_frame(entries: list[PseudonymEntry]) -> pd.DataFrame:
    return pd.DataFrame([(e.real, e.pseudonym, e.kind, e.source) for e in entries],
                        columns=["real", "pseudonym", "kind", "source"])

