"""Builders and checks for the hostile-input suite (issue 14).

Every hostile file is built here or in the test that uses it, never stored: zip
bombs are written as deflate streams made once and repeated (a 4 GB member in a
few MB, in about a second), sheets with openpyxl, transcripts as text.

Each refusal is checked the same way (`refused`): a WorkbenchError subclass
whose message names the file (or the code, the document), is French and says
what to do, and a project exactly as it was (`snapshot`: every row of every
table; `verify()` still ok). Cases that could take memory or time run in a
child process under an address-space limit (`bounded`), which reports the
error, the seconds and the peak memory.
"""

from __future__ import annotations

import json
import os
import re
import resource
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from workbench import Project
from workbench.errors import WorkbenchError
from workbench.store import schema as s

ROOT = Path(__file__).resolve().parents[2]
AS_LIMIT = 1536 * 1024**2  # the child's address space: a runaway read fails fast
MAX_SECONDS = 60
MAX_PEAK_MB = 1024

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# -- checking refusals --------------------------------------------------------------------

# French imperatives a message uses to say what to do (corrigez, ouvrez, enregistrez…).
_TODO = re.compile(r"\b(?!chez\b|assez\b)[a-zà-ÿ]+ez(?:-le|-la|-les)?\b")
_FRENCH = re.compile(r"\b(?:le|la|les|du|des|un|une|rien|dans|fichier|document|code)\b")


def assert_french_advice(message: str, *names: str) -> None:
    """The message names each of `names`, is French, and says what to do."""
    for name in names:
        assert name in message, f"{name!r} not named in: {message}"
    assert _FRENCH.search(message), f"not French: {message}"
    assert _TODO.search(message), f"says nothing to do: {message}"
    assert " : " in message or " ; " in message, message


def snapshot(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the project, in a stable order."""
    with project.store.read() as conn:
        return {table.name: sorted(tuple(map(repr, row)) for row in
                                    conn.execute(select(table)).all())
                for table in s.metadata.sorted_tables}


def counts(project: Project) -> dict[str, int]:
    state = snapshot(project)
    return {name: len(state[name]) for name in ("documents", "turns", "codings", "codes",
                                                "cases", "memos")}


class Unchanged:
    """Context: the project must be exactly as before the block, and verify() ok."""

    def __init__(self, project: Project) -> None:
        self.project = project

    def __enter__(self) -> Unchanged:
        self.before = snapshot(self.project)
        return self

    def __exit__(self, *exc: object) -> None:
        after = snapshot(self.project)
        changed = [name for name in self.before if self.before[name] != after[name]]
        assert not changed, f"tables changed: {changed}"
        assert self.project.verify().ok


def refused(error: type[WorkbenchError], call: Any, *names: str,
            project: Project | None = None) -> str:
    """Run `call`; it must raise `error` with French advice naming `names`, and leave
    `project` (when given) exactly as it was. Returns the message."""
    if project is not None:
        with Unchanged(project), pytest.raises(error) as caught:
            call()
    else:
        with pytest.raises(error) as caught:
            call()
    message = str(caught.value)
    print(f"refused: {type(caught.value).__name__}: {message[:400]}")
    assert_french_advice(message, *names)
    return message


# -- running a case in a bounded child process --------------------------------------------

_PRELUDE = """
import json, resource, sys, time
from pathlib import Path
V = json.loads(sys.argv[1])
from workbench import Project
from workbench.corpus import read_document
from workbench.errors import WorkbenchError
out = {"error": None, "workbench": False, "message": "", "value": None}
start = time.perf_counter()
try:
"""
_CODA = """
except BaseException as exc:
    out.update(error=type(exc).__name__, workbench=isinstance(exc, WorkbenchError),
               message=str(exc)[:4000])
out["seconds"] = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would carry the forking parent's over exec)
status = Path("/proc/self/status")
hwm = [ln for ln in status.read_text().splitlines() if ln.startswith("VmHWM:")] \
    if status.exists() else []
out["peak_mb"] = (int(hwm[0].split()[1]) if hwm else
                  resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print("RESULT " + json.dumps(out, default=str))
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def bounded(code: str, **values: Any) -> dict[str, Any]:
    """Run `code` (Python; `V` holds `values`, `out["value"]` may take a result) in a
    child process limited to 1.5 GB of address space; returns its error type, whether
    it is a WorkbenchError, its message, the seconds the code took and the peak RSS."""
    script = _PRELUDE + textwrap.indent(textwrap.dedent(code).strip() or "pass", "    ") + _CODA
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script, json.dumps(values, default=str)],
                          capture_output=True, text=True, timeout=MAX_SECONDS * 3, cwd=ROOT,
                          env=env, preexec_fn=_limit, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"child failed (code {proc.returncode}):\n{proc.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT "):])
    print(f"bounded: {result['error']} in {result['seconds']:.2f} s, "
          f"peak {result['peak_mb']:.0f} MB")
    return result


def assert_bounded(result: dict[str, Any], error: str | None, *names: str) -> str:
    """The child raised `error` (a WorkbenchError, French advice naming `names`) — or
    nothing when `error` is None — within the time and memory limits."""
    assert result["seconds"] < MAX_SECONDS, result
    assert result["peak_mb"] < MAX_PEAK_MB, result
    assert result["error"] == error, result
    if error is not None:
        assert result["workbench"], result
        assert_french_advice(result["message"], *names)
    return str(result["message"])


# -- zip archives, bombs included ---------------------------------------------------------

_BLOCK = 1024**2


def _chunk(data: bytes) -> bytes:
    """`data` deflated by a fresh compressor and flushed to a byte boundary, without the
    final block: such chunks can be concatenated into one valid deflate stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


_END = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block


def repeated(prefix: bytes, unit: bytes, size: int, suffix: bytes = b"") -> tuple[bytes, int, int]:
    """A member of `prefix`, `unit` repeated to about `size` bytes, then `suffix`, as
    (deflate stream, inflated size, CRC-32): made once per MiB block, then repeated."""
    block = unit * max(1, _BLOCK // len(unit))
    n = max(1, (size - len(prefix) - len(suffix)) // len(block))
    crc = zlib.crc32(prefix)
    for _ in range(n):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    stream = _chunk(prefix) + _chunk(block) * n + _chunk(suffix) + _END
    return stream, len(prefix) + n * len(block) + len(suffix), crc


def write_zip(path: Path, members: dict[str, bytes | tuple[bytes, int, int]]) -> Path:
    """A zip file whose members are bytes (deflated here) or ready (stream, size, crc)
    triples from `repeated`; zip64 sizes for members of 4 GiB or more."""
    central = []
    with open(path, "wb") as out:
        for name, member in members.items():
            if isinstance(member, bytes):
                stream, size, crc = _chunk(member) + _END, len(member), zlib.crc32(member)
            else:
                stream, size, crc = member
            raw = name.encode()
            big = size >= 0xFFFFFFFF or len(stream) >= 0xFFFFFFFF
            extra = struct.pack("<HHQQ", 1, 16, size, len(stream)) if big else b""
            sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(stream), size)
            offset = out.tell()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, *sizes,
                                  len(raw), len(extra)) + raw + extra)
            out.write(stream)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21,
                                       crc, *sizes, len(raw), len(extra), 0, 0, 0, 0, offset)
                           + raw + extra)
        start = out.tell()
        for record in central:
            out.write(record)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                              out.tell() - start, start, 0))
    return path


# -- Word and OpenDocument files -----------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    b'application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>")
DOCX_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
DOCX_TAIL = b"</w:body></w:document>"


def docx_paragraph(text: str, *, label: str | None = None) -> bytes:
    """One paragraph; `label` in bold first (« Fatima : »)."""
    from xml.sax.saxutils import escape

    bold = (f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{escape(label)} :</w:t></w:r>'
            if label else "")
    return (f'<w:p>{bold}<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p>'
            ).encode()


def docx(path: Path, document: bytes | tuple[bytes, int, int],
         **extra: bytes | tuple[bytes, int, int]) -> Path:
    """A minimal .docx around `document` (word/document.xml), plus `extra` members."""
    return write_zip(path, {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS,
                            "word/document.xml": document, **extra})


ODT_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
    b'names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
    b'xmlns:text:1.0" office:version="1.2"><office:body><office:text>')
ODT_TAIL = b"</office:text></office:body></office:document-content>"


def odt(path: Path, content: bytes | tuple[bytes, int, int]) -> Path:
    """A minimal .odt around `content` (content.xml)."""
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="'
                b'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return write_zip(path, {"mimetype": b"application/vnd.oasis.opendocument.text",
                            "META-INF/manifest.xml": manifest, "content.xml": content})


GOOD = "Enquêtrice : Bonjour.\nFatima : Le puits du village.\n"


@pytest.fixture
def coded(project: Project) -> Project:
    """The mini project of tests/conftest.py with a coding, a memo and a document memo."""
    project.code_quote("E01_fatima", "Le village, c'est ma mère", "liens.affectifs",
                       memo="attachement fort")
    project.memo("document", "Entretien dense.", document="E01_fatima")
    return project


def inflate_first_sheet(path: Path) -> Path:
    """Rewrite a workbook so its first sheet inflates to 4 GiB of empty rows (a zip bomb
    that still looks like a sheet), without ever holding them in memory."""
    with zipfile.ZipFile(path) as source:
        members: dict[str, bytes | tuple[bytes, int, int]] = {
            name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    assert isinstance(sheet, bytes)
    head, _, tail = sheet.partition(b"</sheetData>")
    members["xl/worksheets/sheet1.xml"] = repeated(head, b"<row/>", 4 * 1024**3,
                                                   b"</sheetData>" + tail)
    return write_zip(path, members)
