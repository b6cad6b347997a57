"""Codings in the store: create, remove, recode, memo — each change audited."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any

from workbench.coding.anchor import context, find_quote
from workbench.coding.coders import ensure_coders
from workbench.errors import CodingError, NotFoundError
from workbench.store import Writer, row_of
from workbench.store import schema as s

STATUSES = ("suggested", "accepted", "rejected")
TEXT_FIELDS = ("memo", "review_comment")  # a coding's free-text fields, cleaned on the way in

# Control characters no spreadsheet, XML file or terminal can hold (tab and newline are
# kept; a carriage return becomes a newline), and the XML non-characters U+FFFE/U+FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: Any, *, what: str) -> str:
    """A text typed by a user (a memo, a comment, a code's name) made safe to store and
    export: line ends as ``\n``, control characters other than tab and newline removed.

    `what` names the text in messages ("le mémo du codage 12"). A lone UTF-16 surrogate
    (half of a character, left by a broken copy and paste) cannot be written to any file
    and is refused, with where it is; so is anything that is not text.
    """
    if not isinstance(text, str):
        raise CodingError(f"{what} : {type(text).__name__} reçu au lieu d'un texte ; "
                          "donnez le texte entre guillemets.")
    bad = _SURROGATE.search(text)
    if bad:
        before = text[max(0, bad.start() - 20):bad.start()]
        raise CodingError(
            f"{what} : caractère invalide (U+{ord(bad.group()):04X}, une moitié de caractère "
            f"laissée par un copier-coller) en position {bad.start()}, après « {before} » ; "
            "retapez ce passage ou recopiez-le depuis le document d'origine.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def as_offset(value: Any, *, name: str, document: str) -> int:
    """An offset given by a user (int, integral float, digits) as an int; a CodingError
    in French otherwise (``"abc"``, None, 3.5, True)."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
    raise CodingError(
        f"document « {document} » : {name} = {value!r} n'est pas une position dans le texte ; "
        "donnez start et end en nombres entiers de caractères (par ex. "
        f"p.code(\"{document}\", 120, 164, \"code\")), ou codez par citation avec "
        "p.code_quote(…).")


@dataclass
class NewCoding:
    """A coding to create; offsets are code points, `end` exclusive."""

    document_id: int
    code_id: int
    start: int
    end: int
    coder: str
    origin: str = "manual"
    status: str = "accepted"
    memo: str | None = None
    score: float | None = None  # a learned model's confidence in a suggestion, 0 to 1


def add_codings(w: Writer, items: list[NewCoding], *, texts: dict[int, str],
                names: dict[int, str]) -> list[int]:
    """Insert codings in one statement after checking each lies inside its document
    (and register coders the project does not know yet, see `insert_codings`)."""
    problems = []
    rows: list[dict[str, Any]] = []
    for item in items:
        text = texts[item.document_id]
        if not (0 <= item.start < item.end <= len(text)):
            problems.append(
                f"document « {names[item.document_id]} » : le passage {item.start}–{item.end} "
                f"est vide ou sort du texte (0–{len(text)})")
            continue
        if item.status not in STATUSES:
            problems.append(f"statut « {item.status} » inconnu ; choisissez parmi : "
                            f"{', '.join(STATUSES)}")
            continue
        memo = None if item.memo is None else clean_text(
            item.memo, what=f"document « {names[item.document_id]} » : le mémo du codage "
            f"{item.start}–{item.end}")
        rows.append({
            "document_id": item.document_id, "code_id": item.code_id, "start": item.start,
            "end": item.end, "quote": text[item.start:item.end], "coder": item.coder,
            "origin": item.origin, "status": item.status, "memo": memo,
            "created_at": w.at, "updated_at": w.at, "score": item.score,
        })
    if problems:
        raise CodingError("rien n'a été codé :\n  - " + "\n  - ".join(problems))
    return insert_codings(w, rows)


def insert_codings(w: Writer, rows: list[dict[str, Any]], *,
                   action: str = "create") -> list[int]:
    """Insert checked coding rows in one statement, each audited as `action`.

    Every new coding enters the store here (manual, rules, merges). Coders the
    project does not know yet are registered first, in the same transaction. Each
    row gets every column (None where absent) so its audit snapshot is the row as
    stored, which undo compares against.
    """
    if not rows:
        return []
    columns = [c.name for c in s.codings.columns if c.name != "id"]
    rows = [{name: row.get(name) for name in columns} for row in rows]
    ensure_coders(w, {row["coder"] for row in rows})
    ids = list(w.conn.execute(s.codings.insert().returning(s.codings.c.id,
                                                           sort_by_parameter_order=True),
                              rows).scalars())
    for row_id, row in zip(ids, rows, strict=True):
        w.log(action, "codings", row_id, after={"id": row_id, **row})
    return ids


def locate_quote(text: str, quote: str, *, document: str) -> tuple[int, int]:
    """The single place of `quote` in `text`; an error listing candidates otherwise."""
    try:
        hits = find_quote(text, quote)
    except ValueError:
        raise CodingError(f"document « {document} » : la citation est vide ; donnez le "
                          "passage à coder.") from None
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise CodingError(
            f"document « {document} » : citation introuvable : « {quote[:80]} ». Copiez-la "
            "exactement depuis le texte (les espaces et les retours à la ligne peuvent "
            "différer, pas les mots ni la ponctuation).")
    listed = "\n  - ".join(f"en position {a} : {context(text, a, b)}" for a, b in hits[:10])
    raise CodingError(
        f"document « {document} » : la citation apparaît {len(hits)} fois ; donnez une "
        f"citation plus longue ou codez par positions :\n  - {listed}")


def get_coding(w: Writer, coding_id: int) -> dict[str, Any]:
    row = row_of(w.conn, s.codings, coding_id)
    if row is None:
        raise NotFoundError(f"aucun codage n'a l'identifiant {coding_id}.")
    return row


def update_coding(w: Writer, coding_id: int, **values: Any) -> dict[str, Any]:
    """Change a coding's code, status, memo or coder; returns the new row."""
    before = get_coding(w, coding_id)
    if "status" in values and values["status"] not in STATUSES:
        raise CodingError(f"statut « {values['status']} » inconnu ; choisissez parmi : "
                          f"{', '.join(STATUSES)}.")
    for field in TEXT_FIELDS:
        if values.get(field) is not None:
            label = "le mémo" if field == "memo" else "le commentaire de relecture"
            values[field] = clean_text(values[field], what=f"{label} du codage {coding_id}")
    if "coder" in values:
        ensure_coders(w, [values["coder"]])
    w.conn.execute(s.codings.update().where(s.codings.c.id == coding_id)
                   .values(**values, updated_at=w.at))
    after = get_coding(w, coding_id)
    w.log("update", "codings", coding_id, before=before, after=after)
    return after


def delete_coding(w: Writer, coding_id: int) -> None:
    """Remove a coding; the event keeps the whole row so it can be restored."""
    before = get_coding(w, coding_id)
    w.conn.execute(s.codings.delete().where(s.codings.c.id == coding_id))
    w.log("delete", "codings", coding_id, before=before)


def add_memo(w: Writer, target_type: str, target_id: int | None, text: str) -> int:
    """A memo on a document, code, coding, case or the project (target_id None)."""
    if target_type not in {"document", "code", "coding", "case", "project"}:
        raise CodingError(f"un mémo ne peut pas s'attacher à « {target_type} » ; choisissez "
                          "parmi : document, code, coding, case, project.")
    text = clean_text(text, what=f"le mémo ({target_type})")
    if not text.strip():
        raise CodingError("le mémo est vide ; écrivez-y un texte.")
    row = {"target_type": target_type, "target_id": target_id, "author": w.actor,
           "text": text, "created_at": w.at, "updated_at": w.at}
    memo_id = w.conn.execute(s.memos.insert().values(**row).returning(s.memos.c.id)).scalar_one()
    w.log("create", "memos", memo_id, after={"id": memo_id, **row})
    return memo_id

