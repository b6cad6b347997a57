"""Running the codebook's rules over the project: parse, match, store suggestions.

Each document is matched on the parse of its language's pipeline (rule phrases
are parsed by the same pipeline); documents in a language without an installed
model are left out, with a French warning naming them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from workbench.codebook.rules import Rule, to_rule
from workbench.coding.autocode import match_rules
from workbench.coding.codes import codes_frame, descendants, resolve_code
from workbench.coding.extracts import turn_table
from workbench.coding.review import new_suggestions, store_suggestions
from workbench.nlp.parse import parse_texts
from workbench.nlp.tokens import token_frame
from workbench.parsed import (
    document_languages,
    document_texts,
    parse_routed,
    route_documents,
    warn_routing,
)
from workbench.store import Store
from workbench.store import schema as s


def stored_rules(store: Store, codes: Iterable[str] | None = None) -> list[Rule]:
    """The rules of the active codes (optionally of some codes and their children)."""
    with store.read() as conn:
        frame = codes_frame(conn)
        if codes is not None:
            keep: set[int] = set()
            for ref in codes:
                keep.update(descendants(conn, resolve_code(conn, ref)["id"]))
            frame = frame[frame["id"].isin(keep)]
    return [to_rule(rule, row.key) for row in frame.itertuples()
            if isinstance(row.rules, str) for rule in json.loads(row.rules)]


def rules_frame(rules: list[Rule]) -> pd.DataFrame:
    """Rule id and code key, one row per rule (for the rule report)."""
    return pd.DataFrame([(r.id, r.code) for r in rules], columns=["rule", "code"])


def phrase_tokens(rules: list[Rule], *, model: str | None = None) -> dict[str, list[tuple]]:
    """Each rule phrase as (lemma, lower) tokens, through the same pipeline as the corpus."""
    phrases = sorted({p for r in rules for p in r.phrases})
    if not phrases:
        return {}
    parsed = parse_texts(dict(enumerate(phrases)), model=model, progress=False)
    tokens = token_frame(parsed)
    tokens = tokens[~tokens["is_space"]]
    return {phrases[i]: list(zip(g["lemma"], g["lower"], strict=True))
            for i, g in tokens.groupby("document")}


def run_rules(store: Store, location: str | Path | None, coder: str, *,
              codes: Iterable[str] | None = None, documents: Iterable[int] | None = None,
              model: str | None = None, progress: bool = True) -> pd.DataFrame:
    """Propose codings from the rules; returns per rule how many new suggestions were stored."""
    rules = stored_rules(store, codes)
    texts = document_texts(store, documents)
    routing = route_documents(document_languages(store, texts.keys()), model=model)
    warn_routing(store, routing, "le codage automatique")
    parsed = parse_routed(store, location, texts, routing, progress=progress)
    tokens = token_frame(parsed, languages=routing.languages)
    with store.read() as conn:
        turns = turn_table(conn, texts.keys()).rename(columns={"document": "document_name",
                                                                "document_id": "document"})
        keys = dict(conn.execute(select(s.codes.c.key, s.codes.c.id)).all())
        names = dict(conn.execute(select(s.documents.c.id, s.documents.c.name)).all())
    parts = []
    for name, docs in routing.by_model().items():  # phrases parsed as their documents are
        parts.append(match_rules(rules, tokens[tokens["document"].isin(docs)],
                                 turns[turns["document"].isin(docs)],
                                 {d: texts[d] for d in docs},
                                 phrases=phrase_tokens(rules, model=name) if rules else {}))
    found = pd.concat([p for p in parts if len(p)], ignore_index=True) \
        if any(len(p) for p in parts) else match_rules(rules, tokens.iloc[0:0], turns, {},
                                                         phrases={})
    found = found.rename(columns={"document": "document_id"}).assign(
        code_id=lambda f: f["code"].map(keys))
    with store.write(coder) as w:
        fresh = new_suggestions(w.conn, found)
        store_suggestions(w, fresh, texts={d: texts[d] for d in set(fresh["document_id"])},
                          names=names)
    summary = rules_frame(rules).merge(
        found.groupby("rule").size().rename("matches"), left_on="rule", right_index=True,
        how="left").merge(fresh.groupby("rule").size().rename("new_suggestions"),
                          left_on="rule", right_index=True, how="left")
    return summary.fillna(0).astype({"matches": int, "new_suggestions": int})
