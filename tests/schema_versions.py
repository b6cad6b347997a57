"""Turn a SQLite project back into an older schema version, to test its migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def as_version_5(db: Path) -> None:
    """Make `db` a version-5 project: without the tables and columns of versions 6 to 8
    (framework summaries, suggestion scores, recordings), and recorded as version 5."""
    con = sqlite3.connect(db)
    try:
        con.execute("DROP TABLE summaries")
        con.execute("DROP TABLE recordings")
        con.execute("ALTER TABLE codings DROP COLUMN score")
        con.execute("DELETE FROM schema_migrations WHERE version > 5")
        con.commit()
    finally:
        con.close()
