"""Coding assistance on a project: find passages like a given one, train the per-code
models on the team's codings, and store their suggestions for review.

Works on the store (SQLite or PostgreSQL) and the project's caches; nothing is sent
anywhere. Suggestions go in as codings of status « suggested » with origin
``model:<code>`` and a `score`, so they are reviewed like the rules' (``p.review``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from workbench.assist import saved
from workbench.assist.features import vector_model
from workbench.assist.index import PassageIndex, build_index
from workbench.assist.learn import MIN_EXAMPLES, LearnedModels, train
from workbench.assist.units import content_mask, overlapping
from workbench.coding.coders import SUGGESTION_ORIGINS
from workbench.coding.codes import descendants, resolve_code
from workbench.coding.review import new_suggestions, store_suggestions
from workbench.errors import NotFoundError, WorkbenchError
from workbench.nlp.languages import DEFAULT_LANGUAGE, effective_language
from workbench.nlp.parse import parse_texts
from workbench.nlp.pipeline import blank_model, model_for
from workbench.nlp.tokens import token_frame
from workbench.parsed import document_languages, document_texts
from workbench.store import Store
from workbench.store import queries as q
from workbench.store import schema as s

SIMILAR_COLUMNS = ["rank", "score", "reference", "document", "turn", "speaker", "start",
                   "end", "text", "codes"]
_INDEXES: dict[tuple[str, str], tuple[object, PassageIndex]] = {}


def passage_index(store: Store, location: str | Path | None, *,
                  unit: str = "sentence") -> PassageIndex:
    """The project's passage index, kept in memory until the project changes."""
    with store.read() as conn:
        marker = q.change_marker(conn)
    key = (store.where, unit)
    known = _INDEXES.get(key)
    if known is not None and known[0] == marker:
        return known[1]
    index = build_index(store, location, unit=unit)
    _INDEXES[key] = (marker, index)
    return index


def codings_frame(store: Store) -> pd.DataFrame:
    """Every coding: id, document_id, code (key), start, end, status, origin, review_mode."""
    c, k = s.codings.c, s.codes.c
    with store.read() as conn:
        rows = conn.execute(select(c.id, c.document_id, k.key, c.start, c.end, c.status,
                                   c.origin, c.review_mode)
                            .join_from(s.codings, s.codes, k.id == c.code_id)).all()
    return pd.DataFrame(rows, columns=["id", "document_id", "code", "start", "end", "status",
                                       "origin", "review_mode"])


def similar(store: Store, location: str | Path | None, *, text: str | None = None,
            document: str | int | None = None, start: int | None = None,
            end: int | None = None, coding: int | None = None, top: int = 20,
            unit: str = "sentence", without: str | None = None,
            documents: Iterable[int] | None = None, same_role: bool = True) -> pd.DataFrame:
    """Passages ranked by similarity to a free text, a passage of a document or a coding.

    The passages of the example itself are left out; `without`: leave out passages
    already coded with that code (to find what is still to code); `documents`: search
    only those; `same_role`: for an example taken from the project, only passages
    spoken in its speaker role (an answer finds answers, not the interviewer's
    questions). Columns: rank, score (0–1), reference, document, turn (from 1),
    speaker, start, end, text, codes (keys of the accepted codings on the passage;
    pending suggestions are not counted).
    """
    index = passage_index(store, location, unit=unit)
    texts = document_texts(store)
    rows, words, forms, space = _example(store, index, texts, text=text, document=document,
                                         start=start, end=end, coding=coding)
    if not len(index):
        return pd.DataFrame(columns=SIMILAR_COLUMNS)
    score = index.scores(rows if rows is not None else None, words=words, forms=forms,
                         space=space)
    keep = score > 0
    if rows is not None:
        keep[rows] = False
        if same_role:
            roles = set(index.units["role"].to_numpy(dtype=object)[rows])
            keep &= index.units["role"].map(lambda r: r in roles).to_numpy(dtype=bool)
    codings = codings_frame(store)
    accepted = codings[codings["status"] == "accepted"]
    if without is not None:
        with store.read() as conn:
            key = resolve_code(conn, without)["key"]
        keep &= ~overlapping(index.units, accepted[accepted["code"] == key], share=0.5)
    if documents is not None:
        keep &= index.units["document_id"].isin(list(documents)).to_numpy()
    order = np.flatnonzero(keep)
    order = order[np.argsort(-score[order], kind="stable")][:max(int(top), 0)]
    found = index.units.iloc[order].copy()
    found["score"] = np.round(score[order], 4)
    found["text"] = [texts[d][a:b] for d, a, b in zip(found["document_id"], found["start"],
                                                     found["end"], strict=True)]
    found["codes"] = _codes_on(found, accepted)
    found["turn"] = (found["turn"] + 1).where(found["turn"] >= 0).astype("Int64")
    found["rank"] = range(1, len(found) + 1)
    return found[SIMILAR_COLUMNS].reset_index(drop=True)


def _example(store: Store, index: PassageIndex, texts: dict[int, str], *, text: str | None,
             document: str | int | None, start: int | None, end: int | None,
             coding: int | None) -> tuple[np.ndarray | None, str, str, str | None]:
    """The example's passages in the index (rows), or its lemmas, forms and vector space."""
    given = [text is not None, document is not None, coding is not None]
    if sum(given) != 1:
        raise WorkbenchError("donnez un exemple et un seul : un texte (text=…), un passage "
                             "d'un document (document=…, start=…, end=…) ou un codage "
                             "(coding=…).")
    if text is not None:
        if not text.strip():
            raise WorkbenchError("le texte d'exemple est vide : écrivez quelques mots.")
        return None, *_query_words(store, text)
    with store.read() as conn:
        if coding is not None:
            row = conn.execute(select(s.codings.c.document_id, s.codings.c.start,
                                      s.codings.c.end).where(s.codings.c.id == int(coding))
                               ).first()
            if row is None:
                raise NotFoundError(f"aucun codage n° {coding} dans le projet.")
            doc_id, start, end = int(row[0]), int(row[1]), int(row[2])
        else:
            doc_id = int(q.find_document(conn, document)["id"])  # type: ignore[arg-type]
    length = len(texts.get(doc_id, ""))
    start = 0 if start is None else int(start)
    end = length if end is None else int(end)
    if not 0 <= start < end <= length:
        raise WorkbenchError(f"le passage {start}–{end} est vide ou sort du document "
                             f"(0–{length}).")
    span = pd.DataFrame({"document_id": [doc_id], "start": [start], "end": [end]})
    rows = np.flatnonzero(overlapping(index.units, span, share=0.0001))
    if not len(rows):
        return None, *_query_words(store, texts[doc_id][start:end], document=doc_id)
    return rows, "", "", None


def _query_words(store: Store, text: str,
                 document: int | None = None) -> tuple[str, str, str | None]:
    """A free text's content lemmas and forms, parsed as the project's main language (or
    as its document's), and the vector space of that language."""
    languages = document_languages(store)
    if document is not None:
        language = effective_language(languages.get(document))
    else:
        counts = Counter(effective_language(x) for x in languages.values())
        language = counts.most_common(1)[0][0] if counts else DEFAULT_LANGUAGE
    model = model_for(language) or blank_model(language)
    tokens = token_frame(parse_texts({0: text}, model=model, progress=False),
                         languages={0: language})
    tokens = tokens[content_mask(tokens)]
    if tokens.empty:
        raise WorkbenchError(f"l'exemple « {text[:80]} » ne contient aucun mot porteur de sens "
                             "(seulement des mots outils) : choisissez un passage plus long.")
    return " ".join(tokens["lemma"]), " ".join(tokens["lower"]), vector_model(language)


def _codes_on(found: pd.DataFrame, accepted: pd.DataFrame) -> list[str]:
    """For each passage, the keys of the accepted codings overlapping it, comma-joined."""
    out = []
    by_doc = dict(tuple(accepted.groupby("document_id")))
    for d, a, b in zip(found["document_id"], found["start"], found["end"], strict=True):
        mine = by_doc.get(d)
        if mine is None:
            out.append("")
            continue
        hit = mine[(mine["start"] < b) & (mine["end"] > a)]
        out.append(", ".join(sorted(set(hit["code"]))))
    return out


def training_codings(codings: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """The codings models learn from (accepted and rejected, not decided in bulk: a bulk
    decision says nothing of each passage) and the documents coded by hand."""
    decided = codings[codings["status"].isin(["accepted", "rejected"])
                      & codings["review_mode"].ne("bulk")]
    human = ~codings["origin"].str.startswith(SUGGESTION_ORIGINS)
    read = sorted(set(codings.loc[human & codings["status"].eq("accepted"), "document_id"]))
    return decided, [int(d) for d in read]


def train_models(store: Store, location: str | Path | None, coder: str, *,
                 codes: Iterable[str] | None = None, min_examples: int = MIN_EXAMPLES,
                 unit: str = "sentence") -> pd.DataFrame:
    """Train a model per code (each of `codes` and their sub-codes, default every code with
    accepted codings) and save them, replacing the previous ones. Returns the report."""
    index = passage_index(store, location, unit=unit)
    codings = codings_frame(store)
    decided, read = training_codings(codings)
    keys = _code_keys(store, codes) if codes is not None else sorted(
        set(decided.loc[decided["status"] == "accepted", "code"]))
    if not read:
        raise WorkbenchError("aucun document n'a encore été codé à la main : codez quelques "
                             "passages (ou acceptez des propositions) avant d'entraîner.")
    learned, report = train(index, decided, keys, read=read, min_examples=min_examples,
                            unit=unit)
    learned.trained_at = datetime.now(UTC).isoformat(timespec="seconds")
    learned.trained_by = coder
    saved.save(learned, saved.models_path(store.where, location))
    return report


def trained_models(store: Store, location: str | Path | None) -> LearnedModels:
    """The models last trained on this project; a French error when there are none."""
    learned = saved.load(saved.models_path(store.where, location))
    if learned is None:
        raise NotFoundError("aucun modèle n'a été entraîné sur ce projet (ou son fichier a "
                            "été effacé) : lancez p.assist.train().")
    return learned


def suggest_codings(store: Store, location: str | Path | None, coder: str, *,
                    codes: Iterable[str] | None = None, threshold: float | None = None,
                    documents: Iterable[int] | None = None) -> pd.DataFrame:
    """Store the models' suggestions (status « suggested », origin ``model:<code>``, the
    model's score) on passages scoring at least the threshold (each model's own, or
    `threshold`), long enough and in a role the code was used in (`eligible`), and not
    already coded with the code in any status: an accepted coding needs no proposal and
    a rejected one must not come back. Returns per code the threshold, the passages
    above it and the new suggestions."""
    learned = trained_models(store, location)
    if threshold is not None and not 0 < float(threshold) < 1:
        raise WorkbenchError(f"seuil {threshold} : donnez un nombre entre 0 et 1 (exclus).")
    keys = sorted(learned.models) if codes is None else [
        k for k in _code_keys(store, codes) if k in learned.models]
    index = passage_index(store, location, unit=learned.unit)
    inside = np.ones(len(index), dtype=bool) if documents is None else \
        index.units["document_id"].isin(list(documents)).to_numpy()
    codings = codings_frame(store)
    with store.read() as conn:
        ids = dict(conn.execute(select(s.codes.c.key, s.codes.c.id)
                                .where(s.codes.c.active.is_(True))).all())
        names = dict(conn.execute(select(s.documents.c.id, s.documents.c.name)).all())
    found, rows = [], []
    features = learned.features(index)
    for key in keys:
        model = learned.models[key]
        if key not in ids:
            rows.append({"code": key, "threshold": model.threshold, "above": 0,
                         "new_suggestions": 0})
            continue
        cut = model.threshold if threshold is None else float(threshold)
        score = learned.probability(features, key)
        taken = overlapping(index.units, codings[codings["code"] == key], share=0.0001)
        pick = np.flatnonzero(inside & (score >= cut) & ~taken & learned.eligible(index, key))
        units = index.units.iloc[pick]
        found.append(pd.DataFrame({"document_id": units["document_id"].to_numpy(),
                                   "code_id": ids[key], "start": units["start"].to_numpy(),
                                   "end": units["end"].to_numpy(), "rule": key,
                                   "score": score[pick]}))
        rows.append({"code": key, "threshold": cut, "above": len(pick)})
    frame = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        columns=["document_id", "code_id", "start", "end", "rule", "score"])
    texts = document_texts(store, set(frame["document_id"]))
    with store.write(coder) as w:
        fresh = new_suggestions(w.conn, frame)
        store_suggestions(w, fresh, texts=texts, names=names, origin_prefix="model:")
    counts = fresh.groupby("rule").size() if len(fresh) else pd.Series(dtype=int)
    report = pd.DataFrame(rows, columns=["code", "threshold", "above"])
    report["new_suggestions"] = report["code"].map(counts).fillna(0).astype(int)
    return report


def models_report(store: Store, location: str | Path | None) -> pd.DataFrame:
    """The trained models: code, examples, threshold, cross-validated precision, recall, F1,
    when and by whom they were trained (empty when none)."""
    learned = saved.load(saved.models_path(store.where, location))
    columns = ["code", "positives", "negatives", "documents", "threshold", "precision",
               "recall", "f1", "trained_at", "trained_by"]
    if learned is None:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame([{**{k: getattr(m, k) for k in columns[:8]},
                          "trained_at": learned.trained_at, "trained_by": learned.trained_by}
                         for m in learned.models.values()], columns=columns)


def _code_keys(store: Store, codes: Iterable[str]) -> list[str]:
    """The keys of `codes` and their sub-codes (a French error for an unknown code)."""
    with store.read() as conn:
        wanted: set[int] = set()
        for ref in codes:
            wanted.update(descendants(conn, resolve_code(conn, ref)["id"]))
        keys = dict(conn.execute(select(s.codes.c.id, s.codes.c.key)).all())
    return sorted(keys[i] for i in wanted)
