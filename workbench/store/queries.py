"""Read queries on the project's own tables (documents, memos, codebook versions, the
audit log) that every layer above asks the same way; coding/ holds the queries on
codings and extracts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, func, select

from workbench.errors import NotFoundError
from workbench.store import schema as s


def frame_of(conn: Connection, query: Select[Any]) -> pd.DataFrame:
    """The rows of a query as a DataFrame with the query's column names."""
    result = conn.execute(query)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def find_document(conn: Connection, document: str | int) -> dict[str, Any]:
    """A document's row, by id (int) or by name; NotFoundError naming the known ones."""
    d = s.documents
    cond = d.c.id == document if isinstance(document, int) else d.c.name == str(document)
    row = conn.execute(select(d).where(cond)).mappings().first()
    if row is None:
        names = conn.execute(select(d.c.name).order_by(d.c.name).limit(20)).scalars().all()
        raise NotFoundError(f"aucun document « {document} » dans le projet. Documents "
                            "connus : " + ", ".join(names))
    return dict(row)


def document_ids(conn: Connection, documents: Iterable[str | int] | None) -> list[int] | None:
    """The ids of documents given by name or id (None: every document)."""
    if documents is None:
        return None
    return [find_document(conn, d)["id"] for d in documents]


def documents_frame(conn: Connection) -> pd.DataFrame:
    """One row per document with its number of turns and codings, by name."""
    d = s.documents
    turns = (select(func.count()).where(s.turns.c.document_id == d.c.id)
             .correlate(d).scalar_subquery())
    codings = (select(func.count()).where(s.codings.c.document_id == d.c.id)
               .correlate(d).scalar_subquery())
    return frame_of(conn, select(d.c.id, d.c.reference, d.c.name, d.c.kind, d.c.language,
                                 d.c.length, turns.label("turns"), codings.label("codings"),
                                 d.c.encoding, d.c.source, d.c.sha256, d.c.imported_at)
                    .order_by(d.c.name))


def document_turns(conn: Connection, document: str | int) -> tuple[dict[str, Any], pd.DataFrame]:
    """A document's row and its turns in order (rows of the turns table)."""
    doc = find_document(conn, document)
    return doc, frame_of(conn, select(s.turns).where(s.turns.c.document_id == doc["id"])
                         .order_by(s.turns.c.idx))


def document_speakers(conn: Connection, document_id: int) -> set[str]:
    """The speaker labels of one document."""
    return set(conn.execute(select(s.turns.c.speaker).where(
        s.turns.c.document_id == document_id).distinct()).scalars()) - {None}


def known_speakers(conn: Connection) -> dict[str, list[str]]:
    """Document name → its speaker labels (empty list for a document without speakers)."""
    rows = conn.execute(select(s.documents.c.name, s.turns.c.speaker).distinct()
                        .select_from(s.documents.outerjoin(s.turns))).all()
    known: dict[str, list[str]] = {}
    for name, speaker in rows:
        known.setdefault(name, [])
        if speaker is not None:
            known[name].append(speaker)
    return known


def document_references(conn: Connection, *, by: str = "name") -> dict[Any, str]:
    """Document name (or id, with ``by="id"``) → the reference it is cited by (ENT03…)."""
    d = s.documents
    return {key: reference for key, reference in conn.execute(
        select(d.c.id if by == "id" else d.c.name, d.c.reference))}


def needs_upgrade(conn: Connection) -> bool:
    """True when a project made by an older version lacks turn scripts or references."""
    untagged = conn.execute(select(s.turns.c.id).where(s.turns.c.script.is_(None))
                            .limit(1)).first()
    unreferenced = conn.execute(select(s.documents.c.id)
                                .where(s.documents.c.reference.is_(None)).limit(1)).first()
    return bool(untagged or unreferenced)


def memos_frame(conn: Connection) -> pd.DataFrame:
    """Every memo on the project, a document or a code, oldest first."""
    return frame_of(conn, select(s.memos).order_by(s.memos.c.id))


def codebook_versions_frame(conn: Connection) -> pd.DataFrame:
    """Every codebook version loaded: id, date, source, what changed."""
    v = s.codebook_versions
    return frame_of(conn, select(v.c.id, v.c.created_at, v.c.source, v.c.changes))


def events_frame(conn: Connection, limit: int | None = 200) -> pd.DataFrame:
    """The audit log, newest first."""
    query = select(s.events).order_by(s.events.c.id.desc())
    return frame_of(conn, query.limit(limit) if limit else query)


def last_undoable(conn: Connection, actor: str, entities: Iterable[str],
                  actions: Iterable[str]) -> str | None:
    """The transaction of `actor`'s latest change not yet undone, among `entities` or
    `actions` (undo never takes back an undo)."""
    e = s.events
    return conn.execute(
        select(e.c.txn).where(e.c.actor == actor, e.c.reverted_by.is_(None),
                              ~e.c.action.startswith("undo-"),
                              e.c.entity.in_(list(entities)) | e.c.action.in_(list(actions)))
        .order_by(e.c.id.desc()).limit(1)).scalar()


def change_marker(conn: Connection) -> tuple[Any, Any]:
    """(latest event id, number of documents): changes whenever the project does."""
    return (conn.execute(select(func.max(s.events.c.id))).scalar(),
            conn.execute(select(func.count()).select_from(s.documents)).scalar())


def researcher_texts(conn: Connection) -> dict[str, str]:
    """What the team wrote itself, keyed by a French label: memos (« mémo 3 »), codings'
    memos and review comments (« codage 12 »), framework summaries (« synthèse 5 »). A
    name typed there is checked like a name in a transcript."""
    texts: dict[str, str] = {}
    for memo_id, text in conn.execute(select(s.memos.c.id, s.memos.c.text)):
        texts[f"mémo {memo_id}"] = text or ""
    c = s.codings
    for coding_id, memo, comment in conn.execute(
            select(c.c.id, c.c.memo, c.c.review_comment)
            .where(c.c.memo.is_not(None) | c.c.review_comment.is_not(None))):
        texts[f"codage {coding_id}"] = "\n".join(t for t in (memo, comment) if t)
    for summary_id, text in conn.execute(select(s.summaries.c.id, s.summaries.c.text)):
        texts[f"synthèse {summary_id}"] = text or ""
    return texts
