"""GUIDs as REFI-QDA writes them, and stable GUIDs for what our store does not keep one for.

Codes keep their GUID in `codes.guid`. Documents, cases, codings, memos and
variables have none in the store, so an export derives one with UUID5 from a
project namespace (the id of the project's first recorded transaction) and the
row's id: the same project exports the same GUIDs every time, and nothing in a
GUID is derived from a name (a GUID must not carry a respondent's name). Users
get a GUID from their name alone, the same in every project, so tools that
merge projects recognise the same coder.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import Connection, select

from workbench.store import schema as s
from workbench.store.migrations import first_applied_at

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12})\}?$")
USERS = uuid.UUID("5f0b3a52-8f1e-4c8e-9a57-2f4e1d0c7b11")  # namespace of coders' GUIDs


def normalise_guid(value: str | None) -> str | None:
    """A GUID in lower case without braces, or None when `value` is not a GUID."""
    if not value:
        return None
    m = _GUID.match(value.strip())
    if not m or m.group(0).startswith("{") != m.group(0).endswith("}"):
        return None
    return m.group(1).lower()


def user_guid(name: str) -> str:
    return str(uuid.uuid5(USERS, name))


def project_namespace(conn: Connection) -> uuid.UUID:
    """The namespace of this project's derived GUIDs (see the module docstring)."""
    first = conn.execute(select(s.events.c.txn).order_by(s.events.c.id).limit(1)).scalar()
    if first and normalise_guid(first):
        return uuid.UUID(first)
    stamp = first_applied_at(conn)
    return uuid.uuid5(uuid.NAMESPACE_URL, f"workbench-project:{stamp}")


class Guids:
    """Derived GUIDs of one export: `guids("document", 3)` is always the same string."""

    def __init__(self, namespace: uuid.UUID) -> None:
        self.namespace = namespace

    def __call__(self, kind: str, key: object) -> str:
        return str(uuid.uuid5(self.namespace, f"{kind}:{key}"))
