"""The extracts table: one row per coding with its source, speaker, case and attributes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, select

from workbench.coding.codes import codes_frame, descendants, resolve_code
from workbench.coding.query import And, Atom, Expr, Not, Or, atoms, parse, positive_atoms
from workbench.corpus.roles import INTERVIEWER
from workbench.errors import WorkbenchError
from workbench.profile.stored import current_profile, join_declared_roles, role_column
from workbench.profile.tables import document_attribute_table, raw_case_table
from workbench.store import schema as s

SCOPES = ("overlap", "turn", "document")
BASE_COLUMNS = [
    "reference", "coding_id", "document", "kind", "case", "speaker", "speaker_role", "turn",
    "section",
    "start", "end", "text", "code", "code_path", "coder", "origin", "status", "memo",
    "created_at", "reviewed_by", "reviewed_at", "review_comment",
]
CodeSpec = str | Iterable[str] | Expr | None
WhereValue = Any | list[Any] | Callable[[Any], bool]


def as_expr(codes: CodeSpec) -> Expr | None:
    """A code expression from a string, a list (any of) or an expression."""
    if codes is None or isinstance(codes, Atom | Not | And | Or):
        return codes  # type: ignore[return-value]
    if isinstance(codes, str):
        return parse(codes) if re.search(r"[&|~!()]|\b(AND|OR|NOT|ET|OU|SAUF)\b", codes) \
            else Atom(codes)
    items = [Atom(str(c)) for c in codes]
    if not items:
        raise WorkbenchError("une liste de codes vide ne sélectionne rien ; passez codes=None "
                             "pour tous les codes.")
    expr: Expr = items[0]
    for item in items[1:]:
        expr = Or(expr, item)
    return expr


def short_label(name: str, document_id: int) -> str:
    """'E07_ines_idf' → 'E07'; other names → 'D12' (the document id)."""
    m = re.match(r"^([A-Za-z]{1,4}\d{1,4})(?:[_\-\s.]|$)", name)
    return m.group(1) if m else f"D{document_id}"


def natural_key(text: object) -> tuple[object, ...]:
    """Sort key that puts D2 before D10 and E01-T9 before E01-T10."""
    return tuple(int(part) if part.isdigit() else part.casefold()
                 for part in re.split(r"(\d+)", str(text)))


def extracts(
    conn: Connection,
    *,
    codes: CodeSpec = None,
    where: Mapping[str, WhereValue] | None = None,
    scope: str = "overlap",
    coder: str | Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
    include_children: bool = True,
    reviewed_by: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Extracts matching a code expression and filters; unit of analysis: codings.

    `coder`, `status` and `reviewed_by` keep codings made by, in, or last reviewed
    by the given value(s).
    """
    if scope not in SCOPES:
        raise WorkbenchError(f"portée « {scope} » inconnue ; choisissez parmi : "
                             f"{', '.join(SCOPES)}.")
    expr = as_expr(codes)
    code_sets: dict[str, set[int]] = {}
    if expr is not None:
        for ref in atoms(expr):
            if ref not in code_sets:
                code_id = resolve_code(conn, ref)["id"]
                code_sets[ref] = set(descendants(conn, code_id) if include_children else [code_id])
    wanted: set[int] | None = None
    if expr is not None:
        wanted = set().union(*(code_sets[r] for r in positive_atoms(expr)))
    cases = case_table(conn)
    documents = _documents_of_matching_cases(conn, cases, where) if where else None
    frame = _fetch(conn, wanted, coder=coder, status=status, documents=documents,
                   reviewed_by=reviewed_by)
    if expr is not None and not isinstance(expr, Atom) and len(frame):
        others = _fetch(conn, set().union(*code_sets.values()), coder=coder, status=status,
                        documents=documents, light=True)
        frame = frame[_evaluate(expr, frame, others, code_sets, scope)]
    frame = _with_cases_and_attributes(conn, frame, cases)
    if where:
        frame = apply_where(frame, where)
    return frame.reset_index(drop=True)


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _documents_of_matching_cases(conn: Connection, cases: pd.DataFrame,
                                 where: Mapping[str, WhereValue]) -> set[int] | None:
    """Documents linked to a case that passes the case-attribute filters (a pre-filter:
    the exact filter runs on the final rows), or None when no filter is on cases."""
    keys = {k: v for k, v in where.items() if k in cases.columns and k not in ("case_id",)}
    if not keys:
        return None
    allowed = set(apply_where(cases, keys)["case_id"])
    rows = conn.execute(select(s.document_cases.c.document_id, s.document_cases.c.case_id)).all()
    return {doc for doc, case in rows if case in allowed}


def _fetch(conn: Connection, code_ids: set[int] | None, *, coder: Any, status: Any,
           documents: set[int] | None = None, light: bool = False,
           reviewed_by: Any = None) -> pd.DataFrame:
    c, t, d = s.codings, s.turns, s.documents
    # The turn holding a coding's start: one step down the (document, start) index.
    turn_idx = (select(t.c.idx)
                .where(and_(t.c.document_id == c.c.document_id, t.c.start <= c.c.start))
                .order_by(t.c.start.desc()).limit(1)
                .correlate(c).scalar_subquery())
    inner = select(c, turn_idx.label("turn_idx"))
    # Filters go inside, so the turn look-up only runs for the codings kept.
    if code_ids is not None:
        inner = inner.where(c.c.code_id.in_(sorted(code_ids)))
    if documents is not None:
        inner = inner.where(c.c.document_id.in_(sorted(documents)))
    if (coders := _as_list(coder)) is not None:
        inner = inner.where(c.c.coder.in_(coders))
    if (statuses := _as_list(status)) is not None:
        inner = inner.where(c.c.status.in_(statuses))
    if (reviewers := _as_list(reviewed_by)) is not None:
        inner = inner.where(c.c.reviewed_by.in_(reviewers))
    sub = inner.subquery()
    if light:
        query = select(sub.c.id, sub.c.document_id, sub.c.code_id, sub.c.start, sub.c.end,
                       sub.c.turn_idx)
    else:
        query = (
            select(sub, d.c.name.label("document"), d.c.reference.label("doc_reference"),
                   d.c.kind, t.c.speaker,
                   role_column().label("speaker_role"), t.c.section)
            .select_from(join_declared_roles(
                sub.join(d, d.c.id == sub.c.document_id)
                .outerjoin(t, and_(t.c.document_id == sub.c.document_id,
                                   t.c.idx == sub.c.turn_idx))))
        )
    query = query.order_by(sub.c.document_id, sub.c.start, sub.c.id)
    result = conn.execute(query)
    columns = list(result.keys())
    return pd.DataFrame.from_records([tuple(r) for r in result.fetchall()], columns=columns)


def _evaluate(expr: Expr, rows: pd.DataFrame, others: pd.DataFrame,
              code_sets: dict[str, set[int]], scope: str) -> pd.Series:
    cache: dict[str, pd.Series] = {}

    def holds(ref: str) -> pd.Series:
        if ref not in cache:
            mine = others[others["code_id"].isin(code_sets[ref])]
            cache[ref] = _present(rows, mine, scope)
        return cache[ref]

    def ev(e: Expr) -> pd.Series:
        if isinstance(e, Atom):
            return holds(e.ref)
        if isinstance(e, Not):
            return ~ev(e.term)
        if isinstance(e, And):
            return ev(e.left) & ev(e.right)
        return ev(e.left) | ev(e.right)

    return ev(expr)


def _present(rows: pd.DataFrame, mine: pd.DataFrame, scope: str) -> pd.Series:
    """For each row, whether a coding of `mine` shares its unit."""
    if scope == "document":
        return rows["document_id"].isin(set(mine["document_id"]))
    if scope == "turn":
        keys = set(zip(mine["document_id"], mine["turn_idx"], strict=True))
        return pd.Series([k in keys for k in zip(rows["document_id"], rows["turn_idx"],
                                                  strict=True)], index=rows.index)
    pairs = rows[["id", "document_id", "start", "end"]].merge(
        mine[["document_id", "start", "end"]], on="document_id", suffixes=("", "_o"))
    hit = pairs[(pairs["start_o"] < pairs["end"]) & (pairs["end_o"] > pairs["start"])]
    return rows["id"].isin(set(hit["id"]))


def case_table(conn: Connection) -> pd.DataFrame:
    """Every case with its kind and attributes as columns, and the columns the study
    profile derives (age classes); unit: cases."""
    profile = current_profile(conn)
    cases = profile.with_derived(raw_case_table(conn))
    order = {key: i for i, key in enumerate(profile.keys(scope="case"))}
    fixed = ["case_id", "case", "case_kind"]
    rest = sorted((c for c in cases.columns if c not in fixed),
                  key=lambda c: (order.get(c, len(order)), str(c)))
    return cases[fixed + rest]  # the sheet's order, whatever the database returns


def resolve_cases(links: pd.DataFrame, case_kinds: Mapping[int, str],
                  rows: pd.DataFrame) -> pd.Series:
    """The case speaking in each row (document_id, speaker).

    The speaker's own case when the attributes sheet links it; otherwise the
    one person case linked to the whole document, if there is exactly one — but
    never for an interviewer's turn (`role` or `speaker_role` column): interviewer
    turns carry no case unless the sheet links that speaker to one, so the
    interviewer's words never make a case a respondent nor count for one.
    """
    by_speaker = {(r.document_id, r.speaker): r.case_id
                  for r in links.itertuples() if r.speaker is not None}
    doc_level: dict[int, list[int]] = {}
    for r in links.itertuples():
        if r.speaker is None and case_kinds.get(r.case_id) == "person":
            doc_level.setdefault(r.document_id, []).append(r.case_id)
    speaker_docs = {}
    for r in links.itertuples():
        if r.speaker is not None:
            speaker_docs.setdefault(r.document_id, set()).add(r.case_id)

    def one(doc: int, speaker: Any, role: Any) -> Any:
        if speaker is not None and not pd.isna(speaker) and (doc, speaker) in by_speaker:
            return by_speaker[(doc, speaker)]
        if role == INTERVIEWER:
            return None
        level = doc_level.get(doc, [])
        if len(level) == 1:
            return level[0]
        if (speaker is None or pd.isna(speaker)) and len(speaker_docs.get(doc, ())) == 1:
            return next(iter(speaker_docs[doc]))
        return None

    role_column = next((c for c in ("role", "speaker_role") if c in rows.columns), None)
    roles = rows[role_column] if role_column else pd.Series(None, index=rows.index)
    return pd.Series([one(d, sp, r) for d, sp, r in zip(rows["document_id"], rows["speaker"],
                                                         roles, strict=True)],
                     index=rows.index, dtype=object)


def attach_cases(conn: Connection, frame: pd.DataFrame, cases: pd.DataFrame, *,
                 reserved: Iterable[str]) -> pd.DataFrame:
    """Add the speaking case (see resolve_cases) and its attributes to rows that have
    document_id and speaker; an attribute named like a `reserved` column gets `case_`."""
    links = pd.DataFrame(conn.execute(select(s.document_cases.c.document_id,
                                             s.document_cases.c.case_id,
                                             s.document_cases.c.speaker)).all(),
                         columns=["document_id", "case_id", "speaker"])
    links["speaker"] = links["speaker"].astype(object).where(links["speaker"].notna(), None)
    kinds = dict(zip(cases["case_id"], cases["case_kind"], strict=True))
    frame = frame.copy()
    frame["case_id"] = (resolve_cases(links, kinds, frame) if len(frame)
                        else pd.Series(dtype=object)).astype("Int64")
    reserved = set(reserved)
    cases = cases.assign(case_id=cases["case_id"].astype("Int64")).rename(
        columns={k: f"case_{k}" for k in cases.columns
                 if k in reserved and k not in ("case", "case_id")})
    return frame.merge(cases.drop(columns=["case_kind"]), on="case_id", how="left")


def _with_cases_and_attributes(conn: Connection, frame: pd.DataFrame,
                               cases: pd.DataFrame) -> pd.DataFrame:
    frame = attach_cases(conn, frame, cases, reserved=BASE_COLUMNS)
    doc_attrs = document_attribute_table(conn)
    doc_attrs = doc_attrs.rename(columns={k: f"document_{k}" for k in doc_attrs.columns
                                          if k in frame.columns or k in BASE_COLUMNS})
    frame = frame.merge(doc_attrs, left_on="document_id", right_index=True, how="left")
    paths = codes_frame(conn, active_only=False).set_index("id")
    frame["code"] = frame["code_id"].map(paths["key"])
    frame["code_path"] = frame["code_id"].map(paths["path"])
    # Int64: a coding outside every turn must not turn the other numbers into floats.
    frame["turn"] = (pd.to_numeric(frame["turn_idx"]) + 1).astype("Int64")
    frame["reference"] = [
        f"{r}-T{t}" if pd.notna(t) else f"{r}-@{st}"
        for r, t, st in zip(frame["doc_reference"], frame["turn"], frame["start"], strict=True)
    ]
    frame = frame.rename(columns={"id": "coding_id", "quote": "text"})
    extra = [c for c in frame.columns if c not in BASE_COLUMNS and c not in
             {"document_id", "code_id", "turn_idx", "case_id", "updated_at", "doc_reference"}]
    return frame[BASE_COLUMNS + extra]


def apply_where(frame: pd.DataFrame, where: Mapping[str, WhereValue], *,
                multi: Iterable[str] = (), separator: str = ";") -> pd.DataFrame:
    """Keep rows whose columns match: a value, a list of values, or a predicate. A `multi`
    column holds several values in one cell ("eau; santé"); it matches when one does."""
    multi = set(multi)
    mask = pd.Series(True, index=frame.index)
    for key, wanted in where.items():
        if key not in frame.columns:
            raise WorkbenchError(
                f"aucune colonne ni aucun attribut « {key} » sur lequel filtrer ; connus : "
                + ", ".join(c for c in frame.columns if c not in BASE_COLUMNS[:3]) + ".")
        column = frame[key]
        if key in multi:
            column = column.map(lambda v: [p.strip() for p in v.split(separator)]
                                if isinstance(v, str) else [])
            accepted = set(wanted) if isinstance(wanted, list | tuple | set | frozenset) \
                else {wanted}
            mask &= column.map(lambda parts, a=accepted: not a.isdisjoint(parts))
        elif callable(wanted):
            mask &= column.map(lambda v, f=wanted: bool(f(v)) if not _missing(v) else False)
        elif isinstance(wanted, list | tuple | set | frozenset):
            mask &= column.isin(list(wanted))
        else:
            mask &= column == wanted
    return frame[mask]


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def turn_table(conn: Connection, documents: Iterable[int] | None = None) -> pd.DataFrame:
    """Every turn with its document, speaker, role, section, case and case attributes.

    Unit: turns. Used to scope auto-coding rules and word statistics by speaker
    and attribute.
    """
    t, d = s.turns, s.documents
    query = (select(t.c.document_id, d.c.name.label("document"), d.c.kind, t.c.idx, t.c.start,
                    t.c.end, t.c.speaker, role_column().label("role"), t.c.section, t.c.t_start)
             .select_from(join_declared_roles(t.join(d, d.c.id == t.c.document_id)))
             .order_by(t.c.document_id, t.c.idx))
    if documents is not None:
        query = query.where(t.c.document_id.in_(sorted(documents)))
    result = conn.execute(query)
    frame = pd.DataFrame.from_records([tuple(r) for r in result.fetchall()],
                                      columns=list(result.keys()))
    return attach_cases(conn, frame, case_table(conn), reserved=frame.columns)
