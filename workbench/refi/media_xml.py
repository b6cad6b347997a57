"""Recordings in a `.qdpx`: AudioSource / VideoSource with a Transcript and SyncPoints.

Representation chosen (REFI-QDA 1.5, §8.3, §10.4 and its example project): each
document stays a TextSource whose plain text is `sources/<guid>.txt` and whose codings
stay PlainTextSelections on that text, exactly as without a recording; a document with
a recording gets in addition an AudioSource (VideoSource for a video) whose
`Transcript` points at the very same internal text (`plainTextPath`), as the
standard's own example does, with one `SyncPoint` per turn whose start time was
measured (from the transcript file: .vtt, .TextGrid, .trs, [hh:mm:ss] marks):
`position` = the turn's first character in that text (after the speaker's label),
`timeStamp` = its time in milliseconds; a turn whose end time was measured too gets a
second SyncPoint at its end (the position after its last character). Times the
workbench only estimates (interpolated, `p.media.timeline`) are not written: another
tool would take them for measured ones.

Codings are not moved into TranscriptSelections: a TranscriptSelection is bounded by
two sync points (`fromSyncPoint`, `toSyncPoint`), not by characters, so a passage
inside a turn cannot be expressed there; tools that do not read transcripts (or read
them differently) still find every coding on the TextSource.

The media file goes into the archive as `sources/<guid>.<ext>` (`path="internal://…"`,
never the original file name, which may name a person). A file larger than the
standard's limit for an internal file (2^31−1 bytes, §8.5) is referenced by its
absolute path (`absolute:///…`) instead; a missing file is left out and reported.
A pseudonymised export carries no recording at all: a voice identifies a person.

At import, an AudioSource/VideoSource whose Transcript is the text of a TextSource is
attached to that document; one whose Transcript is no TextSource's becomes a document
of its own (its text; codings on TranscriptSelections are not imported). Sync points
give the turns their times (`sync_times`). An internal media file is streamed to disk under
`MAX_MEDIA_BYTES`; an external one (relative://, absolute://) is not read.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from sqlalchemy import Connection, select

from workbench.errors import ExchangeError
from workbench.media import stored
from workbench.recordings import resolve_path
from workbench.refi.archive import MAX_MEMBER_BYTES, SafeArchive, member_problem
from workbench.refi.guids import normalise_guid
from workbench.refi.xml import child, children, sub
from workbench.store import schema as s

if TYPE_CHECKING:
    from workbench.refi.export_data import Snapshot
    from workbench.refi.report import ExchangeReport
    from workbench.store import Store

MAX_MEDIA_BYTES = 4 * 1024**3  # what all the media files of one import may inflate to
CHUNK = 1024 * 1024
TAGS = {"audio": "AudioSource", "video": "VideoSource"}


# -- export ---------------------------------------------------------------------------------
@dataclass
class MediaExport:
    """What `add_recordings` leaves to the archive writer: the members (name in the
    archive, file on disk) to stream into it."""

    members: list[tuple[str, Path]] = field(default_factory=list)


def add_recordings(conn: Connection, store: Store, snap: Snapshot, root: Element,
                   report: ExchangeReport, *, pseudonymise: bool) -> MediaExport:
    """Add an AudioSource / VideoSource per document with a recording to `root`'s
    Sources (see the module); returns the media files to put in the archive."""
    out = MediaExport()
    rows = {int(r["document_id"]): r for r in stored.recordings_frame(conn).to_dict("records")}
    if not rows:
        return out
    if pseudonymise:
        report.recordings_skipped += len(rows)
        report.warn(f"export pseudonymisé : {len(rows)} enregistrement(s) (p.media) ne sont pas "
                    "exportés, une voix identifie une personne ; exportez sans pseudonymiser "
                    "pour les transmettre.")
        return out
    sources = child(root, "Sources")
    if sources is None:
        return out
    missing: list[str] = []
    external: list[str] = []
    for doc in snap.documents:
        row = rows.get(doc.id)
        if row is None:
            continue
        row = {str(k): v for k, v in row.items()}
        path = resolve_path(store, row)
        if not path.is_file():
            missing.append(doc.name)
            continue
        guid = snap.guids("document", doc.id)
        media_guid = snap.guids("recording", doc.id)
        tag = TAGS.get(str(row["kind"]), "AudioSource")
        size = path.stat().st_size
        if size > MAX_MEMBER_BYTES:
            where = f"absolute://{path.resolve().as_posix()}"
            if not where.startswith("absolute:///"):
                where = "absolute:///" + where[len("absolute://"):]
            external.append(doc.name)
        else:
            member = f"{media_guid}.{row['format']}"
            where = f"internal://{member}"
            out.members.append((f"sources/{member}", path))
        source = sub(sources, tag, {"guid": media_guid, "name": doc.name, "path": where})
        transcript = sub(source, "Transcript", {"guid": snap.guids("transcript", doc.id),
                                                "name": doc.name,
                                                "plainTextPath": f"internal://{guid}.txt"})
        turns = conn.execute(select(s.turns.c.idx, s.turns.c.start, s.turns.c.end,
                                    s.turns.c.t_start, s.turns.c.t_end)
                             .where(s.turns.c.document_id == doc.id,
                                    s.turns.c.t_start.is_not(None))
                             .order_by(s.turns.c.idx)).all()
        for idx, start, end, t_start, t_end in turns:
            sub(transcript, "SyncPoint", {"guid": snap.guids("syncpoint", (doc.id, idx)),
                                          "position": str(int(start)),
                                          "timeStamp": str(round(float(t_start) * 1000))})
            if t_end is not None and int(end) > int(start):
                sub(transcript, "SyncPoint", {"guid": snap.guids("syncpoint-end", (doc.id, idx)),
                                              "position": str(int(end)),
                                              "timeStamp": str(round(float(t_end) * 1000))})
        report.recordings += 1
    if missing:
        report.recordings_skipped += len(missing)
        report.warn(f"{len(missing)} enregistrement(s) introuvable(s) sur le disque ne sont pas "
                    f"exportés ({', '.join(missing[:10])}) : retrouvez-les (p.media.list(), "
                    "p.media.relink) et exportez à nouveau.")
    if external:
        report.warn(f"{len(external)} enregistrement(s) de plus de {MAX_MEMBER_BYTES} octets "
                    f"({', '.join(external[:10])}) sont référencés par leur chemin absolu "
                    "(absolute://) et non inclus dans l'archive (limite de la norme pour un "
                    "fichier interne).")
    return out


# -- import ----------------------------------------------------------------------------------
@dataclass
class MediaPlan:
    """A recording to attach at import: the document (source GUID), the file extracted
    to a temporary folder (None when it could not be), its kind and the sync points
    (character position, seconds)."""

    document: str
    name: str
    kind: str
    file: Path | None
    sync: list[tuple[int, float]]


@dataclass
class TranscriptPlan:
    """A media source's transcript: its text path as written and its sync points."""

    media_guid: str
    name: str
    kind: str
    path: str
    text_path: str | None
    transcript_guid: str | None
    transcript: Element | None
    sync: list[tuple[int, float]]


def read_media_sources(sources: Element | None) -> list[TranscriptPlan]:
    """Every AudioSource / VideoSource with its first transcript."""
    out: list[TranscriptPlan] = []
    for element in sources if sources is not None else []:
        if element.tag not in ("AudioSource", "VideoSource"):
            continue
        kind = "video" if element.tag == "VideoSource" else "audio"
        guid = normalise_guid(element.get("guid")) or ""
        transcript = child(element, "Transcript")
        sync: list[tuple[int, float]] = []
        if transcript is not None:
            for point in children(transcript, "SyncPoint"):
                try:
                    position = int(point.get("position") or "")
                    stamp = int(point.get("timeStamp") or "")
                except ValueError:
                    continue
                if position >= 0 and stamp >= 0:
                    sync.append((position, stamp / 1000))
        out.append(TranscriptPlan(
            guid, element.get("name") or guid, kind, element.get("path") or "",
            _folded(transcript.get("plainTextPath")) if transcript is not None else None,
            normalise_guid(transcript.get("guid")) if transcript is not None else None,
            transcript, sorted(sync)))
    return out


def _folded(path: str | None) -> str | None:
    if not path:
        return None
    scheme, _, rest = path.partition("://") if "://" in path else ("internal", "", path)
    return f"{scheme.lower()}://{rest.lstrip('/').casefold()}"


def text_key(element: Element) -> str | None:
    """What matches a TextSource with a Transcript: its plainTextPath, folded."""
    return _folded(element.get("plainTextPath"))


def extract_media(archive: SafeArchive, qde_folder: str, plan: TranscriptPlan,
                  folder: Path, report: ExchangeReport, *,
                  limit: int | None = None, used: list[int]) -> Path | None:
    """Stream an internal media file into `folder`; None (with a warning) when the file is
    external. Refuses (ExchangeError) a member that inflates beyond what is left of
    `limit` (default `MAX_MEDIA_BYTES`) for the import (`used[0]`: bytes already
    extracted)."""
    limit = MAX_MEDIA_BYTES if limit is None else limit
    scheme, _, rest = plan.path.partition("://") if "://" in plan.path else ("", "", plan.path)
    if scheme.lower() not in ("", "internal"):
        report.warn(f"source « {plan.name} » : fichier média hors de l'archive ({plan.path}) "
                    "non lu ; le document est importé sans son enregistrement (attachez-le avec "
                    "p.media.add).")
        return None
    if not rest or member_problem(rest):
        raise ExchangeError(f"source « {plan.name} » : chemin de média « {plan.path} » refusé.")
    member = None
    for name in (str(PurePosixPath(qde_folder, "sources", rest)),
                 str(PurePosixPath(qde_folder, rest))):
        if (member := archive.find(name)) is not None:
            break
    if member is None:
        raise ExchangeError(f"source « {plan.name} » : média « {plan.path} » introuvable dans "
                            "l'archive. L'archive est incomplète ; rien n'a été importé.")
    announced = archive.members[member].file_size
    if used[0] + announced > limit:
        raise ExchangeError(f"{archive.path.name} : archive refusée, « {member} » annonce "
                            f"{announced} octets de média, au-delà de la limite de {limit} "
                            "octets pour les enregistrements d'un import ; rien n'a été "
                            "importé.")
    suffix = PurePosixPath(rest).suffix.lower()[:10]
    target = folder / f"{len(list(folder.iterdir()))}{suffix}"
    written = 0
    with archive.open(member) as stream, target.open("wb") as out:
        while chunk := stream.read(CHUNK):
            written += len(chunk)
            archive.media_inflated += len(chunk)
            if used[0] + written > limit:
                raise ExchangeError(
                    f"{archive.path.name} : archive refusée, « {member} » se décompresse "
                    f"au-delà de la limite de {limit} octets pour les enregistrements d'un "
                    "import (bombe zip ?) ; rien n'a été importé.")
            out.write(chunk)
    used[0] += written
    return target


def media_folder() -> Path:
    """A temporary folder for the media files of one import."""
    return Path(tempfile.mkdtemp(prefix="workbench-qdpx-media-"))


def remove_folder(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def sync_times(turns: list[dict[str, Any]], sync: list[tuple[int, float]]
               ) -> dict[int, dict[str, float]]:
    """turn id → {"t_start": …, "t_end": …} from the sync points: a point at a turn's
    last position (its `end`) gives that turn's end time; any other point gives its
    time to the turn holding its position, or to the next turn when it falls between
    two (on a speaker's label, which the turn's text follows); the first point wins."""
    out: dict[int, dict[str, float]] = {}
    ordered = sorted(turns, key=lambda t: t["start"])
    ends = {int(t["end"]): int(t["id"]) for t in ordered if t["end"] > t["start"]}
    for position, seconds in sync:
        if position in ends:
            times = out.setdefault(ends[position], {})
            if "t_start" not in times or times["t_start"] <= seconds:
                times.setdefault("t_end", seconds)
            continue
        turn = next((t for t in ordered if position < t["end"]), None)
        if turn is not None:
            out.setdefault(int(turn["id"]), {}).setdefault("t_start", seconds)
    return out
