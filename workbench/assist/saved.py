"""Trained models on disk, beside the passage index: plain arrays (no pickle), written
through a temporary file renamed over the old one, so a file is whole or absent."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from workbench.assist.index import cache_folder, read_npz
from workbench.assist.learn import CodeModel, LearnedModels

SAVED_FORMAT = 2
MAX_BYTES = 512 * 2**20  # far above the models of a large study; a bigger file is not ours


def models_path(where: str, location: str | Path | None) -> Path:
    """The models file of the project stored at `where` (its database URL)."""
    key = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return cache_folder(location) / f"models-{key}.npz"


def save(learned: LearnedModels, path: Path) -> None:
    """Write `learned` to `path` (replacing what was there)."""
    codes = sorted(learned.models)
    n_features = len(learned.vocabulary) + learned.dim
    coef = np.vstack([learned.models[c].coef for c in codes]) if codes else \
        np.zeros((0, n_features))
    meta = {"format": SAVED_FORMAT, "unit": learned.unit, "dim": learned.dim,
            "trained_at": learned.trained_at, "trained_by": learned.trained_by,
            "models": [{k: _plain(getattr(learned.models[c], k)) for k in
                        ("code", "intercept", "threshold", "positives", "negatives",
                         "documents", "precision", "recall", "f1", "roles")}
                       for c in codes]}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, meta=np.array(json.dumps(meta)),
                     vocabulary=np.array(learned.vocabulary, dtype=str),
                     idf=learned.idf, coef=coef)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def load(path: Path) -> LearnedModels | None:
    """The models saved at `path`, or None when there are none or the file is unreadable."""
    if not path.is_file():
        return None
    try:
        data = read_npz(path, ("meta", "vocabulary", "idf", "coef"), limit=MAX_BYTES)
        meta = json.loads(str(data["meta"]))
        vocabulary = [str(v) for v in data["vocabulary"]]
        idf, coef = data["idf"], data["coef"]
        if meta.get("format") != SAVED_FORMAT:
            return None
        learned = LearnedModels(unit=meta["unit"], vocabulary=vocabulary, idf=idf,
                                dim=int(meta["dim"]), trained_at=meta["trained_at"],
                                trained_by=meta["trained_by"])
        for row, item in zip(coef, meta["models"], strict=True):
            stats = {k: float("nan") if item[k] is None else float(item[k])
                     for k in ("precision", "recall", "f1")}
            learned.models[item["code"]] = CodeModel(
                code=str(item["code"]), coef=np.asarray(row), intercept=float(item["intercept"]),
                threshold=float(item["threshold"]), positives=int(item["positives"]),
                negatives=int(item["negatives"]), documents=int(item["documents"]),
                roles=[None if r is None else str(r) for r in item.get("roles", [])], **stats)
        return learned
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
        return None


def _plain(value: object) -> object:
    """JSON-safe: NaN as None, numpy numbers as Python ones."""
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
