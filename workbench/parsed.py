"""The project's documents through the NLP layer: parsed once, cached, as token tables.

Joins what `nlp/` computes on raw texts (tokens, lemmas, sentences) with what
the store knows (turns, speakers, cases, attributes), so word views and rules
can be cut by speaker, role and attribute.

Each document is parsed by the spaCy pipeline of its language
(``documents.language``; None or "und" is French, the default study language).
A document whose language has no installed model is left out of the token
table, and a :class:`~workbench.nlp.languages.LanguageWarning` in French names
it, its language and how to install a model: it is never read as French.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from workbench.coding.extracts import turn_table
from workbench.nlp.cache import DocCache, default_cache_dir
from workbench.nlp.languages import DEFAULT_LANGUAGE, effective_language, warn_left_out
from workbench.nlp.parse import ParsedText, parse_texts
from workbench.nlp.pipeline import blank_model, missing_model_reason, model_for, model_name
from workbench.nlp.tokens import token_frame
from workbench.store import Store
from workbench.store import schema as s

WORDS = "les statistiques de mots (fréquences, mots distinctifs, nuages, KWIC par lemme)"


def document_texts(store: Store, documents: Iterable[int] | None = None) -> dict[int, str]:
    """Document id → stored text."""
    query = select(s.documents.c.id, s.documents.c.text)
    if documents is not None:
        query = query.where(s.documents.c.id.in_(sorted(documents)))
    with store.read() as conn:
        return dict(conn.execute(query).all())


def document_languages(store: Store, documents: Iterable[int] | None = None, *,
                       key: str = "id") -> dict[int | str, str | None]:
    """Document id (or name, with ``key="name"``) → stored language code (None: not detected)."""
    d = s.documents
    query = select(d.c.id if key == "id" else d.c.name, d.c.language)
    if documents is not None:
        query = query.where(d.c.id.in_(sorted(documents)))
    with store.read() as conn:
        return dict(conn.execute(query).all())


@dataclass
class Routing:
    """Which model parses which document, and the documents no installed model can parse."""

    models: dict[int, str] = field(default_factory=dict)  # document → model package
    languages: dict[int, str] = field(default_factory=dict)  # document → language used
    left_out: dict[str, list[int]] = field(default_factory=dict)  # language → documents

    def by_model(self) -> dict[str, list[int]]:
        """Model → its documents, in document order."""
        groups: dict[str, list[int]] = {}
        for doc, model in sorted(self.models.items()):
            groups.setdefault(model, []).append(doc)
        return groups


def route_documents(languages: Mapping[int, str | None], *,
                    model: str | None = None) -> Routing:
    """The model of each document from its language; `model` replaces the French one.

    None and "und" are French (the default study language); a language without
    an installed model (:func:`~workbench.nlp.pipeline.model_for`) is left out.
    """
    routing = Routing()
    for doc, code in languages.items():
        language = effective_language(code)
        if language == DEFAULT_LANGUAGE:  # the study's language: a missing model is an error
            name = model_name(model) if model else model_for(language) or model_name()
        else:
            name = model_for(language)
        if name is None:
            routing.left_out.setdefault(language, []).append(doc)
        else:
            routing.models[doc] = name
            routing.languages[doc] = language
    return routing


def warn_routing(store: Store, routing: Routing, purpose: str) -> None:
    """Warn, in French, which documents `purpose` leaves out and how to add their model."""
    if not routing.left_out:
        return
    with store.read() as conn:
        names = dict(conn.execute(select(s.documents.c.id, s.documents.c.name)).all())
    warn_left_out({language: [names.get(d, str(d)) for d in docs]
                   for language, docs in routing.left_out.items()}, purpose,
                  missing_model_reason, stacklevel=4)


def parse_routed(store: Store, location: str | Path | None, texts: Mapping[int, str],
                 routing: Routing, *, task: str = "lemma",
                 progress: bool = True) -> dict[int, ParsedText]:
    """Parse each routed document with its language's model (left-out ones are skipped)."""
    cache = DocCache(default_cache_dir(location))
    parsed: dict[int, ParsedText] = {}
    for name, docs in routing.by_model().items():
        mine = {d: texts[d] for d in docs if d in texts}
        parsed.update(parse_texts(mine, task=task, model=name, cache=cache, progress=progress))
    return parsed


def parse_documents(store: Store, location: str | Path | None, texts: dict[int, str], *,
                    task: str = "lemma", model: str | None = None,
                    progress: bool = True) -> dict[int, ParsedText]:
    """Parse documents with the project's cache (a second analysis parses nothing)."""
    cache = DocCache(default_cache_dir(location))
    return parse_texts(texts, task=task, model=model, cache=cache, progress=progress)


def tokens_with_turns(tokens: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Each token with its turn (idx, speaker, role, section) and the turn's case columns
    (an empty table gets the same columns)."""
    left = tokens.rename(columns={"document": "document_id"}).sort_values("start")
    left["document_id"] = left["document_id"].astype("int64")
    if left.empty:
        left["start"] = left["start"].astype("int64")
    right = turns.rename(columns={"start": "turn_start", "end": "turn_end"}).sort_values(
        "turn_start")
    if right.empty:  # no turn: the keys' types are unknown
        right = right.astype({"document_id": "int64", "turn_start": "int64"})
    merged = pd.merge_asof(left, right, left_on="start", right_on="turn_start",
                           by="document_id", direction="backward")
    outside = merged["turn_end"].isna() | (merged["start"] >= merged["turn_end"])
    merged.loc[outside, ["idx", "speaker", "role"]] = None
    if "is_word" in merged.columns:  # speaker labels and timestamps lie between turns
        merged.loc[outside, "is_word"] = False
    return merged.sort_values(["document_id", "start"]).reset_index(drop=True)


def project_tokens(store: Store, location: str | Path | None, *,
                   documents: Iterable[int] | None = None, model: str | None = None,
                   progress: bool = True, purpose: str | None = WORDS,
                   sentences_only: bool = False) -> pd.DataFrame:
    """One row per token of the project, with turn, speaker, case and attributes.

    Each document goes through its language's pipeline, with that language's
    stop words and fillers; documents in a language without an installed
    model are left out (listed in ``attrs["left_out"]``, id → language) with
    a French warning naming them for `purpose` (None: no warning). `model`
    replaces the model of French documents (None and "und" count as French).
    `sentences_only`: keep those documents too, cut into tokens and sentences by
    spaCy's model-less rules for their language (lemma = lower-case form, no
    token counted as a word): for units such as sentences, never for word statistics.
    """
    texts = document_texts(store, documents)
    routing = route_documents(document_languages(store, texts.keys()), model=model)
    left_out = {d: language for language, docs in routing.left_out.items() for d in docs}
    if sentences_only:
        for doc, language in left_out.items():
            routing.models[doc] = blank_model(language)
            routing.languages[doc] = language
        routing.left_out = {}
    elif purpose is not None:
        warn_routing(store, routing, purpose)
    parsed = parse_routed(store, location, texts, routing, progress=progress)
    with store.read() as conn:
        turns = turn_table(conn, texts.keys())
        names = dict(conn.execute(select(s.documents.c.id, s.documents.c.name)).all())
    tokens = tokens_with_turns(token_frame(parsed, languages=routing.languages), turns)
    if sentences_only and left_out and "is_word" in tokens.columns:
        tokens.loc[tokens["document_id"].isin(list(left_out)), "is_word"] = False
    tokens["document"] = tokens["document_id"].map(names)
    tokens.attrs["left_out"] = {} if sentences_only else left_out
    return tokens


def kwic_tokens(store: Store, location: str | Path | None, word: str, *,
                by: str = "lemma") -> pd.DataFrame:
    """The token table KWIC searches: by lemma, the parsed documents only (with a warning
    for the others); by form, also the occurrences of `word` in documents without a model,
    found in their text (letters or digits on neither side, case ignored)."""
    tokens = project_tokens(store, location, progress=False,
                            purpose="le KWIC par lemme" if by == "lemma" else None)
    left_out = tokens.attrs.get("left_out", {})
    if by != "form" or not left_out or not word.strip():
        return tokens
    texts = document_texts(store, left_out)
    pattern = re.compile(r"(?<!\w)" + re.escape(word.strip()) + r"(?!\w)", re.IGNORECASE)
    rows = [(doc, m.start(), m.end(), m.group().lower()) for doc, text in texts.items()
            for m in pattern.finditer(text)]
    if not rows:
        return tokens
    found = pd.DataFrame(rows, columns=["document", "start", "end", "lower"])
    with store.read() as conn:
        turns = turn_table(conn, texts.keys())
        names = dict(conn.execute(select(s.documents.c.id, s.documents.c.name)).all())
    found = tokens_with_turns(found, turns)
    found["document"] = found["document_id"].map(names)
    return pd.concat([tokens, found], ignore_index=True) if len(tokens) else found


def keep_languages(store: Store, frame: pd.DataFrame, languages: Iterable[str], *,
                   purpose: str, reason: str) -> pd.DataFrame:
    """The rows of `frame` (with a `document` name column) whose document's language is
    one of `languages`; the others are left out with a French warning (`reason`: why)."""
    if frame.empty or "document" not in frame.columns:
        return frame
    wanted = set(languages)
    known = document_languages(store, key="name")
    language = frame["document"].map(lambda name: effective_language(known.get(name)))
    inside = language.isin(wanted)
    left_out: dict[str, list[str]] = {}
    for name, code in zip(frame.loc[~inside, "document"], language[~inside], strict=True):
        if name not in left_out.setdefault(code, []):
            left_out[code].append(name)
    warn_left_out(left_out, purpose, lambda _code: reason, stacklevel=4)
    return frame[inside]
