"""Safe reading and atomic writing of `.qdpx` archives (zip files).

Reading goes through the one bounded reader of every archive the workbench opens
(`workbench.corpus.archives`, shared with the .docx and .odt readers): member
paths, links, encryption and duplicates are checked when the archive is opened,
every member's announced size too (a .qdpx is read whole), and the bytes
actually inflated are counted while reading, because headers can lie. Nothing is
ever extracted to disk.

Writing goes to a temporary file beside the target, renamed into place only
once complete, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from workbench.atomic import atomic_output
from workbench.corpus import archives
from workbench.corpus.archives import MAX_MEMBERS, MAX_RATIO, Limits, member_problem
from workbench.errors import ExchangeError

__all__ = ["MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "SafeArchive", "member_problem",
           "write_archive"]

MAX_MEMBER_BYTES = 2**31 - 1  # the standard's limit for one internal file (§8.5)
MAX_TOTAL_BYTES = 1 * 1024**3  # what one import may inflate, all members together


class SafeArchive(archives.SafeArchive):
    """A `.qdpx` opened for reading: every member's announced size checked at once."""

    def __init__(self, path: str | Path, *, max_members: int = MAX_MEMBERS,
                 max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO) -> None:
        limits = Limits(member=MAX_MEMBER_BYTES, total=max_total, ratio=max_ratio,
                        members=max_members, eager=True)
        super().__init__(path, limits=limits, error=ExchangeError, kind="une archive .qdpx",
                         todo="exportez le projet à nouveau depuis le logiciel d'origine")


def write_archive(path: str | Path, members: Iterable[tuple[str, bytes]]) -> Path:
    """Write a zip (deflated) atomically: the target appears complete or not at all."""
    path = Path(path)
    try:
        with atomic_output(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED,
                                                         compresslevel=6) as archive:
            for name, data in members:
                if member_problem(name):
                    raise ExchangeError(f"nom d'élément interdit dans l'archive : {name}")
                archive.writestr(name, data)
    except OSError as exc:
        raise ExchangeError(f"{path} : écriture impossible ({exc.strerror or exc}) ; rien n'a "
                            "été écrit.") from exc
    return path
