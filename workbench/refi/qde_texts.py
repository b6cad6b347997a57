"""The text of REFI-QDA text sources and notes, wherever the `.qde` says it is.

- ``PlainTextContent`` inside the element;
- ``internal://name.txt``: the member ``sources/name.txt`` of the archive (the
  standard names it by GUID; any name is accepted);
- ``relative://path``: `path` under the project's ``basePath``, else under the
  archive's folder; the path may not climb out of that folder (``..``) and
  must name a ``.txt`` file (nothing else is read from the disk);
- a bare path without scheme (qc writes ``board_2017.txt``): read as internal,
  else as relative to the archive's folder;
- ``absolute://`` paths are not read (a file from someone else's disk), with a
  warning.

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


@dataclass
class Located:
    """A source text as written, and where it came from (for messages and `documents.source`)."""

    raw: str
    where: str


class SourceReader:
    """Reads source texts for one import (the archive, its folder and the basePath)."""

    def __init__(self, archive: SafeArchive, qde_folder: str, base_path: str | None,
                 report: ExchangeReport) -> None:
        self.archive = archive
        self.folder = qde_folder  # folder of project.qde inside the archive ("" at the root)
        self.base = base_path
        self.report = report

    def text(self, element: Element, label: str) -> Located | None:
        """The text of a TextSource or Note element, or None (with a warning) if unreadable."""
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
        if scheme == "absolute":
            self.report.warn(f"{label} : texte externe en chemin absolu ({path}) non lu ; "
                             "importez une archive où le texte est interne.")
            return None
        if scheme not in ("", "internal", "relative"):
            raise ExchangeError(f"{label} : chemin de texte « {path} » d'un type inconnu.")
        rest = rest.lstrip("/") if scheme == "relative" else rest
        if scheme == "relative" and not rest.lower().endswith(".txt"):
            raise ExchangeError(f"{label} : texte externe « {path} » refusé : seul un fichier "
                                ".txt (texte brut, comme le veut la norme) peut être lu hors de "
                                "l'archive.")
        if member_problem(rest):
            raise ExchangeError(f"{label} : chemin de texte « {path} » refusé "
                                f"({member_problem(rest)}).")
        data, where = self._bytes(scheme, rest)
        if data is None:
            raise ExchangeError(f"{label} : texte « {path} » introuvable dans l'archive"
                                + (f" ni sous {self.base}" if scheme == "relative" else "")
                                + ". L'archive est incomplète.")
        return Located(self._decode(data, where, label), where)

    def _bytes(self, scheme: str, rest: str) -> tuple[bytes | None, str]:
        inside = [str(PurePosixPath(self.folder, "sources", rest)),
                  str(PurePosixPath(self.folder, rest))]
        if scheme in ("", "internal"):
            for name in inside:
                if (member := self.archive.find(name)) is not None:
                    return self.archive.read(member), f"{self.archive.path.name}:{member}"
        if scheme in ("", "relative") and rest.lower().endswith(".txt"):
            folders = [Path(self.base)] if scheme == "relative" and self.base else []
            folders.append(self.archive.path.parent)
            for folder in folders:
                data = _read_under(folder, rest)
                if data is not None:
                    return data, str(folder / rest)
            for name in inside if scheme == "relative" else []:
                if (member := self.archive.find(name)) is not None:
                    return self.archive.read(member), f"{self.archive.path.name}:{member}"
        return None, ""

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


def _read_under(folder: Path, relative: str) -> bytes | None:
    """The bytes of `folder/relative` if it is a regular file inside `folder`, else None."""
    try:
        base = folder.resolve()
        path = (base / relative).resolve()
        path.relative_to(base)
    except (OSError, ValueError):
        return None
    if not path.is_file():
        return None
    try:
        return path.read_bytes()
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
