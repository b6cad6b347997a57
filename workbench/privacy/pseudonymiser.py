"""A project's pseudonymiser: its pseudonym table, pseudonymised copies of its tables and
texts, and the last check of an output, on its store. `Project`'s pseudonym and
name-check methods call these functions; results that hold real names are for the
researcher, never for a COPIL output or a log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.nlp.languages import effective_language
from workbench.nlp.pipeline import model_for
from workbench.parsed import document_languages, document_texts, parse_documents
from workbench.privacy import matching
from workbench.privacy.entities import person_entities
from workbench.privacy.forms import KINDS, PseudonymEntry
from workbench.privacy.name_check import (
    Sensitive,
    find_candidates,
    refuse_leaks,
    refuse_unreviewed,
    reviewed_names,
    save_reviews,
    sensitive_names,
)
from workbench.privacy.review_file import read_name_review
from workbench.privacy.table import (
    proposals,
    protected_values,
    save_entries,
    stored_table,
    table_frame,
)
from workbench.profile.stored import current_profile
from workbench.store import Store
from workbench.store.queries import change_marker, document_references, researcher_texts

# Columns that identify rows (a code's id, a status): never rewritten by pseudonymisation.
IDENTIFIERS = ("code", "key", "parent", "origin", "status", "coder")


# -- the table -------------------------------------------------------------------------------
def pseudonym_rules(store: Store) -> tuple[list[PseudonymEntry], list[str]]:
    """The pseudonym table and the protected place names, read together."""
    with store.read() as conn:
        return stored_table(conn), protected_values(conn)


def pseudonym_table(store: Store) -> pd.DataFrame:
    """The pseudonym table: real, pseudonym, kind, source."""
    with store.read() as conn:
        return table_frame(stored_table(conn))


def propose(store: Store, coder: str) -> None:
    """Give every case and named speaker a stable pseudonym; existing entries never change."""
    with store.write(coder) as w:
        save_entries(w, proposals(w.conn))


def set_pseudonym(store: Store, coder: str, real: str, pseudonym: str, *,
                  kind: str = "person", source: str = "manual") -> None:
    """Add a name (e.g. a person entity the researcher confirmed) or change a pseudonym."""
    with store.write(coder) as w:
        save_entries(w, [PseudonymEntry(real, pseudonym, kind, source)])


def person_entities_of(store: Store) -> pd.DataFrame:
    """Person names spaCy finds in the texts that the table does not cover yet."""
    table, protect = pseudonym_rules(store)
    return person_entities(document_texts(store), table, protect=protect)


# -- pseudonymised copies --------------------------------------------------------------------
def pseudonymise(store: Store, frame: pd.DataFrame, *,
                 columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A copy of any table with names replaced by pseudonyms and name-carrying columns
    dropped (see `Project.pseudonymise`)."""
    table, protect = pseudonym_rules(store)
    options = {"columns": tuple(columns)} if columns is not None else {}
    out, _dropped = matching.pseudonymise_frame(_without_identifying(store, frame), table,
                                                protect=protect, keep=IDENTIFIERS, **options)
    return out


def _without_identifying(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` without the attributes the profile says name a person (the interviewer),
    and with documents named by their reference, never by their file name."""
    with store.read() as conn:
        profile = current_profile(conn)
    keys = {a.key for a in profile.attributes if a.role == "interviewer"}
    drop = [c for c in frame.columns
            if c in keys or (isinstance(c, str) and c.split("_", 1)[-1] in keys
                             and c.split("_", 1)[0] in ("document", "case"))]
    out = frame.drop(columns=drop)
    if "document" in out.columns:
        with store.read() as conn:
            references = document_references(conn)
        out = out.assign(document=[references.get(d, d) if isinstance(d, str) else d
                                   for d in out["document"]])
    return out


def name_spans(store: Store, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """For each text, (start, end, pseudonym) of every name the pseudonym table replaces
    in it: for views that show pseudonyms but keep the real text's offsets."""
    table, protect = pseudonym_rules(store)
    if not table:
        return [[] for _ in texts]
    return [matching.name_spans(text, table, protect=protect) for text in texts]


# -- the last check --------------------------------------------------------------------------
def sensitive(store: Store, kinds: Iterable[str] = KINDS,
              protect: Iterable[str] = ()) -> Sensitive:
    """The names a pseudonymised output may not hold (entries of `kinds` of the table,
    name-like speakers, person cases, file-name words) and the strings left alone."""
    with store.read() as conn:
        return sensitive_names(conn, kinds=kinds, protect=protect)


def leaks(store: Store, shown: pd.DataFrame | str | Iterable[str]) -> list[str]:
    """The real names the project knows that are still present in `shown` (as they appear
    there; assert on them, never display or log them)."""
    return sensitive(store).leaks(shown)


class NameCandidates:
    """Possible person names in the texts that the project does not know yet (spaCy person
    entities and capitalised words, see `name_check.py`): name, source, count, documents
    (references), example. Computed on call and kept until the store changes."""

    def __init__(self, store: Store, location: str | Path | None) -> None:
        self.store = store
        self.location = location
        self._found: tuple[Any, pd.DataFrame] | None = None

    def __call__(self) -> pd.DataFrame:
        from workbench.nlp.entities import entity_frame
        from workbench.nlp.tokens import FillerList

        with self.store.read() as conn:
            state = change_marker(conn)
        if self._found is not None and self._found[0] == state:
            return self._found[1].copy()
        texts = document_texts(self.store)
        languages = document_languages(self.store)
        by_model: dict[str, dict[int, str]] = {}
        for key, text in texts.items():  # a language without a model: capitals only
            model = model_for(languages.get(key))
            if model is not None:
                by_model.setdefault(model, {})[key] = text
        parsed = {}
        for model, some in by_model.items():
            parsed.update(parse_documents(self.store, self.location, some, task="ner",
                                          model=model, progress=False))
        with self.store.read() as conn:
            known = sensitive_names(conn)
            reviewed = reviewed_names(conn)
            references: dict[Any, str] = document_references(conn, by="id")
            written = researcher_texts(conn)  # capitalised words only: no spaCy parse
        references.update({key: key for key in written})
        fillers = [FillerList.load(language=effective_language(lang))
                   for lang in sorted({str(x) for x in languages.values()})]
        ignore = {w for f in fillers for w in (*f.words, *f.at_start, *f.at_end)}
        every: dict[Any, str] = {**texts, **written}
        found = find_candidates(every, entity_frame(parsed), known, reviewed, references,
                                ignore=ignore)
        self._found = (state, found)
        return found.copy()


def check_names(store: Store, candidates: NameCandidates,
                shown: pd.DataFrame | str | Iterable[str], what: str, *,
                names_reviewed: bool = False, kinds: Iterable[str] = KINDS,
                protect: Iterable[str] = ()) -> None:
    """Refuse (NameCheckError, in French, naming them) a pseudonymised output `what` whose
    content `shown` holds a real name, or a possible person name nobody has reviewed
    (unless `names_reviewed`: the researcher has read the list)."""
    refuse_leaks(sensitive(store, kinds, protect), shown, what)
    if not names_reviewed:
        refuse_unreviewed(candidates(), shown, what, protect=protect)


# -- reviews ---------------------------------------------------------------------------------
def review_names(store: Store, coder: str, names: Iterable[str]) -> int:
    """Declare words reviewed and not a person's name; returns how many are new (audited)."""
    with store.write(coder) as w:
        return save_reviews(w, list(names))


def load_name_review(store: Store, coder: str, path: str | Path) -> tuple[int, int]:
    """Apply a reviewed list of possible names (YAML, see `review_file.py`) in one
    transaction: (pseudonyms added or changed, words reviewed)."""
    review = read_name_review(path)
    entries = [PseudonymEntry(real, pseudonym, "person", "manual")
               for real, pseudonym in review.pseudonyms.items()]
    with store.write(coder) as w:
        return save_entries(w, entries), save_reviews(w, review.not_names)
