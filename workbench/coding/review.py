"""Reviewing codings: storing suggestions once, accepting or rejecting codings (with the
reviewer, date and comment), judging the rules.

The latest review lives on the coding itself (`reviewed_by`, `reviewed_at`,
`review_comment`) rather than in a table of reviews: a coding has one current
decision, extracts and exports read it without a join, and every earlier review
is already kept, with its before/after rows, in the audit log (`events`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, select

from workbench.coding.coders import check_may_review
from workbench.coding.codings import NewCoding, add_codings, get_coding, update_coding
from workbench.store import Writer
from workbench.store import schema as s


def new_suggestions(conn: Connection, found: pd.DataFrame) -> pd.DataFrame:
    """The rows of `found` (document_id, code_id, start, end…) not already coded.

    Any existing coding of the same span and code counts, whatever its status:
    an accepted one needs no proposal, and a rejected one must not come back.
    """
    if found.empty:
        return found
    docs = sorted({int(d) for d in found["document_id"]})
    existing = pd.DataFrame(conn.execute(
        select(s.codings.c.document_id, s.codings.c.code_id, s.codings.c.start, s.codings.c.end)
        .where(s.codings.c.document_id.in_(docs))).all(),
        columns=["document_id", "code_id", "start", "end"])
    merged = found.merge(existing.assign(_seen=True), how="left",
                         on=["document_id", "code_id", "start", "end"])
    return found[merged["_seen"].isna().to_numpy()]


def store_suggestions(w: Writer, found: pd.DataFrame, *, texts: dict[int, str],
                      names: dict[int, str], origin_prefix: str = "rule:",
                      status: str = "suggested") -> list[int]:
    """Insert suggestions (origin `rule:<id>`, or `model:<code>` with a `score` column) in
    one statement; returns their ids."""
    scores = found["score"].tolist() if "score" in found.columns else [None] * len(found)
    items = [NewCoding(int(r.document_id), int(r.code_id), int(r.start), int(r.end), w.actor,
                       f"{origin_prefix}{r.rule}", status,
                       score=None if score is None else round(float(score), 4))
             for r, score in zip(found.itertuples(), scores, strict=True)]
    return add_codings(w, items, texts=texts, names=names)


def set_status(w: Writer, ids: Iterable[int], status: str, *, comment: str | None = None,
               memo: str | None = None, bulk: bool = False) -> int:
    """Accept or reject codings as `w.actor`, who is recorded as reviewer with `comment`.

    Refuses (RoleError, nothing changed) when the actor may not review one of them:
    another coder's work is the lead's to judge (see `coders.check_may_review`).
    `memo` replaces the coding's own memo (the coder's note); `comment` is the
    reviewer's. `bulk`: the review went to many suggestions at once, without a look at
    each (kept in `review_mode`, so a rule's precision counts only looked-at ones). Each
    change is audited.
    """
    rows = [get_coding(w, int(i)) for i in dict.fromkeys(int(i) for i in ids)]
    check_may_review(w.conn, w.actor, rows)
    note = (comment or "").strip() or None
    values = {"status": status, "reviewed_by": w.actor, "reviewed_at": w.at,
              "review_comment": note, "review_mode": "bulk" if bulk else None}
    if memo is not None:
        values["memo"] = memo
    for row in rows:
        update_coding(w, row["id"], **values)
    return len(rows)


def rule_report(conn: Connection, rules: pd.DataFrame,
                models: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per rule, then per learned model (`models`: its code keys in a `code` column):
    suggestions made, accepted, rejected, pending, how many of the accepted and rejected
    were decided in bulk, and precision so far. `source` says « règle » or « modèle »;
    a model's row has `rule` « model:<code> ».

    Precision = accepted / (accepted + rejected) among suggestions reviewed one by one:
    a bulk decision says nothing of the rule's quality (NaN when none was looked at).
    """
    c = s.codings.c
    rows = conn.execute(select(c.origin, c.status, c.review_mode)
                        .where(c.origin.like("rule:%") | c.origin.like("model:%"))).all()
    counts = pd.DataFrame(rows, columns=["origin", "status", "review_mode"])
    counts["rule"] = counts["origin"].where(counts["origin"].str.startswith("model:"),
                                            counts["origin"].str.slice(5))
    bulk = counts["review_mode"] == "bulk"
    counts["status"] = counts["status"].where(~bulk, counts["status"] + "_bulk")
    table = counts.pivot_table(index="rule", columns="status", aggfunc="size", fill_value=0)
    columns = ("suggested", "accepted", "rejected", "accepted_bulk", "rejected_bulk")
    for status in columns:
        if status not in table.columns:
            table[status] = 0
    sources = rules[["rule", "code"]].assign(source="règle")
    learned = set(counts.loc[counts["origin"].str.startswith("model:"), "rule"].str.slice(6))
    if models is not None:
        learned |= set(models["code"])
    if learned:
        keys = sorted(learned)
        sources = pd.concat([sources, pd.DataFrame({
            "rule": [f"model:{k}" for k in keys], "code": keys, "source": "modèle"})],
            ignore_index=True)
    report = sources.merge(table[list(columns)], left_on="rule", right_index=True, how="left")
    report = report.fillna(0)
    for column in columns:
        report[column] = report[column].astype(int)
    report["accepted"] += report["accepted_bulk"]
    report["rejected"] += report["rejected_bulk"]
    report = report.rename(columns={"suggested": "pending"})
    report.insert(2, "suggestions", report["pending"] + report["accepted"] + report["rejected"])
    looked_at = report["accepted"] - report["accepted_bulk"]
    reviewed = looked_at + report["rejected"] - report["rejected_bulk"]
    report["precision"] = (looked_at / reviewed.where(reviewed > 0)).round(3)
    return report[["rule", "code", "source", "suggestions", "pending", "accepted", "rejected",
                   "accepted_bulk", "rejected_bulk", "precision"]].reset_index(drop=True)
