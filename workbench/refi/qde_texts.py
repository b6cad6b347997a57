"""The text of REFI-QDA text sources and notes, wherever the `.qde` says it is.

- ``PlainTextContent`` inside the element;
- ``internal://name.txt``: the member ``sources/name.txt`` of the archive (the
  standard names it by GUID; any name is accepted);
- a bare path without scheme (qc writes ``board_2017.txt``): read as internal;
- ``relative://path`` (under the project's ``basePath``), ``absolute://path``
  and ``file://path`` point outside the archive, at the disk of the machine
  that imports. Such a text is read only from the folder the user names
  (``sources_folder=``): under it (and under ``basePath`` when that lies inside
  it), never climbing out of it (``..``, links), and only a ``.txt`` file.
  Without that folder an archive holding external sources is refused, listing
  them all: an archive from elsewhere must not make the import read any text
  file of the importing machine. A relative or bare path that names a member
  of the archive is read from the archive.

Bytes are UTF-8 as the standard requires; a UTF-8 byte-order mark is dropped
and not counted in positions; other encodings are detected with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from workbench.corpus.encoding import decode_bytes
from workbench.errors import CorpusError, ExchangeError
from workbench.refi.archive import SafeArchive, member_problem
from workbench.refi.report import ExchangeReport
from workbench.refi.xml import child, clean_name

_SUFFIXES = (".txt", ".docx", ".doc", ".pdf", ".rtf", ".odt", ".md")
_EXTERNAL = ("relative", "absolute", "file")


@dataclass
class Located:
    """A source text as written, and where it came from (for messages and `documents.source`)."""

    raw: str
    where: str


class SourceReader:
    """Reads source texts for one import (the archive, and the folder the user allowed).

    `external` lists the texts found outside the archive while no `sources_folder`
    was given (see the module); `read_plan` refuses the import when it is not empty.
    """

    def __init__(self, archive: SafeArchive, qde_folder: str, base_path: str | None,
                 report: ExchangeReport, *, sources_folder: str | Path | None = None) -> None:
        self.archive = archive
        self.folder = qde_folder  # folder of project.qde inside the archive ("" at the root)
        self.base = base_path
        self.report = report
        self.sources_folder = Path(sources_folder) if sources_folder is not None else None
        self.external: list[str] = []

    def text(self, element: Element, label: str) -> Located | None:
        """The text of a TextSource or Note element, or None (with a warning, or noted in
        `external`) if it cannot be read."""
        content = child(element, "PlainTextContent")
        path = element.get("plainTextPath")
        if content is not None and not path:
            return Located(content.text or "", "PlainTextContent")
        if not path:
            self.report.warn(f"{label} : ni texte ni plainTextPath, ignoré"
                             + (" (seul un fichier riche richTextPath est fourni)."
                                if element.get("richTextPath") else "."))
            return None
        scheme, _, rest = path.partition("://") if "://" in path else ("", "", path)
        scheme = scheme.lower()
        if scheme not in ("", "internal", *_EXTERNAL):
            raise ExchangeError(f"{label} : chemin de texte « {path} » d'un type inconnu.")
        if scheme in _EXTERNAL and not rest.lower().endswith(".txt"):
            raise ExchangeError(f"{label} : texte externe « {path} » refusé : seul un fichier "
                                ".txt (texte brut, comme le veut la norme) peut être lu hors de "
                                "l'archive.")
        if scheme in ("absolute", "file"):
            return self._outside(Path(rest if rest.startswith("/") or ":" in rest[:3]
                                      else "/" + rest), path, label, absolute=True)
        rest = rest.lstrip("/") if scheme == "relative" else rest
        if member_problem(rest):
            raise ExchangeError(f"{label} : chemin de texte « {path} » refusé "
                                f"({member_problem(rest)}).")
        for name in (str(PurePosixPath(self.folder, "sources", rest)),
                     str(PurePosixPath(self.folder, rest))):
            if (member := self.archive.find(name)) is not None:
                where = f"{self.archive.path.name}:{member}"
                return Located(self._decode(self.archive.read(member), where, label), where)
        if scheme == "internal" or (scheme == "" and not rest.lower().endswith(".txt")):
            raise ExchangeError(f"{label} : texte « {path} » introuvable dans l'archive. "
                                "L'archive est incomplète.")
        return self._outside(Path(rest), path, label, absolute=False)

    def _outside(self, relative: Path, path: str, label: str, *,
                 absolute: bool) -> Located | None:
        """A text outside the archive: read under the allowed folder only."""
        if self.sources_folder is None:
            self.external.append(f"{label} : « {path} »")
            return None
        folders = [self.sources_folder]
        if not absolute and self.base:
            base = Path(self.base)
            if _inside(self.sources_folder, base):
                folders.insert(0, base)
        for folder in folders:
            data = _read_under(self.sources_folder, relative if absolute else folder / relative)
            if data is not None:
                where = str(relative if absolute else folder / relative)
                return Located(self._decode(data, where, label), where)
        raise ExchangeError(f"{self.archive.path.name}, {label} : texte externe « {path} » "
                            f"introuvable dans le dossier autorisé {self.sources_folder} (ni "
                            "sous basePath s'il y est) ; vérifiez le dossier donné "
                            "(sources_folder=, ou --sources-folder en ligne de "
                            "commande) : rien n'a été importé.")

    def _decode(self, data: bytes, where: str, label: str) -> str:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            text, encoding, _warnings = decode_bytes(data, source=where)
        except CorpusError as exc:
            raise ExchangeError(f"{label} : texte illisible ({exc}).") from exc
        self.report.warn(f"{label} : texte en {encoding} et non en UTF-8 comme le veut la norme ; "
                         "décodé comme tel, vérifiez les accents.")
        return text


def _inside(folder: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, ValueError):
        return False
    return True


def _read_under(folder: Path, path: Path) -> bytes | None:
    """The bytes of `path` if it is a regular file inside `folder` (links resolved), else None."""
    try:
        base = folder.resolve()
        target = path.resolve()
        target.relative_to(base)
    except (OSError, ValueError):
        return None
    if not target.is_file():
        return None
    try:
        return target.read_bytes()
    except OSError:
        return None


def source_name(element: Element, number: int) -> str:
    """A document name from the source's `name`, else its file name, without a file suffix."""
    name = clean_name(element.get("name"))
    if not name:
        path = element.get("plainTextPath") or element.get("richTextPath") or ""
        name = PurePosixPath(path.partition("://")[2] or path).name
    for suffix in _SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return name.strip() or f"Source {number}"
