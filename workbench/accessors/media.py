"""``p.media``: the recordings of the interviews, linked to their transcripts.

One recording (sound or video: .wav, .mp3, .m4a, .ogg, .mp4, .webm) per document at most,
referenced where it lies or copied into the project's ``media/`` folder under the
document's reference. The times of the turns come from the transcript, and are estimated
for turns it leaves untimed (``timeline``). Every change is audited; ``p.undo()`` takes
the last one back. A snapshot for the COPIL carries no recording (a voice identifies a
person)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench import recordings as ops

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
        t_end (seconds) and interpolated (True where a time was estimated: a turn the
        transcript leaves untimed gets a time in proportion to the characters between
        its timed neighbours, or over the recording's duration)."""
        return ops.timeline(self._data.store, document)

    def span(self, document: str | int, turn: int | None = None, start: int | None = None,
             end: int | None = None) -> tuple[float, float, bool]:
        """(t_start, t_end, interpolated) in seconds of a turn (`turn`, from 1) or of a
        passage (`start`, `end` in characters, as a coding's; `end` None: to the end of
        its turn). `interpolated`: some of it was estimated."""
        return ops.span_times(self._data.store, document, turn=turn, start=start, end=end)
