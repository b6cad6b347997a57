"""A disk cache of parsed texts: one file per (text, pipeline), so nothing is parsed twice.

An entry's name is the text's SHA-256 inside a folder named by a hash of the
pipeline signature (spaCy version, model and version, components): a changed
text or a new model simply misses, and there is nothing to invalidate.

An entry holds what a spaCy ``DocBin`` holds, laid out to load fast: a JSON
header (format, signature, text length, chunk offsets and token counts, the
attribute names and column types, the strings the annotations use, a CRC of
the body), then the ``Doc.to_array`` table of all tokens, one column after
the other, each in the narrowest integer type (strings as indices into the
header's list): ~11 bytes a token, smaller than a zlib DocBin and nothing to
decompress. Loading gives a :class:`ParsedText` holding these columns: the
token table reads them directly (lexeme attributes such as LOWER or IS_STOP
looked up once per distinct form), and the Docs are rebuilt only if asked for,
with ``Doc(vocab, words=…, spaces=…).from_array(…)`` as ``DocBin.get_docs``
does — rebuilding is 4/5 of the cost of a cached run.

Writes go to a temporary file renamed over the entry (``os.replace``), so a
killed process leaves either the old entry or the new one; an entry that
cannot be read (truncated, corrupt, other format) is a miss and is deleted,
to be written again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import tempfile
import warnings
import zlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.nlp.parse import ParsedText

if TYPE_CHECKING:  # spaCy is imported when an entry is written or read back as Docs
    from spacy.strings import StringStore
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

CACHE_FORMAT = 1
SUFFIX = ".spacy"
MAGIC = b"workbench-docs\n"
# What a cached Doc keeps, by the annotations it has. SPACY is the trailing space.
_BASE_ATTRS = ["ORTH", "SPACY", "TAG", "POS", "MORPH", "LEMMA", "SENT_START"]
_DEP_ATTRS = ["HEAD", "DEP"]
_ENT_ATTRS = ["ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID"]
# Columns holding string hashes, whose strings the entry carries.
_STRING_ATTRS = {"ORTH", "TAG", "MORPH", "LEMMA", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID"}
# Lexeme attributes computed from a cached form, by spaCy attribute id.
_LEXEME_ATTRS = ("LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "IS_ALPHA", "IS_DIGIT",
                 "IS_PUNCT", "IS_SPACE", "IS_STOP", "LIKE_NUM", "IS_LOWER", "IS_UPPER",
                 "IS_TITLE")
_SQLITE_SUFFIXES = {".sqlite", ".db", ".sqlite3"}


@cache
def _lexeme_attrs() -> dict[int, str]:
    """spaCy's id of each of :data:`_LEXEME_ATTRS` → the lexeme property holding it."""
    from spacy import attrs

    return {getattr(attrs, name): name.lower() for name in _LEXEME_ATTRS}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/workbench/spacy`` (default ``~/.cache/workbench/spacy``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "workbench" / "spacy"


def default_cache_dir(project_location: str | Path | None) -> Path:
    """Where a project's parses live: ``<project folder>/cache/spacy`` for SQLite projects.

    A database URL (PostgreSQL) or no location gives the user's cache folder,
    shared by projects (entries are keyed by text, so they never clash).
    """
    if project_location is None:
        return user_cache_dir()
    where = str(project_location)
    if "://" in where:
        if not where.startswith("sqlite:///") or where[10:] in ("", ":memory:"):
            return user_cache_dir()
        path = Path(where[10:])
    else:
        path = Path(project_location)
    folder = path.parent if path.suffix in _SQLITE_SUFFIXES else path
    return folder / "cache" / "spacy"


class DocCache:
    """Parsed texts on disk under `folder`, keyed by text hash and pipeline signature."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"DocCache({str(self.folder)!r})"

    def path(self, text: str, signature: str) -> Path:
        """The file of the entry for this text and pipeline."""
        pipeline = hashlib.sha256(f"{CACHE_FORMAT}|{signature}".encode()).hexdigest()[:16]
        return self.folder / pipeline / f"{text_sha256(text)}{SUFFIX}"

    def get(self, text: str, signature: str, vocab: Vocab) -> ParsedText | None:
        """The cached parse of `text` by the `signature` pipeline, or None (a miss)."""
        path = self.path(text, signature)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            header, body = _split(data)
            if (header["format"] != CACHE_FORMAT or header["signature"] != signature
                    or header["length"] != len(text)):
                raise ValueError("entry of another text or pipeline")
            parsed = ParsedText(stored=_Stored(header, body, vocab))
        except Exception:  # a corrupt file fails in json, zlib, numpy or spaCy: all miss
            path.unlink(missing_ok=True)
            return None
        return parsed

    def put(self, text: str, signature: str, parsed: ParsedText) -> Path | None:
        """Store a parse atomically; a cache that cannot be written only warns."""
        payload = _entry(text, signature, parsed)
        path = self.path(text, signature)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            warnings.warn(f"cache spaCy non écrit dans {self.folder} ({exc}) ; l'analyse "
                          "continue, mais ces textes seront analysés à nouveau la prochaine "
                          "fois.",
                          stacklevel=2)
            return None
        return path

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        if not self.folder.exists():
            return 0
        count = sum(1 for _ in self.folder.rglob(f"*{SUFFIX}"))
        shutil.rmtree(self.folder)
        return count


def _entry(text: str, signature: str, parsed: ParsedText) -> bytes:
    """The bytes of a cache entry: MAGIC, header length, JSON header, column table."""
    from spacy import attrs

    docs = [doc for _, doc in parsed.chunks]
    names = _attrs(docs)
    ids = [getattr(attrs, name) for name in names]
    table = (np.concatenate([doc.to_array(ids) for doc in docs]) if docs
             else np.zeros((0, len(ids)), dtype=np.uint64))
    text_columns = [i for i, name in enumerate(names) if name in _STRING_ATTRS]
    hashes = np.unique(np.concatenate([table[:, i] for i in text_columns]))
    store = docs[0].vocab.strings if docs else None
    strings = [store[h] if h else "" for h in hashes.tolist()] if store is not None else []
    columns, dtypes = [], []
    for i in range(len(names)):
        if i in text_columns:  # a string: its index in `strings`
            column = np.searchsorted(hashes, table[:, i])
        else:  # a number, stored unsigned by spaCy (-1 wraps around)
            column = table[:, i].astype(np.int64)
        dtype = _smallest_dtype(column)
        columns.append(column.astype(dtype).tobytes())
        dtypes.append(dtype)
    body = b"".join(columns)
    header = json.dumps({
        "format": CACHE_FORMAT, "signature": signature, "length": len(text),
        "offsets": [offset for offset, _ in parsed.chunks], "tokens": [len(d) for d in docs],
        "attrs": names, "dtypes": dtypes, "strings": strings, "crc32": zlib.crc32(body),
    }, ensure_ascii=False).encode("utf-8")
    return MAGIC + len(header).to_bytes(4, "big") + header + body


def _smallest_dtype(column: np.ndarray) -> str:
    """The narrowest little-endian integer type holding every value of `column`."""
    low, high = (int(column.min()), int(column.max())) if len(column) else (0, 0)
    for dtype in ("<i1", "<u1", "<i2", "<u2", "<i4", "<u4"):
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return dtype
    return "<i8"


class _Stored:
    """An entry's token columns; Docs are rebuilt from them only when asked for."""

    def __init__(self, header: dict[str, Any], body: bytes, vocab: Vocab) -> None:
        """Check and unpack the entry (ValueError when it does not hold together)."""
        if zlib.crc32(body) != header["crc32"]:
            raise ValueError("body does not match its checksum")
        names, dtypes, counts = header["attrs"], header["dtypes"], header["tokens"]
        if len(counts) != len(header["offsets"]) or len(names) != len(dtypes):
            raise ValueError("the header does not hold together")
        add = vocab.strings.add
        hashes = np.array([add(string) if string else 0 for string in header["strings"]],
                          dtype=np.uint64)
        n = sum(counts)
        table = np.empty((n, len(names)), dtype=np.uint64)
        position = 0
        for i, (name, dtype) in enumerate(zip(names, dtypes, strict=True)):
            column = np.frombuffer(body, dtype=dtype, count=n, offset=position)
            position += n * np.dtype(dtype).itemsize
            table[:, i] = hashes[column] if name in _STRING_ATTRS else \
                column.astype(np.int64).astype(np.uint64)
        if position != len(body):
            raise ValueError("the body is not the size the header says")
        self.offsets: list[int] = list(header["offsets"])
        self.names, self.table, self.counts, self.vocab = names, table, counts, vocab

    @property
    def strings(self) -> StringStore:
        return self.vocab.strings

    def _spans(self) -> list[tuple[int, int]]:
        """Each chunk's (first row, end row) in the table."""
        return list(itertools.pairwise(np.cumsum([0, *self.counts]).tolist()))

    def docs(self) -> list[Doc]:
        """The Docs, as ``DocBin.get_docs`` rebuilds them."""
        from spacy import attrs
        from spacy.tokens import Doc

        ids = [getattr(attrs, name) for name in self.names]
        orth, space = self.names.index("ORTH"), self.names.index("SPACY")
        docs = []
        for a, b in self._spans():
            rows = self.table[a:b]
            doc = Doc(self.vocab, words=rows[:, orth].tolist(),
                      spaces=rows[:, space].astype(bool).tolist())
            docs.append(doc.from_array(ids, rows) if len(rows) else doc)
        return docs

    def to_arrays(self, attr_ids: list[int]) -> list[np.ndarray]:
        """Each chunk's ``Doc.to_array(attr_ids)``, computed from the columns."""
        from spacy import attrs

        lexeme_attrs = _lexeme_attrs()
        stored = {getattr(attrs, name): i for i, name in enumerate(self.names)}
        orth = self.table[:, stored[attrs.ORTH]]
        unique, inverse = np.unique(orth, return_inverse=True)
        strings = self.vocab.strings
        lexemes = [self.vocab[strings[h]] for h in unique.tolist()]
        lengths = np.array([len(lex.orth_) for lex in lexemes], dtype=np.int64)[inverse]
        space = self.table[:, stored[attrs.SPACY]].astype(np.int64)
        columns = []
        for attr in attr_ids:
            if attr in stored:
                columns.append(self.table[:, stored[attr]])
            elif attr == attrs.LENGTH:
                columns.append(lengths.astype(np.uint64))
            elif attr == attrs.IDX:
                columns.append(np.zeros(len(orth), dtype=np.uint64))  # filled per chunk
            elif attr in lexeme_attrs:
                name = lexeme_attrs[attr]
                values = np.array([int(getattr(lex, name)) for lex in lexemes], dtype=np.uint64)
                columns.append(values[inverse])
            else:
                raise ValueError(f"attribute {attr} is not in the cache")
        table = np.column_stack(columns) if columns else np.zeros((len(orth), 0), np.uint64)
        arrays = []
        for a, b in self._spans():
            rows = table[a:b].copy()
            if attrs.IDX in attr_ids and b > a:
                steps = lengths[a:b] + space[a:b]
                idx = np.concatenate([[0], np.cumsum(steps[:-1])]).astype(np.uint64)
                rows[:, attr_ids.index(attrs.IDX)] = idx
            arrays.append(rows)
        return arrays


def _split(data: bytes) -> tuple[dict[str, Any], bytes]:
    """An entry's header and body (ValueError when it is not an entry)."""
    if not data.startswith(MAGIC):
        raise ValueError("not a workbench cache entry")
    start = len(MAGIC) + 4
    end = start + int.from_bytes(data[len(MAGIC):start], "big")
    if end > len(data):
        raise ValueError("truncated entry")
    return json.loads(data[start:end].decode("utf-8")), data[end:]


def _attrs(docs: list[Doc]) -> list[str]:
    """The token attributes worth storing for these docs (parser and NER ones if present)."""
    names = list(_BASE_ATTRS)
    if any(doc.has_annotation("DEP") for doc in docs):
        names += _DEP_ATTRS
    if any(doc.has_annotation("ENT_IOB") for doc in docs):
        names += _ENT_ATTRS
    return names
