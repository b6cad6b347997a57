"""Numbered schema migrations.

A new store is created from `schema.metadata` and stamped with the latest
version; an older store gets each missing migration applied in order, inside
one transaction, so a project made today opens after an upgrade. A table of
numbered steps is all we need: one linear history, no branches, and the same
Python code runs on SQLite and PostgreSQL (Alembic would add a config tree and
autogeneration we would not use).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, select, text

from workbench.errors import StoreError
from workbench.store import schema


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _noop(_conn: Connection) -> None:
    """Version 1 is the base schema, created from `schema.metadata`."""


def _scripts_and_pseudonyms(conn: Connection) -> None:
    """v2: a column for each turn's writing system (filled by the importer layer on
    open, since detecting scripts is not the store's job), and the pseudonym table."""
    conn.execute(text("ALTER TABLE turns ADD COLUMN script VARCHAR(16)"))
    schema.pseudonyms.create(conn)


def _team(conn: Connection) -> None:
    """v3: coders get an id (so their registration is audited like any row), codings get
    their latest review (reviewer, date, comment), and the team is filled in.

    Every name found in `codings.coder` becomes a coder. The lead is the first person who
    wrote to the project (the earliest event not written by the workbench itself: the one
    who loaded the codebook or imported the corpus); a project without events has no
    lead until someone claims the role with `Project.add_coder(name, role="lead")`.
    """
    old = [tuple(r) for r in conn.execute(text("SELECT name, role FROM coders")).all()]
    conn.execute(text("DROP TABLE coders"))
    schema.coders.create(conn)
    for column in ("reviewed_by VARCHAR(128)", "reviewed_at VARCHAR(32)", "review_comment TEXT"):
        conn.execute(text(f"ALTER TABLE codings ADD COLUMN {column}"))
    roles = dict(old)
    first = conn.execute(select(schema.events.c.actor).where(schema.events.c.actor != "workbench")
                         .order_by(schema.events.c.id).limit(1)).scalar()
    if first is not None and "lead" not in roles.values():
        roles[first] = "lead"
    for name in conn.execute(select(schema.codings.c.coder).distinct()).scalars():
        roles.setdefault(name, "coder")
    if roles:
        conn.execute(schema.coders.insert(),
                     [{"name": name, "role": role} for name, role in sorted(roles.items())])


def _profile(conn: Connection) -> None:
    """v4: the study profile's versions, the speaker roles declared for documents, and
    each document's reference (given in import order, see `importer.new_reference`)."""
    schema.study_profiles.create(conn)
    schema.speaker_roles.create(conn)
    conn.execute(text("ALTER TABLE documents ADD COLUMN reference VARCHAR(32)"))
    conn.execute(text("CREATE UNIQUE INDEX ux_documents_reference ON documents (reference)"))


def _name_reviews(conn: Connection) -> None:
    """v5: the words reviewed as not being a person's name (see `privacy/name_check.py`), and
    whether a coding's review was given in bulk (`codings.review_mode`)."""
    schema.name_reviews.create(conn)
    conn.execute(text("ALTER TABLE codings ADD COLUMN review_mode VARCHAR(16)"))


def _summaries(conn: Connection) -> None:
    """v6: the summaries of the framework matrix (one per case or document and code)."""
    schema.summaries.create(conn)


def _scores(conn: Connection) -> None:
    """v7: the score of a suggestion made by a learned model (`codings.score`)."""
    conn.execute(text("ALTER TABLE codings ADD COLUMN score FLOAT"))


def _recordings(conn: Connection) -> None:
    """v8: the recordings (sound or video files) linked to documents."""
    schema.recordings.create(conn)


MIGRATIONS: list[Migration] = [
    Migration(1, "base schema: documents, turns, cases, codes, codings, memos, events", _noop),
    Migration(2, "turns.script (writing system) and the pseudonyms table",
              _scripts_and_pseudonyms),
    Migration(3, "coders with roles, the latest review of each coding", _team),
    Migration(4, "study profile versions and declared speaker roles", _profile),
    Migration(5, "names reviewed as not being a person's name; bulk reviews",
              _name_reviews),
    Migration(6, "framework summaries (case or document × code)", _summaries),
    Migration(7, "scores of the suggestions of learned models", _scores),
    Migration(8, "recordings linked to documents (sound and video files)", _recordings),
]


def latest_version() -> int:
    """The newest schema version this workbench knows."""
    return MIGRATIONS[-1].version


class NewerSchemaError(StoreError):
    """A store written by a newer workbench: opening or restoring it could corrupt it."""

    def __init__(self, message: str, *, version: int, latest: int) -> None:
        super().__init__(message)
        self.version = version
        self.latest = latest


def current_version(conn: Connection) -> int | None:
    """The store's schema version, or None for an empty database."""
    if not inspect(conn).has_table("schema_migrations"):
        return None
    version = conn.execute(select(schema.schema_migrations.c.version).order_by(
        schema.schema_migrations.c.version.desc()).limit(1)).scalar()
    return int(version) if version is not None else None


def check_known_version(
    version: int, *, where: str, what: str = "ce projet",
    advice: str = "Mettez le workbench à jour (pip install -U workbench) avant de l'ouvrir.",
) -> None:
    """Raise NewerSchemaError when `version` is newer than this workbench's latest.

    `where` (a path or URL) starts the message, `what` names what holds the
    version ("ce projet", "cette sauvegarde"), `advice` ends it; both are in French,
    like the message, which is for the researcher.
    """
    latest = latest_version()
    if version > latest:
        raise NewerSchemaError(
            f"{where} : {what} utilise la version {version} du schéma, mais ce workbench ne "
            f"connaît que les versions jusqu'à {latest}. {advice}",
            version=version, latest=latest)


def first_applied_at(conn: Connection) -> str | None:
    """When the store was created: the `applied_at` of its first migration."""
    return conn.execute(select(schema.schema_migrations.c.applied_at)
                        .order_by(schema.schema_migrations.c.version).limit(1)).scalar()


def _stamp(conn: Connection, migration: Migration) -> None:
    conn.execute(schema.schema_migrations.insert().values(
        version=migration.version,
        description=migration.description,
        applied_at=datetime.now(UTC).isoformat(timespec="seconds"),
    ))


def create_or_migrate(conn: Connection, *, where: str) -> list[int]:
    """Create a new store or bring an old one to the latest version.

    Returns the versions applied. Raises NewerSchemaError (a StoreError) for a
    store written by a newer workbench (opening it could corrupt it).
    """
    version = current_version(conn)
    if version is None:
        schema.metadata.create_all(conn)
        for migration in MIGRATIONS:
            _stamp(conn, migration)
        return [m.version for m in MIGRATIONS]
    check_known_version(version, where=where)
    applied = []
    for migration in MIGRATIONS:
        if migration.version > version:
            migration.apply(conn)
            _stamp(conn, migration)
            applied.append(migration.version)
    return applied
