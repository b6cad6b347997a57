"""Safe reading of zip archives that come from elsewhere: `.docx`, `.odt` and `.qdpx` files.

An archive is untrusted. When it is opened it is refused if a member's path
could escape a folder (``../``, an absolute path, a drive letter), if a member
is a symbolic link, encrypted or listed twice, or if it has too many members.
Each member's announced size is checked before it is inflated (all members at
once for a `.qdpx`, which is read whole; only the members actually read for a
Word or OpenDocument file, which may carry pictures nobody reads). While
reading, the bytes actually inflated are counted, because headers can lie: a
member that inflates past its announced size, past its limit, past the total
limit, or at a ratio typical of a zip bomb stops the read at once. Nothing is
ever extracted to disk: members are read into memory, or streamed to a parser,
one at a time, on demand.

The error class and the advice given depend on the caller (`CorpusError` for a
transcript, `ExchangeError` for a REFI-QDA project); every message names the
file and the member, and says what to do.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from workbench.errors import CorpusError, WorkbenchError

MAX_MEMBERS = 20_000
MAX_RATIO = 200  # inflated / compressed, checked once a member passes RATIO_FLOOR
RATIO_FLOOR = 1024**2
CHUNK = 1024**2

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """How much an archive may inflate.

    `member`: bytes one member may inflate to; `total`: bytes all the members
    read may inflate to together; `ratio`: inflated / compressed size allowed
    past one MiB; `members`: how many entries the archive may list; `eager`:
    check every member's announced size when the archive is opened (else only
    when a member is read).
    """

    member: int
    total: int
    ratio: float = MAX_RATIO
    members: int = MAX_MEMBERS
    eager: bool = False


# A transcript's XML parts: a long real interview's document.xml is 2 MB; 64 MB is thirty
# times that, and streamed it reads in about 5 s under 500 MB (150 MB took 750 MB).
DOCUMENT_LIMITS = Limits(member=64 * 1024**2, total=128 * 1024**2)


def member_problem(name: str) -> str | None:
    """Why a member name is unsafe to use as a path, or None when it is fine."""
    path = name.replace("\\", "/")
    if "\x00" in path:
        return "nom contenant un caractère nul"
    if path.startswith("/"):
        return "chemin absolu"
    if _DRIVE.match(path):
        return "chemin avec lettre de lecteur"
    if ".." in path.split("/"):
        return "chemin qui sort du dossier (../)"
    return None


def clean_member(name: str) -> str:
    """A member name as a relative POSIX path ('./sources\\a.txt' → 'sources/a.txt')."""
    path = name.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return str(PurePosixPath(path)) if path else path


class SafeArchive:
    """A zip archive opened for reading under path and size checks (see the module).

    `error`: the WorkbenchError subclass raised; `kind`: what the file should be,
    for messages ("un fichier Word .docx"); `todo`: what the user should do when
    the file is refused (a French clause, e.g. "exportez-le à nouveau").
    """

    def __init__(self, path: str | Path, *, limits: Limits = DOCUMENT_LIMITS,
                 error: type[WorkbenchError] = CorpusError, kind: str = "une archive zip",
                 todo: str = "vérifiez le fichier et importez-le à nouveau") -> None:
        self.path = Path(path)
        self.limits = limits
        self.error = error
        self.todo = todo
        self.inflated = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise error(f"{self.path} : fichier introuvable ; vérifiez le chemin.") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise error(f"{self.path.name} : ce n'est pas {kind} lisible (zip tronqué ou "
                        f"endommagé : {exc}) ; {todo}.") from exc
        try:
            self.members = self._check()
        except WorkbenchError:
            self._zip.close()
            raise

    def _refuse(self, what: str) -> WorkbenchError:
        return self.error(f"{self.path.name} : archive refusée, {what} ; {self.todo}.")

    def _check(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.members:
            raise self._refuse(f"{len(infos)} éléments (au plus {limits.members} sont acceptés)")
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            problem = member_problem(info.filename)
            if problem:
                raise self._refuse(f"l'élément « {info.filename} » a un {problem} (une archive "
                                   "sûre n'en contient pas)")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self._refuse(f"l'élément « {info.filename} » est un lien symbolique")
            if info.flag_bits & 0x1:
                raise self._refuse(f"l'élément « {info.filename} » est chiffré (mot de passe) ; "
                                   "enregistrez-le sans chiffrement")
            if info.is_dir():
                continue
            name = clean_member(info.filename)
            if name in members:
                raise self._refuse(f"l'élément « {name} » y figure deux fois")
            if limits.eager:
                self._check_announced(name, info, total=False)
            declared += info.file_size
            members[name] = info
        if limits.eager and declared > limits.total:
            raise self._refuse(f"elle annonce {declared} octets décompressés (au plus "
                               f"{limits.total})")
        return members

    def _check_announced(self, name: str, info: zipfile.ZipInfo, *, total: bool = True) -> None:
        """Refuse a member whose headers announce too much, before inflating anything."""
        limits = self.limits
        if info.file_size > limits.member:
            raise self._refuse(f"« {name} » annonce {info.file_size} octets décompressés (au "
                               f"plus {limits.member} : bombe zip ?)")
        if info.file_size > RATIO_FLOOR and \
                info.file_size > limits.ratio * max(info.compress_size, 1):
            raise self._refuse(f"« {name} » se décompresserait de {info.compress_size} à "
                               f"{info.file_size} octets (plus de {limits.ratio:g} pour 1 : "
                               "bombe zip ?)")
        if total and self.inflated + info.file_size > limits.total:
            raise self._refuse(f"« {name} » annonce {info.file_size} octets, ce qui porterait "
                               f"l'archive au-delà de {limits.total} octets décompressés "
                               "(bombe zip ?)")

    def _count(self, name: str, info: zipfile.ZipInfo, size: int, added: int) -> None:
        """Account for `added` more bytes of `name` (now `size` bytes in all)."""
        self.inflated += added
        limits = self.limits
        if size > info.file_size:
            raise self._refuse(f"« {name} » se décompresse au-delà de la taille annoncée")
        if size > limits.member or self.inflated > limits.total:
            raise self._refuse(f"« {name} » se décompresse au-delà de {limits.member} octets "
                               f"(ou l'archive au-delà de {limits.total} : bombe zip ?)")
        if size > RATIO_FLOOR and size > limits.ratio * max(info.compress_size, 1):
            raise self._refuse(f"« {name} » a un taux de compression anormal (plus de "
                               f"{limits.ratio:g} pour 1 : bombe zip ?)")

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def find(self, name: str) -> str | None:
        """The member called `name` (exact, else ignoring case), or None."""
        name = clean_member(name)
        if name in self.members:
            return name
        folded = name.casefold()
        hits = [m for m in self.members if m.casefold() == folded]
        return hits[0] if len(hits) == 1 else None

    def names(self) -> list[str]:
        return sorted(self.members)

    def open(self, name: str) -> io.RawIOBase:
        """A member as a stream for a parser, counted as it inflates (see the module)."""
        info = self.members[name]
        self._check_announced(name, info)
        try:
            stream = self._zip.open(info)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise self._damaged(name, exc) from exc
        return _Counted(self, name, info, stream)

    def read(self, name: str) -> bytes:
        """A member's bytes, counted as they inflate (see the module)."""
        chunks: list[bytes] = []
        with self.open(name) as stream:
            while chunk := stream.read(CHUNK):
                chunks.append(chunk)
        return b"".join(chunks)

    def _damaged(self, name: str, exc: Exception) -> WorkbenchError:
        return self.error(f"{self.path.name} : « {name} » est illisible (archive tronquée ou "
                          f"endommagée : {exc}) ; {self.todo}.")


class _Counted(io.RawIOBase):
    """A member's inflating stream that stops as soon as a limit is passed."""

    def __init__(self, archive: SafeArchive, name: str, info: zipfile.ZipInfo,
                 stream: IO[bytes]) -> None:
        self.archive, self.name, self.info, self.stream = archive, name, info, stream
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self.stream.read(min(len(buffer), CHUNK))
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise self.archive._damaged(self.name, exc) from exc
        self.size += len(data)
        self.archive._count(self.name, self.info, self.size, len(data))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()
