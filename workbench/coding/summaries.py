"""Framework summaries: the text a researcher writes for one cell of a case × theme matrix
(a case or a document, a code with its branch), and the lead's validation of it.

A cell has at most one summary (table `summaries`, schema v6). Writing creates it or
replaces its text; a rewrite of a validated summary makes it a draft again, since the
lead validated another text. Validating is the lead's job (`coders.role_of`), as
reviewing another coder's codings is. Every change is one audited event (`Writer.log`,
full rows before and after), so ``p.undo()`` takes back a write or a validation and
``p.history()`` shows who wrote what, when; earlier texts live in the audit log.

This module also gathers, in one read transaction, what the framework matrix is built
from (`framework_inputs`: accepted extracts, the rows, the codes, the summaries); the
matrix itself is computed by `workbench.analysis.framework`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from workbench.coding.coders import RoleError, leads, role_of
from workbench.coding.codes import codes_frame, resolve_code
from workbench.coding.codings import clean_text
from workbench.coding.extracts import WhereValue, apply_where, case_table, natural_key
from workbench.coding.extracts import extracts as build_extracts
from workbench.errors import CodingError, NotFoundError, WorkbenchError
from workbench.profile.tables import document_attribute_table
from workbench.store import Writer, row_of
from workbench.store import schema as s

ROWS = ("cases", "documents")
STATUSES = ("draft", "validated")
STATUS_LABELS = {"draft": "brouillon", "validated": "validée"}
ROW_WORDS = {"cases": "cas", "documents": "document"}
SUMMARY_COLUMNS = ["summary_id", "rows", "case", "document", "reference", "code", "code_name",
                   "text", "status", "author", "created_at", "updated_at", "validated_by",
                   "validated_at"]
KNOWN_SHOWN = 6  # known cases or documents an error message names


@dataclass(frozen=True)
class Cell:
    """One cell of the framework matrix, resolved: its row (a case or a document) and
    its code."""

    rows: str  # "cases" | "documents"
    row_id: int
    row: str  # the case's or document's name
    code_id: int
    code: str  # the code's key
    code_name: str

    @property
    def label(self) -> str:
        """'cas « Fatima » × code « liens »', for messages (for the researcher)."""
        return f"{ROW_WORDS[self.rows]} « {self.row} » × code « {self.code} »"

    def where(self) -> Any:
        """The condition selecting this cell's summary row."""
        column = s.summaries.c.case_id if self.rows == "cases" else s.summaries.c.document_id
        return (column == self.row_id) & (s.summaries.c.code_id == self.code_id)


def check_rows(rows: str | None) -> None:
    """A French error for rows other than "cases", "documents" (or None: guess)."""
    if rows is not None and rows not in ROWS:
        raise WorkbenchError(f"rows={rows!r} : les lignes de la matrice sont des cas "
                             "(rows=\"cases\") ou des documents (rows=\"documents\").")


def _known(names: Sequence[str], wanted: str) -> str:
    """A few known names, the closest to `wanted` first, and how many there are."""
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    shown = list(dict.fromkeys([*close, *sorted(names, key=natural_key)]))[:KNOWN_SHOWN]
    more = f" … ({len(names)} en tout)" if len(names) > len(shown) else ""
    return ", ".join(shown) + more if shown else "aucun"


def _find_case(conn: Connection, row: str | int) -> tuple[int, str] | None:
    c = s.cases
    cond = c.c.id == row if isinstance(row, int) else c.c.name == str(row).strip()
    found = conn.execute(select(c.c.id, c.c.name).where(cond)).first()
    return (int(found[0]), str(found[1])) if found else None


def _find_document(conn: Connection, row: str | int) -> tuple[int, str] | None:
    d = s.documents
    if isinstance(row, int):
        cond = d.c.id == row
    else:
        text = str(row).strip()
        cond = (d.c.name == text) | (d.c.reference == text)
    found = conn.execute(select(d.c.id, d.c.name).where(cond)).first()
    return (int(found[0]), str(found[1])) if found else None


def resolve_row(conn: Connection, row: str | int, rows: str | None = None) -> tuple[str, int, str]:
    """(rows, id, name) of a matrix row: a case by name (or id), or a document by name,
    reference (or id). `rows` None: a case if one has that name, else a document.
    NotFoundError naming a few known ones otherwise."""
    check_rows(rows)
    case = _find_case(conn, row) if rows in (None, "cases") else None
    document = _find_document(conn, row) if rows in (None, "documents") and case is None \
        else None
    if case is not None:
        return "cases", *case
    if document is not None:
        return "documents", *document
    cases = list(conn.execute(select(s.cases.c.name)).scalars())
    documents = list(conn.execute(select(s.documents.c.name)).scalars())
    if rows == "cases":
        raise NotFoundError(f"aucun cas « {row} » dans le projet. Cas connus : "
                            f"{_known(cases, str(row))}.")
    if rows == "documents":
        raise NotFoundError(f"aucun document « {row} » dans le projet (nom ou référence). "
                            f"Documents connus : {_known(documents, str(row))}.")
    raise NotFoundError(f"ni cas ni document « {row} » dans le projet. Cas connus : "
                        f"{_known(cases, str(row))} ; documents connus : "
                        f"{_known(documents, str(row))}.")


def resolve_cell(conn: Connection, row: str | int, code: str | int,
                 rows: str | None = None) -> Cell:
    """The cell of `row` (case or document, see `resolve_row`) and `code` (id, key,
    name or path, see `codes.resolve_code`)."""
    kind, row_id, name = resolve_row(conn, row, rows)
    found = resolve_code(conn, code)
    return Cell(kind, row_id, name, int(found["id"]), str(found["key"]), str(found["name"]))


def find_summary(conn: Connection, cell: Cell) -> dict[str, Any] | None:
    """The stored row of a cell's summary, or None."""
    found = conn.execute(select(s.summaries).where(cell.where())).mappings().first()
    return dict(found) if found is not None else None


def write_summary(w: Writer, cell: Cell, text: str) -> int:
    """Create the cell's summary or replace its text, as `w.actor`; returns its id.

    The text is cleaned like a memo's (`codings.clean_text`) and stripped; an empty one
    is refused. A new text makes the summary a draft (a validated one loses its
    validation: the lead validated another text); the same text again changes nothing.
    """
    text = clean_text(text, what=f"la synthèse ({cell.label})").strip()
    if not text:
        raise CodingError(f"la synthèse ({cell.label}) est vide ; écrivez-y un texte.")
    current = find_summary(w.conn, cell)
    t = s.summaries
    if current is None:
        row = {"case_id": cell.row_id if cell.rows == "cases" else None,
               "document_id": cell.row_id if cell.rows == "documents" else None,
               "code_id": cell.code_id, "text": text, "status": "draft", "author": w.actor,
               "created_at": w.at, "updated_at": w.at, "validated_by": None,
               "validated_at": None}
        summary_id = int(w.conn.execute(t.insert().values(**row).returning(t.c.id)).scalar_one())
        w.log("create", "summaries", summary_id, after=row_of(w.conn, t, summary_id))
        return summary_id
    summary_id = int(current["id"])
    if current["text"] == text:
        return summary_id
    w.conn.execute(t.update().where(t.c.id == summary_id).values(
        text=text, author=w.actor, updated_at=w.at, status="draft", validated_by=None,
        validated_at=None))
    w.log("update", "summaries", summary_id, before=current,
          after=row_of(w.conn, t, summary_id))
    return summary_id


def check_may_validate(conn: Connection, actor: str, cell: Cell) -> None:
    """Refuse (RoleError, in French) a validation by someone who is not a lead."""
    if role_of(conn, actor) == "lead":
        return
    heads = leads(conn)
    who = (f"un·e responsable ({', '.join(heads)})" if heads
           else "un·e responsable (ce projet n'en a pas encore : "
                "p.team.add_coder(<nom>, role='lead'))")
    raise RoleError(
        f"{actor} ne peut pas valider la synthèse ({cell.label}) : seul·e {who} valide les "
        "synthèses ; rien n'a été modifié. Demandez-lui de la relire, ou ouvrez le projet en "
        "tant que responsable (Project.open(chemin, coder=<responsable>)).")


def validate_summary(w: Writer, cell: Cell) -> dict[str, Any]:
    """Validate the cell's summary as `w.actor`, who must be a lead; returns its row.
    Validating a validated summary changes nothing."""
    check_may_validate(w.conn, w.actor, cell)
    current = find_summary(w.conn, cell)
    if current is None:
        raise NotFoundError(f"aucune synthèse à valider ({cell.label}) : écrivez-la d'abord "
                            "(p.framework.write(…)).")
    if current["status"] == "validated":
        return current
    t = s.summaries
    w.conn.execute(t.update().where(t.c.id == current["id"]).values(
        status="validated", validated_by=w.actor, validated_at=w.at))
    after = row_of(w.conn, t, int(current["id"])) or {}
    w.log("validate", "summaries", int(current["id"]), before=current, after=after)
    return after


def delete_document_summaries(w: Writer, document_id: int) -> int:
    """Delete, audited, the summaries of a document's row (before the document itself is
    removed; the foreign key would otherwise drop them unrecorded). Returns how many."""
    t = s.summaries
    rows = [dict(r) for r in w.conn.execute(select(t).where(t.c.document_id == document_id))
            .mappings()]
    for row in rows:
        w.conn.execute(t.delete().where(t.c.id == row["id"]))
        w.log("delete", "summaries", int(row["id"]), before=row)
    return len(rows)


def _statuses(status: str | Iterable[str] | None) -> list[str] | None:
    if status is None:
        return None
    wanted = [status] if isinstance(status, str) else list(status)
    if bad := [x for x in wanted if x not in STATUSES]:
        raise WorkbenchError(f"statut de synthèse {', '.join(map(repr, bad))} inconnu : "
                             "« draft » (brouillon) ou « validated » (validée).")
    return wanted


def summaries_frame(conn: Connection, status: str | Iterable[str] | None = None
                    ) -> pd.DataFrame:
    """Every summary (or those of `status`: "draft", "validated"), cases first then
    documents, each in natural order: summary_id, rows, case, document, reference, code,
    code_name, text, status, author, created_at, updated_at, validated_by, validated_at."""
    t, c, d, k = s.summaries, s.cases, s.documents, s.codes
    query = (select(t.c.id.label("summary_id"), c.c.name.label("case"),
                    d.c.name.label("document"), d.c.reference, k.c.key.label("code"),
                    k.c.name.label("code_name"), k.c.position, t.c.text, t.c.status,
                    t.c.author, t.c.created_at, t.c.updated_at, t.c.validated_by,
                    t.c.validated_at)
             .select_from(t.join(k, k.c.id == t.c.code_id)
                          .outerjoin(c, c.c.id == t.c.case_id)
                          .outerjoin(d, d.c.id == t.c.document_id)))
    if (wanted := _statuses(status)) is not None:
        query = query.where(t.c.status.in_(wanted))
    result = conn.execute(query)
    frame = pd.DataFrame([tuple(r) for r in result.fetchall()], columns=list(result.keys()))
    frame.insert(1, "rows", ["cases" if isinstance(v, str) else "documents"
                             for v in frame["case"]])
    if len(frame):
        order = sorted(range(len(frame)), key=lambda i: (
            frame["rows"].iloc[i] != "cases",
            natural_key(frame["case"].iloc[i] if frame["rows"].iloc[i] == "cases"
                        else frame["reference"].iloc[i] or frame["document"].iloc[i]),
            frame["position"].iloc[i], frame["summary_id"].iloc[i]))
        frame = frame.iloc[order]
    return frame[SUMMARY_COLUMNS].reset_index(drop=True)


def count_summaries(conn: Connection) -> dict[str, int]:
    """How many summaries there are, by status (every status present, zeros included)."""
    counts = dict(conn.execute(select(s.summaries.c.status, func.count())
                               .group_by(s.summaries.c.status)).all())
    return {status: int(counts.get(status, 0)) for status in STATUSES}


# -- what the matrix is built from ---------------------------------------------------------
@dataclass
class FrameworkInputs:
    """What `workbench.analysis.framework` builds a matrix from, read in one transaction.

    `table`: the rows, in order, with `row` (case or document name), `row_id`, `reference`
    (documents' reference; None for cases), and their attributes; `extracts`: the accepted
    extracts (filters applied; a document row's extracts limited to the cases the case
    filters keep); `codes`: the codes frame; `columns`: the chosen code keys; `summaries`:
    the summaries of this kind of row (rows "cases" or "documents").
    """

    rows: str
    table: pd.DataFrame
    extracts: pd.DataFrame
    codes: pd.DataFrame
    columns: list[str]
    summaries: pd.DataFrame

    @property
    def by(self) -> str:
        """The extracts' column a row is read from: "case" or "document"."""
        return "case" if self.rows == "cases" else "document"


def chosen_codes(conn: Connection, codes: str | int | Iterable[str | int] | None) -> list[str]:
    """The keys of the matrix's columns: the top-level codes of the codebook (None), or
    the codes given (id, key, name or path; duplicates dropped, order kept)."""
    if codes is None:
        frame = codes_frame(conn)
        active = frame[frame["active"].astype(bool)]
        return [str(k) for k, p in zip(active["key"], active["parent"], strict=True)
                if not isinstance(p, str)]
    refs = [codes] if isinstance(codes, str | int) else list(codes)
    if not refs:
        raise WorkbenchError("codes=[] : donnez au moins un code (ou None pour les thèmes de "
                             "premier niveau de la grille).")
    return list(dict.fromkeys(str(resolve_code(conn, ref)["key"]) for ref in refs))


def _document_table(conn: Connection) -> pd.DataFrame:
    d = s.documents
    docs = pd.DataFrame([tuple(r) for r in conn.execute(
        select(d.c.id, d.c.name, d.c.reference, d.c.kind)).all()],
        columns=["row_id", "row", "reference", "kind"])
    attrs = document_attribute_table(conn)
    attrs = attrs.rename(columns={k: f"document_{k}" for k in attrs.columns
                                  if k in docs.columns or k in ("document", "case")})
    return docs.merge(attrs, left_on="row_id", right_index=True, how="left")


def framework_inputs(conn: Connection, *, codes: str | int | Iterable[str | int] | None = None,
                     rows: str = "cases",
                     where: Mapping[str, WhereValue] | None = None) -> FrameworkInputs:
    """Read what a framework matrix needs (see `FrameworkInputs`).

    `where` ({attribute: value | [values] | predicate}): with rows "cases", the keys that
    are columns of the case table (attributes, case_kind) choose the rows and the other
    keys filter the extracts (a document attribute, the speaker's role…); with rows
    "documents", a document's own columns (kind, reference, its attributes) choose the
    documents, a case attribute keeps the documents where a matching case speaks and
    only their words, and the other keys filter the extracts.
    """
    check_rows(rows)
    if rows is None:  # check_rows lets None through for the look-ups
        raise WorkbenchError("rows=None : choisissez rows=\"cases\" ou rows=\"documents\".")
    columns = chosen_codes(conn, codes)
    cases = case_table(conn)
    where = dict(where or {})
    on_cases = {k: v for k, v in where.items() if k in cases.columns and k != "case_id"}
    if rows == "cases":
        table = cases.rename(columns={"case": "row", "case_id": "row_id"})
        table = apply_where(table, {("row" if k == "case" else k): v
                                    for k, v in on_cases.items()})
        table.insert(2, "reference", None)
        order = sorted(range(len(table)), key=lambda i: natural_key(table["row"].iloc[i]))
        rest = {k: v for k, v in where.items() if k not in on_cases}
        kept_cases = set(table["row"])
    else:
        table = _document_table(conn)
        on_documents = {k: v for k, v in where.items()
                        if k in table.columns and k not in on_cases and k != "row_id"}
        table = apply_where(table, {("row" if k == "document" else k): v
                                    for k, v in on_documents.items()})
        kept_cases = set(apply_where(cases, on_cases)["case"]) if on_cases else set()
        if on_cases:
            allowed = set(apply_where(cases, on_cases)["case_id"])
            links = conn.execute(select(s.document_cases.c.document_id,
                                        s.document_cases.c.case_id)).all()
            table = table[table["row_id"].isin({doc for doc, case in links if case in allowed})]
        order = sorted(range(len(table)), key=lambda i: natural_key(
            table["reference"].iloc[i] or table["row"].iloc[i]))
        rest = {k: v for k, v in where.items() if k not in on_cases and k not in on_documents}
    table = table.iloc[order].reset_index(drop=True)
    extracts = build_extracts(conn, status="accepted", where=rest or None)
    if rows == "cases":
        extracts = extracts[extracts["case"].isin(kept_cases)]
    else:
        extracts = extracts[extracts["document"].isin(set(table["row"]))]
        if on_cases:
            extracts = extracts[extracts["case"].isin(kept_cases)]
    summaries = summaries_frame(conn)
    summaries = summaries[summaries["rows"] == rows].reset_index(drop=True)
    return FrameworkInputs(rows=rows, table=table, extracts=extracts.reset_index(drop=True),
                           codes=codes_frame(conn), columns=columns, summaries=summaries)
