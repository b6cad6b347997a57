"""Rule-based auto-coding: codebook rules matched on a parsed corpus → suggested spans.

Pure functions on DataFrames, so they run the same on SQLite and PostgreSQL
projects and can be tested on hand-made tables. A match on a word expands to
the rule's unit (sentence, turn or paragraph), clipped to the speaker turn so a
suggestion never swallows the speaker label or the next turn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.codebook.rules import Rule

COLUMNS = ["document", "code", "rule", "start", "end"]
PhraseTokens = Mapping[str, Sequence[tuple[str, str]]]  # phrase → [(lemma, lower)]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("code", "rule") else "int64")
                         for c in COLUMNS}).astype({"document": object})


def match_rules(rules: Sequence[Rule], tokens: pd.DataFrame, turns: pd.DataFrame,
                texts: Mapping[Any, str], *, phrases: PhraseTokens) -> pd.DataFrame:
    """Suggested spans (document, code, rule, start, end), one per unit and code.

    `tokens`: one row per token with document, start, end, lemma, lower, sent,
    is_space and script ("latin" tokens only are matched on words).
    `turns`: document, start, end, speaker, role and any case attribute that a
    rule's `where` names. `phrases`: each rule phrase as (lemma, lower) tokens.
    """
    if not rules or tokens.empty:
        return _empty()
    words = tokens[~tokens["is_space"].astype(bool)].reset_index(drop=True)
    hits = [_word_hits(rules, words), _phrase_hits(rules, words, phrases)]
    token_hits = pd.concat([h for h in hits if len(h)], ignore_index=True) if any(
        len(h) for h in hits) else pd.DataFrame(columns=["row", "rule_index"])
    located = []
    if len(token_hits):
        rows = words.loc[token_hits["row"].astype(int)].reset_index(drop=True)
        located.append(pd.DataFrame({
            "document": rows["document"].to_numpy(), "pos": rows["start"].to_numpy(),
            "sent": rows["sent"].to_numpy(), "rule_index": token_hits["rule_index"].to_numpy(),
        }))
    regex = _regex_hits(rules, texts)
    if len(regex):
        located.append(_with_sentence(regex, words))
    if not located:
        return _empty()
    found = pd.concat(located, ignore_index=True)
    return _to_units(found, rules, words, turns, texts)


def _word_hits(rules: Sequence[Rule], words: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame([(w, i) for i, r in enumerate(rules) for w in r.lemmas],
                         columns=["word", "rule_index"])
    if table.empty:
        return table.rename(columns={"word": "row"})
    latin = words["script"].eq("latin").to_numpy()
    out = []
    for column in ("lemma", "lower"):
        keys = pd.DataFrame({"word": words[column].to_numpy(), "row": np.arange(len(words))})
        keys = keys[latin]
        out.append(keys.merge(table, on="word")[["row", "rule_index"]])
    return pd.concat(out, ignore_index=True).drop_duplicates()


def _phrase_hits(rules: Sequence[Rule], words: pd.DataFrame,
                 phrases: PhraseTokens) -> pd.DataFrame:
    wanted = [(i, phrases.get(p, ())) for i, r in enumerate(rules) for p in r.phrases]
    wanted = [(i, toks) for i, toks in wanted if toks]
    if not wanted:
        return pd.DataFrame(columns=["row", "rule_index"])
    vocab: dict[str, int] = {}
    lemma = np.fromiter((vocab.setdefault(w, len(vocab)) for w in words["lemma"]), dtype=np.int64,
                        count=len(words))
    lower = np.fromiter((vocab.setdefault(w, len(vocab)) for w in words["lower"]),
                        dtype=np.int64, count=len(words))
    docs = pd.factorize(words["document"])[0]
    n = len(words)
    out = []
    for rule_index, toks in wanted:
        k = len(toks)
        if k > n:
            continue
        mask = np.ones(n - k + 1, dtype=bool)
        for offset, (lem, low) in enumerate(toks):
            lem_id, low_id = vocab.get(lem, -1), vocab.get(low, -1)
            window = slice(offset, n - k + 1 + offset)
            mask &= (lemma[window] == lem_id) | (lower[window] == low_id)
        mask &= docs[: n - k + 1] == docs[k - 1:]
        rows = np.nonzero(mask)[0]
        out.append(pd.DataFrame({"row": rows, "rule_index": rule_index}))
    return pd.concat(out, ignore_index=True)


def _regex_hits(rules: Sequence[Rule], texts: Mapping[Any, str]) -> pd.DataFrame:
    found = []
    for i, rule in enumerate(rules):
        if not rule.regex:
            continue
        pattern = re.compile(rule.regex, re.IGNORECASE)
        for doc, text in texts.items():
            found.extend((doc, m.start(), i) for m in pattern.finditer(text) if m.end() > m.start())
    return pd.DataFrame(found, columns=["document", "pos", "rule_index"])


def _with_sentence(found: pd.DataFrame, words: pd.DataFrame) -> pd.DataFrame:
    """The sentence number of each character position (that of the token at or before it)."""
    sents = []
    for doc, group in found.groupby("document", sort=False):
        mine = words[words["document"] == doc]
        starts = mine["start"].to_numpy()
        idx = np.clip(np.searchsorted(starts, group["pos"].to_numpy(), side="right") - 1, 0, None)
        sents.append(pd.Series(mine["sent"].to_numpy()[idx] if len(mine) else -1,
                               index=group.index))
    return found.assign(sent=pd.concat(sents) if sents else -1)


def _to_units(found: pd.DataFrame, rules: Sequence[Rule], words: pd.DataFrame,
              turns: pd.DataFrame, texts: Mapping[Any, str]) -> pd.DataFrame:
    sentence = words.groupby(["document", "sent"], sort=False).agg(
        s_start=("start", "min"), s_end=("end", "max"))
    records = []
    for doc, group in found.groupby("document", sort=False):
        text = texts[doc]
        doc_turns = turns[turns["document"] == doc].sort_values("start")
        t_starts = doc_turns["start"].to_numpy()
        t_idx = np.searchsorted(t_starts, group["pos"].to_numpy(), side="right") - 1
        for (pos, sent, rule_index), ti in zip(
                group[["pos", "sent", "rule_index"]].itertuples(index=False, name=None), t_idx,
                strict=True):
            rule = rules[int(rule_index)]
            turn = doc_turns.iloc[ti] if ti >= 0 else None
            if turn is not None and pos >= turn["end"]:
                turn = None
            if not _turn_allowed(rule, turn):
                continue
            lo, hi = (int(turn["start"]), int(turn["end"])) if turn is not None else (0, len(text))
            if rule.unit == "turn":
                start, end = lo, hi
            elif rule.unit == "paragraph":
                start = text.rfind("\n", 0, pos) + 1
                stop = text.find("\n", pos)
                end = len(text) if stop < 0 else stop
            else:  # a sentence, but never across a line break
                start, end = sentence.loc[(doc, sent)] if (doc, sent) in sentence.index \
                    else (pos, pos + 1)
                line_start = text.rfind("\n", 0, pos) + 1
                line_end = text.find("\n", pos)
                start = max(int(start), line_start)
                end = min(int(end), len(text) if line_end < 0 else line_end)
            start, end = max(int(start), lo), min(int(end), hi)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                records.append((doc, rule.code, rule.id, start, end))
    frame = pd.DataFrame(records, columns=COLUMNS)
    return frame.drop_duplicates(["document", "code", "start", "end"]).reset_index(drop=True)


def _turn_allowed(rule: Rule, turn: pd.Series | None) -> bool:
    if not (rule.speaker_role or rule.speakers or rule.where):
        return True
    if turn is None:
        return False
    if rule.speaker_role and turn.get("role") != rule.speaker_role:
        return False
    if rule.speakers and turn.get("speaker") not in rule.speakers:
        return False
    for key, wanted in rule.where.items():
        value = turn.get(key)
        options = wanted if isinstance(wanted, list) else [wanted]
        if value is None or (not isinstance(value, str) and pd.isna(value)) or \
                str(value) not in {str(o) for o in options}:
            return False
    return True
