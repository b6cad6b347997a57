"""Safe reading and atomic writing of `.qdpx` archives (zip files).

An archive from elsewhere is untrusted. Before anything is read, it is refused
when a member's path could escape a folder (``../``, an absolute path, a drive
letter), when a member is a symbolic link, encrypted, or listed twice, when it
has too many members, or when its headers announce too much data. While reading,
the bytes actually inflated are counted, because headers can lie: a member that
inflates past its announced size, past the total limit, or at a ratio typical
of a zip bomb stops the read. Nothing is ever extracted to disk: members are
read into memory, one at a time, on demand.

Writing goes to a temporary file beside the target, renamed into place only
once complete, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from workbench.atomic import atomic_output
from workbench.errors import ExchangeError

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 2**31 - 1  # the standard's limit for one internal file (§8.5)
MAX_TOTAL_BYTES = 1 * 1024**3  # what one import may inflate, all members together
MAX_RATIO = 200  # inflated / compressed, checked once a member passes RATIO_FLOOR
RATIO_FLOOR = 1024**2
CHUNK = 1024**2

_DRIVE = re.compile(r"^[A-Za-z]:")


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


def _clean(name: str) -> str:
    """A member name as a relative POSIX path ('./sources\\a.txt' → 'sources/a.txt')."""
    path = name.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return str(PurePosixPath(path)) if path else path


class SafeArchive:
    """A zip archive opened for reading under size and path checks (see the module)."""

    def __init__(self, path: str | Path, *, max_members: int = MAX_MEMBERS,
                 max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO) -> None:
        self.path = Path(path)
        self.max_total = max_total
        self.max_ratio = max_ratio
        self.inflated = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ExchangeError(f"{self.path} : fichier introuvable.") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ExchangeError(
                f"{self.path.name} : ce n'est pas une archive .qdpx lisible (zip tronqué ou "
                f"endommagé : {exc}). Exportez le projet à nouveau depuis le logiciel "
                "d'origine.") from exc
        try:
            self.members = self._check(max_members)
        except ExchangeError:
            self._zip.close()
            raise

    def _check(self, max_members: int) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        where = self.path.name
        if len(infos) > max_members:
            raise ExchangeError(f"{where} : archive refusée, {len(infos)} éléments (au plus "
                                f"{max_members} sont acceptés).")
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            problem = member_problem(info.filename)
            if problem:
                raise ExchangeError(f"{where} : archive refusée, l'élément « {info.filename} » "
                                    f"a un {problem}. Une archive sûre n'en contient pas.")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ExchangeError(f"{where} : archive refusée, l'élément « {info.filename} » "
                                    "est un lien symbolique.")
            if info.flag_bits & 0x1:
                raise ExchangeError(f"{where} : archive refusée, l'élément « {info.filename} » "
                                    "est chiffré (mot de passe) ; exportez-le sans chiffrement.")
            if info.is_dir():
                continue
            name = _clean(info.filename)
            if name in members:
                raise ExchangeError(f"{where} : archive refusée, l'élément « {name} » y figure "
                                    "deux fois.")
            if info.file_size > MAX_MEMBER_BYTES:
                raise ExchangeError(f"{where} : archive refusée, « {name} » annonce "
                                    f"{info.file_size} octets (au plus {MAX_MEMBER_BYTES}).")
            if info.file_size > RATIO_FLOOR and \
                    info.file_size > self.max_ratio * max(info.compress_size, 1):
                raise ExchangeError(f"{where} : archive refusée, « {name} » se décompresserait "
                                    f"de {info.compress_size} à {info.file_size} octets "
                                    f"(plus de {self.max_ratio:g} pour 1 : bombe zip ?).")
            declared += info.file_size
            members[name] = info
        if declared > self.max_total:
            raise ExchangeError(f"{where} : archive refusée, elle annonce {declared} octets "
                                f"décompressés (au plus {self.max_total}).")
        return members

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def find(self, name: str) -> str | None:
        """The member called `name` (exact, else ignoring case), or None."""
        name = _clean(name)
        if name in self.members:
            return name
        folded = name.casefold()
        hits = [m for m in self.members if m.casefold() == folded]
        return hits[0] if len(hits) == 1 else None

    def names(self) -> list[str]:
        return sorted(self.members)

    def read(self, name: str) -> bytes:
        """A member's bytes, counted as they inflate (limits in the module docstring)."""
        info = self.members[name]
        where = f"{self.path.name} : « {name} »"
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    self.inflated += len(chunk)
                    if size > info.file_size:
                        raise ExchangeError(f"{where} se décompresse au-delà de la taille "
                                            "annoncée ; archive refusée.")
                    if self.inflated > self.max_total:
                        raise ExchangeError(
                            f"{where} : archive refusée, plus de {self.max_total} octets "
                            "décompressés au total (bombe zip ?).")
                    if size > RATIO_FLOOR and size > self.max_ratio * max(info.compress_size, 1):
                        raise ExchangeError(
                            f"{where} : archive refusée, taux de compression anormal (plus de "
                            f"{self.max_ratio:g} pour 1 : bombe zip ?).")
                    chunks.append(chunk)
        except ExchangeError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise ExchangeError(f"{where} est illisible (archive tronquée ou endommagée : "
                                f"{exc}).") from exc
        return b"".join(chunks)


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
