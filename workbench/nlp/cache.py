"""A disk cache of parsed texts: one file per (text, pipeline), so nothing is parsed twice.

An entry's name is the text's SHA-256 inside a folder named by a hash of the
pipeline signature (spaCy version, model and version, components): a changed
text or a new model simply misses, and there is nothing to invalidate. Each
file is a msgpack map holding a spaCy ``DocBin`` of the chunks and their
offsets. Writes go to a temporary file renamed over the entry
(``os.replace``), so a killed process leaves either the old entry or the new
one; an entry that cannot be read (truncated, corrupt, other format) is a miss
and is deleted, to be written again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import srsly
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from workbench.nlp.parse import ParsedText

CACHE_FORMAT = 1
SUFFIX = ".spacy"
_SQLITE_SUFFIXES = {".sqlite", ".db", ".sqlite3"}


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
            entry = srsly.msgpack_loads(data)
            if (entry["format"] != CACHE_FORMAT or entry["signature"] != signature
                    or entry["length"] != len(text)):
                raise ValueError("entry of another text or pipeline")
            docs = list(DocBin().from_bytes(entry["docs"]).get_docs(vocab))
            offsets = [int(o) for o in entry["offsets"]]
            if len(docs) != len(offsets):
                raise ValueError("offsets do not match the documents")
        except Exception:  # a corrupt file fails in msgpack, zlib or spaCy: all are misses
            path.unlink(missing_ok=True)
            return None
        return ParsedText(list(zip(offsets, docs, strict=True)))

    def put(self, text: str, signature: str, parsed: ParsedText) -> Path | None:
        """Store a parse atomically; a cache that cannot be written only warns."""
        docbin = DocBin(store_user_data=False)
        for _, doc in parsed.chunks:
            docbin.add(doc)
        payload = srsly.msgpack_dumps({
            "format": CACHE_FORMAT, "signature": signature, "length": len(text),
            "offsets": [offset for offset, _ in parsed.chunks], "docs": docbin.to_bytes()})
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
            warnings.warn(f"spaCy cache not written in {self.folder} ({exc}); the analysis "
                          "goes on, but texts will be parsed again next time.", stacklevel=2)
            return None
        return path

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        count = sum(1 for _ in self.folder.rglob(f"*{SUFFIX}")) if self.folder.exists() else 0
        if self.folder.exists():
            shutil.rmtree(self.folder)
        return count
