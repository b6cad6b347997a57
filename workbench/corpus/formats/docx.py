"""Word .docx transcripts (python-docx).

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
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.corpus.lines import LineCollector, bold_label
from workbench.corpus.model import ParsedDocument
from workbench.corpus.turns import ProgressFn
from workbench.errors import CorpusError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
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


def _walk_text(el: Any, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag == _W + "tab":
            out.append("\t")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        else:
            _walk_text(child, out)


def _text(el: Any) -> str:
    out: list[str] = []
    _walk_text(el, out)
    return "".join(out)


def _runs(el: Any) -> Iterator[Any]:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "r":
            yield child
        else:
            yield from _runs(child)


def _style_chain(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 20:
        yield style
        style = style.base_style
        seen += 1


def _style_bold(style: Any) -> bool | None:
    for s in _style_chain(style):
        bold = s.font.bold
        if bold is not None:
            return bool(bold)
    return None


def _run_bold(r: Any, paragraph: Any) -> bool:
    from docx.text.run import Run

    b = r.find(f"{_W}rPr/{_W}b")
    if b is not None:
        return (b.get(_W + "val") or "true").lower() not in _FALSE
    run = Run(r, paragraph)
    try:
        char_bold = _style_bold(run.style) if r.find(f"{_W}rPr/{_W}rStyle") is not None else None
    except (KeyError, ValueError, AttributeError):
        char_bold = None
    if char_bold is not None:
        return char_bold
    return bool(_style_bold(paragraph.style))


def _is_heading(paragraph: Any) -> bool:
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.find(_W + "outlineLvl") is not None:
        level = p_pr.find(_W + "outlineLvl").get(_W + "val")
        if level is not None and level.isdigit() and int(level) < 9:
            return True
    for style in _style_chain(paragraph.style):
        name = (style.name or "").casefold()
        if name.startswith(("heading", "titre", "title")):
            return True
        if style.element.find(f"{_W}pPr/{_W}outlineLvl") is not None:
            return True
    return False


def _paragraph(paragraph: Any, lines: LineCollector) -> None:
    text = _text(paragraph._p)
    if _is_heading(paragraph):
        lines.add(text, heading=True)
        return
    pieces = [(_text(r), _run_bold(r, paragraph)) for r in _runs(paragraph._p)]
    found = bold_label(pieces)
    if found is not None:
        label, alone = found
        lines.add_bold_label(label, alone=alone)
    lines.add(text)


def _table(table: Any, lines: LineCollector, seen: set[Any]) -> None:
    """Add a table's rows; `seen` holds the cell elements already read (merged cells repeat)."""
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append(cell)
        lines.add_row(["\n".join(_text(p._p) for p in cell.paragraphs) for cell in cells])
        for cell in cells:
            for inner in cell.tables:
                _table(inner, lines, seen)


def _blocks(el: Any, parent: Any, lines: LineCollector, seen: set[Any]) -> None:
    """Paragraphs and tables in document order, also inside content controls (w:sdt)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in el:
        tag = child.tag
        if tag == _W + "p":
            _paragraph(Paragraph(child, parent), lines)
        elif tag == _W + "tbl":
            _table(Table(child, parent), lines, seen)
        elif tag in _CONTAINERS:
            _blocks(child, parent, lines, seen)


def _open(path: Path) -> Any:
    source = path.name
    if not zipfile.is_zipfile(path):
        raise CorpusError(
            f"{source}: is not a valid Word .docx file (it is not a zip archive); if it is an "
            "old .doc or another format, open it in Word or LibreOffice, save it as .docx and "
            "import it again."
        )
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on damaged files
        raise CorpusError(
            f"{source}: is not a valid Word .docx file (it is damaged or is another kind of "
            f"zip: {type(exc).__name__}); open it in Word or LibreOffice, save it again as "
            ".docx and import it again."
        ) from exc


def read_docx(
    path: Path,
    *,
    pattern: str | None = None,
    roles: dict[str, str] | None = None,
    progress: bool | ProgressFn | None = None,
) -> ParsedDocument:
    """Read a Word .docx transcript."""
    if not path.exists():
        raise CorpusError(f"{path.name}: file not found ({path}); check the path and try again.")
    document = _open(path)
    lines = LineCollector()
    seen: set[Any] = set()
    try:
        _blocks(document.element.body, document._body, lines, seen)
    except CorpusError:
        raise
    except Exception as exc:  # malformed XML inside a valid zip
        raise CorpusError(
            f"{path.name}: is not a valid Word .docx file (its content cannot be read: "
            f"{type(exc).__name__}); open it in Word or LibreOffice, save it again and import it."
        ) from exc
    return lines.parse(source=path.name, pattern=pattern, roles=roles, progress=progress)
