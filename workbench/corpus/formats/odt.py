"""OpenDocument .odt transcripts (LibreOffice), read with defusedxml, streamed and bounded.

- ``text:p`` and ``text:h`` in document order, inside lists, sections and
  tables too; spans and links are read through, ``text:s`` gives its spaces,
  ``text:tab`` a tab, ``text:line-break`` a new line; XML whitespace is folded
  as the OpenDocument standard says. Notes, annotations, frames and tables of
  contents are left out.
- ``text:h`` headings become ``Turn.section``.
- As in Word files, a bold start of paragraph ending with ':' (or followed by
  ':') names a speaker (bold is read from the automatic text styles), and
  table rows are read as for .docx.

``content.xml`` is inflated under the limits of :mod:`workbench.corpus.archives`
(a zip bomb is refused before or while it inflates) and parsed as a stream, each
block of the text body dropped once read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from workbench.corpus.archives import SafeArchive
from workbench.corpus.lines import LineCollector, bold_label
from workbench.corpus.model import ParsedDocument
from workbench.corpus.turns import ProgressFn
from workbench.errors import CorpusError

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
_INLINE = {_TEXT + n for n in ("span", "a", "meta", "ruby", "ruby-base")}
_ROW_GROUPS = {_TABLE + n for n in ("table-header-rows", "table-rows", "table-row-group")}
_CONTAINERS = {_TEXT + n for n in ("list", "list-item", "list-header", "section")}
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _fold(s: str | None) -> str:
    return _XML_SPACE.sub(" ", s) if s else ""


def _special(child: Any) -> str | None:
    """The text of an empty inline element (spaces, tab, line break), else None."""
    tag = child.tag
    if tag == _TEXT + "s":
        count = child.get(_TEXT + "c", "1")
        return " " * (int(count) if count.isdigit() else 1)
    if tag == _TEXT + "tab":
        return "\t"
    if tag == _TEXT + "line-break":
        return "\n"
    return None


def _inline(el: Any, out: list[str]) -> None:
    out.append(_fold(el.text))
    for child in el:
        special = _special(child)
        if special is not None:
            out.append(special)
        elif child.tag in _INLINE:
            _inline(child, out)
        out.append(_fold(child.tail))


def _paragraph_text(el: Any) -> str:
    out: list[str] = []
    _inline(el, out)
    return "".join(out).strip(" ")


def _pieces(el: Any, bold_styles: set[str]) -> list[tuple[str, bool]]:
    """The paragraph as (text, bold) runs: spans carry a style, loose text does not."""
    pieces = [(_fold(el.text), False)]
    for child in el:
        out: list[str] = []
        special = _special(child)
        if special is not None:
            out.append(special)
        elif child.tag in _INLINE:
            _inline(child, out)
        pieces.append(("".join(out), child.get(_TEXT + "style-name") in bold_styles))
        pieces.append((_fold(child.tail), False))
    return pieces


def _bold_styles(root: Any) -> set[str]:
    """The names of the bold text styles in `root` (itself a style, or holding some)."""
    names = set()
    for style in root.iter(_STYLE + "style"):
        props = style.find(_STYLE + "text-properties")
        if props is None:
            continue
        weight = props.get(_FO + "font-weight", "")
        if weight == "bold" or (weight.isdigit() and int(weight) >= 600):
            names.add(style.get(_STYLE + "name"))
    return names


def _rows(el: Any) -> list[Any]:
    """The rows of a table, not those of tables nested in its cells."""
    rows = []
    for child in el:
        if child.tag == _TABLE + "table-row":
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows.extend(_rows(child))
    return rows


class _Reader:
    def __init__(self, bold_styles: set[str]) -> None:
        self.lines = LineCollector()
        self.bold_styles = bold_styles

    def block(self, el: Any) -> None:
        tag = el.tag
        if tag == _TEXT + "h":
            self.lines.add(_paragraph_text(el), heading=True)
        elif tag == _TEXT + "p":
            found = bold_label(_pieces(el, self.bold_styles))
            if found is not None:
                self.lines.add_bold_label(found[0], alone=found[1])
            self.lines.add(_paragraph_text(el))
        elif tag == _TABLE + "table":
            self.table(el)
        elif tag in _CONTAINERS:
            for child in el:
                self.block(child)

    def table(self, el: Any) -> None:
        for row in _rows(el):
            cells = []
            for cell in row.findall(_TABLE + "table-cell"):
                paragraphs = [p for p in cell.iter() if p.tag in {_TEXT + "p", _TEXT + "h"}]
                cells.append("\n".join(_paragraph_text(p) for p in paragraphs))
            self.lines.add_row(cells)


_TODO = ("ouvrez-le dans LibreOffice, enregistrez-le à nouveau en .odt (ou en .txt) et "
         "importez-le ; s'il ne vient pas d'une source sûre, ne l'importez pas")


def _archive(path: Path) -> SafeArchive:
    source = path.name
    if not path.exists():
        raise CorpusError(f"{source} : fichier introuvable ({path}) ; vérifiez le chemin et "
                          "réessayez.")
    if not zipfile.is_zipfile(path):
        raise CorpusError(
            f"{source} : ce n'est pas un fichier OpenDocument .odt valide (ce n'est pas une "
            "archive zip) ; ouvrez-le dans LibreOffice, enregistrez-le à nouveau en .odt et "
            "importez-le à nouveau."
        )
    return SafeArchive(path, error=CorpusError, kind="un fichier OpenDocument .odt", todo=_TODO)


def _stream(archive: SafeArchive, reader: _Reader, source: str) -> None:
    """Parse content.xml as a stream: styles are collected as they end, and each block of
    the text body is read, then dropped, as soon as it ends (memory follows the text)."""
    from defusedxml.ElementTree import iterparse

    member = archive.find("content.xml")
    if member is None:
        raise CorpusError(
            f"{source} : ce n'est pas un fichier OpenDocument .odt valide (il n'a pas de "
            "content.xml) ; ouvrez-le dans LibreOffice, enregistrez-le à nouveau en .odt et "
            "importez-le à nouveau.")
    stack: list[Any] = []
    body = False
    with archive.open(member) as stream:
        for event, el in iterparse(stream, events=("start", "end")):
            if event == "start":
                stack.append(el)
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if el.tag == _STYLE + "style":
                reader.bold_styles |= _bold_styles(el)
            elif parent is not None and parent.tag == _OFFICE + "text" and len(stack) == 3 \
                    and stack[1].tag == _OFFICE + "body":
                reader.block(el)
                parent.remove(el)
            elif el.tag == _OFFICE + "text" and len(stack) == 2 and parent is not None \
                    and parent.tag == _OFFICE + "body":
                body = True
    if not body:
        raise CorpusError(
            f"{source} : ce n'est pas un texte OpenDocument (pas de corps office:text ; "
            "peut-être un tableur ou une présentation) ; enregistrez la transcription en "
            "fichier .odt de Writer."
        )


def read_odt(
    path: Path,
    *,
    pattern: str | None = None,
    roles: dict[str, str] | None = None,
    progress: bool | ProgressFn | None = None,
) -> ParsedDocument:
    """Read an OpenDocument .odt transcript."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError

    reader = _Reader(set())
    with _archive(path) as archive:
        try:
            _stream(archive, reader, path.name)
        except (ParseError, DefusedXmlException) as exc:
            raise CorpusError(
                f"{path.name} : le texte de ce fichier .odt n'est pas du XML valide ({exc}) ; "
                "ouvrez-le dans LibreOffice, enregistrez-le à nouveau en .odt et importez-le "
                "à nouveau."
            ) from exc
    return reader.lines.parse(source=path.name, pattern=pattern, roles=roles, progress=progress)
