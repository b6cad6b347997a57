"""Snapshots for the committee: a frozen, pseudonymised, read-only copy of a project.

`make_snapshot` copies the project into a new SQLite project folder and, in that copy:
keeps only the accepted codings and the validated framework summaries; replaces every
real name of the pseudonym table in texts (offsets of turns and codings moved with the
text), speaker labels, case names, attribute values, memos, summaries and the codebook;
names documents by their reference; drops the interviewer attributes, the audit log,
the pseudonym table, the name reviews, the recordings (the turns keep their times) and
the permission to play them in the apps; and records what it holds (name, date,
codebook version, coders) in `meta`. The copy is checked like any pseudonymised output
before it is kept, then refuses every write.
The live project keeps moving; the committee's figures do not.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, select, update

from workbench.errors import WorkbenchError
from workbench.privacy.matching import name_spans, pseudonymise_text
from workbench.privacy.table import protected_values, stored_table
from workbench.profile.stored import current_profile
from workbench.recordings import APPS_KEY
from workbench.refi.positions import replace_spans
from workbench.store import Store
from workbench.store import schema as s
from workbench.store.snapshot_info import SNAPSHOT_KEY, SnapshotInfo, snapshot_info

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

# Tables a snapshot never carries: who changed what (with real rows), the real names, the
# recordings (a voice identifies a person, and their file names may name one).
LEFT_OUT = ("events", "pseudonyms", "name_reviews", "recordings")


def make_snapshot(project: ProjectData, folder: str | Path, name: str, *,
                  names_reviewed: bool = False) -> SnapshotInfo:
    """Freeze `project` as a pseudonymised read-only project in `folder` (new)."""
    name = " ".join(str(name).split())
    if not name:
        raise WorkbenchError("instantané : donnez-lui un nom (par exemple « COPIL du 12 mars »).")
    folder = Path(folder)
    if folder.exists():
        raise WorkbenchError(f"{folder} existe déjà : choisissez un autre dossier pour "
                             "l'instantané (un instantané ne remplace jamais rien).")
    with project.store.read() as conn:
        if snapshot_info(conn) is not None:
            raise WorkbenchError("ce projet est déjà un instantané : faites l'instantané du "
                                 "projet vivant.")
        if not stored_table(conn):
            raise WorkbenchError("instantané impossible : la table des pseudonymes est vide. "
                                 "Lancez p.privacy.propose() (et vérifiez-la).")
    target = Store.connect(folder, create=True)
    try:
        with project.store.read() as source, target.write("workbench") as w:
            _copy(source, w.conn)
            info = _pseudonymise(source, w.conn, name)
        _check(project, target, names_reviewed)
    except BaseException:
        target.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    target.close()
    return info


def _copy(source: Connection, target: Connection) -> None:
    for table in s.metadata.sorted_tables:
        if table.name in (*LEFT_OUT, "schema_migrations"):
            continue
        target.execute(delete(table))
        rows = [dict(r) for r in source.execute(select(table)).mappings()]
        if rows:
            target.execute(table.insert(), rows)


def _pseudonymise(source: Connection, conn: Connection, name: str) -> SnapshotInfo:
    table, protect = stored_table(source), protected_values(source)
    exact = {e.real: e.pseudonym for e in table}

    def text(value: Any) -> Any:
        return pseudonymise_text(value, table, protect=protect) if isinstance(value, str) \
            else value

    def label(value: Any) -> Any:
        return exact.get(value) or text(value) if isinstance(value, str) else value

    conn.execute(delete(s.codings).where(s.codings.c.status != "accepted"))
    # A draft summary is work in progress: the committee sees only what the lead validated.
    conn.execute(delete(s.summaries).where(s.summaries.c.status != "validated"))
    interviewer = [a.key for a in current_profile(source).attributes if a.role == "interviewer"]
    conn.execute(delete(s.attributes).where(s.attributes.c.key.in_(interviewer)))
    conn.execute(delete(s.document_attributes)
                 .where(s.document_attributes.c.key.in_(interviewer)))
    for doc_id, raw, reference in conn.execute(select(s.documents.c.id, s.documents.c.text,
                                                      s.documents.c.reference)).all():
        new, moved = replace_spans(raw, name_spans(raw, table, protect=protect))
        conn.execute(update(s.documents).where(s.documents.c.id == doc_id).values(
            text=new, length=len(new), name=reference or f"D{doc_id}", source=None,
            sha256=hashlib.sha256(new.encode("utf-8")).hexdigest()))
        for row in conn.execute(select(s.turns).where(s.turns.c.document_id == doc_id)
                                ).mappings().all():
            conn.execute(update(s.turns).where(s.turns.c.id == row["id"]).values(
                start=moved(row["start"], end=False), end=moved(row["end"], end=True),
                speaker=label(row["speaker"]), section=text(row["section"])))
        for row in conn.execute(select(s.codings).where(s.codings.c.document_id == doc_id)
                                ).mappings().all():
            start, end = moved(row["start"], end=False), moved(row["end"], end=True)
            conn.execute(update(s.codings).where(s.codings.c.id == row["id"]).values(
                start=start, end=end, quote=new[start:end], memo=text(row["memo"]),
                review_comment=text(row["review_comment"])))
    for table_, columns in ((s.cases, ("name",)), (s.memos, ("text",)),
                            (s.summaries, ("text",)),
                            (s.attributes, ("value",)), (s.document_attributes, ("value",)),
                            (s.document_cases, ("speaker",)), (s.speaker_roles, ("speaker",)),
                            (s.codes, ("name", "description", "inclusion", "exclusion",
                                       "example"))):
        keys = [c for c in table_.primary_key.columns]
        for row in conn.execute(select(table_)).mappings().all():
            changes = {c: (label if c in ("name", "speaker") else text)(row[c])
                       for c in columns}
            changes = {c: v for c, v in changes.items() if v != row[c]}
            if changes:
                conn.execute(update(table_).where(*(k == row[k.name] for k in keys))
                             .values(**changes))
    for version_id, snapshot in conn.execute(select(s.codebook_versions.c.id,
                                                    s.codebook_versions.c.snapshot)).all():
        conn.execute(update(s.codebook_versions).where(s.codebook_versions.c.id == version_id)
                     .values(snapshot=text(snapshot), source=None))
    version = conn.execute(select(func.count()).select_from(s.codebook_versions)).scalar()
    coders = sorted(set(conn.execute(select(s.codings.c.coder).distinct()).scalars()))
    info = SnapshotInfo(name=name, created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                        codebook_version=int(version) or None, coders=coders,
                        documents=conn.execute(select(func.count())
                                               .select_from(s.documents)).scalar_one(),
                        codings=conn.execute(select(func.count())
                                             .select_from(s.codings)).scalar_one())
    # No recording, and no permission to play one (`recordings.APPS_KEY`): the server of
    # a snapshot's apps streams nothing.
    conn.execute(delete(s.meta).where(s.meta.c.key.in_((SNAPSHOT_KEY, APPS_KEY))))
    conn.execute(s.meta.insert().values(key=SNAPSHOT_KEY,
                                        value=info.to_json()))
    return info


def _check(project: ProjectData, target: Store, names_reviewed: bool) -> None:
    """Refuse a snapshot that still holds a real name (or an unreviewed possible name)."""
    shown: list[str] = []
    with target.read() as conn:
        for table in s.metadata.sorted_tables:
            if table.name in ("meta", "schema_migrations", "study_profiles", "coders"):
                continue
            for row in conn.execute(select(table)).all():
                shown += [v for v in row if isinstance(v, str)]
    project.check_names(shown, "L'instantané", names_reviewed=names_reviewed)
