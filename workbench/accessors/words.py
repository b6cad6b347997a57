"""``p.words``: word statistics, keywords in context, word clouds, named entities and the
tone of extracts, from the project's spaCy parses (each document in its language)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench.analysis.population import ANALYSED
from workbench.coding.extracts import CodeSpec, WhereValue, apply_where, turn_table
from workbench.parsed import (
    document_texts,
    keep_languages,
    kwic_tokens,
    parse_documents,
    tokens_with_turns,
)

if TYPE_CHECKING:
    from workbench.project_data import ProjectData


class Words:
    """What the words of a project say (``p.words``); names never show in a word view."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def _tokens(self, codes: CodeSpec, where: Mapping[str, WhereValue] | None) -> pd.DataFrame:
        """Tokens of the whole corpus, or of the extracts of `codes`, filtered by `where`,
        without the names of the pseudonym table."""
        from workbench.analysis.words import tokens_in_spans
        from workbench.privacy.forms import fold
        from workbench.privacy.pseudonymiser import pseudonym_rules
        from workbench.privacy.table import name_words

        tokens = self._data.tokens(progress=False)
        names = name_words(*pseudonym_rules(self._data.store))
        tokens = tokens[~tokens["lower"].map(fold).isin(names)]
        if codes is not None:
            spans = self._data.extracts(codes, status=ANALYSED)[["document", "start", "end",
                                                                  "code"]]
            tokens = tokens_in_spans(tokens, spans)
        return apply_where(tokens, where) if where else tokens

    def frequencies(self, by: str | list[str] | None = None, *, codes: CodeSpec = None,
                    where: Mapping[str, WhereValue] | None = None,
                    top: int | None = None) -> pd.DataFrame:
        """Lemma counts without stop words, markup or fillers (unit: word tokens).

        `by`: a column to group by — document, speaker, code (with `codes`) or any
        attribute of the study.
        """
        from workbench.analysis.words import lemma_frequencies

        return lemma_frequencies(self._tokens(codes, where), by=by, top=top)

    def distinctive(self, column: str, value: object, *, codes: CodeSpec = None,
                    top: int | None = 30, min_count: int = 3) -> pd.DataFrame:
        """Lemmas typical of `column == value` against the rest (weighted log-odds, z)."""
        from workbench.analysis.words import distinctive_words

        return distinctive_words(self._tokens(codes, None), column=column, value=value,
                                 top=top, min_count=min_count)

    def kwic(self, word: str, *, by: str = "lemma", window: int = 60) -> pd.DataFrame:
        """Every occurrence of a word (lemma or form) in context, with speaker and case
        (by lemma: documents whose language has no spaCy model are left out, with a
        warning; by form: every document)."""
        from workbench.nlp.kwic import kwic

        data = self._data
        tokens = kwic_tokens(data.store, data.location, word, by=by)
        return kwic(tokens, document_texts(data.store), word, by=by, window=window,
                    keep=("document", "speaker", "role", "case", *data.attribute_names()))

    def wordcloud(self, path: str | Path, *, codes: CodeSpec = None,
                  where: Mapping[str, WhereValue] | None = None, title: str = "",
                  max_words: int = 80) -> Path:
        """Save a word cloud (PNG) of the corpus or of some codes' extracts."""
        from workbench.viz.wordclouds import save_wordcloud

        return save_wordcloud(self.frequencies(codes=codes, where=where), path, title=title,
                              max_words=max_words)

    def entities(self, *, progress: bool = True) -> pd.DataFrame:
        """Named entities (lieu, organisation, personne) with document, speaker and case;
        raw material for the actor network and the mapping — check them before use."""
        from workbench.nlp.entities import entity_frame

        data = self._data
        parsed = parse_documents(data.store, data.location, document_texts(data.store),
                                 task="ner", progress=progress)
        frame = entity_frame(parsed).rename(columns={"document": "document_id"})
        with data.store.read() as conn:
            turns = turn_table(conn)
        return tokens_with_turns(frame, turns).drop(columns=["turn_start", "turn_end"])

    def sentiment(self, codes: CodeSpec = None, *,
                  where: Mapping[str, WhereValue] | None = None,
                  status: str | Iterable[str] | None = ANALYSED) -> pd.DataFrame:
        """Extracts with polarity, subjectivity and tone (an indicator: read the extracts;
        accuracy on our hand-labelled set is in docs/sentiment.md). Accepted codings only
        unless `status` says otherwise."""
        from workbench.nlp.sentiment import LANGUAGES as SENTIMENT_LANGUAGES
        from workbench.nlp.sentiment import sentiment_frame

        data = self._data
        extracts = keep_languages(data.store, data.extracts(codes, where=where, status=status),
                                  SENTIMENT_LANGUAGES, purpose="l'indicateur de tonalité",
                                  reason="son lexique (textblob-fr) ne connaît que le français")
        return sentiment_frame(extracts)
