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
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from tqdm.auto import tqdm

from workbench.errors import WorkbenchError
from workbench.nlp.pipeline import load_pipeline, pipeline_signature

if TYPE_CHECKING:
    from workbench.nlp.cache import DocCache

CHUNK_CHARS = 20_000
# Below this many words (estimated), one process: starting a worker and
# shipping documents back costs more than it saves.
PARALLEL_MIN_WORDS = 20_000
_SENTENCE_ENDS = (". ", "! ", "? ", "… ", ".\t", "!\t", "?\t")
_EMPTY_TENSOR = np.zeros((0,), dtype="float32")


@dataclass
class ParsedText:
    """One text parsed by spaCy: ``(offset of the chunk in the text, Doc of the chunk)``."""

    chunks: list[tuple[int, Doc]] = field(default_factory=list)

    @property
    def n_tokens(self) -> int:
        return sum(len(doc) for _, doc in self.chunks)


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


def estimate_words(texts: Mapping[Hashable, str] | list[str]) -> int:
    """A quick word count (spaces and line ends) to size the work."""
    values = texts.values() if isinstance(texts, Mapping) else texts
    return sum(t.count(" ") + t.count("\n") + 1 for t in values if t)


def default_processes(words: int) -> int:
    """Processes for `words` words: 1 for small jobs, else every core this process may use."""
    if words < PARALLEL_MIN_WORDS:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def parse_texts(texts: Mapping[Hashable, str], *, task: str = "lemma", model: str | None = None,
                cache: DocCache | None = None, n_process: int | None = None,
                batch_size: int = 64, progress: bool = True) -> dict[Hashable, ParsedText]:
    """Parse each text (key → text) with the `task` pipeline; returns key → ParsedText.

    `cache`: texts already parsed by the same pipeline are loaded, not parsed,
    and new parses are stored as soon as each text is done. `n_process`: worker
    processes (default: 1 under ~20,000 words, else one per available core).
    `batch_size`: chunks per batch given to spaCy. `progress`: a tqdm bar over chunks.
    """
    for key, text in texts.items():
        if not isinstance(text, str):
            raise WorkbenchError(f"text '{key}' is a {type(text).__name__}, not a str: "
                                 "only texts can be parsed.")
    if n_process is not None and n_process < 1:
        raise WorkbenchError(f"n_process must be 1 or more, not {n_process}.")
    nlp = load_pipeline(task, model=model)
    signature = pipeline_signature(task, model) if cache is not None else ""
    done: dict[Hashable, ParsedText] = {}
    todo: dict[Hashable, str] = {}
    for key, text in texts.items():
        hit = cache.get(text, signature, nlp.vocab) if cache is not None else None
        if hit is None:
            todo[key] = text
        else:
            done[key] = hit
    jobs = [(key, offset, piece) for key, text in todo.items()
            for offset, piece in chunk_text(text)]
    remaining = {key: 0 for key in todo}
    for key, _, _ in jobs:
        remaining[key] += 1
    for key in todo:
        if not remaining[key]:  # empty text: nothing to parse
            done[key] = ParsedText([])
    processes = n_process or default_processes(estimate_words(todo))
    processes = max(1, min(processes, len(jobs)))
    if processes > 1:  # spaCy deals batches to workers: give each worker several
        batch_size = max(1, min(batch_size, math.ceil(len(jobs) / (processes * 4))))
    bar = tqdm(total=len(jobs), desc="Analyse linguistique (spaCy)", unit="segment",
               disable=not progress or not jobs)
    with bar:
        for (key, offset, _), doc in zip(jobs, _pipe(nlp, jobs, batch_size, processes),
                                         strict=True):
            parsed = done.setdefault(key, ParsedText())
            parsed.chunks.append((offset, doc))
            remaining[key] -= 1
            if not remaining[key] and cache is not None:
                cache.put(todo[key], signature, parsed)
            bar.update()
    return {key: done[key] for key in texts}


def _pipe(nlp: Language, jobs: list[tuple[Hashable, int, str]], batch_size: int,
          processes: int) -> Iterator[Doc]:
    """spaCy's pipe over the chunks, dropping each Doc's tensor (memory: ~400 bytes a token)."""
    stream = nlp.pipe((piece for _, _, piece in jobs), batch_size=batch_size,
                      n_process=processes)
    for doc in stream:
        doc.tensor = _EMPTY_TENSOR
        yield doc
