"""Word .docx transcripts, read from the package's XML (lxml), streamed and bounded.

- Paragraphs and tables are read in document order (also inside content
  controls); text in tracked
  deletions, field codes, text boxes and drawings is left out, tracked
  insertions are kept; a manual line break starts a new line.
- Paragraphs in a Heading/Titre/Title style (or a style derived from one, or
  with an outline level) are headings: they become ``Turn.section``.
- A paragraph whose first run(s) are bold and end with ':' (or are followed by
  ':') names a speaker, even if the label would not otherwise be recognised.
  A bold label alone on its paragraph (the words follow in the next one)
  counts only if it recurs or is a role label, since a lone bold line ending
  with ':' is often a sub-title.
- A table row with two non-empty cells whose first cell is short (≤ 40
  characters, ≤ 4 words) becomes ``label : text``, so two-column transcripts
  (speaker | words) are split like running text; other rows become one line
  of tab-separated cells, or one line per paragraph when a cell has several.

Reading follows python-docx's rules (a paragraph without a style has the
default paragraph style; a style inherits bold and outline level through
``basedOn``; a vertically merged cell is read once) without its object model:
the styles part is read once and each style id resolved once per document, and
``document.xml`` is parsed as a stream, each top-level paragraph or table
handled and dropped as soon as it ends. Only the parts read are inflated, each
under the limits of :mod:`workbench.corpus.archives` (a zip bomb is refused
before or while it inflates, never held in memory).
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.corpus.archives import SafeArchive
from workbench.corpus.lines import LineCollector, bold_label
from workbench.corpus.model import ParsedDocument
from workbench.corpus.turns import ProgressFn
from workbench.errors import CorpusError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SKIP = {
    _W + name
    for name in (
        "del", "moveFrom", "instrText", "delText", "pPr", "rPr", "drawing", "pict", "object",
        "txbxContent", "sdtPr", "fldData", "commentReference", "footnoteReference",
        "endnoteReference",
    )
} | {_MC + "AlternateContent"}
_BREAKS = {_W + "br", _W + "cr"}
_CONTAINERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"}
_FALSE = {"0", "false", "off", "none"}
_RPR, _B, _RSTYLE = _W + "rPr", _W + "b", _W + "rStyle"
_HEADING_NAMES = ("heading", "titre", "title")
_TODO = ("ouvrez-le dans Word ou LibreOffice, enregistrez-le à nouveau en .docx (ou en .txt) "
         "et importez-le ; s'il ne vient pas d'une source sûre, ne l'importez pas")


def _text(el: Any) -> str:
    out: list[str] = []
    _runs(el, None, out)
    return "".join(out)


def _runs(el: Any, runs: list[tuple[Any, str]] | None, out: list[str]) -> None:
    """Collect an element's text into `out` and, when `runs` is a list, the paragraph's
    runs with their text, in one walk (the text is the runs' text, plus any text
    element found outside a run)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "r" and runs is not None:
            text = _text(child)
            runs.append((child, text))
            out.append(text)
        elif tag == _W + "t":
            out.append(child.text or "")
        elif tag == _W + "tab":
            out.append("\t")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        else:
            _runs(child, runs, out)


def _on(el: Any) -> bool:
    """The value of an on/off property element (``<w:b/>``, ``<w:b w:val="0"/>``)."""
    return (el.get(_W + "val") or "true").lower() not in _FALSE


def _val(el: Any, path: str) -> str | None:
    found = el.find(path) if el is not None else None
    return found.get(_W + "val") if found is not None else None


@dataclass(frozen=True)
class _Style:
    kind: str  # paragraph | character | table | numbering
    name: str
    based_on: str | None
    bold: bool | None
    outline: bool


class _Styles:
    """The styles part, each style id resolved once (python-docx's rules, without its objects)."""

    def __init__(self, root: Any | None) -> None:
        self.by_id: dict[str, _Style] = {}
        self.defaults: dict[str, str] = {}
        self.present = root is not None
        self._bold: dict[tuple[str | None, str], bool | None] = {}
        self._heading: dict[str | None, bool] = {}
        for el in root.iterfind(_W + "style") if root is not None else ():
            sid = el.get(_W + "styleId")
            kind = el.get(_W + "type") or "paragraph"
            if el.get(_W + "default") in ("1", "true", "on"):
                self.defaults[kind] = sid or ""
            if sid is None or sid in self.by_id:
                continue
            b = el.find(f"{_W}rPr/{_W}b")
            self.by_id[sid] = _Style(
                kind, _val(el, _W + "name") or "", _val(el, _W + "basedOn"),
                None if b is None else _on(b), el.find(f"{_W}pPr/{_W}outlineLvl") is not None)

    def _resolve(self, style_id: str | None, kind: str) -> str | None:
        """The style a paragraph or run really has: its own, else the default of its kind."""
        if style_id is not None:
            style = self.by_id.get(style_id)
            if style is not None and style.kind == kind:
                return style_id
        return self.defaults.get(kind)

    def _chain(self, style_id: str | None) -> Iterator[_Style]:
        seen = 0
        while style_id is not None and seen < 20:
            style = self.by_id.get(style_id)
            if style is None:
                return
            yield style
            style_id = style.based_on
            seen += 1

    def bold(self, style_id: str | None, kind: str) -> bool | None:
        """Whether the style (resolved for `kind`) or the first ancestor saying so is bold."""
        key = (style_id, kind)
        if key not in self._bold:
            self._bold[key] = next((s.bold for s in self._chain(self._resolve(style_id, kind))
                                    if s.bold is not None), None)
        return self._bold[key]

    def heading(self, style_id: str | None) -> bool:
        """Whether a paragraph of this style is a heading (by name or outline level)."""
        if style_id not in self._heading:
            chain = list(self._chain(self._resolve(style_id, "paragraph")))
            found = any(s.name.casefold().startswith(_HEADING_NAMES) or s.outline for s in chain)
            if not self.present and style_id is not None:  # no styles part: trust the id
                found = style_id.casefold().startswith(_HEADING_NAMES)
            self._heading[style_id] = found
        return self._heading[style_id]


class _Reader:
    """Turns the blocks of ``document.xml`` into lines, one block at a time."""

    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.lines = LineCollector()

    def paragraph(self, p: Any) -> None:
        runs: list[tuple[Any, str]] = []
        out: list[str] = []
        _runs(p, runs, out)
        text = "".join(out)
        p_pr = p.find(_W + "pPr")
        level = _val(p_pr, _W + "outlineLvl")
        style_id = _val(p_pr, _W + "pStyle")
        if (level is not None and level.isdigit() and int(level) < 9) \
                or self.styles.heading(style_id):
            self.lines.add(text, heading=True)
            return
        pieces = [(t, self._run_bold(r, style_id)) for r, t in runs]
        found = bold_label(pieces)
        if found is not None:
            label, alone = found
            self.lines.add_bold_label(label, alone=alone)
        self.lines.add(text)

    def _run_bold(self, r: Any, paragraph_style: str | None) -> bool:
        """Bold as the run says (``w:b``), else its character style, else its paragraph's."""
        char_style = None
        r_pr = r[0] if len(r) and r[0].tag == _RPR else r.find(_RPR)
        for prop in r_pr if r_pr is not None else ():
            tag = prop.tag
            if tag == _B:
                return _on(prop)
            if tag == _RSTYLE:
                char_style = prop.get(_W + "val")
        if char_style is not None:
            bold = self.styles.bold(char_style, "character")
            if bold is not None:
                return bold
        return bool(self.styles.bold(paragraph_style, "paragraph"))

    def table(self, tbl: Any) -> None:
        """Add a table's rows; a cell vertically merged with the one above is read once."""
        for tr in tbl.iterfind(_W + "tr"):
            cells = []
            for tc in tr.iterfind(_W + "tc"):
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                if merge is not None and merge.get(_W + "val", "continue") == "continue":
                    continue
                cells.append(tc)
            self.lines.add_row(["\n".join(_text(p) for p in tc.iterfind(_W + "p"))
                                for tc in cells])
            for tc in cells:
                for inner in tc.iterfind(_W + "tbl"):
                    self.table(inner)


def _is_block(el: Any) -> bool:
    """Whether a paragraph or table sits in the body (perhaps inside content controls)."""
    parent = el.getparent()
    while parent is not None and parent.tag in _CONTAINERS:
        parent = parent.getparent()
    return parent is not None and parent.tag == _W + "body"


def _parser_options() -> dict[str, Any]:
    # python-docx's parser settings (blank text between elements dropped), entities never
    # expanded, nothing fetched, libxml2's size limits kept (huge_tree off).
    return {"remove_blank_text": True, "resolve_entities": False, "no_network": True,
            "load_dtd": False, "huge_tree": False}


_STYLES_CACHE: OrderedDict[bytes, _Styles] = OrderedDict()


def _styles(data: bytes) -> _Styles:
    """The styles of a styles part; the files of one corpus often share their template's,
    so each distinct part is parsed once (a few recent ones are kept, by digest)."""
    from lxml import etree

    key = hashlib.sha1(data, usedforsecurity=False).digest()
    styles = _STYLES_CACHE.get(key)
    if styles is None:
        styles = _Styles(etree.fromstring(data, etree.XMLParser(**_parser_options())))
        _STYLES_CACHE[key] = styles
        if len(_STYLES_CACHE) > 16:
            _STYLES_CACHE.popitem(last=False)
    else:
        _STYLES_CACHE.move_to_end(key)
    return styles


def _relationship(archive: SafeArchive, rels: str, kind: str, folder: str) -> str | None:
    """The member a package relationship of type `kind` points to, if any."""
    from lxml import etree

    member = archive.find(rels)
    if member is None:
        return None
    root = etree.fromstring(archive.read(member), etree.XMLParser(**_parser_options()))
    for rel in root.iterfind(_REL + "Relationship"):
        if rel.get("Type", "").endswith("/" + kind) and rel.get("TargetMode") != "External":
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            return archive.find(path)
    return None


def _damaged(source: str, exc: Exception) -> CorpusError:
    return CorpusError(
        f"{source} : ce n'est pas un fichier Word .docx valide (son contenu est illisible : "
        f"{type(exc).__name__}) ; ouvrez-le dans Word ou LibreOffice, enregistrez-le à nouveau "
        "et importez-le.")


def _read(archive: SafeArchive, source: str) -> LineCollector:
    from lxml import etree

    document = _relationship(archive, "_rels/.rels", "officeDocument", "") \
        or archive.find("word/document.xml")
    if document is None:
        raise CorpusError(
            f"{source} : ce n'est pas un fichier Word .docx valide (il n'a pas de "
            "word/document.xml : il est abîmé ou c'est un autre type de zip) ; ouvrez-le dans "
            "Word ou LibreOffice, enregistrez-le à nouveau en .docx et importez-le à nouveau.")
    folder, base = posixpath.split(document)
    styles_part = _relationship(archive, posixpath.join(folder, "_rels", base + ".rels"),
                                "styles", folder) or archive.find(posixpath.join(folder,
                                                                                 "styles.xml"))
    reader = _Reader(_styles(archive.read(styles_part)) if styles_part is not None
                     else _Styles(None))
    with archive.open(document) as stream:
        events = etree.iterparse(stream, events=("end",), tag=(_W + "p", _W + "tbl"),
                                 **_parser_options())
        for _, el in events:
            if not _is_block(el):
                continue
            if el.tag == _W + "p":
                reader.paragraph(el)
            else:
                reader.table(el)
            el.clear(keep_tail=True)
            while el.getprevious() is not None:  # free what was read
                del el.getparent()[0]
        root = events.root
    if root is None or root.tag != _W + "document" or root.find(_W + "body") is None:
        raise CorpusError(
            f"{source} : ce n'est pas un fichier Word .docx valide (sa partie principale n'a pas "
            "de corps de document) ; ouvrez-le dans Word ou LibreOffice, enregistrez-le à "
            "nouveau en .docx et importez-le à nouveau.")
    return reader.lines


def read_docx(
    path: Path,
    *,
    pattern: str | None = None,
    roles: dict[str, str] | None = None,
    progress: bool | ProgressFn | None = None,
) -> ParsedDocument:
    """Read a Word .docx transcript."""
    from lxml import etree

    source = path.name
    if not path.exists():
        raise CorpusError(f"{source} : fichier introuvable ({path}) ; vérifiez le chemin et "
                          "réessayez.")
    if not zipfile.is_zipfile(path):
        raise CorpusError(
            f"{source} : ce n'est pas un fichier Word .docx valide (ce n'est pas une archive "
            "zip) ; si c'est un ancien .doc ou un autre format, ouvrez-le dans Word ou "
            "LibreOffice, enregistrez-le en .docx et importez-le à nouveau."
        )
    with SafeArchive(path, error=CorpusError, kind="un fichier Word .docx",
                     todo=_TODO) as archive:
        try:
            lines = _read(archive, source)
        except (etree.LxmlError, ValueError) as exc:  # malformed XML inside a valid zip
            raise _damaged(source, exc) from exc
    return lines.parse(source=source, pattern=pattern, roles=roles, progress=progress)
