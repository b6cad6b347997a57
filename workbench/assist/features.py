"""The two ways a passage is described: TF-IDF over its lemmas (and pairs of consecutive
lemmas), and the mean of its words' vectors from a spaCy model that has them.

TF-IDF is computed here rather than with scikit-learn's vectoriser so that a trained
model keeps only plain arrays (vocabulary, idf) and reads back without pickle.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import scipy.sparse as sp

from workbench.nlp.languages import effective_language
from workbench.nlp.pipeline import MODELS, installed, load_pipeline

SEMANTIC_WEIGHT = 0.5  # share of the vector similarity in a passage's similarity
# Smooth inverse frequency (Arora et al., 2017): a word weighs a / (a + p(word)) in a
# passage's mean vector, so « monde » or « parler » count less than « robinet ». spaCy's
# vector tables are sorted by frequency, so p(word) is read from its row by Zipf's law.
SIF_A = 1e-4


def grams(words: str) -> list[str]:
    """A passage's lemmas and its pairs of consecutive lemmas."""
    tokens = words.split()
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def fit_idf(passages: Iterable[str], *, min_df: int = 1) -> tuple[list[str], np.ndarray]:
    """Vocabulary (sorted) and smoothed idf of `passages` (lemmas joined by spaces)."""
    df: dict[str, int] = {}
    n = 0
    for words in passages:
        n += 1
        for gram in set(grams(words)):
            df[gram] = df.get(gram, 0) + 1
    vocabulary = sorted(g for g, count in df.items() if count >= min_df)
    counts = np.array([df[g] for g in vocabulary], dtype=np.float64)
    idf = np.log((1 + n) / (1 + counts)) + 1.0
    return vocabulary, idf


def lexical(passages: Sequence[str], vocabulary: Sequence[str],
            idf: np.ndarray) -> sp.csr_matrix:
    """Rows of sublinear TF-IDF, L2-normalised; grams outside the vocabulary are ignored."""
    index = {g: i for i, g in enumerate(vocabulary)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[int] = []
    for r, words in enumerate(passages):
        counts: dict[int, int] = {}
        for gram in grams(words):
            j = index.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        rows.extend([r] * len(counts))
        cols.extend(counts)
        vals.extend(counts.values())
    matrix = sp.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)),
                           shape=(len(passages), len(vocabulary)))
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    return normalised(matrix)


def normalised(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def vector_model(language: str | None) -> str | None:
    """The installed spaCy model of `language` that has word vectors (md or lg: spaCy's
    small models have none), or None."""
    for name in MODELS.get(effective_language(language), ()):
        if not name.endswith("_sm") and installed(name):
            return name
    return None


@cache
def _table(model: str) -> tuple[dict[str, int], np.ndarray]:
    """The model's vectors: word → row, and the rows (loaded once per process)."""
    vocab = load_pipeline("tokenize", model=model).vocab
    vectors = vocab.vectors
    rows = {vocab.strings[key]: int(row) for key, row in vectors.key2row.items()
            if key in vocab.strings}
    return rows, np.asarray(vectors.data, dtype=np.float32)


def sif_weights(n_rows: int) -> np.ndarray:
    """The weight of each row of a frequency-sorted vector table (see SIF_A)."""
    ranks = np.arange(1, n_rows + 1, dtype=np.float64)
    p = 1.0 / (ranks * (np.log(n_rows) + 0.5772))
    return (SIF_A / (SIF_A + p)).astype(np.float32)


def semantic(forms: Sequence[str], model: str) -> np.ndarray:
    """Each passage's weighted mean word vector, L2-normalised (zeros when no word is
    known); frequent words weigh less (see SIF_A)."""
    rows, table = _table(model)
    weight = sif_weights(len(table))
    r_idx: list[int] = []
    c_idx: list[int] = []
    for r, text in enumerate(forms):
        for word in text.split():
            j = rows.get(word)
            if j is not None:
                r_idx.append(r)
                c_idx.append(j)
    counts = sp.csr_matrix((weight[c_idx], (r_idx, c_idx)),
                           shape=(len(forms), len(table)))
    means = np.asarray(counts @ table, dtype=np.float32)
    norms = np.linalg.norm(means, axis=1)
    norms[norms == 0] = 1.0
    return means / norms[:, None]
