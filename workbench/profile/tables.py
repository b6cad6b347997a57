"""Case and document attributes read from the store as tables (one column per key).

The attributes are stored as (owner, key, value, type) rows; these helpers pivot
them into typed columns. Both the study profile (which guesses from them) and the
extracts (which join them) read them here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from workbench.store import schema as s


def typed(value: str | None, kind: str) -> Any:
    """A stored attribute text back as int, float, bool or Timestamp per its type."""
    if value is None:
        return None
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return value.lower() in {"1", "true", "oui", "yes", "vrai"}
        if kind == "date":
            return pd.Timestamp(value)
    except ValueError:
        return value
    return value


def pivot(rows: Iterable[Sequence[Any]], id_name: str) -> pd.DataFrame:
    """(owner id, key, value, type) rows → one column per key, typed values."""
    records: dict[int, dict[str, Any]] = {}
    order: list[str] = []
    for owner, key, value, kind in rows:
        records.setdefault(owner, {})[key] = typed(value, kind)
        if key not in order:
            order.append(key)
    frame = pd.DataFrame.from_dict(records, orient="index", columns=order)
    frame.index.name = id_name
    return frame


def raw_case_table(conn: Connection) -> pd.DataFrame:
    """Every case with its kind and stored attributes as columns; unit: cases."""
    cases = pd.DataFrame(conn.execute(select(s.cases.c.id, s.cases.c.name, s.cases.c.kind)).all(),
                         columns=["case_id", "case", "case_kind"])
    attrs = pivot(conn.execute(select(s.attributes.c.case_id, s.attributes.c.key,
                                      s.attributes.c.value, s.attributes.c.type)
                               .order_by(s.attributes.c.case_id)).all(), "case_id")
    return cases.merge(attrs, left_on="case_id", right_index=True, how="left")


def document_attribute_table(conn: Connection) -> pd.DataFrame:
    """Every document's own attributes (date, place, interviewer…), indexed by document_id."""
    return pivot(conn.execute(select(s.document_attributes.c.document_id,
                                     s.document_attributes.c.key,
                                     s.document_attributes.c.value,
                                     s.document_attributes.c.type)).all(), "document_id")


def attribute_types(conn: Connection) -> dict[tuple[str, str], set[str]]:
    """(scope, key) → the value types stored for it (int, float, date, bool, text)."""
    out: dict[tuple[str, str], set[str]] = {}
    for table, scope in ((s.attributes, "case"), (s.document_attributes, "document")):
        for key, kind in conn.execute(select(table.c.key, table.c.type).distinct()).all():
            out.setdefault((scope, key), set()).add(kind)
    return out
