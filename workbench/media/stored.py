"""The `recordings` table (schema v8): attaching, replacing, relinking and removing a
document's recording, each audited in the writer's transaction (``p.undo()`` takes a
change back), and reading the table.

Actions in the audit log: "media-add", "media-replace", "media-relink", "media-remove"
(the researcher's, undone by ``p.undo``), "media-import" (a recording attached by an
import: undone with the import, by ``p.history.revert(txn)``) and "remove" (the link
removed with its document, like the document's own event).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from workbench.media.files import MediaFile
from workbench.store import Writer, row_of
from workbench.store import schema as s

ACTIONS = ("media-add", "media-replace", "media-relink", "media-remove")
IMPORT_ACTION = "media-import"
# What identifies the recording itself: the same values again change nothing.
_SAME = ("format", "file_name", "path", "copied", "size", "sha256", "duration", "mtime")


def find_recording(conn: Connection, document_id: int) -> dict[str, Any] | None:
    """The recording row of a document, or None."""
    row = conn.execute(select(s.recordings).where(s.recordings.c.document_id == document_id)
                       ).mappings().first()
    return dict(row) if row is not None else None


def attach(w: Writer, document_id: int, media: MediaFile, *, path: str, copied: bool,
           file_name: str, action: str = "media-add") -> str:
    """Link `media` to a document (one recording per document: an existing link is
    replaced, audited). `path`: what the row keeps (absolute, or relative to the project
    folder when `copied`). Returns "new", "replaced" or "unchanged"."""
    values: dict[str, Any] = {
        "kind": media.kind, "format": media.format.extension, "file_name": file_name,
        "path": path, "copied": copied, "size": media.size, "sha256": media.sha256,
        "duration": media.duration, "mtime": media.mtime}
    t = s.recordings
    current = find_recording(w.conn, document_id)
    if current is None:
        values.update(document_id=document_id, added_at=w.at, added_by=w.actor)
        row_id = int(w.conn.execute(t.insert().values(**values).returning(t.c.id)).scalar_one())
        w.log(action, "recordings", row_id, after=row_of(w.conn, t, row_id))
        return "new"
    if all(current[k] == values[k] for k in _SAME):
        return "unchanged"
    values.update(added_at=w.at, added_by=w.actor)
    w.conn.execute(t.update().where(t.c.id == current["id"]).values(**values))
    w.log("media-replace" if action == "media-add" else action, "recordings",
          int(current["id"]), before=current, after=row_of(w.conn, t, int(current["id"])))
    return "replaced"


def attach_imported(w: Writer, document_id: int, media: MediaFile) -> str:
    """Link the recording found beside a transcript at import (referenced where it lies).
    A document whose recording is already this very file (same digest) copied into the
    project keeps its copy; the same file moved is relinked; another file replaces it."""
    current = find_recording(w.conn, document_id)
    if current is not None and current["sha256"] == media.sha256 and current["copied"]:
        return "unchanged"
    return attach(w, document_id, media, path=str(media.path.resolve()), copied=False,
                  file_name=media.path.name, action=IMPORT_ACTION)


def relink(w: Writer, recording: dict[str, Any], media: MediaFile, *, path: str,
           same: bool) -> None:
    """Point a recording at `path` (absolute, not a copy). `same`: the file is the one
    attached (same digest): only where it lies changes; else it replaces it whole."""
    t = s.recordings
    values: dict[str, Any] = {"path": path, "copied": False, "mtime": media.mtime}
    if not same:
        values.update(kind=media.kind, format=media.format.extension,
                      file_name=media.path.name, size=media.size, sha256=media.sha256,
                      duration=media.duration, added_at=w.at, added_by=w.actor)
    w.conn.execute(t.update().where(t.c.id == recording["id"]).values(**values))
    w.log("media-relink", "recordings", int(recording["id"]), before=recording,
          after=row_of(w.conn, t, int(recording["id"])))


def detach(w: Writer, document_id: int, *, action: str = "media-remove"
           ) -> dict[str, Any] | None:
    """Remove a document's recording link (audited under `action`; the file itself is
    left where it is). Returns the row removed, or None when there was none."""
    current = find_recording(w.conn, document_id)
    if current is None:
        return None
    w.conn.execute(s.recordings.delete().where(s.recordings.c.id == current["id"]))
    w.log(action, "recordings", int(current["id"]), before=current)
    return current


def recordings_frame(conn: Connection) -> pd.DataFrame:
    """Every recording with its document's name and reference, by document name."""
    r, d = s.recordings, s.documents
    query = (select(d.c.name.label("document"), d.c.reference, r)
             .select_from(r.join(d, d.c.id == r.c.document_id)).order_by(d.c.name))
    return pd.DataFrame([dict(row) for row in conn.execute(query).mappings()],
                        columns=["document", "reference", *r.columns.keys()])


def count_recordings(conn: Connection) -> int:
    """How many documents have a recording."""
    return int(conn.execute(select(func.count()).select_from(s.recordings)).scalar_one())
