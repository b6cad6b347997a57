"""Rule-based auto-coding: codebook rules matched on a parsed corpus → suggested spans.

Pure functions on DataFrames, so they run the same on SQLite and PostgreSQL
projects and can be tested on hand-made tables. A match on a word expands to
the rule's unit (sentence, turn or paragraph), clipped to the speaker turn so a
suggestion never swallows the speaker label or the next turn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.codebook.rules import REGEX_SECONDS, Rule, compile_regex, regex_starts
from workbench.errors import CodebookError

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
    columns = ["document", "start", "end", "lemma", "lower", "sent", "script"]
    words = tokens.loc[~tokens["is_space"].to_numpy(dtype=bool), columns].reset_index(drop=True)
    ids = _Vocabulary(words)
    hits = [_word_hits(rules, words, ids), _phrase_hits(rules, ids, phrases)]
    token_hits = pd.concat([h for h in hits if len(h)], ignore_index=True) if any(
        len(h) for h in hits) else pd.DataFrame(columns=["row", "rule_index"])
    located = []
    if len(token_hits):
        rows = token_hits["row"].to_numpy(dtype=np.int64)
        located.append(pd.DataFrame({
            "document": words["document"].to_numpy()[rows],
            "pos": words["start"].to_numpy()[rows], "sent": words["sent"].to_numpy()[rows],
            "rule_index": token_hits["rule_index"].to_numpy(),
        }))
    regex = _regex_hits(rules, texts)
    if len(regex):
        located.append(_with_sentence(regex, words))
    if not located:
        return _empty()
    found = pd.concat(located, ignore_index=True)
    return _to_units(found, rules, words, turns, texts)


class _Vocabulary:
    """Lemmas and lower-cased forms as integer ids, so matching is array comparison."""

    def __init__(self, words: pd.DataFrame) -> None:
        n = len(words)
        codes, uniques = pd.factorize(pd.concat([words["lemma"], words["lower"]],
                                                ignore_index=True))
        self.n = n
        self.lemma, self.lower = codes[:n], codes[n:]
        self.ids = {word: i for i, word in enumerate(uniques)}
        self.docs = pd.factorize(words["document"])[0]
        self.latin = words["script"].eq("latin").to_numpy()

    def id(self, word: str) -> int:
        return self.ids.get(word, -1)


def _word_hits(rules: Sequence[Rule], words: pd.DataFrame, ids: _Vocabulary) -> pd.DataFrame:
    """Rows whose lemma or lower-cased form is one of a rule's words (Latin script only)."""
    by_id: dict[int, list[int]] = {}
    for i, rule in enumerate(rules):
        for word in rule.lemmas:
            if ids.id(word) >= 0:
                by_id.setdefault(ids.id(word), []).append(i)
    if not by_id:
        return pd.DataFrame(columns=["row", "rule_index"])
    wanted = np.fromiter(by_id, dtype=np.int64)
    out = []
    for column in (ids.lemma, ids.lower):
        rows = np.flatnonzero(np.isin(column, wanted) & ids.latin)
        pairs = [(r, i) for r, word in zip(rows, column[rows], strict=True) for i in by_id[word]]
        out.append(pd.DataFrame(pairs, columns=["row", "rule_index"]))
    return pd.concat(out, ignore_index=True).drop_duplicates()


def _phrase_hits(rules: Sequence[Rule], ids: _Vocabulary,
                 phrases: PhraseTokens) -> pd.DataFrame:
    """First rows of each run of tokens matching a rule phrase, within one document."""
    wanted = [(i, phrases.get(p, ())) for i, r in enumerate(rules) for p in r.phrases]
    wanted = [(i, toks) for i, toks in wanted if toks]
    if not wanted:
        return pd.DataFrame(columns=["row", "rule_index"])
    n, out = ids.n, []
    for rule_index, toks in wanted:
        k = len(toks)
        if k > n:
            continue
        mask = np.ones(n - k + 1, dtype=bool)
        for offset, (lem, low) in enumerate(toks):
            window = slice(offset, n - k + 1 + offset)
            mask &= (ids.lemma[window] == ids.id(lem)) | (ids.lower[window] == ids.id(low))
        mask &= ids.docs[: n - k + 1] == ids.docs[k - 1:]
        out.append(pd.DataFrame({"row": np.flatnonzero(mask), "rule_index": rule_index}))
    return pd.concat(out, ignore_index=True)


def _regex_hits(rules: Sequence[Rule], texts: Mapping[Any, str]) -> pd.DataFrame:
    found = []
    for i, rule in enumerate(rules):
        if not rule.regex:
            continue
        found.extend((doc, start, i) for doc, start in regex_starts(rule, texts))
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
    """Expand each match to its rule's unit, clipped to its turn; vectorised per step."""
    found = found.astype({"pos": "int64", "sent": "int64", "rule_index": "int64"})
    found["document"] = found["document"].astype(words["document"].dtype)
    turn_cols = turns.rename(columns={"start": "t_lo", "end": "t_hi"}).sort_values("t_lo")
    turn_cols["document"] = turn_cols["document"].astype(found["document"].dtype)
    found = pd.merge_asof(found.sort_values("pos"), turn_cols, left_on="pos", right_on="t_lo",
                          by="document", direction="backward")
    outside = found["t_hi"].isna() | (found["pos"] >= found["t_hi"])
    found.loc[outside, ["t_lo", "t_hi"]] = np.nan
    found = found[_allowed(found, rules, outside.to_numpy())]
    if found.empty:
        return _empty()
    lengths = found["document"].map({d: len(t) for d, t in texts.items()})
    lo = found["t_lo"].fillna(0).astype("int64").to_numpy()
    hi = found["t_hi"].fillna(lengths).astype("int64").to_numpy()
    line_lo, line_hi = _line_bounds(found, texts)
    sentence = words.groupby(["document", "sent"], sort=False).agg(
        s_lo=("start", "min"), s_hi=("end", "max")).reset_index()
    found = found.merge(sentence, on=["document", "sent"], how="left")
    s_lo = found["s_lo"].fillna(found["pos"]).astype("int64").to_numpy()
    s_hi = found["s_hi"].fillna(found["pos"] + 1).astype("int64").to_numpy()
    unit = np.array([rules[i].unit for i in found["rule_index"]])
    start = np.where(unit == "turn", lo, np.where(unit == "paragraph", line_lo,
                                                   np.maximum(s_lo, line_lo)))
    end = np.where(unit == "turn", hi, np.where(unit == "paragraph", line_hi,
                                                 np.minimum(s_hi, line_hi)))
    frame = pd.DataFrame({
        "document": found["document"].to_numpy(),
        "code": [rules[i].code for i in found["rule_index"]],
        "rule": [rules[i].id for i in found["rule_index"]],
        "start": np.maximum(start, lo), "end": np.minimum(end, hi),
    }).drop_duplicates(["document", "code", "start", "end"])
    return _trimmed(frame, texts)


def _allowed(found: pd.DataFrame, rules: Sequence[Rule], outside: np.ndarray) -> np.ndarray:
    """Rows whose turn satisfies their rule's speaker, role and attribute scope."""
    keep = np.ones(len(found), dtype=bool)
    index = found["rule_index"].to_numpy()
    for i, rule in enumerate(rules):
        if not (rule.speaker_role or rule.speakers or rule.where or rule.section):
            continue
        mine = index == i
        ok = ~outside
        if rule.speaker_role:
            ok &= (found["role"] == rule.speaker_role).to_numpy()
        if rule.speakers:
            ok &= found["speaker"].isin(rule.speakers).to_numpy()
        if rule.section:
            sections = found["section"] if "section" in found.columns else pd.Series(
                None, index=found.index, dtype=object)
            ok &= _under_section(rule, sections)
        for key, wanted in rule.where.items():
            options = {str(o) for o in (wanted if isinstance(wanted, list) else [wanted])}
            column = found[key] if key in found.columns else pd.Series(None, index=found.index)
            ok &= column.map(lambda v, o=options: v is not None and not pd.isna(v)
                             and str(v) in o).to_numpy(dtype=bool)
        keep[mine] = ok[mine]
    return keep


def _under_section(rule: Rule, sections: pd.Series) -> np.ndarray:
    """Rows whose turn lies under a section matching the rule's `section` regex (each
    distinct label tried once, within the regex time limit)."""
    pattern = compile_regex(str(rule.section))
    verdicts: dict[str, bool] = {}
    for label in {v for v in sections if isinstance(v, str)}:
        try:
            verdicts[label] = pattern.search(label, timeout=REGEX_SECONDS) is not None
        except TimeoutError:
            raise CodebookError(
                f"règle « {rule.id} » du code « {rule.code} » : son expression `section` "
                f"« {rule.section} » dépasse {REGEX_SECONDS:g} s sur une section ; "
                "simplifiez-la. Rien n'a été enregistré.") from None
    return sections.map(lambda v: verdicts.get(v, False) if isinstance(v, str)
                        else False).to_numpy(dtype=bool)


def _line_bounds(found: pd.DataFrame, texts: Mapping[Any, str]) -> tuple[np.ndarray, np.ndarray]:
    """The start and end of the line holding each match."""
    lo = np.zeros(len(found), dtype=np.int64)
    hi = np.zeros(len(found), dtype=np.int64)
    positions = found["pos"].to_numpy()
    for doc, rows in found.groupby("document", sort=False).indices.items():
        text = texts[doc]
        codepoints = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        breaks = np.flatnonzero(codepoints == 10).astype(np.int64)
        k = np.searchsorted(breaks, positions[rows], side="left")
        lo[rows] = np.where(k > 0, breaks[np.maximum(k - 1, 0)] + 1, 0) if len(breaks) else 0
        hi[rows] = np.where(k < len(breaks), breaks[np.minimum(k, len(breaks) - 1)],
                            len(text)) if len(breaks) else len(text)
    return lo, hi


def _trimmed(frame: pd.DataFrame, texts: Mapping[Any, str]) -> pd.DataFrame:
    """Spans without surrounding whitespace, empty ones dropped."""
    starts, ends = [], []
    for doc, start, end in zip(frame["document"], frame["start"], frame["end"], strict=True):
        text = texts[doc]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        starts.append(start)
        ends.append(end)
    frame = frame.assign(start=starts, end=ends)
    frame = frame[frame["end"] > frame["start"]]
    frame = frame.drop_duplicates(["document", "code", "start", "end"])
    return frame.sort_values(["document", "start", "code"]).reset_index(drop=True)
