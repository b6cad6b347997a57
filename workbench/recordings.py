"""Recordings linked to documents (``p.media``): attaching a sound or video file to a
document, found by name or given, referenced where it lies or copied into the project's
``media/`` folder; listing them with the state of each file; relinking a moved one;
removing a link; the times of a document's turns and of a passage.

Each change is one audited transaction (``p.undo()`` takes it back). The file is read
(format, digest, duration) and copied before the transaction opens, so a large file does
not hold the project's write lock; a copy is written to a temporary file, checked against
the digest of the original and renamed, and removed again if the transaction fails.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from workbench.atomic import atomic_output
from workbench.errors import MediaError, NotFoundError
from workbench.media import grants, stored
from workbench.media.files import MediaFile, digest, probe
from workbench.media.formats import FORMATS
from workbench.media.playback import Playback
from workbench.media.timeline import fill_times, time_at
from workbench.store import Store, row_of
from workbench.store import schema as s
from workbench.store.queries import find_document
from workbench.text import fold

MEDIA_FOLDER = "media"  # copies live in <project folder>/media/, named by reference
PRESENT, MISSING, CHANGED, TO_CHECK = "présent", "introuvable", "modifié", "à vérifier"
LIST_COLUMNS = ["document", "reference", "kind", "format", "file_name", "size", "duration",
                "copied", "status", "path", "added_at", "added_by"]
TIMELINE_COLUMNS = ["turn", "speaker", "start", "end", "t_start", "t_end", "interpolated",
                    "start_interpolated", "end_interpolated"]
_SEPARATORS = "_- .,"  # what may follow a file stem that begins a document's name


@dataclass
class Attached:
    """What ``p.media.add`` or ``relink`` did: the document, the file kept (path as
    stored), whether it is a copy, "new" / "replaced" / "relinked" / "unchanged", the
    duration and French warnings (``print`` it for the French summary)."""

    document: str
    reference: str | None
    file_name: str
    path: str
    copied: bool
    status: str
    duration: float | None
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        verb = {"new": "attaché à", "replaced": "remplace l'enregistrement de",
                "relinked": "retrouvé pour", "unchanged": "déjà attaché à"
                }.get(self.status, self.status)
        where = f"copié dans {self.path}" if self.copied else f"référencé à {self.path}"
        length = "durée inconnue" if self.duration is None else f"{self.duration:.1f} s"
        lines = [f"{self.file_name} {verb} « {self.document} » ({where}, {length})."]
        return "\n".join([*lines, *(f"Attention : {w}" for w in self.warnings)])


# -- where files are --------------------------------------------------------------------
def project_folder(store: Store) -> Path | None:
    """The folder of a SQLite project (copies go to its media/ folder); None for
    PostgreSQL, which has no folder."""
    return Path(store.where).parent if store.is_sqlite else None


def resolve_path(store: Store, row: dict[str, Any]) -> Path:
    """Where a recording's file should be: a copy under the project folder, else the
    absolute path kept."""
    path = Path(row["path"])
    folder = project_folder(store)
    if row["copied"] and not path.is_absolute() and folder is not None:
        return folder / path
    return path


# -- finding the document ---------------------------------------------------------------
def find_target(conn: Connection, document: str | int) -> dict[str, Any]:
    """A document by id, name or reference."""
    try:
        return find_document(conn, document)
    except NotFoundError:
        if isinstance(document, str):
            row = conn.execute(select(s.documents).where(s.documents.c.reference == document)
                               ).mappings().first()
            if row is not None:
                return dict(row)
        raise


def match_document(conn: Connection, path: Path) -> dict[str, Any]:
    """The one document a recording's file name designates: its stem is the document's
    name or reference, or the name begins with the stem (or the stem with the name)
    followed by a separator (_ - space . ,), letter case and accents aside. A French
    MediaError when none or several match, listing the candidates."""
    stem = fold(path.stem)
    rows = [dict(r) for r in conn.execute(select(s.documents.c.id, s.documents.c.name,
                                                 s.documents.c.reference)).mappings()]
    exact = [r for r in rows if fold(r["name"]) == stem or fold(r["reference"] or "") == stem]
    if len(exact) == 1:
        return find_document(conn, int(exact[0]["id"]))

    def begins(longer: str, shorter: str) -> bool:
        return (len(longer) > len(shorter) and longer.startswith(shorter)
                and longer[len(shorter)] in _SEPARATORS)

    found = exact or [r for r in rows if begins(fold(r["name"]), stem)
                      or begins(stem, fold(r["name"]))]
    if len(found) == 1:
        return find_document(conn, int(found[0]["id"]))
    if not found:
        raise MediaError(
            f"{path.name} : aucun document ne correspond à ce nom de fichier (le nom du fichier "
            "sans extension doit être celui du document, sa référence, ou le début de son "
            "nom) ; donnez le document : p.media.add(chemin, \"<document>\").")
    names = ", ".join(f"« {r['name']} »" for r in sorted(found, key=lambda r: r["name"])[:20])
    raise MediaError(f"{path.name} : plusieurs documents correspondent à ce nom de fichier "
                     f"({names}) ; donnez le document : p.media.add(chemin, \"<document>\").")


# -- attaching ----------------------------------------------------------------------------
def add_recording(store: Store, coder: str, path: str | Path, document: str | int | None = None,
                  *, copy: bool = False) -> Attached:
    """Attach the recording at `path` to `document` (by id, name or reference; None: the
    document its file name designates, see `match_document`), replacing any recording it
    had; `copy`: copy the file into the project's media/ folder, named by the document's
    reference (SQLite projects only)."""
    source = Path(path).expanduser()
    folder = project_folder(store)
    if copy and folder is None:
        raise MediaError(
            "copy=True : un projet PostgreSQL n'a pas de dossier où copier l'enregistrement ; "
            "rangez le fichier dans un dossier partagé par l'équipe et attachez-le sans copie "
            "(p.media.add(chemin, copy=False)) ; rien n'a été enregistré.")
    media = probe(source)
    with store.read() as conn:
        doc = match_document(conn, source) if document is None else find_target(conn, document)
    created: Path | None = None
    if copy and folder is not None:
        target, created = copy_into(media, folder / MEDIA_FOLDER, copy_stem(doc))
        kept = target.relative_to(folder).as_posix()
        media = replace(media, mtime=target.stat().st_mtime)  # what `list` compares
    else:
        kept = str(source.resolve())
    try:
        with store.write(coder) as w:
            find_document(w.conn, int(doc["id"]))  # not removed meanwhile
            status = stored.attach(w, int(doc["id"]), media, path=kept, copied=copy,
                                   file_name=source.name)
    except BaseException:
        if created is not None:
            created.unlink(missing_ok=True)
        raise
    return Attached(document=doc["name"], reference=doc["reference"], file_name=source.name,
                    path=kept, copied=copy, status=status, duration=media.duration,
                    warnings=list(media.warnings))


def copy_stem(doc: dict[str, Any]) -> str:
    """A copy's name without extension: the document's reference (letters, digits, . _ -,
    see `importer.set_reference`), never its name nor the file's (they may name a
    person)."""
    reference = doc.get("reference") or f"D{doc['id']}"
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in reference)


def copy_into(media: MediaFile, folder: Path, stem: str) -> tuple[Path, Path | None]:
    """Copy `media` into `folder` as `<stem>.<ext>` (then `<stem>_2.<ext>`… when that
    name holds another file: a copy is never overwritten, an undo may need it again).

    Returns (the copy, the path created or None when an identical copy was there). The
    bytes go to a temporary file, hashed on the way and compared with the original's
    digest, then renamed: a failure leaves nothing behind.
    """
    extension = media.format.extension
    n = 1
    while True:
        target = folder / (f"{stem}.{extension}" if n == 1 else f"{stem}_{n}.{extension}")
        if not target.exists():
            break
        if target.is_file() and target.stat().st_size == media.size \
                and digest(target)[1] == media.sha256:
            return target, None
        n += 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_output(target) as tmp:
            with tmp.open("wb") as out:
                size, sha = digest(media.path, out=out)
                out.flush()
                os.fsync(out.fileno())
            if (size, sha) != (media.size, media.sha256):
                raise MediaError(f"{media.path.name} : le fichier a changé pendant la copie ; "
                                 "attendez la fin de son enregistrement ou de son transfert "
                                 "et recommencez. Rien n'a été enregistré.")
    except OSError as exc:
        raise MediaError(f"{media.path.name} : copie impossible dans {folder} "
                         f"({exc.strerror or exc}) ; rien n'a été enregistré. Vérifiez la "
                         "place libre sur le disque et les droits du dossier.") from exc
    return target, target


# -- listing, relinking, removing --------------------------------------------------------
def file_status(path: Path, row: dict[str, Any], *, check: bool) -> str:
    """« présent », « introuvable », « modifié » or « à vérifier » (same size, another
    modification time: only a digest tells, ``check=True``)."""
    try:
        stat = path.stat()
    except OSError:
        return MISSING
    if not path.is_file():
        return MISSING
    if stat.st_size != row["size"]:
        return CHANGED
    if check:
        try:
            return PRESENT if digest(path)[1] == row["sha256"] else CHANGED
        except OSError:
            return MISSING
    if row["mtime"] is not None and abs(stat.st_mtime - float(row["mtime"])) > 1e-3:
        return TO_CHECK
    return PRESENT


def list_recordings(store: Store, *, check: bool = False) -> pd.DataFrame:
    """One row per recording: document, reference, kind, format, file_name (as attached),
    size (bytes), duration (s), copied, status (« présent », « introuvable », « modifié »,
    « à vérifier »), path (where the file should be), added_at, added_by.

    The files are looked at, never opened, unless `check`: then each present one is read
    whole for its digest (slow for hours of sound)."""
    with store.read() as conn:
        frame = stored.recordings_frame(conn)
    if frame.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    paths, statuses = [], []
    for record in frame.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        path = resolve_path(store, row)
        paths.append(str(path))
        statuses.append(file_status(path, row, check=check))
    frame["path"], frame["status"] = paths, statuses
    frame["copied"] = frame["copied"].astype(bool)
    return frame[LIST_COLUMNS].reset_index(drop=True)


def _recording_of(conn: Connection, document: str | int) -> tuple[dict[str, Any],
                                                                  dict[str, Any]]:
    doc = find_target(conn, document)
    row = stored.find_recording(conn, int(doc["id"]))
    if row is None:
        raise NotFoundError(f"« {doc['name']} » n'a pas d'enregistrement ; attachez-en un avec "
                            "p.media.add(chemin, \"<document>\").")
    return doc, row


def relink_recording(store: Store, coder: str, document: str | int, new_path: str | Path, *,
                     force: bool = False) -> Attached:
    """Point a document's recording at the file's new place. The file must be the same
    (same SHA-256) unless `force`, which attaches the other file in its place."""
    source = Path(new_path).expanduser()
    media = probe(source)
    with store.read() as conn:
        doc, row = _recording_of(conn, document)
    same = media.sha256 == row["sha256"]
    if not same and not force:
        raise MediaError(
            f"{source.name} n'est pas l'enregistrement attaché à « {doc['name']} » (son contenu "
            f"diffère de celui de {row['file_name']} : empreinte SHA-256 différente) ; rien "
            "n'a été changé. Si c'est bien le bon fichier (réencodé, coupé…), relancez avec "
            "force=True.")
    kept = str(source.resolve())
    with store.write(coder) as w:
        current = stored.find_recording(w.conn, int(doc["id"]))
        if current is None:
            raise NotFoundError(f"« {doc['name']} » n'a plus d'enregistrement ; rien n'a été "
                                "changé.")
        stored.relink(w, current, media, path=kept, same=same)
    warnings = list(media.warnings) if not same else []
    return Attached(document=doc["name"], reference=doc["reference"],
                    file_name=row["file_name"] if same else source.name, path=kept,
                    copied=False, status="relinked" if same else "replaced",
                    duration=row["duration"] if same else media.duration, warnings=warnings)


def remove_recording(store: Store, coder: str, document: str | int) -> None:
    """Remove a document's recording link (the file stays on disk, a copy included)."""
    with store.write(coder) as w:
        doc, _row = _recording_of(w.conn, document)
        stored.detach(w, int(doc["id"]))


# -- times ----------------------------------------------------------------------------------
def timeline(store: Store, document: str | int) -> pd.DataFrame:
    """One row per turn of a document, in order: turn (from 1), speaker, start, end
    (character offsets), t_start, t_end (seconds, estimated where the transcript gives
    none, see `media.timeline`), interpolated (either time estimated),
    start_interpolated, end_interpolated."""
    with store.read() as conn:
        doc = find_target(conn, document)
        rows = conn.execute(select(s.turns.c.idx, s.turns.c.speaker, s.turns.c.start,
                                   s.turns.c.end, s.turns.c.t_start, s.turns.c.t_end)
                            .where(s.turns.c.document_id == doc["id"])
                            .order_by(s.turns.c.idx)).mappings().all()
        recording = stored.find_recording(conn, int(doc["id"]))
    turns = pd.DataFrame([dict(r) for r in rows],
                         columns=["idx", "speaker", "start", "end", "t_start", "t_end"])
    duration = recording["duration"] if recording is not None else None
    filled = fill_times(turns, duration=duration)
    filled.insert(0, "turn", range(1, len(filled) + 1))
    return filled[TIMELINE_COLUMNS].reset_index(drop=True)


def span_times(store: Store, document: str | int, turn: int | None = None,
               start: int | None = None, end: int | None = None) -> tuple[float, float, bool]:
    """(t_start, t_end, interpolated) of a turn (its number, from 1) or of a passage
    [start, end) in characters (`end` None: to the end of the turn holding `start`).
    `interpolated`: some of it was estimated (see `timeline`)."""
    frame = timeline(store, document)
    name = document if isinstance(document, str) else f"#{document}"
    if frame.empty:
        raise MediaError(f"« {name} » n'a aucun tour de parole : pas de temps à donner.")
    if frame["t_start"].isna().all():
        raise MediaError(f"« {name} » : ni la transcription ni un enregistrement ne donnent de "
                         "temps (aucun tour minuté, durée inconnue) ; attachez l'enregistrement "
                         "(p.media.add) ou importez une transcription minutée.")
    if turn is not None:
        if start is not None or end is not None:
            raise MediaError("donnez soit un tour (turn=…), soit un passage (start=…, end=…), "
                             "pas les deux.")
        if not 1 <= turn <= len(frame):
            raise MediaError(f"« {name} » : pas de tour {turn} (tours 1 à {len(frame)}).")
        row = frame.iloc[turn - 1]
        return float(row["t_start"]), float(row["t_end"]), bool(row["interpolated"])
    if start is None:
        raise MediaError("donnez un tour (turn=…) ou le début d'un passage (start=…).")
    if end is None:
        holding = frame[(frame["start"] <= start) & (start <= frame["end"])]
        end = int(holding["end"].iloc[-1]) if not holding.empty else start
    if end < start:
        raise MediaError(f"passage [{start}, {end}) : la fin précède le début.")
    return passage_times(frame, start, end)


def passage_times(frame: pd.DataFrame, start: int, end: int) -> tuple[float, float, bool]:
    """(t_start, t_end, interpolated) of the passage [start, end) on a document's
    `timeline` (one read of the timeline for many passages)."""
    t0, rough0 = time_at(frame, start, side="start")
    t1, rough1 = time_at(frame, end, side="end")
    return t0, max(t0, t1), rough0 or rough1


# -- playing ------------------------------------------------------------------------------
APPS_KEY = "media_in_apps"  # meta: "oui" when the COPIL apps may play voices


@dataclass(frozen=True)
class MediaLink:
    """A document's recording as the browser reaches it: the route's address (a grant,
    see `media.grants`), audio or video, its MIME type and duration, and whether this
    process runs under a server that streams recordings."""

    document: str
    reference: str | None
    kind: str
    mime: str
    url: str
    duration: float | None
    served: bool


def project_key(target: Store | str | Path) -> str:
    """A project's identity in a grant and on the server, from its store or from where
    it is (a folder, a .sqlite file, a URL): its SQLite file (absolute) or its database
    URL without password."""
    from workbench.store.engine import is_url, sqlite_path
    from workbench.store.store import safe_url

    where = target.where if isinstance(target, Store) else str(target)
    return safe_url(where) if is_url(where) else str(sqlite_path(where).resolve())


def _apps_setting(conn: Connection) -> str | None:
    return conn.execute(select(s.meta.c.value).where(s.meta.c.key == APPS_KEY)).scalar()


def media_link(store: Store, document: str | int) -> MediaLink:
    """A link the browser can play a document's recording through. A French MediaError
    when it has none, or when the file is missing or changed (``p.media.relink``)."""
    with store.read() as conn:
        doc, row = _recording_of(conn, document)
    path = resolve_path(store, row)
    status = file_status(path, row, check=False)
    if status == MISSING:
        raise MediaError(f"L'enregistrement de « {doc['name']} » est introuvable ({path}) : "
                         "s'il a été déplacé, donnez sa nouvelle place avec "
                         f"p.media.relink(\"{doc['name']}\", chemin).")
    if status == CHANGED:
        raise MediaError(f"L'enregistrement de « {doc['name']} » a changé depuis qu'il a été "
                         f"attaché ({path}) : ses temps ne correspondraient plus ; attachez "
                         "de nouveau le bon fichier (p.media.relink, force=True si c'est "
                         "bien lui).")
    fmt = FORMATS[row["format"]]
    grant = grants.issue(path, size=int(row["size"]), mime=fmt.mime, project=project_key(store))
    return MediaLink(document=doc["name"], reference=doc["reference"], kind=fmt.kind,
                     mime=fmt.mime, url=grant.url, duration=row["duration"],
                     served=grants.served())


def playback(store: Store, document: str | int, *, turn: int | None = None,
             start: int | None = None, end: int | None = None) -> Playback:
    """A turn (from 1) or a passage (offsets in characters; none: the whole recording) of
    a document's recording, to be shown in a notebook (see `media.playback`)."""
    link = media_link(store, document)
    name = link.reference or link.document
    if turn is None and start is None and end is None:
        length = link.duration if link.duration is not None else math.inf
        return Playback(document=link.document, label=name, url=link.url, kind=link.kind,
                        mime=link.mime, start=0.0, end=length, interpolated=False,
                        served=link.served)
    t0, t1, rough = span_times(store, document, turn=turn, start=start, end=end)
    label = f"{name}, tour {turn}" if turn is not None else f"{name}, caractères {start}–{end}"
    return Playback(document=link.document, label=label, url=link.url, kind=link.kind,
                    mime=link.mime, start=t0, end=t1, interpolated=rough, served=link.served)


def apps_may_play(store: Store) -> bool:
    """Whether the project lets its COPIL apps play the recordings (off unless the lead
    turned it on: a voice identifies a person)."""
    with store.read() as conn:
        return _apps_setting(conn) == "oui"


def set_apps_may_play(store: Store, coder: str, allowed: bool) -> bool:
    """Let the COPIL apps play the recordings, or stop them; audited ("media-apps").
    Returns the former setting."""
    with store.write(coder) as w:
        before = _apps_setting(w.conn)
        w.conn.execute(s.meta.delete().where(s.meta.c.key == APPS_KEY))
        if allowed:
            w.conn.execute(s.meta.insert().values(key=APPS_KEY, value="oui"))
        if (before == "oui") != allowed:
            w.log("media-apps", "meta", None, before={"key": APPS_KEY, "value": before},
                  after={"key": APPS_KEY, "value": "oui" if allowed else None})
    return before == "oui"


def coding_span(store: Store, coding_id: int) -> tuple[int, int, int]:
    """(document id, start, end) of a coding, to hear an extract; NotFoundError else."""
    with store.read() as conn:
        row = row_of(conn, s.codings, int(coding_id))
    if row is None:
        raise NotFoundError(f"aucun codage n'a l'identifiant {coding_id}.")
    return int(row["document_id"]), int(row["start"]), int(row["end"])


def served_project(target: str | Path) -> tuple[str, bool]:
    """(identity, whether its apps may play recordings) of the project a server shows,
    read without migrating nor writing anything: for the server's media route, which
    streams only that project's recordings, and only when the project allows it."""
    from workbench.store.engine import is_url, make_engine

    key = project_key(target)
    if not is_url(str(target)) and not Path(key).is_file():
        return key, False
    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            value = _apps_setting(conn)
    except Exception:  # an unreadable project allows nothing
        return key, False
    finally:
        engine.dispose()
    return key, value == "oui"
