"""The project's documents through the NLP layer: parsed once, cached, as token tables.

Joins what `nlp/` computes on raw texts (tokens, lemmas, sentences) with what
the store knows (turns, speakers, cases, attributes), so word views and rules
can be cut by speaker, role and attribute.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from workbench.coding.extracts import turn_table
from workbench.nlp.cache import DocCache, default_cache_dir
from workbench.nlp.parse import ParsedText, parse_texts
from workbench.nlp.tokens import token_frame
from workbench.store import Store
from workbench.store import schema as s


def document_texts(store: Store, documents: Iterable[int] | None = None) -> dict[int, str]:
    """Document id → stored text."""
    query = select(s.documents.c.id, s.documents.c.text)
    if documents is not None:
        query = query.where(s.documents.c.id.in_(sorted(documents)))
    with store.read() as conn:
        return dict(conn.execute(query).all())


def parse_documents(store: Store, location: str | Path | None, texts: dict[int, str], *,
                    task: str = "lemma", model: str | None = None,
                    progress: bool = True) -> dict[int, ParsedText]:
    """Parse documents with the project's cache (a second analysis parses nothing)."""
    cache = DocCache(default_cache_dir(location))
    return parse_texts(texts, task=task, model=model, cache=cache, progress=progress)


def tokens_with_turns(tokens: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Each token with its turn (idx, speaker, role, section) and the turn's case columns."""
    if tokens.empty:
        return tokens
    left = tokens.rename(columns={"document": "document_id"}).sort_values("start")
    left["document_id"] = left["document_id"].astype("int64")
    right = turns.rename(columns={"start": "turn_start", "end": "turn_end"}).sort_values(
        "turn_start")
    merged = pd.merge_asof(left, right, left_on="start", right_on="turn_start",
                           by="document_id", direction="backward")
    outside = merged["turn_end"].isna() | (merged["start"] >= merged["turn_end"])
    merged.loc[outside, ["idx", "speaker", "role"]] = None
    if "is_word" in merged.columns:  # speaker labels and timestamps lie between turns
        merged.loc[outside, "is_word"] = False
    return merged.sort_values(["document_id", "start"]).reset_index(drop=True)


def project_tokens(store: Store, location: str | Path | None, *,
                   documents: Iterable[int] | None = None, model: str | None = None,
                   progress: bool = True) -> pd.DataFrame:
    """One row per token of the project, with turn, speaker, case and attributes."""
    texts = document_texts(store, documents)
    parsed = parse_documents(store, location, texts, model=model, progress=progress)
    with store.read() as conn:
        turns = turn_table(conn, texts.keys())
        names = dict(conn.execute(select(s.documents.c.id, s.documents.c.name)).all())
    tokens = tokens_with_turns(token_frame(parsed), turns)
    tokens["document"] = tokens["document_id"].map(names)
    return tokens
