"""The last check before a pseudonymised output leaves: no real name in it, and no
possible person name that nobody has looked at.

Two lists, both built from the project, never from a study's vocabulary:

- **sensitive names**: what the project knows to be a person: the pseudonym table,
  every speaker label that reads as a name, the name of every person case, and the
  name-like words of the documents' file names (``Ozgur_Kilic_H_32`` gives Ozgur and
  Kilic: capitalised, not a common word, not a place or category of the attributes).
  A pseudonymised output holding one of them is never written.
- **candidates**: words of the texts that may be a person's name but that the project
  does not know: spaCy's person entities and capitalised words that are neither a
  sentence's first word, a common word, a place or organisation entity, nor written
  in lower case elsewhere in the corpus. A pseudonymised export holding one stops
  and lists them, until the researcher has added each to the pseudonym table or
  reviewed it as not a name (`name_reviews`), or exports anyway (`names_reviewed`).

Results hold real names: for the researcher, never for a COPIL output or a log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Connection, select

from workbench.corpus.roles import known_role
from workbench.errors import ExportError
from workbench.privacy.forms import PseudonymEntry, fold, is_common_word
from workbench.privacy.matching import is_known_name, is_name_label, leaks
from workbench.privacy.table import protected_values, stored_table
from workbench.store import Writer
from workbench.store import schema as s

if TYPE_CHECKING:
    from workbench.store import Store

NOT_A_NAME = "not_a_name"
PERSON_LABELS = ("PER", "PERSON")  # spaCy's French and English person entities
# Words English writes with a capital that are never names (French writes them in lower case).
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
CALENDAR = frozenset([*_DAYS, *(f"{d}s" for d in _DAYS), *_MONTHS])
SHOWN_IN_MESSAGE = 8
# A capitalised word ("Jean-Marc", "N'Diaye"), and a run of them ("Camille Roussel").
_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž]+(?:['’-][A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ]+)*"
_CAPITALISED = re.compile(rf"(?<![\w'’-])({_WORD}(?:[ \u00a0]{_WORD})*)(?![\w'’-])")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-öø-ÿ][\w'’-]*")
_FILE_TOKEN = re.compile(r"[^\W\d_]+")
# What may end a sentence or open a speaker's turn: the next capital says nothing.
_SENTENCE_END = re.compile(r"(?:[.!?…:;»«\"“”(\[\]\-–—]|^)\s*$")


class NameCheckError(ExportError):
    """A pseudonymised output would hold a real or unreviewed name: nothing is written."""


@dataclass(frozen=True)
class Sensitive:
    """The names a pseudonymised output may not hold, as entries for the matcher, and the
    strings it leaves alone (places and categories of the attributes)."""

    entries: tuple[PseudonymEntry, ...]
    protect: tuple[str, ...]
    origins: Mapping[str, str]  # real name → where it comes from (French, for messages)

    def leaks(self, shown: str | Iterable[str] | pd.DataFrame) -> list[str]:
        """The sensitive names present in `shown` (as they appear there)."""
        return leaks(shown, self.entries, protect=self.protect) if self.entries else []


def reviewed_names(conn: Connection) -> set[str]:
    """Folded words reviewed as not being a person's name."""
    return set(conn.execute(select(s.name_reviews.c.folded)).scalars())


def _file_name_words(names: Iterable[str], ignore: set[str]) -> list[str]:
    """Name-like words of file names: capitalised (or in capitals, five letters or more),
    three letters or more, neither a common word, a role word nor an ignored word."""
    found: dict[str, None] = {}
    for name in names:
        for word in _FILE_TOKEN.findall(str(name)):
            title = word[:1].isupper() and not word.isupper()
            if len(word) < 3 or not (title or (word.isupper() and len(word) >= 5)):
                continue
            if fold(word) in ignore or is_common_word(word) or known_role(word) is not None:
                continue
            found.setdefault(word, None)
    return list(found)


def sensitive_names(conn: Connection, *, kinds: Iterable[str] = ("person", "organisation",
                                                                   "place"),
                    protect: Iterable[str] = ()) -> Sensitive:
    """Every name the project knows to be a person's (and the table's entries of `kinds`),
    with the strings to leave alone."""
    kinds = set(kinds)
    table = stored_table(conn)
    places = protected_values(conn)
    kept = [e.real for e in table if e.kind not in kinds]
    entries = [e for e in table if e.kind in kinds]
    origins = {e.real: "table des pseudonymes" for e in entries}
    reviewed = reviewed_names(conn)
    known = {fold(e.real) for e in table}
    pseudonym_words = {fold(w) for e in table for w in e.pseudonym.split()}
    ignore = (reviewed | known | pseudonym_words
              | {fold(w) for p in [*places, *kept, *protect] for w in _FILE_TOKEN.findall(p)})

    def add(name: str, origin: str) -> None:
        if fold(name) not in known and fold(name) not in reviewed:
            known.add(fold(name))
            entries.append(PseudonymEntry(name, "—", "person", "speaker"))
            origins[name] = origin

    speakers = conn.execute(select(s.turns.c.speaker).distinct()).scalars()
    for speaker in sorted(x for x in speakers if x):
        if is_name_label(speaker):
            add(" ".join(speaker.split()), "nom d'un locuteur")
    cases = conn.execute(select(s.cases.c.name).where(s.cases.c.kind == "person")).scalars()
    for case in sorted(cases):
        if is_name_label(case):
            add(" ".join(case.split()), "nom d'un cas")
    documents = conn.execute(select(s.documents.c.name)).scalars()
    for word in _file_name_words(documents, ignore):
        add(word, "nom d'un fichier")
    return Sensitive(tuple(entries), tuple(sorted({*places, *kept, *(p for p in protect if p)})),
                     origins)


# -- candidates ------------------------------------------------------------------------------
def _sentence_start(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return bool(_SENTENCE_END.search(before)) or bool(re.fullmatch(r"[^:]{1,40}:\s*", before))


def capitalised_candidates(texts: Mapping[Any, str], *, lower_words: set[str]) -> pd.DataFrame:
    """Runs of capitalised words inside sentences, leaving out common words and words
    also written in lower case in the corpus: document, start, end, text."""
    rows = []
    for document, text in texts.items():
        for match in _CAPITALISED.finditer(text or ""):
            words = [w for w in match.group(1).split()
                     if len(w) >= 3 and fold(w) not in lower_words and not is_common_word(w)]
            if words and not _sentence_start(text, match.start()):
                rows.append((document, match.start(), match.end(), match.group(1)))
    return pd.DataFrame(rows, columns=["document", "start", "end", "text"])


def find_candidates(texts: Mapping[Any, str], entities: pd.DataFrame,
                    sensitive: Sensitive, reviewed: set[str],
                    references: Mapping[int, str], *,
                    ignore: Iterable[str] = ()) -> pd.DataFrame:
    """Possible person names not known to the project: name, source, count, documents
    (references) and an example in context; most frequent first.

    `entities`: spaCy entities (document, start, end, text, label) of `texts`; a
    capitalised run inside a place or organisation entity is not a candidate, nor one
    inside a person entity (the entity is). `ignore`: words that are never names
    (fillers such as "Euh", "Ben"), folded or not.
    """
    skip = reviewed | CALENDAR | {fold(w) for w in ignore}
    lower = {fold(w) for text in texts.values() for w in _LOWER_WORD.findall(text or "")}
    people = entities[entities["label"].isin(PERSON_LABELS)][["document", "start", "end",
                                                              "text"]]
    spans: dict[Any, list[tuple[int, int]]] = {}
    for row in entities.itertuples(index=False):
        spans.setdefault(row.document, []).append((row.start, row.end))
    capitalised = capitalised_candidates(texts, lower_words=lower)
    capitalised = capitalised[[not any(a <= r.start and r.end <= b
                                       for a, b in spans.get(r.document, ()))
                               for r in capitalised.itertuples(index=False)]]
    found = pd.concat([people.assign(source="entité nommée"),
                       capitalised.assign(source="majuscule")], ignore_index=True)
    rows: dict[str, dict[str, Any]] = {}
    for r in found.itertuples(index=False):
        name = _trimmed(str(r.text))
        key = fold(name)
        if (not key or key in skip or all(w in skip for w in key.split())
                or not any(c.isupper() for c in name) or not is_name_label(name)
                or is_known_name(name, sensitive.entries, sensitive.protect)):
            continue
        row = rows.setdefault(key, {"name": name, "source": r.source, "count": 0,
                                    "documents": [], "example": _context(texts[r.document],
                                                                         r.start, r.end)})
        row["count"] += 1
        reference = references.get(r.document, str(r.document))
        if reference not in row["documents"]:
            row["documents"].append(reference)
    frame = pd.DataFrame(list(rows.values()),
                         columns=["name", "source", "count", "documents", "example"])
    frame["documents"] = frame["documents"].map(", ".join)
    return frame.sort_values(["count", "name"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def _trimmed(text: str) -> str:
    """An entity without the lower-case words around it ("ben Lucas" → "Lucas")."""
    words = text.split()
    while words and not any(c.isupper() for c in words[0]):
        words.pop(0)
    while words and not any(c.isupper() for c in words[-1]):
        words.pop()
    return " ".join(words)


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    return " ".join(f"{text[max(0, start - width):start]}[{text[start:end]}]"
                    f"{text[end:end + width]}".split())


def present(names: Sequence[str], shown: str | Iterable[str] | pd.DataFrame) -> list[str]:
    """Which of `names` occur in `shown` (whole words, case and accents aside)."""
    if not names:
        return []
    if isinstance(shown, pd.DataFrame):
        parts = [str(c) for c in shown.columns]
        for column in shown.columns:
            parts += [v for v in shown[column].dropna().unique() if isinstance(v, str)]
    else:
        parts = [shown] if isinstance(shown, str) else [p for p in shown if isinstance(p, str)]
    folded = "\n".join(fold(p) for p in parts)
    return [n for n in names
            if re.search(rf"(?<!\w){re.escape(fold(n))}(?!\w)", folded)]


# -- reviews ---------------------------------------------------------------------------------
def save_reviews(w: Writer, names: Iterable[str]) -> int:
    """Record words as reviewed and not a person's name; audited. Returns how many are new."""
    done = reviewed_names(w.conn)
    n = 0
    for name in names:
        clean = " ".join(str(name).split())
        key = fold(clean)
        if not key or key in done:
            continue
        row = {"name": clean, "folded": key[:255], "decision": NOT_A_NAME,
               "reviewer": w.actor, "reviewed_at": w.at}
        new_id = w.conn.execute(s.name_reviews.insert().values(**row)
                                .returning(s.name_reviews.c.id)).scalar_one()
        w.log("review-name", "name_reviews", new_id, after={"id": new_id, **row})
        done.add(key)
        n += 1
    return n


def review_table(store: Store) -> pd.DataFrame:
    """The words reviewed as not a person's name: name, reviewer, reviewed_at."""
    r = s.name_reviews
    with store.read() as conn:
        rows = conn.execute(select(r.c.name, r.c.reviewer, r.c.reviewed_at)
                            .order_by(r.c.id)).all()
    return pd.DataFrame(rows, columns=["name", "reviewer", "reviewed_at"])


# -- the check -------------------------------------------------------------------------------
def refuse_leaks(sensitive: Sensitive, shown: str | Iterable[str] | pd.DataFrame,
                 what: str) -> None:
    """Raise NameCheckError naming the sensitive names `shown` holds, and what to do."""
    found = sensitive.leaks(shown)
    if not found:
        return
    by_fold = {fold(k): v for k, v in sensitive.origins.items()}
    listed = ", ".join(f"« {n} » ({_origin(n, by_fold)})" for n in found[:SHOWN_IN_MESSAGE])
    more = f" et {len(found) - SHOWN_IN_MESSAGE} autres" if len(found) > SHOWN_IN_MESSAGE else ""
    raise NameCheckError(
        f"{what} : rien n'est écrit, car des noms réels y resteraient : {listed}{more}. "
        "Donnez-leur un pseudonyme (p.privacy.propose() ou "
        "p.privacy.set_pseudonym(nom, pseudonyme)), renommez le code ou le mémo qui les "
        "porte, ou, si ce ne sont pas des noms de personnes, déclarez-les relus "
        "(p.privacy.review_names([...])).")


def _origin(name: str, by_fold: Mapping[str, str]) -> str:
    key = fold(name)
    if key in by_fold:
        return by_fold[key]
    for real, origin in by_fold.items():
        if key in real.split() or real in key:
            return origin
    return "table des pseudonymes"


def refuse_unreviewed(candidates: pd.DataFrame, shown: str | Iterable[str] | pd.DataFrame,
                      what: str, *, protect: Iterable[str] = ()) -> None:
    """Raise NameCheckError listing the candidates `shown` holds (none: nothing to do);
    a candidate that is, or is part of, a `protect` string is left alone."""
    kept = [fold(p) for p in protect if p]
    names = [n for n in candidates["name"].tolist()
             if not any(re.search(rf"(?<!\w){re.escape(fold(n))}(?!\w)", k) for k in kept)]
    found = present(names, shown)
    if not found:
        return
    listed = ", ".join(f"« {n} »" for n in found[:SHOWN_IN_MESSAGE])
    more = f" et {len(found) - SHOWN_IN_MESSAGE} autres" if len(found) > SHOWN_IN_MESSAGE else ""
    raise NameCheckError(
        f"{what} : rien n'est écrit, car {len(found)} nom(s) de personne possible(s) "
        f"n'ont pas encore été relus : {listed}{more}. Consultez-les avec "
        "p.privacy.candidates() ; donnez un pseudonyme à ceux qui désignent une personne "
        "(p.privacy.set_pseudonym(nom, pseudonyme)) et déclarez les autres relus "
        "(p.privacy.review_names([...])), ou, une fois la liste relue, exportez quand même "
        "avec names_reviewed=True.")
