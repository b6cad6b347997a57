"""Classifiers per code, learned from the team's codings: which passages look like those
the researchers coded with it.

For each code, a passage is a positive example when an accepted coding of the code
covers half of it (or half of the coding lies in it); a negative one when it lies in a
document the team has coded by hand and no accepted coding of the code covers it, or
when a suggestion of the code on it was rejected (counted twice). The model is a
logistic regression (scikit-learn, liblinear) with classes balanced, on: the TF-IDF of
all the passage's lemmas (stop words kept: negations matter), that of its neighbours in
the document (a code often covers a few sentences), whether it opens its speaker turn,
and its word vector. Its threshold is the one that gave the best F1 on held-out
documents (cross-validation grouped by document and stratified), so the precision and
recall it reports are those of passages in documents it did not learn from; a model that
found none of the held-out positives is not kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from workbench.assist.features import fit_idf, lexical, normalised
from workbench.assist.index import PassageIndex
from workbench.assist.units import overlapping

MIN_EXAMPLES = 8  # positive passages a code needs before a model is trained for it
MIN_WORDS = 2  # content words a passage needs to be suggested (« Zéro. » says too little)
REJECTED_WEIGHT = 2.0
DEFAULT_THRESHOLD = 0.5
CONTEXT_WEIGHT = 0.5  # weight of the neighbouring passages' words beside the passage's own
THRESHOLDS = np.round(np.arange(0.2, 0.96, 0.05), 2)


@dataclass
class CodeModel:
    """One code's classifier: weights over the features, intercept and threshold, with the
    examples it learned from and its cross-validated precision, recall and F1."""

    code: str
    coef: np.ndarray
    intercept: float
    threshold: float
    positives: int
    negatives: int
    documents: int
    precision: float = float("nan")
    recall: float = float("nan")
    f1: float = float("nan")
    roles: list[str | None] = field(default_factory=list)  # speaker roles of its examples


@dataclass
class LearnedModels:
    """Every code's model, with the vocabulary, idf and vector space they were trained on."""

    unit: str
    vocabulary: list[str]
    idf: np.ndarray
    dim: int
    models: dict[str, CodeModel] = field(default_factory=dict)
    trained_at: str = ""
    trained_by: str = ""

    def features(self, index: PassageIndex, rows: np.ndarray | None = None) -> sp.csr_matrix:
        """The features of passages of `index` (all, or `rows`) in this vocabulary: own
        lemmas, neighbours' lemmas, first of its turn, word vector."""
        units = index.units
        lex = lexical(units["lemmas"].tolist(), self.vocabulary, self.idf)
        sem = index.semantic
        if sem.shape[1] != self.dim:
            sem = np.zeros((len(units), self.dim), dtype=np.float32)
        matrix = sp.hstack([lex, CONTEXT_WEIGHT * neighbours(lex, units), opens_turn(units),
                            sp.csr_matrix(sem)], format="csr")
        return matrix if rows is None else matrix[rows]

    def score(self, index: PassageIndex, code: str,
              rows: np.ndarray | None = None) -> np.ndarray:
        """Probability, for each passage, that the team would code it with `code`."""
        return self.probability(self.features(index, rows), code)

    def eligible(self, index: PassageIndex, code: str) -> np.ndarray:
        """Passages a model may suggest: with at least MIN_WORDS content words, spoken in a
        role the team coded this code in (no interviewer's question when only answers
        were coded)."""
        words = index.units["words"].str.count(" ").to_numpy() + 1
        role = [None if pd.isna(r) else str(r) for r in index.units["role"]]
        known = self.models[code].roles
        in_role = np.fromiter((r in known for r in role), dtype=bool, count=len(role)) \
            if known else np.ones(len(role), dtype=bool)
        return (words >= MIN_WORDS) & in_role

    def probability(self, features: sp.csr_matrix, code: str) -> np.ndarray:
        """`score` on features already computed (`features`), for many codes in a row."""
        model = self.models[code]
        logits = features @ model.coef + model.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64).ravel()))


def neighbours(lex: sp.csr_matrix, units: pd.DataFrame) -> sp.csr_matrix:
    """Each passage's previous and next passage in its document, summed and normalised
    (`units` in document order, as the index keeps them)."""
    n = lex.shape[0]
    if n == 0:
        return lex
    docs = units["document_id"].to_numpy()
    empty = sp.csr_matrix((1, lex.shape[1]))
    before = sp.vstack([empty, lex[:-1]]).tocsr()
    after = sp.vstack([lex[1:], empty]).tocsr()
    same_before = np.r_[False, docs[1:] == docs[:-1]].astype(np.float64)
    same_after = np.r_[docs[:-1] == docs[1:], False].astype(np.float64)
    return normalised(sp.csr_matrix(sp.diags(same_before) @ before
                                    + sp.diags(same_after) @ after))


def opens_turn(units: pd.DataFrame) -> sp.csr_matrix:
    """1 for a passage that opens its speaker turn (or its document), else 0."""
    docs, turns = units["document_id"].to_numpy(), units["turn"].to_numpy()
    first = np.r_[True, (docs[1:] != docs[:-1]) | (turns[1:] != turns[:-1])] if len(units) \
        else np.zeros(0, dtype=bool)
    return sp.csr_matrix(first.astype(np.float64)[:, None])


def labels(index: PassageIndex, codings: pd.DataFrame, code: str, *,
           read: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
    """(y, weight) for one code over the index; weight 0 leaves a passage out.

    `codings`: document_id, code, start, end, status (accepted, rejected, suggested).
    `read`: the documents coded by hand, whose uncoded passages are negatives.
    """
    mine = codings[codings["code"] == code]
    positive = overlapping(index.units, mine[mine["status"] == "accepted"])
    rejected = overlapping(index.units, mine[mine["status"] == "rejected"]) & ~positive
    in_read = index.units["document_id"].isin(list(read)).to_numpy()
    weight = np.where(positive | in_read, 1.0, 0.0)
    weight[rejected] = REJECTED_WEIGHT
    return positive.astype(np.int8), weight


def train(index: PassageIndex, codings: pd.DataFrame, codes: Iterable[str], *,
          read: Iterable[int], min_examples: int = MIN_EXAMPLES,
          unit: str = "sentence") -> tuple[LearnedModels, pd.DataFrame]:
    """A model for each code with at least `min_examples` positive passages, and a report
    (one row per code: positives, negatives, documents, threshold, precision, recall, f1,
    trained, and why not when a code has too few examples or its model found nothing)."""
    read = list(read)
    vocabulary, idf = fit_idf(index.units["lemmas"])
    learned = LearnedModels(unit=unit, vocabulary=vocabulary, idf=idf,
                            dim=index.semantic.shape[1])
    x = learned.features(index)
    groups = index.units["document_id"].to_numpy()
    rows = []
    for code in codes:
        y, weight = labels(index, codings, code, read=read)
        used = weight > 0
        positives, negatives = int(y[used].sum()), int((used & (y == 0)).sum())
        documents = len(set(groups[y == 1]))
        row = {"code": code, "positives": positives, "negatives": negatives,
               "documents": documents}
        if positives < min_examples or negatives == 0:
            rows.append({**row, "trained": False, "why": _too_few(positives, negatives,
                                                                  min_examples)})
            continue
        model = _fit_one(x[used], y[used], weight[used], groups[used], code)
        if model.f1 == 0:
            rows.append({**row, "trained": False, "why": (
                "sur les entretiens mis de côté, le modèle n'a retrouvé aucun passage codé : "
                "codez d'autres exemples"), "threshold": model.threshold,
                "precision": model.precision, "recall": model.recall, "f1": model.f1})
            continue
        model.positives, model.negatives, model.documents = positives, negatives, documents
        model.roles = sorted({None if pd.isna(r) else str(r)
                              for r in index.units["role"].to_numpy()[y == 1]},
                             key=lambda r: (r is None, r or ""))
        learned.models[code] = model
        rows.append({**row, "trained": True, "why": "", "threshold": model.threshold,
                     "precision": model.precision, "recall": model.recall, "f1": model.f1})
    report = pd.DataFrame(rows, columns=["code", "trained", "positives", "negatives",
                                         "documents", "threshold", "precision", "recall",
                                         "f1", "why"])
    return learned, report


def _too_few(positives: int, negatives: int, min_examples: int) -> str:
    if negatives == 0:
        return "aucun passage non codé pour servir de contre-exemple"
    return (f"{positives} passage(s) codé(s) : il en faut au moins {min_examples} pour "
            "apprendre")


def _classifier() -> object:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear",
                              max_iter=1000)


def _fit_one(x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, groups: np.ndarray,
             code: str) -> CodeModel:
    threshold, precision, recall, f1 = _choose_threshold(x, y, weight, groups)
    clf = _classifier()
    clf.fit(x, y, sample_weight=weight)  # type: ignore[attr-defined]
    return CodeModel(code=code, coef=np.asarray(clf.coef_[0], dtype=np.float64),  # type: ignore[attr-defined]
                     intercept=float(clf.intercept_[0]), threshold=threshold,  # type: ignore[attr-defined]
                     positives=0, negatives=0, documents=0, precision=precision,
                     recall=recall, f1=f1)


def _choose_threshold(x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray,
                      groups: np.ndarray) -> tuple[float, float, float, float]:
    """The threshold with the best F1 on held-out documents, and its precision, recall,
    F1 (the default threshold and NaN when the positives lie in one document only)."""
    from sklearn.model_selection import StratifiedGroupKFold

    positive_groups = len(set(groups[y == 1]))
    if positive_groups < 2:
        return DEFAULT_THRESHOLD, float("nan"), float("nan"), float("nan")
    folds = StratifiedGroupKFold(n_splits=min(5, positive_groups, len(set(groups))))
    probability = np.full(len(y), np.nan)
    for fit_rows, test_rows in folds.split(x, y, groups):
        if len(set(y[fit_rows])) < 2:
            continue
        clf = _classifier()
        clf.fit(x[fit_rows], y[fit_rows], sample_weight=weight[fit_rows])  # type: ignore[attr-defined]
        probability[test_rows] = clf.predict_proba(x[test_rows])[:, 1]  # type: ignore[attr-defined]
    seen = ~np.isnan(probability)
    best = (DEFAULT_THRESHOLD, float("nan"), float("nan"), float("nan"))
    for threshold in THRESHOLDS:
        p, r, f = prf(y[seen] == 1, probability[seen] >= threshold)
        if not np.isnan(f) and (np.isnan(best[3]) or f > best[3]):
            best = (float(threshold), p, r, f)
    return best


def prf(gold: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean predictions (NaN where undefined; F1 is 0 when
    there are gold positives and none is found)."""
    tp = int((gold & predicted).sum())
    n_pred, n_gold = int(predicted.sum()), int(gold.sum())
    precision = tp / n_pred if n_pred else float("nan")
    recall = tp / n_gold if n_gold else float("nan")
    if not n_gold and not n_pred:
        return precision, recall, float("nan")
    f1 = 2 * tp / (n_pred + n_gold)
    return precision, recall, f1


def code_scores(gold: Mapping[str, np.ndarray],
                predicted: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Per code: gold and predicted passages, true positives, precision, recall, F1, and a
    last row « moyenne (macro) » averaging the codes' precision, recall and F1."""
    rows = []
    for code, truth in gold.items():
        guess = predicted.get(code, np.zeros_like(truth, dtype=bool))
        p, r, f = prf(truth.astype(bool), guess.astype(bool))
        rows.append({"code": code, "gold": int(truth.sum()), "predicted": int(guess.sum()),
                     "true_positives": int((truth.astype(bool) & guess.astype(bool)).sum()),
                     "precision": p, "recall": r, "f1": f})
    frame = pd.DataFrame(rows, columns=["code", "gold", "predicted", "true_positives",
                                        "precision", "recall", "f1"])
    macro = {"code": "moyenne (macro)", "gold": int(frame["gold"].sum()),
             "predicted": int(frame["predicted"].sum()),
             "true_positives": int(frame["true_positives"].sum()),
             "precision": frame["precision"].fillna(0).mean(),
             "recall": frame["recall"].fillna(0).mean(), "f1": frame["f1"].fillna(0).mean()}
    return pd.concat([frame, pd.DataFrame([macro])], ignore_index=True)
