"""Coding a project: the researcher's writes (code a span, a quote, a batch, a speaker's
turns; uncode, recode, memo, review) from names and ids as a notebook gives them, each
inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from workbench.coding import codes as code_ops
from workbench.coding import codings as coding_ops
from workbench.coding.extracts import turn_table
from workbench.coding.review import new_suggestions, store_suggestions
from workbench.coding.review import set_status as set_review_status
from workbench.coding.structure import select_turns
from workbench.errors import WorkbenchError
from workbench.store import Writer
from workbench.store.queries import document_ids, find_document


def code_span(w: Writer, document: str | int, start: Any, end: Any, codes: Iterable[str], *,
              memo: str | None = None, origin: str = "manual",
              status: str = "accepted") -> list[int]:
    """Code [start, end) of a document with each code (one coding per code)."""
    doc = find_document(w.conn, document)
    first = coding_ops.as_offset(start, name="start", document=doc["name"])
    last = coding_ops.as_offset(end, name="end", document=doc["name"])
    items = [coding_ops.NewCoding(doc["id"], code_ops.resolve_code(w.conn, ref)["id"],
                                  first, last, w.actor, origin, status, memo) for ref in codes]
    return coding_ops.add_codings(w, items, texts={doc["id"]: doc["text"]},
                                  names={doc["id"]: doc["name"]})


def quote_span(w: Writer, document: str | int, quote: str) -> tuple[int, int]:
    """Where `quote` occurs, once, in a document (whitespace-insensitive)."""
    doc = find_document(w.conn, document)
    return coding_ops.locate_quote(doc["text"], quote, document=doc["name"])


def code_rows(w: Writer, rows: Iterable[Mapping[str, Any]], *,
              progress: bool = False) -> list[int]:
    """Code a batch: rows with document, code, and start/end or quote (and optionally
    coder, origin, status, memo)."""
    rows = list(rows)
    docs: dict[Any, dict[str, Any]] = {}
    code_ids: dict[str, int] = {}
    items = []
    for row in tqdm(rows, desc="Codage", disable=not progress, unit="codage"):
        ref = row["document"]
        if ref not in docs:
            docs[ref] = find_document(w.conn, ref)
        doc = docs[ref]
        if row["code"] not in code_ids:
            code_ids[row["code"]] = code_ops.resolve_code(w.conn, row["code"])["id"]
        if row.get("quote") is not None:
            start, end = coding_ops.locate_quote(doc["text"], row["quote"],
                                                 document=doc["name"])
        else:
            start, end = (coding_ops.as_offset(row.get(k), name=k, document=doc["name"])
                          for k in ("start", "end"))
        items.append(coding_ops.NewCoding(
            doc["id"], code_ids[row["code"]], start, end, row.get("coder") or w.actor,
            row.get("origin", "manual"), row.get("status", "accepted"), row.get("memo")))
    return coding_ops.add_codings(w, items, texts={d["id"]: d["text"] for d in docs.values()},
                                  names={d["id"]: d["name"] for d in docs.values()})


def recode(w: Writer, coding_id: int, code: str) -> None:
    """Give a coding another code; span, coder and memo stay."""
    coding_ops.update_coding(w, coding_id, code_id=code_ops.resolve_code(w.conn, code)["id"])


def set_statuses(w: Writer, ids: int | Iterable[int], status: str, *,
                 comment: str | None = None, memo: str | None = None,
                 bulk: bool = False) -> int:
    """Accept or reject codings as `w.actor` (see `coding.review.set_status`)."""
    return set_review_status(w, [ids] if isinstance(ids, int) else ids, status,
                             comment=comment, memo=memo, bulk=bulk)


def write_memo(w: Writer, target: str, text: str, *, document: str | int | None = None,
               code: str | None = None, coding: int | None = None) -> int:
    """A memo on the project, a document, a code or a coding; returns its id (a coding's
    memo is its `memo` field, the others rows of the memos table)."""
    if target == "coding":
        if coding is None:
            raise WorkbenchError("memo('coding', …) : donnez coding=<id> (le numéro du "
                                 "codage).")
        coding_ops.update_coding(w, int(coding), memo=text)
        return int(coding)
    target_id: int | None = None
    if target == "document":
        if document is None:
            raise WorkbenchError("memo('document', …) : donnez document=<nom>.")
        target_id = find_document(w.conn, document)["id"]
    elif target == "code":
        if code is None:
            raise WorkbenchError("memo('code', …) : donnez code=<id> (le code).")
        target_id = code_ops.resolve_code(w.conn, code)["id"]
    return coding_ops.add_memo(w, target, target_id, text)


def code_turns(w: Writer, code: str, *, documents: Iterable[str | int] | None = None,
               speaker: str | list[str] | None = None, role: str | None = None,
               section: str | None = None, status: str = "accepted") -> list[int]:
    """Code every turn said by a speaker or role, or under a section (a regex), in the
    given documents (None: all), skipping spans already coded with this code; the origin
    says how ('speaker:<label>', 'role:<role>' or 'section:<pattern>')."""
    turns = turn_table(w.conn, document_ids(w.conn, documents))
    how = (f"speaker:{speaker}" if speaker is not None else f"role:{role}"
           if role is not None else f"section:{section}")
    code_id = code_ops.resolve_code(w.conn, code)["id"]
    chosen = select_turns(turns, speaker=speaker, role=role, section=section)
    found = pd.DataFrame({"document_id": chosen["document_id"], "code_id": code_id,
                          "start": chosen["start"], "end": chosen["end"], "rule": how})
    names = dict(zip(turns["document_id"], turns["document"], strict=True))
    texts = {int(i): find_document(w.conn, int(i))["text"] for i in set(found["document_id"])}
    return store_suggestions(w, new_suggestions(w.conn, found), texts=texts, names=names,
                             origin_prefix="", status=status)
