"""``p.media``: the recordings of the interviews, linked to their transcripts.

One recording (sound or video: .wav, .mp3, .m4a, .ogg, .mp4, .webm) per document at most,
referenced where it lies or copied into the project's ``media/`` folder under the
document's reference. The times of the turns come from the transcript, and are estimated
for turns it leaves untimed (``timeline``). Every change is audited; ``p.undo()`` takes
the last one back. A snapshot for the COPIL carries no recording (a voice identifies a
person)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench import recordings as ops
from workbench.errors import MediaError
from workbench.media.playback import Playback

if TYPE_CHECKING:
    from workbench.project_data import ProjectData


class Media:
    """The recordings of a project (``p.media``)."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def add(self, path: str | Path, document: str | int | None = None, *,
            copy: bool = False) -> ops.Attached:
        """Attach the recording at `path` to a document, replacing the one it had.

        `document`: its name, reference or id; None: the document the file's name
        designates (its stem is the document's name or reference, or the beginning of
        its name: ``E03.wav`` for ``E03_karim``; a French error lists the candidates when
        several fit). `copy`: copy the file into ``<project>/media/``, named by the
        document's reference (``E03.wav``, never the original name, which may name a
        person); else the file is referenced where it lies. Copies need a SQLite
        project (a PostgreSQL project has no folder: reference a shared folder instead).
        Returns what was done (``print`` it); a file whose duration cannot be read is
        attached with a warning.
        """
        data = self._data
        return ops.add_recording(data.store, data.coder, path, document, copy=copy)

    def list(self, *, check: bool = False) -> pd.DataFrame:
        """One row per recording: document, reference, kind (audio, video), format,
        file_name (as attached), size (bytes), duration (s), copied, status, path,
        added_at, added_by.

        status: « présent », « introuvable » (moved or deleted: ``relink``), « modifié »
        (another size, or another content with `check`), « à vérifier » (same size but
        touched since: ``check=True`` reads it). Without `check` the files are only
        looked at; with it each one is read whole for its SHA-256 (slow for hours of
        sound)."""
        return ops.list_recordings(self._data.store, check=check)

    def relink(self, document: str | int, new_path: str | Path, *,
               force: bool = False) -> ops.Attached:
        """Give a document's recording its new place (a moved or renamed file). The file
        must be the same (same SHA-256), else a French error, unless `force` (it is then
        attached in place of the former one)."""
        data = self._data
        return ops.relink_recording(data.store, data.coder, document, new_path, force=force)

    def remove(self, document: str | int) -> None:
        """Unlink a document's recording (the file stays on disk, a copy included)."""
        ops.remove_recording(self._data.store, self._data.coder, document)

    def timeline(self, document: str | int) -> pd.DataFrame:
        """One row per turn: turn (from 1), speaker, start, end (characters), t_start,
        t_end (seconds), interpolated (True where a time was estimated: a turn the
        transcript leaves untimed gets a time in proportion to the characters between
        its timed neighbours, or over the recording's duration), and start_interpolated,
        end_interpolated for each time (a ``[hh:mm:ss]`` mark gives a start, not an
        end)."""
        return ops.timeline(self._data.store, document)

    def span(self, document: str | int, turn: int | None = None, start: int | None = None,
             end: int | None = None) -> tuple[float, float, bool]:
        """(t_start, t_end, interpolated) in seconds of a turn (`turn`, from 1) or of a
        passage (`start`, `end` in characters, as a coding's; `end` None: to the end of
        its turn). `interpolated`: some of it was estimated."""
        return ops.span_times(self._data.store, document, turn=turn, start=start, end=end)

    def play(self, document: str | int | Mapping[str, Any] | None = None,
             turn: int | None = None, *, start: int | None = None, end: int | None = None,
             coding: int | None = None) -> Playback:
        """A turn, a passage or an extract of a document's recording, to hear in the
        notebook (shown as a player that starts at the passage and stops at its end).

        `document`: its name, reference or id, or a row of ``p.extracts()`` (its document,
        start and end); `turn`: a turn number (from 1, as in ``timeline``); `start`, `end`:
        a passage in characters (`end` None: to the end of its turn); `coding`: a coding's
        id (its extract). Nothing but the document: the whole recording. Times the
        transcript does not give are estimated, and the player says so. A French error
        when the document has no recording or its file is missing or changed."""
        store = self._data.store
        if coding is not None:
            if document is not None or turn is not None or start is not None:
                raise MediaError("donnez soit un codage (coding=…), soit un document, pas "
                                 "les deux.")
            document, start, end = ops.coding_span(store, coding)
        elif isinstance(document, Mapping | pd.Series):
            row = document
            missing = [k for k in ("document", "start", "end") if k not in row]
            if missing:
                raise MediaError("cette ligne n'est pas un extrait : il lui manque "
                                 f"{', '.join(missing)} (prenez une ligne de p.extracts()).")
            document, start, end = str(row["document"]), int(row["start"]), int(row["end"])
        if document is None:
            raise MediaError("donnez le document à écouter, par exemple "
                             "p.play(\"E03\", turn=12).")
        return ops.playback(store, document, turn=turn, start=start, end=end)

    def link(self, document: str | int) -> ops.MediaLink:
        """The address through which the browser plays a document's recording (the
        server streams it; the file's path never appears), with its kind and MIME type."""
        return ops.media_link(self._data.store, document)

    def allow_in_apps(self, allowed: bool = True) -> str:
        """Let the COPIL apps play the recordings (`allowed`), or stop them. Off unless
        turned on: a voice identifies a person, even in a pseudonymised view. Audited.
        Returns a French sentence saying what changed."""
        before = ops.set_apps_may_play(self._data.store, self._data.coder, bool(allowed))
        if allowed:
            return ("Les applications du COPIL peuvent désormais faire écouter les "
                    "enregistrements (les voix identifient les personnes, même sous "
                    "pseudonyme)." if not before else
                    "Les applications du COPIL pouvaient déjà faire écouter les enregistrements.")
        return ("Les applications du COPIL ne font plus écouter les enregistrements." if before
                else "Les applications du COPIL ne faisaient pas écouter les enregistrements.")

    def in_apps(self) -> bool:
        """Whether the COPIL apps may play the recordings (see `allow_in_apps`)."""
        return ops.apps_may_play(self._data.store)
