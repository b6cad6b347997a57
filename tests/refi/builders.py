"""Hand-built REFI-QDA archives for the tests: small, explicit XML, real zip files."""

from __future__ import annotations

import sqlite3
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from workbench import Project

ROOT = Path(__file__).resolve().parents[2]
REFI = ROOT.parent / "shared" / "data" / "refi"
NS = "urn:QDA-XML:project:1.0"


def guid() -> str:
    return str(uuid.uuid4())


def attrs(**values: object) -> str:
    return " ".join(f"{k}={quoteattr(str(v))}" for k, v in values.items() if v is not None)


def project_xml(body: str, *, declaration: bool = True, **root: object) -> bytes:
    """A project.qde around `body` (Users, CodeBook, Sources … as XML text)."""
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if declaration else ""
    return (f'{head}<Project xmlns="{NS}" {attrs(name="test", **root)}>{body}'
            "</Project>").encode()


def codebook(*codes: tuple[str, str]) -> str:
    """A flat CodeBook of (guid, name)."""
    inner = "".join(f'<Code {attrs(guid=g, name=n, isCodable="true")}/>' for g, n in codes)
    return f"<CodeBook><Codes>{inner}</Codes></CodeBook>"


def selection(start: int, end: int, code: str, *, name: str | None = None) -> str:
    head = attrs(guid=guid(), name=name, startPosition=start, endPosition=end)
    return (f"<PlainTextSelection {head}>"
            f'<Coding {attrs(guid=guid())}><CodeRef targetGUID="{code}"/></Coding>'
            "</PlainTextSelection>")


def text_source(*selections: str, name: str | None = None, path: str | None = None,
                content: str | None = None, source_guid: str | None = None) -> str:
    inner = f"<PlainTextContent>{content}</PlainTextContent>" if content is not None else ""
    return (f"<TextSource {attrs(guid=source_guid or guid(), name=name, plainTextPath=path)}>"
            f"{inner}{''.join(selections)}</TextSource>")


def make_qdpx(path: Path, qde: bytes, members: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


def one_source_project(path: Path, text: bytes, spans: list[tuple[int, int, str | None]], *,
                       source_path: str = "internal://s.txt", member: str | None = "sources/s.txt",
                       **root: object) -> Path:
    """An archive with one code and one source holding `text`, one selection per span."""
    code = guid()
    selections = [selection(a, b, code, name=n) for a, b, n in spans]
    qde = project_xml(codebook((code, "Thème")) + "<Sources>"
                      + text_source(*selections, name="Entretien", path=source_path)
                      + "</Sources>", **root)
    return make_qdpx(path, qde, {member: text} if member else {})


def copy_project(project: Project, folder: Path) -> Project:
    """A copy of an open project (SQLite backup API: consistent even with a WAL)."""
    folder.mkdir(parents=True)
    source = sqlite3.connect(project.store.where)
    target = sqlite3.connect(folder / "project.sqlite")
    with target:
        source.backup(target)
    source.close()
    target.close()
    return Project.open(folder, coder="claire")


def nothing_left(target: Path) -> bool:
    """True when the target does not exist and no temporary folder is left beside it."""
    leftovers = list(target.parent.glob(f".{target.name}.import-*"))
    return not target.exists() and not leftovers
