"""What a snapshot store holds (name, date, codebook version, coders), kept in `meta`:
read by every page that serves a project, written when a snapshot is frozen."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from workbench.store import schema as s

SNAPSHOT_KEY = "snapshot"


@dataclass(frozen=True)
class SnapshotInfo:
    """What a snapshot holds, shown on every page that serves it."""

    name: str
    created_at: str
    codebook_version: int | None
    coders: list[str]
    documents: int
    codings: int

    def label(self) -> str:
        """« Instantané « COPIL du 12 mars » du 06/12/2026, grille v3 » (French)."""
        day = datetime.fromisoformat(self.created_at).strftime("%d/%m/%Y")
        version = f", grille v{self.codebook_version}" if self.codebook_version else ""
        return f"Instantané « {self.name} » du {day}{version}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def snapshot_info(conn: Connection) -> SnapshotInfo | None:
    """The snapshot a store holds, or None for a live project."""
    value = conn.execute(select(s.meta.c.value).where(s.meta.c.key == SNAPSHOT_KEY)).scalar()
    return SnapshotInfo(**json.loads(value)) if value else None
