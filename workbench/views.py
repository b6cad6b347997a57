"""What the COPIL may see of a project: pseudonymised frames, loaded once, filtered in memory.

The COPIL apps hold a :class:`CopilView`, never a :class:`~workbench.project.Project`:
the view keeps only the accepted extracts, the respondents and the organisations,
pseudonymised (cases and speakers by their pseudonym, names in the texts
replaced) and cut down to a list of columns that carry no name. Every number
the apps show is computed from these frames by the same `analysis/` functions
as ``project.analysis``, so a test can compute it again through the project.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.analysis import cartography
from workbench.analysis.codes import ancestors, code_frequencies, select_codes
from workbench.analysis.groups import prevalence
from workbench.analysis.matrix import matrix_coding
from workbench.analysis.words import tokens_in_spans
from workbench.coding.extracts import apply_where, turn_table
from workbench.errors import WorkbenchError
from workbench.nlp.kwic import kwic
from workbench.nlp.pseudonyms import PseudonymEntry, fold, is_name_label
from workbench.privacy import name_words, protected_values, stored_table

ENV_VARIABLE = "WORKBENCH_PROJECT"
ANALYSED = "accepted"
# The filters of the apps, in the order shown.
FILTERS = ("genre", "generation", "region_residence", "province_origine", "type_organisation")
# Attribute columns kept in the view: categories and places, never people.
ATTRIBUTES = (*FILTERS, "age", "tranche_age", "pays_residence", "langue_entretien")
EXTRACT_COLUMNS = ("coding_id", "reference", "document", "case", "turn", "text", "code",
                   "code_path")
ORGANISATION_COLUMNS = ("case", "case_kind", cartography.COUNTRY, cartography.REGION,
                        cartography.ORIGIN, cartography.FIELDS, "type_organisation")
CODE_COLUMNS = ("key", "name", "path", "depth", "parent")
SEPARATOR = cartography.SEPARATOR


def _keep(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return frame[[c for c in columns if c in frame.columns]].copy()


def _clean_where(where: Mapping[str, Any]) -> dict[str, Any]:
    """Filters with a value: None and "" mean "all"."""
    return {k: v for k, v in where.items() if v is not None and v != ""}


def _matching(frame: pd.DataFrame, where: Mapping[str, Any], *,
              multi: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows matching the filters (`apply_where`), with a French message for a filter
    the apps do not know."""
    for column in where:
        if column not in frame.columns:
            raise WorkbenchError(f"filtre inconnu : '{column}' (filtres possibles : "
                                 f"{', '.join(c for c in frame.columns)}).")
    return apply_where(frame, where, multi=multi, separator=SEPARATOR)


def _split(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


@dataclass(frozen=True)
class Selection:
    """What the dashboard shows for one set of filters: extracts, respondents, counts,
    and the analyses of those extracts (unit said by each table)."""

    theme: str | None
    where: dict[str, Any]
    extracts: pd.DataFrame
    respondents: pd.DataFrame
    codes: pd.DataFrame = field(repr=False)

    def counts(self) -> dict[str, int]:
        """Headline counts: documents, persons cited, extracts (codings), codes."""
        cited = self.extracts["case"].dropna()
        return {"documents": int(self.extracts["document"].nunique()),
                "personnes": int(cited.nunique()),
                "extraits": len(self.extracts),
                "codes": int(self.extracts["code"].nunique())}

    def theme_rows(self) -> list[str]:
        """The codes the charts show: the main themes, or the sub-codes of the chosen
        theme (the theme itself when it has none)."""
        if self.theme is None:
            return select_codes(self.codes, depth=0)
        depth = int(self.codes.loc[self.codes["key"] == self.theme, "depth"].iloc[0])
        children = [k for k in select_codes(self.codes, branch=self.theme)
                    if int(self.codes.loc[self.codes["key"] == k, "depth"].iloc[0]) == depth + 1]
        return children or [self.theme]

    def frequencies(self) -> pd.DataFrame:
        """Codings, documents and cases per code; % over the respondents selected."""
        table = code_frequencies(self.extracts, self.codes, n_cases=len(self.respondents))
        out = table[table["code"].isin(self.theme_rows())].reset_index(drop=True)
        out.attrs.update(table.attrs)
        return out

    def prevalence(self, by: str = "genre") -> pd.DataFrame:
        """Share of each group's respondents who raised each theme charted (unit: cases)."""
        return prevalence(self.extracts, self.codes, self.respondents, by,
                          rows=self.theme_rows())

    def matrix(self, by: str = "generation", *, unit: str = "cases") -> pd.DataFrame:
        """Themes charted × values of `by`."""
        return matrix_coding(self.extracts, self.codes, by, unit=unit, rows=self.theme_rows())


class CopilView:
    """The pseudonymised, read-only material of the COPIL apps (see module docstring).

    `extracts`: accepted codings (reference, case pseudonym, text, code and the
    attributes in ATTRIBUTES); `respondents`: the population of persons with the
    same attributes; `organisations`: the organisation cases with places and
    fields; `words`: (coding_id, lemma, form) of the words of each extract, names
    left out (optional: only the explorer needs it).
    """

    def __init__(self, extracts: pd.DataFrame, codes: pd.DataFrame, respondents: pd.DataFrame,
                 organisations: pd.DataFrame, words: pd.DataFrame | None = None) -> None:
        self.extracts = extracts.reset_index(drop=True)
        self.codes = codes.reset_index(drop=True)
        self.respondents = respondents.reset_index(drop=True)
        self.organisations = organisations.reset_index(drop=True)
        self.words = words

    @classmethod
    def from_project(cls, project: Any, *, words: bool = False) -> CopilView:
        """Load the view of an open project (a few seconds; refuses a project whose cases
        have no pseudonym yet, since real names would show)."""
        with project.store.read() as conn:
            table, protect = stored_table(conn), protected_values(conn)
            speakers = set(turn_table(conn)["speaker"].dropna())
        cases = project.cases()
        _check_pseudonyms(table, cases, speakers)
        raw = project.extracts(status=ANALYSED)
        kept = _keep(raw, (*EXTRACT_COLUMNS, *ATTRIBUTES))
        extracts = project.pseudonymise(kept)
        respondents = project.pseudonymise(
            _keep(project.analysis.respondents(), ("case", *ATTRIBUTES)))
        orgs = project.pseudonymise(_keep(cartography.organisations(cases),
                                          ORGANISATION_COLUMNS))
        lemmas = None
        if words:
            lemmas = _extract_words(project.tokens(progress=False),
                                    raw[["coding_id", "document", "start", "end"]],
                                    name_words(table, protect))
        return cls(extracts, _keep(project.codes(), CODE_COLUMNS), respondents, orgs, lemmas)

    # -- what the filters offer ----------------------------------------------------------
    def theme_options(self) -> list[tuple[str, str]]:
        """(label indented by depth, code key) in codebook order: the codebook tree."""
        return [("\u00a0\u00a0\u00a0\u00a0" * int(d) + name, key) for key, name, d in
                zip(self.codes["key"], self.codes["name"], self.codes["depth"], strict=True)]

    def options(self, column: str, *, source: str = "extracts") -> list[str]:
        """The values a filter offers (those present), sorted; the organisations'
        multi-valued cells ("eau; santé") split."""
        frame = self.organisations if source == "organisations" else self.extracts
        if column not in frame.columns:
            return []
        cells = frame[column].dropna()
        if source == "organisations" and column in MULTI_VALUED:
            values = {v for cell in cells for v in _split(str(cell))}
        else:
            values = {str(v) for v in cells}
        return sorted(values, key=fold)

    # -- what the apps show --------------------------------------------------------------
    def selection(self, theme: str | None = None, **where: Any) -> Selection:
        """The extracts of `theme` (its sub-codes included) whose speaker matches every
        attribute filter (``genre="F"``…), and the respondents matching the same filters."""
        where = _clean_where(where)
        extracts = self.extracts
        if theme:
            if theme not in set(self.codes["key"]):
                raise WorkbenchError(f"thème inconnu : '{theme}'.")
            chains = self.branches
            extracts = extracts[extracts["code"].map(lambda k: theme in chains.get(k, [k]))]
        extracts = _matching(extracts, where)
        respondents = _matching(self.respondents, where)
        return Selection(theme or None, where, extracts.reset_index(drop=True),
                         respondents.reset_index(drop=True), self.codes)

    @cached_property
    def branches(self) -> dict[str, list[str]]:
        """Code key → itself and its ancestors."""
        return ancestors(self.codes)

    def lemmas(self, word: str) -> set[str]:
        """The lemmas a typed word stands for: itself, and the lemma of a form it is
        ("villages" → "village")."""
        words = self._words()
        typed = word.strip().lower()
        return {typed, *words.loc[words["form"] == typed, "lemma"]} if typed else set()

    def with_word(self, selection: Selection, word: str) -> pd.DataFrame:
        """The extracts of `selection` holding a word of lemma `word` (or of a form `word`)."""
        words = self._words()
        ids = set(words.loc[words["lemma"].isin(self.lemmas(word)), "coding_id"])
        out = selection.extracts[selection.extracts["coding_id"].isin(ids)]
        return out.reset_index(drop=True)

    def kwic(self, extracts: pd.DataFrame, word: str, *, window: int = 60) -> pd.DataFrame:
        """Keyword in context in the (pseudonymised) extracts: each occurrence of a form
        of the lemma of `word`, with reference and case."""
        words = self._words()
        lemmas = self.lemmas(word)
        lemma = word.strip().lower()
        forms = words[words["lemma"].isin(lemmas) & words["coding_id"].isin(extracts["coding_id"])]
        by_extract = forms.groupby("coding_id")["form"].agg(set)
        texts = dict(zip(extracts["coding_id"], extracts["text"], strict=True))
        hits = []
        for coding_id in extracts["coding_id"]:  # in the extracts' order
            if coding_id not in by_extract.index:
                continue
            found = by_extract[coding_id]
            pattern = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, found),
                                                                key=len, reverse=True))
                                 + r")(?!\w)", re.IGNORECASE)
            hits += [{"document_id": coding_id, "start": m.start(), "end": m.end(),
                      "lemma": lemma} for m in pattern.finditer(texts[coding_id])]
        located = pd.DataFrame(hits, columns=["document_id", "start", "end", "lemma"])
        table = kwic(located, texts, lemma, window=window, keep=())
        info = extracts.set_index("coding_id")[["reference", "case"]]
        table = table.join(info, on="document_id")
        return table[["reference", "case", "left", "keyword", "right"]]

    def _words(self) -> pd.DataFrame:
        if self.words is None:
            raise WorkbenchError("cette vue a été chargée sans les mots des extraits "
                                 "(CopilView.from_project(projet, words=True)).")
        return self.words

    def places(self, **where: Any) -> Places:
        """The organisations matching `where` (a field of action or a province of origin
        matches one of an organisation's values), for the cartography."""
        orgs = self.organisations
        orgs = _matching(orgs, _clean_where(where), multi=MULTI_VALUED)
        return Places(_clean_where(where), orgs.reset_index(drop=True))


MULTI_VALUED = (cartography.FIELDS, cartography.ORIGIN)


@dataclass(frozen=True)
class Places:
    """What the cartography shows for one set of filters. Unit: organisations."""

    where: dict[str, Any]
    organisations: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """Organisations, countries and regions of residence, provinces of origin."""
        orgs = self.organisations

        def distinct(column: str) -> int:
            return len({v for cell in orgs[column] for v in _split(cell)})

        return {"organisations": len(orgs), "pays": distinct(cartography.COUNTRY),
                "regions": distinct(cartography.REGION),
                "provinces": distinct(cartography.ORIGIN)}

    def by_place(self) -> pd.DataFrame:
        """Organisations per country and region, with their pseudonyms and main fields."""
        return cartography.organisations_by_place(self.organisations)

    def links(self, home_country: str = "Maroc") -> pd.DataFrame:
        """Diaspora organisations per (region of residence, province of origin)."""
        return cartography.origin_links(self.organisations,
                                        exclude={cartography.COUNTRY: [home_country]})

    def fields(self) -> pd.DataFrame:
        """Province of origin × field of action."""
        return cartography.fields_by_place(self.organisations)


def _check_pseudonyms(table: list[PseudonymEntry], cases: pd.DataFrame,
                      speakers: set[str]) -> None:
    """Refuse a project where a person or organisation, or a speaker label that is a name,
    has no pseudonym: its name would show. The message names no one (the COPIL reads it)."""
    named = {fold(entry.real).strip() for entry in table}
    people = cases[cases["case_kind"].isin(["person", "organisation"])]
    cases_missing = sum(fold(str(c)).strip() not in named for c in people["case"])
    labels_missing = sum(is_name_label(label) and fold(label).strip() not in named
                         for label in speakers)
    if cases_missing:
        raise WorkbenchError(
            f"{cases_missing} cas sans pseudonyme : les applications du COPIL ne "
            "montreraient pas que des pseudonymes. Lancez p.propose_pseudonyms() sur le "
            "projet, puis rouvrez l'application.")
    if labels_missing:
        raise WorkbenchError(
            f"{labels_missing} nom(s) de locuteur sans pseudonyme (un même prénom pour "
            "plusieurs personnes, par exemple) : les applications du COPIL ne montreraient "
            "pas que des pseudonymes. Donnez-leur un pseudonyme avec p.set_pseudonym(nom, "
            "pseudonyme) (voir p.propose_pseudonyms()), puis rouvrez l'application.")


def _extract_words(tokens: pd.DataFrame, spans: pd.DataFrame, names: set[str]) -> pd.DataFrame:
    """(coding_id, lemma, form) of the words inside each extract, names left out."""
    words = tokens[~tokens["is_punct"] & ~tokens["is_space"]]
    words = words[~words["lower"].map(fold).isin(names) & ~words["lemma"].map(fold).isin(names)]
    inside = tokens_in_spans(words[["document", "start", "end", "lemma", "lower"]], spans)
    out = inside.rename(columns={"lower": "form"})[["coding_id", "lemma", "form"]]
    return out.drop_duplicates().reset_index(drop=True)


def project_location(projet: str | Path | None = None) -> str | Path | None:
    """The project the apps show: `projet`, else ``$WORKBENCH_PROJECT``, else None (the demo)."""
    return projet or os.environ.get(ENV_VARIABLE) or None


_CACHE: dict[tuple[str, bool], CopilView] = {}


def load_view(projet: str | Path | None = None, *, words: bool = False) -> CopilView:
    """The view of the project chosen by :func:`project_location`, loaded once per
    process (kept in memory); the project itself is closed once read."""
    from workbench.notebook import open_project

    location = project_location(projet)
    key = (str(location), words)
    if key not in _CACHE:
        project = open_project(location)
        try:
            _CACHE[key] = CopilView.from_project(project, words=words)
        finally:
            project.close()
    return _CACHE[key]
