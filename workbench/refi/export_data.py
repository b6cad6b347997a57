"""What a `.qdpx` export carries, read from the store in one transaction.

`read_snapshot` gathers documents, codes, codings, cases, memos and coders;
`pseudonymise` returns a copy where every real name of the pseudonym table is
replaced in texts, names, attribute values and memos, with each coding's
offsets moved along with its text (a replaced name changes the length).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, func, select

from workbench.codebook.model import Code, Codebook
from workbench.coding.codes import stored_codebook
from workbench.errors import ExchangeError
from workbench.privacy.matching import name_spans, pseudonymise_text
from workbench.privacy.table import protected_values, stored_table
from workbench.refi.guids import Guids, project_namespace
from workbench.refi.positions import OffsetMap, replace_spans
from workbench.store import schema as s
from workbench.store.queries import document_references

Attribute = tuple[str, str, str]  # key, value, our type


@dataclass
class Doc:
    id: int
    name: str
    kind: str
    text: str
    attributes: list[Attribute] = field(default_factory=list)


@dataclass
class Coding:
    id: int
    document_id: int
    code: str  # key
    start: int
    end: int
    coder: str
    status: str
    origin: str
    created_at: str
    memo: str | None


@dataclass
class Case:
    id: int
    name: str
    kind: str
    attributes: list[Attribute] = field(default_factory=list)
    links: list[tuple[int, str | None]] = field(default_factory=list)


@dataclass
class Memo:
    id: int
    target_type: str
    target_id: int | None
    author: str
    text: str
    created_at: str
    updated_at: str


@dataclass
class Snapshot:
    """Everything an export writes, plus what it must warn about."""

    name: str
    book: Codebook
    documents: list[Doc]
    codings: list[Coding]
    cases: list[Case]
    memos: list[Memo]
    coders: list[str]
    guids: Guids
    code_ids: dict[int, str] = field(default_factory=dict)  # codes.id → key (active codes)
    left_out: dict[str, int] = field(default_factory=dict)  # status → codings not exported
    turns: int = 0
    pseudonyms: int = 0


def read_snapshot(conn: Connection, *, name: str, statuses: Iterable[str]) -> Snapshot:
    """The project's content for an export; codings only with the given statuses."""
    statuses = list(statuses)
    attrs: dict[int, list[Attribute]] = {}
    for doc_id, key, value, kind in conn.execute(select(
            s.document_attributes.c.document_id, s.document_attributes.c.key,
            s.document_attributes.c.value, s.document_attributes.c.type)):
        if value is not None:
            attrs.setdefault(doc_id, []).append((key, value, kind))
    docs = [Doc(i, n, k, t, attrs.get(i, [])) for i, n, k, t in conn.execute(
        select(s.documents.c.id, s.documents.c.name, s.documents.c.kind, s.documents.c.text)
        .order_by(s.documents.c.name))]
    keys = dict(conn.execute(select(s.codes.c.id, s.codes.c.key).where(s.codes.c.active)).all())
    c = s.codings
    codings, left_out = [], {}
    for row in conn.execute(select(c.c.id, c.c.document_id, c.c.code_id, c.c.start, c.c.end,
                                   c.c.coder, c.c.status, c.c.origin, c.c.created_at,
                                   c.c.memo)
                            .order_by(c.c.document_id, c.c.start, c.c.id)):
        if row.status not in statuses:
            left_out[row.status] = left_out.get(row.status, 0) + 1
        elif row.code_id not in keys:
            left_out["inactive"] = left_out.get("inactive", 0) + 1
        else:
            codings.append(Coding(row.id, row.document_id, keys[row.code_id], row.start,
                                  row.end, row.coder, row.status, row.origin, row.created_at,
                                  row.memo))
    case_attrs: dict[int, list[Attribute]] = {}
    for case_id, key, value, kind in conn.execute(select(
            s.attributes.c.case_id, s.attributes.c.key, s.attributes.c.value, s.attributes.c.type)):
        if value is not None:
            case_attrs.setdefault(case_id, []).append((key, value, kind))
    links: dict[int, list[tuple[int, str | None]]] = {}
    for case_id, doc_id, speaker in conn.execute(select(
            s.document_cases.c.case_id, s.document_cases.c.document_id,
            s.document_cases.c.speaker).order_by(s.document_cases.c.id)):
        links.setdefault(case_id, []).append((doc_id, speaker))
    cases = [Case(i, n, k, case_attrs.get(i, []), links.get(i, [])) for i, n, k in
             conn.execute(select(s.cases.c.id, s.cases.c.name, s.cases.c.kind)
                          .order_by(s.cases.c.name))]
    memos = [Memo(*row) for row in conn.execute(select(
        s.memos.c.id, s.memos.c.target_type, s.memos.c.target_id, s.memos.c.author,
        s.memos.c.text, s.memos.c.created_at, s.memos.c.updated_at).order_by(s.memos.c.id))]
    coders = sorted({c.coder for c in codings} | {m.author for m in memos}
                    | set(conn.execute(select(s.coders.c.name)).scalars()))
    head = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "codebook")).scalar()
    return Snapshot(
        name=name or (json.loads(head).get("name") if head else "") or "Projet",
        book=stored_codebook(conn), documents=docs, codings=codings, cases=cases, memos=memos,
        coders=coders, guids=Guids(project_namespace(conn)), code_ids=keys, left_out=left_out,
        turns=conn.execute(select(func.count()).select_from(s.turns)).scalar_one(),
        pseudonyms=conn.execute(select(func.count()).select_from(s.pseudonyms)).scalar_one())


def snapshot_texts(snap: Snapshot) -> list[str]:
    """Every text an archive of `snap` shows: for the check of a pseudonymised export."""
    return [snap.name, *(d.text for d in snap.documents), *(d.name for d in snap.documents),
            *(c.name for c in snap.cases), *(m.text for m in snap.memos),
            *(c.memo for c in snap.codings if c.memo),
            *(v for x in [*snap.documents, *snap.cases] for _, v, _t in x.attributes
              if isinstance(v, str)),
            *(sp for c in snap.cases for _, sp in c.links if sp),
            *(getattr(c, f) or "" for c in snap.book.codes
              for f in ("id", "name", "definition", "inclusion", "exclusion", "example"))]


def pseudonymised(snap: Snapshot, conn: Connection) -> Snapshot:
    """A copy of `snap` with real names replaced by pseudonyms and offsets moved."""
    table, protect = stored_table(conn), protected_values(conn)
    if not table:
        raise ExchangeError(
            "export pseudonymisé impossible : la table des pseudonymes est vide. Lancez "
            "p.privacy.propose() (et vérifiez-la), ou exportez sans pseudonymiser.")

    def text(value: str) -> str:
        return pseudonymise_text(value, table, protect=protect)

    def attrs(items: list[Attribute]) -> list[Attribute]:
        return [(k, text(v) if isinstance(v, str) else v, t) for k, v, t in items]

    # A document is named by its reference: its file name often holds a person's name.
    references = document_references(conn, by="id")
    maps: dict[int, OffsetMap] = {}
    docs = []
    for doc in snap.documents:
        new_text, stage = replace_spans(doc.text, name_spans(doc.text, table, protect=protect))
        maps[doc.id] = stage
        docs.append(replace(doc, name=references.get(doc.id) or f"D{doc.id}", text=new_text,
                            attributes=attrs(doc.attributes)))
    codings = [replace(c, start=maps[c.document_id](c.start, end=False),
                       end=maps[c.document_id](c.end, end=True),
                       memo=text(c.memo) if c.memo else c.memo) for c in snap.codings]
    book = Codebook([Code(**{**code.as_dict(), "name": text(code.name),
                             "definition": text(code.definition),
                             "inclusion": text(code.inclusion), "exclusion": text(code.exclusion),
                             "example": text(code.example)}) for code in snap.book.codes],
                    name=snap.book.name, description=text(snap.book.description))
    cases = [replace(c, name=text(c.name), attributes=attrs(c.attributes),
                     links=[(d, text(sp) if sp else sp) for d, sp in c.links])
             for c in snap.cases]
    memos = [replace(m, text=text(m.text)) for m in snap.memos]
    out = replace(snap, name=text(snap.name), book=book, documents=docs, codings=codings,
                  cases=cases, memos=memos)
    return out
