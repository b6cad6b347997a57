"""Finding real names in texts and tables and replacing them by their pseudonyms, with
one compiled regex per table; the leaks left; whether a label or an entity is a name.

Matching rules (``pseudonymise_text``, ``leaks``)
------------------------------------------------
- Case, accents, apostrophes (' ’ ʼ) and separators (spaces, hyphen, underscore,
  dot, line break) are ignored: "FATIMA", "Ait-Lahcen", "N’Diaye", "M.Amzil"
  match. A title must be followed by a dot or spaces on the same line: in
  "m- Jean-Claude" the truncated "m-" stays and only the name is replaced.
- Matches fall on letter boundaries (letters and digits of any script join
  words; punctuation, spaces and underscores separate them), so "Ali" is not
  found in "Alimentation" and Arabic-script text is left as is.
- At each position the longest variant wins. Protected strings (``protect``:
  places, organisations that are not pseudonymised) and the pseudonyms
  themselves are matched as themselves, so a name inside them is left:
  with "Chtouka-Aït Baha" protected, the surname "Ait Baha" is not replaced
  inside it.
- A variant shared by people with different pseudonyms (a couple's surname)
  becomes a neutral placeholder ("[nom]"), never one of them; a real name
  given exactly in the table wins over a variant derived from another name.
- A name right after Saint/Sainte/St/Ste is a saint, a place or a street
  ("Saint-Denis", "rue Saint-Dominique") and stays. Other places named after
  people ("avenue Gabriel Péri") go in ``protect``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from workbench.corpus.roles import known_role, split_interviewer_suffix
from workbench.privacy.forms import (
    LINE_BREAKS,
    SEPARATORS,
    TITLES,
    PseudonymEntry,
    cell_text,
    fold,
    is_common_word,
    letter_count,
    name_key,
    parse_pseudonym,
    title_words,
    written_forms,
)

PLACEHOLDERS = {"person": "[nom]", "organisation": "[organisation]", "place": "[lieu]"}
# "Saint" and the name on one line, joined by spaces or a hyphen (not "Saint-\nBlanche").
_SAINT = re.compile(r"(?<![^\W_])(saint|sainte|st|ste)[ \t\u00a0\-‐‑]+\Z",
                    re.IGNORECASE)
# Speaker labels that are not names (besides roles.known_role's E, Q, R, INT, Enquêteur …).
_GENERIC_LABELS = {
    "homme", "femme", "public", "salle", "inconnu", "inconnue", "plusieurs", "tous", "toutes",
    "voix", "voix off", "autre", "autres", "interprete", "traducteur", "traductrice", "groupe",
    "participants", "intervenant", "intervenante", "assistance", "rires", "unknown", "speaker",
    "spk", "locuteur", "locutrice", "x", "xx", "xxx", "enquetes", "enquetees",
}
_DETERMINERS = {"le", "la", "les", "l'", "un", "une", "mon", "ma", "mes", "ton", "ta", "son", "sa",
                "ses", "notre", "votre", "leur"}
NAME_COLUMNS = {
    "prenom", "nom", "name", "first name", "firstname", "last name", "lastname", "surname",
    "given name", "family name", "full name", "nom complet", "nom prenom", "prenom nom", "real",
    "reel", "vrai nom", "email", "e mail", "mail", "courriel", "telephone", "tel", "phone",
    "mobile", "adresse", "address", "source", "path", "chemin", "fichier", "file", "filename",
}
TEXT_COLUMNS = ("text", "quote", "speaker", "case", "document", "reference", "memo", "left",
                "code_path",
                "keyword", "right", "context", "section", "title",
                "review_comment")
MAPPED_COLUMNS = ("case", "speaker")


# -- the matcher ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    replacement: str | None  # None: a protected string, left as it is
    capital: bool = False
    priority: int = 3


@dataclass(frozen=True)
class Matcher:
    """A table's names compiled: one regex (None: nothing to find) and what each folded
    form found stands for."""

    pattern: re.Pattern[str] | None
    targets: dict[str, _Target]


def _trie_regex(keys: Iterable[str]) -> str:
    """One regex for many keys, as a trie: shared prefixes once, longer keys tried first."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [("[ \n]+" if ch == " " else re.escape(ch)) + emit(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" in node:
            return "(?:" + "|".join(branches) + ")?"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie)


@lru_cache(maxsize=64)
def _matcher(table: tuple[PseudonymEntry, ...], protect: tuple[str, ...]) -> Matcher:
    shield = {name_key(p) for p in protect} | {name_key(e.pseudonym) for e in table}
    shield |= {name_key(p) for p in PLACEHOLDERS.values()}
    shield.discard("")
    blocked = frozenset(shield)
    targets: dict[str, _Target] = {}
    for entry in table:
        for form, capital, priority in written_forms(entry, blocked):
            key = name_key(form)
            if key in shield:
                continue
            previous = targets.get(key)
            if previous is None or priority > previous.priority:
                targets[key] = _Target(entry.pseudonym, capital, priority)
            elif priority == previous.priority and previous.replacement != entry.pseudonym:
                targets[key] = _Target(PLACEHOLDERS[entry.kind], capital or previous.capital,
                                       priority)
    if not targets:
        return Matcher(None, {})
    targets.update({key: _Target(None) for key in shield})
    body = _trie_regex(sorted(targets))
    return Matcher(re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])"), targets)


def compiled(table: Iterable[PseudonymEntry], protect: Iterable[str]) -> Matcher:
    """The matcher of a table and its protected strings (cached: the same table and
    strings give the same matcher)."""
    return _matcher(tuple(table), tuple(sorted({p for p in protect if p and p.strip()})))


def _after_title(text: str, folded: str, start: int, n: int) -> tuple[int, bool]:
    """Where the name starts after `n` title words at `start`, and whether they are a
    title indeed: not when a hyphen or a line break follows, as in a truncated
    "m- Jean-Claude" or a turn ending "… au docteur" before "Reine Cérêt : …"."""
    pos, hyphen = start, False
    for _ in range(n):
        word = re.compile(r"[^ \n]+[ \n]+").match(folded, pos)
        if word is None:
            return start, False
        hyphen = hyphen or any(ch in SEPARATORS[1:] or ch in LINE_BREAKS
                               for ch in text[pos:word.end()])
        pos = word.end()
    return pos, not hyphen


def hits(text: str, matcher: Matcher, *, strict: bool = False,
         keep_protected: bool = False) -> Iterator[tuple[int, int, str | None]]:
    """(start, end, replacement) of every name found; replacement None for protected
    strings (only with keep_protected)."""
    if matcher.pattern is None or not text:
        return
    folded = fold(text)
    for m in matcher.pattern.finditer(folded):
        key = " ".join(m.group().split())
        start, target = m.start(), matcher.targets[key]
        if target.replacement is None:
            if keep_protected:
                yield start, m.end(), None
            continue
        if n := title_words(key):
            name_start, titled = _after_title(text, folded, start, n)
            if not titled:  # keep the word before the name; replace the name alone
                start = name_start
                target = matcher.targets.get(" ".join(key.split()[n:]), _Target(None))
                if target.replacement is None:
                    continue
        if target.capital and not strict and not text[start].isupper():
            continue
        if _SAINT.search(text, max(0, start - 8), start):
            continue  # Saint-Denis, rue Saint-Dominique, quai Saint Bernard: not a person
        yield start, m.end(), target.replacement


def _replace(text: str, matcher: Matcher) -> str:
    parts, last = [], 0
    for start, end, replacement in hits(text, matcher):
        parts += [text[last:start], replacement or ""]
        last = end
    return "".join(parts) + text[last:] if parts else text


def pseudonymise_text(text: str, table: Iterable[PseudonymEntry], *,
                      protect: Iterable[str] = ()) -> str:
    """`text` with every variant of every real name replaced by its pseudonym, in one pass.

    Only the matched names change; `protect` lists strings (places, organisations
    kept by name) that are never altered, nor any name inside them.
    """
    return _replace(text, compiled(table, protect))


def name_spans(text: str, table: Iterable[PseudonymEntry], *,
               protect: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """(start, end, pseudonym) of each name `pseudonymise_text` replaces in `text`, in
    order: for callers that must move offsets along with the text (REFI-QDA export)."""
    return [(a, b, r) for a, b, r in hits(text, compiled(table, protect)) if r is not None]


def _exact_map(table: Iterable[PseudonymEntry]) -> dict[str, str]:
    return {name_key(e.real): e.pseudonym for e in table}


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]


def _map_values(series: pd.Series, function: Any) -> pd.Series:
    """Apply `function` to each distinct string of a column (NaN and non-strings kept)."""
    values = {v: function(v) for v in series.dropna().unique() if isinstance(v, str)}
    return series.map(lambda v: values.get(v, v) if isinstance(v, str) else v)


def pseudonymise_frame(frame: pd.DataFrame, table: Iterable[PseudonymEntry], *,
                       columns: Sequence[str] = TEXT_COLUMNS,
                       mapped: Sequence[str] = MAPPED_COLUMNS,
                       protect: Iterable[str] = (),
                       keep: Sequence[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """A copy of `frame` fit for the COPIL, and the columns dropped from it.

    `keep`: identifier columns (a code's id) left as they are, never dropped: a name
    in one of them is for the export's last check to refuse.

    `mapped` columns (case, speaker) take the pseudonym of a value that is a real
    name of the table, else are treated as text; `columns` have names replaced in
    their text; columns that carry names by nature (prénom, nom, e-mail, source
    path …) are dropped, and so is any other text column where a name remains.
    """
    table = tuple(table)
    matcher, exact = compiled(table, protect), _exact_map(table)
    out = frame.copy()
    dropped = [c for c in out.columns if isinstance(c, str) and name_key(c) in NAME_COLUMNS
               and c not in mapped and c not in columns]
    out = out.drop(columns=dropped)

    def one(value: str) -> str:
        return _replace(value, matcher)

    def exact_or_text(value: str) -> str:
        return exact.get(name_key(value)) or one(value)

    for column in _text_columns(out):
        if column in mapped:
            out[column] = _map_values(out[column], exact_or_text)
        elif column in columns:
            out[column] = _map_values(out[column], one)
        elif column in keep:
            continue
        elif any(next(hits(v, matcher), None) for v in out[column].dropna().astype(str).unique()):
            dropped.append(column)
    return out.drop(columns=[c for c in dropped if c in out.columns]), [str(c) for c in dropped]


def leaks(text_or_frame: str | Iterable[str] | pd.DataFrame, table: Iterable[PseudonymEntry],
          *, protect: Iterable[str] = (), strict: bool = False) -> list[str]:
    """Real names (as they appear) still present in a text, texts or a frame's text cells.

    The same rules as pseudonymise_text, so pseudonymised text gives []. `strict`
    also reports common-word variants in lower case ("pierre" for a Pierre), for a
    human check. The result holds real names: assert on it, never log it.
    """
    if isinstance(text_or_frame, pd.DataFrame):
        texts: list[str] = [str(c) for c in text_or_frame.columns]
        for column in _text_columns(text_or_frame):
            texts += [v for v in text_or_frame[column].dropna().unique() if isinstance(v, str)]
    elif isinstance(text_or_frame, str):
        texts = [text_or_frame]
    else:
        texts = [t for t in text_or_frame if isinstance(t, str)]
    matcher = compiled(table, protect)
    found = {text[s:e] for text in texts for s, e, _ in hits(text, matcher, strict=strict)}
    return sorted(found)


# -- names or not --------------------------------------------------------------------------
def is_name_label(label: Any) -> bool:
    """True when a speaker label looks like a name ("Fatima", "M. Amzil"), False for
    conventional labels (E, R, Q, INT, Enquêteur, Modératrice, Participant 3, Homme 2 …),
    descriptions ("la mère", "une voisine") and pseudonyms."""
    text = cell_text(label)
    if text is None or letter_count(text) <= 2:
        return False
    if known_role(text) is not None or known_role(split_interviewer_suffix(text)[0]):
        return False
    base = re.sub(r"[\d\s.#]+$", "", name_key(text)).strip()
    words = text.split()
    if (name_key(words[0]) in _DETERMINERS and len(words) > 1
            and all(w.islower() and is_common_word(w) for w in words[1:])):
        return False  # "la mère", "Le voisin", "une amie"; not "Le Coat"
    return base not in _GENERIC_LABELS and parse_pseudonym(text) is None


def known_entity(text: str, matcher: Matcher) -> bool:
    """True when every capitalised word of an entity is a known name, a pseudonym, a
    protected string, a title or a common word ("Bonjour"): nothing left to confirm."""
    residue, last = [], 0
    for start, end, _ in hits(text, matcher, strict=True, keep_protected=True):
        residue.append(text[last:start])
        last = end
    residue.append(text[last:])
    titles = {name_key(t) for t in TITLES}
    words = re.findall(r"[^\W\d_]+", " ".join(residue))
    return not [w for w in words if w[:1].isupper() and len(w) > 2 and name_key(w) not in titles
                and not is_common_word(w)]


def is_known_name(text: str, table: Iterable[PseudonymEntry], protect: Iterable[str] = ()
                  ) -> bool:
    """True when nothing in `text` is left to confirm as a name: each capitalised word is
    a name of the table, a pseudonym, a protected string, a title or a common word."""
    return known_entity(text, compiled(tuple(table), tuple(protect)))
