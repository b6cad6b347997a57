"""The passage index of a project: every passage with its TF-IDF row and word vector.

Built once and cached on disk beside the parses (``<project>/cache/assist``), one entry
per document, keyed by a hash of the text, its turn bounds, the passage unit and the
pipelines: an unchanged document is read back, a new or edited one is parsed (itself
from the parse cache when it can) and its entry written. Speakers and roles are joined
from the store at each build, since a researcher may declare roles after indexing.
TF-IDF weights are refitted over all passages at each build (a second or less).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import select

from workbench.assist.features import SEMANTIC_WEIGHT, fit_idf, lexical, semantic, vector_model
from workbench.assist.units import COLUMNS, check_unit, passage_units
from workbench.coding.extracts import turn_table
from workbench.nlp.cache import default_cache_dir
from workbench.nlp.languages import effective_language
from workbench.nlp.pipeline import MODEL_VERSION, model_for
from workbench.parsed import document_languages, document_texts, project_tokens
from workbench.store import Store
from workbench.store import schema as s

INDEX_FORMAT = 3
_ARRAYS = ("turn", "start", "end", "words", "forms", "lemmas")
# An entry holds per passage a 300-float vector and its words: far less than this many bytes
# per character of the document. A larger entry is not ours (a crafted file): never inflated.
BYTES_PER_CHAR = 4096


@dataclass
class PassageIndex:
    """Passages (`units`, see `units.COLUMNS` plus `reference` and `space`), their TF-IDF
    rows (`lexical`, L2-normalised) and word vectors (`semantic`; zero rows for a
    language without vectors), with the vocabulary and idf the rows were made with."""

    units: pd.DataFrame
    lexical: sp.csr_matrix
    semantic: np.ndarray
    vocabulary: list[str]
    idf: np.ndarray
    spaces: dict[str, str | None] = field(default_factory=dict)  # language → vector model

    def __len__(self) -> int:
        return len(self.units)

    def scores(self, rows: np.ndarray | None = None, *, words: str = "", forms: str = "",
               space: str | None = None) -> np.ndarray:
        """Similarity of every passage to passages `rows` (their mean) or to a query given
        as lemmas and forms in the vector space `space`."""
        if rows is not None and len(rows):
            lex_q = np.asarray(self.lexical[rows].mean(axis=0)).ravel()
            spaces = self.units["space"].to_numpy()[rows]
            space = next((x for x in spaces if x), None)
            sem_q = self.semantic[rows].mean(axis=0) if self.semantic.size else None
        else:
            lex_q = np.asarray(lexical([words], self.vocabulary, self.idf).todense()).ravel()
            sem_q = semantic([forms], space)[0] if space else None
        lex = self.lexical @ (lex_q / (np.linalg.norm(lex_q) or 1.0))
        score = np.asarray(lex, dtype=np.float64).ravel()
        if space and sem_q is not None and np.linalg.norm(sem_q) > 0:
            same = self.units["space"].to_numpy() == space
            sem = self.semantic @ (sem_q / np.linalg.norm(sem_q))
            known = same & (np.linalg.norm(self.semantic, axis=1) > 0)
            score = np.where(known, (1 - SEMANTIC_WEIGHT) * score + SEMANTIC_WEIGHT * sem, score)
        return score


def cache_folder(location: str | Path | None) -> Path:
    """``<project>/cache/assist`` (the user's cache for a database URL), beside the parses."""
    return default_cache_dir(location).parent / "assist"


def build_index(store: Store, location: str | Path | None, *, unit: str = "sentence",
                documents: Iterable[int] | None = None, progress: bool = False) -> PassageIndex:
    """The index of the project's documents (or of some), from the cache where it can."""
    check_unit(unit)
    texts = document_texts(store, documents)
    languages = {int(d): effective_language(x)
                 for d, x in document_languages(store, texts).items()}
    with store.read() as conn:
        turns = turn_table(conn, texts.keys())
        names = dict(conn.execute(select(s.documents.c.id, s.documents.c.name)).all())
        references = dict(conn.execute(select(s.documents.c.id, s.documents.c.reference)).all())
    spaces = {x: vector_model(x) for x in set(languages.values())}
    folder = cache_folder(location)
    keys = {d: _entry_key(texts[d], turns[turns["document_id"] == d], unit,
                          languages[d], spaces[languages[d]]) for d in texts}
    parts: dict[int, dict[str, np.ndarray]] = {}
    for d, key in keys.items():
        entry = _read(folder / f"{key}.npz", limit=BYTES_PER_CHAR * len(texts[d]) + 2**20)
        if entry is not None:
            parts[d] = entry
    missing = [d for d in texts if d not in parts]
    if missing:
        tokens = project_tokens(store, location, documents=missing, progress=progress,
                                purpose=None, sentences_only=True)
        fresh = passage_units(tokens, unit=unit)
        for d in missing:
            mine = fresh[fresh["document_id"] == d]
            space = spaces[languages[d]]
            vectors = semantic(mine["forms"].tolist(), space) if space and len(mine) else \
                np.zeros((len(mine), 0), dtype=np.float32)
            parts[d] = {"turn": mine["turn"].to_numpy(dtype=np.int64),
                        "start": mine["start"].to_numpy(dtype=np.int64),
                        "end": mine["end"].to_numpy(dtype=np.int64),
                        "words": mine["words"].to_numpy(dtype=str),
                        "forms": mine["forms"].to_numpy(dtype=str),
                        "lemmas": mine["lemmas"].to_numpy(dtype=str), "semantic": vectors}
            _write(folder / f"{keys[d]}.npz", parts[d])
    return _assemble(parts, turns, names, references, languages, spaces)


def _assemble(parts: Mapping[int, dict[str, np.ndarray]], turns: pd.DataFrame,
              names: Mapping[int, str], references: Mapping[int, str | None],
              languages: Mapping[int, str], spaces: dict[str, str | None]) -> PassageIndex:
    frames, vectors = [], []
    dim = max((p["semantic"].shape[1] for p in parts.values() if p["semantic"].ndim == 2),
              default=0)
    for d in sorted(parts):
        part = parts[d]
        n = len(part["start"])
        frames.append(pd.DataFrame({"document_id": d, **{k: part[k] for k in _ARRAYS}},
                                   index=range(n)))
        block = np.zeros((n, dim), dtype=np.float32)
        if part["semantic"].ndim == 2 and part["semantic"].shape[1] == dim and dim:
            block = part["semantic"].astype(np.float32)
        vectors.append(block)
    units = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ["document_id", *_ARRAYS]})
    units = units.astype({"document_id": "int64", "turn": "int64", "start": "int64",
                          "end": "int64"})
    speakers = turns.set_index(["document_id", "idx"])[["speaker", "role"]]
    joined = units.join(speakers, on=["document_id", "turn"])
    units["speaker"] = pd.Series([None if pd.isna(x) else str(x) for x in joined["speaker"]],
                                 index=units.index, dtype=object)
    units["role"] = pd.Series([None if pd.isna(x) else str(x) for x in joined["role"]],
                              index=units.index, dtype=object)
    units["document"] = units["document_id"].map(names)
    units["reference"] = [f"{references.get(d) or names.get(d)}-T{t + 1}" if t >= 0 else
                          f"{references.get(d) or names.get(d)}-@{st}"
                          for d, t, st in zip(units["document_id"], units["turn"],
                                              units["start"], strict=True)]
    units["space"] = units["document_id"].map(lambda d: spaces.get(languages.get(d, "")))
    units = units[[*COLUMNS, "reference", "space"]]
    vocabulary, idf = fit_idf(units["words"])
    semantic_rows = np.vstack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32)
    return PassageIndex(units=units, lexical=lexical(units["words"].tolist(), vocabulary, idf),
                        semantic=semantic_rows, vocabulary=vocabulary, idf=idf, spaces=spaces)


def _entry_key(text: str, turns: pd.DataFrame, unit: str, language: str,
               space: str | None) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    bounds = ",".join(f"{a}:{b}" for a, b in zip(turns["start"], turns["end"], strict=True))
    signature = json.dumps([INDEX_FORMAT, unit, language, model_for(language), space,
                            MODEL_VERSION, bounds])
    digest.update(signature.encode("utf-8"))
    return digest.hexdigest()


def read_npz(path: Path, keys: tuple[str, ...], *, limit: int) -> dict[str, np.ndarray]:
    """The arrays `keys` of an .npz file, without pickle, refusing (ValueError) a file whose
    members would inflate beyond `limit` bytes."""
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > limit:
            raise ValueError(f"{path.name}: more than {limit} bytes once inflated")
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in keys}


def _read(path: Path, *, limit: int) -> dict[str, np.ndarray] | None:
    """A cached entry, or None when absent or unreadable (then deleted, to be rewritten)."""
    if not path.is_file():
        return None
    try:
        entry = read_npz(path, (*_ARRAYS, "semantic"), limit=limit)
        if len({len(entry[k]) for k in (*_ARRAYS, "semantic")}) != 1:
            raise ValueError("ragged entry")
        return entry
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        path.unlink(missing_ok=True)
        return None


def _write(path: Path, entry: dict[str, np.ndarray]) -> None:
    """Write an entry through a temporary file renamed over it (never half-written);
    a read-only cache folder only costs the next build its time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **entry)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except OSError:
        return
