"""Safe reading and atomic writing of `.qdpx` archives (zip files).

Reading goes through the one bounded reader of every archive the workbench opens
(`workbench.corpus.archives`, shared with the .docx and .odt readers): member
paths, links, encryption and duplicates are checked when the archive is opened,
every member's announced size too (a .qdpx is read whole), and the bytes
actually inflated are counted while reading, because headers can lie. Only
recordings are extracted to disk (streamed by `media_xml.extract_media`, under their
own allowance `max_media`); texts and XML are read into memory under `max_total`.

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
    """A `.qdpx` opened for reading: every member's announced size checked at once.

    `max_media`: bytes of recordings the archive may hold besides (streamed to disk by
    `media_xml.extract_media`, which adds what it inflated to `media_inflated`); what
    `read` returns (texts, XML, read whole into memory) stays under `max_total`."""

    def __init__(self, path: str | Path, *, max_members: int = MAX_MEMBERS,
                 max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO,
                 max_media: int = 0) -> None:
        limits = Limits(member=MAX_MEMBER_BYTES, total=max_total + max_media, ratio=max_ratio,
                        members=max_members, eager=True)
        self.text_total = max_total
        self.media_inflated = 0
        super().__init__(path, limits=limits, error=ExchangeError, kind="une archive .qdpx",
                         todo="exportez le projet à nouveau depuis le logiciel d'origine")

    def read(self, name: str) -> bytes:
        """A member's bytes (see the base class), all such reads under `max_total`."""
        announced = self.members[name].file_size
        if self.inflated - self.media_inflated + announced > self.text_total:
            raise self._refuse(f"« {name} » porterait les textes de l'archive au-delà de "
                               f"{self.text_total} octets décompressés (bombe zip ?)")
        data = super().read(name)
        if self.inflated - self.media_inflated > self.text_total:
            raise self._refuse(f"« {name} » porte les textes de l'archive au-delà de "
                               f"{self.text_total} octets décompressés (bombe zip ?)")
        return data


def write_archive(path: str | Path, members: Iterable[tuple[str, bytes | Path]]) -> Path:
    """Write a zip (deflated) atomically: the target appears complete or not at all.

    A member given as a Path (a recording) is streamed from that file, stored without
    compression (sound and video are compressed already)."""
    path = Path(path)
    try:
        with atomic_output(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED,
                                                         compresslevel=6) as archive:
            for name, data in members:
                if member_problem(name):
                    raise ExchangeError(f"nom d'élément interdit dans l'archive : {name}")
                if isinstance(data, Path):
                    archive.write(data, name, compress_type=zipfile.ZIP_STORED)
                else:
                    archive.writestr(name, data)
    except OSError as exc:
        raise ExchangeError(f"{path} : écriture impossible ({exc.strerror or exc}) ; rien n'a "
                            "été écrit.") from exc
    return path
