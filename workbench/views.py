"""What the COPIL may see of a project: pseudonymised frames, loaded once, filtered in memory.

The COPIL apps hold a :class:`CopilView`, never a :class:`~workbench.project.Project`:
the view keeps only the accepted extracts, the respondents, the organisations and the
framework summaries the lead validated, pseudonymised (cases and speakers by their
pseudonym, names in the texts replaced) and cut down to the attribute columns the study
profile allows (its categories, lists and numbers; never free text, dates, the
interviewer or an organisation's name). The study profile says which attributes the
apps filter and cross by, how they are labelled, which one is the gender and which ones
are territories. Every number the apps show is computed from these frames by the
same `analysis/` functions as ``project.analysis``, so a test can compute it
again through the project.

Recordings: a voice identifies a person, so the view says nothing about them unless the
project lets its apps play them (``p.media.allow_in_apps()``). Then each extract of a
document whose recording is present carries the address the browser plays it through
(a grant of the media route: never a path nor a file name, which may name a person) and
the extract's times (`MEDIA_COLUMNS`). A snapshot carries no recording, and its view no
address.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.analyses import Analyses
from workbench.analysis import cartography
from workbench.analysis.codes import ancestors, code_frequencies, select_codes
from workbench.analysis.groups import prevalence
from workbench.analysis.matrix import matrix_coding, value_label
from workbench.analysis.population import ANALYSED, counted
from workbench.analysis.words import tokens_in_spans
from workbench.coding.extracts import apply_where, turn_table
from workbench.coding.summaries import summaries_frame
from workbench.errors import MediaError, NotFoundError, WorkbenchError
from workbench.export.annex import frame_texts, pseudonymised_codes
from workbench.media.stored import recordings_frame
from workbench.nlp.kwic import kwic
from workbench.privacy.forms import PseudonymEntry, fold
from workbench.privacy.matching import is_name_label
from workbench.privacy.table import name_words, protected_values, stored_table
from workbench.profile.model import (
    DERIVED_AGE_CLASS,
    IDENTIFYING_ROLES,
    MAX_FILTER_VALUES,
    StudyProfile,
)
from workbench.recordings import apps_may_play, media_link, passage_times, timeline
from workbench.store import Store
from workbench.store.snapshot_info import snapshot_info

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

ENV_VARIABLE = "WORKBENCH_PROJECT"
# Attribute types the view keeps (free text and dates may hold anything, names included).
KEPT_TYPES = ("category", "multi", "number")
FILTER_TYPES = ("category", "multi")
EXTRACT_COLUMNS = ("coding_id", "reference", "document", "case", "turn", "text", "code",
                   "code_path")
# Roles of the organisations' attributes the cartography reads.
TERRITORY_ROLES = ("residence_country", "residence", "origin", "fields", "organisation_type")
PLACE_ROLES = ("residence_country", "residence", "origin")
# Roles whose cells hold several places or fields even when typed as one category.
LIST_ROLES = ("origin", "fields")
CODE_COLUMNS = ("key", "name", "path", "depth", "parent")
# What the view keeps of a validated framework summary (one case × one code), before the
# case's attribute columns.
SUMMARY_COLUMNS = ("case", "code", "text")
SEPARATOR = cartography.SEPARATOR
# What an extract carries when the apps may play its recording: the media route's address
# (a grant, `recordings.media_link`), "audio" or "video", the extract's times in seconds
# (as `recordings.span_times` gives them) and whether they were estimated. Absent when the
# project does not let its apps play recordings.
MEDIA_COLUMNS = ("media_url", "media_kind", "t_start", "t_end", "t_estimated")

LOG = logging.getLogger(__name__)


def _keep(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    return frame[[c for c in dict.fromkeys(columns) if c in frame.columns]].copy()


def _clean_where(where: Mapping[str, Any]) -> dict[str, Any]:
    """Filters with a value: None and "" mean "all"."""
    return {k: v for k, v in where.items() if v is not None and v != ""}


def _matching(frame: pd.DataFrame, where: Mapping[str, Any], *,
              multi: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    """The rows matching the filters (`apply_where`; a several-valued column matches one
    of its values), with a French message for a filter the apps do not know."""
    for column in where:
        if column not in frame.columns:
            raise WorkbenchError(f"filtre inconnu : '{column}' (filtres possibles : "
                                 f"{', '.join(str(c) for c in frame.columns)}).")
    return apply_where(frame, where, multi=[c for c in where if c in multi],
                       separator=SEPARATOR)


def _split(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def _as_text(column: pd.Series) -> pd.Series:
    """Category values as the text a dropdown offers (58.0 → "58", True → "oui"); missing
    values stay missing."""
    return column.map(lambda v: None if value_label(v) == value_label(None)
                      else value_label(v)).astype(object)


def attribute_columns(profile: StudyProfile, extract_columns: list[str]) -> dict[str, str]:
    """View column → profile key of the case attributes the COPIL may see: categories,
    lists and numbers, the derived age classes; never text, dates, the interviewer or
    an organisation's name. An attribute named like an extract column ("code") is
    ``case_<key>`` in the extracts, and so in the view."""
    keys = [a.key for a in profile.attributes
            if a.scope == "case" and a.type in KEPT_TYPES and a.role not in IDENTIFYING_ROLES]
    if profile.age_class_key == DERIVED_AGE_CLASS and DERIVED_AGE_CLASS not in keys:
        keys.append(DERIVED_AGE_CLASS)
    out: dict[str, str] = {}
    for key in keys:
        prefixed = f"case_{key}"
        column = prefixed if prefixed in extract_columns else key
        if column in extract_columns:
            out[column] = key
    return out


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

    def prevalence(self, by: str) -> pd.DataFrame:
        """Share of each group's respondents who raised each theme charted (unit: cases)."""
        return prevalence(self.extracts, self.codes, self.respondents, by,
                          rows=self.theme_rows())

    def matrix(self, by: str, *, unit: str = "cases", split: bool = False) -> pd.DataFrame:
        """Themes charted × values of `by` (`split`: one column per value of a
        several-valued attribute)."""
        return matrix_coding(self.extracts, self.codes, by, unit=unit, rows=self.theme_rows(),
                             split=SEPARATOR if split else None)


class CopilView:
    """The pseudonymised, read-only material of the COPIL apps (see module docstring).

    `extracts`: accepted codings (reference, case pseudonym, text, code and the
    attribute columns of `attributes`; and `MEDIA_COLUMNS` when the project lets its
    apps play recordings and one of them can be played); `respondents`: the population
    of persons with the same columns; `organisations`: the organisation cases with their
    territory columns; `words`: (coding_id, lemma, form) of the words of each
    extract, names left out (optional: only the explorer needs it); `profile`: the
    study profile; `attributes`: view column → profile key (they differ only for an
    attribute named like an extract column); `validated`: the framework summaries the
    lead validated, one per case and code (case pseudonym, code, text pseudonymised,
    and the case's attribute columns), read by `summaries`.
    """

    def __init__(self, extracts: pd.DataFrame, codes: pd.DataFrame, respondents: pd.DataFrame,
                 organisations: pd.DataFrame, words: pd.DataFrame | None = None, *,
                 profile: StudyProfile | None = None,
                 attributes: Mapping[str, str] | None = None,
                 validated: pd.DataFrame | None = None) -> None:
        self.extracts = extracts.reset_index(drop=True)
        self.codes = codes.reset_index(drop=True)
        self.respondents = respondents.reset_index(drop=True)
        self.organisations = organisations.reset_index(drop=True)
        self.validated = (validated.reset_index(drop=True) if validated is not None
                          else pd.DataFrame(columns=list(SUMMARY_COLUMNS)))
        self.words = words
        self.profile = profile or StudyProfile()
        known = {*self.extracts.columns, *self.respondents.columns}
        self.attributes = dict(attributes) if attributes is not None else {
            a.key: a.key for a in self.profile.attributes if a.key in known}

    @classmethod
    def from_project(cls, project: ProjectData, *, words: bool = False) -> CopilView:
        """Load the view of an open project (a few seconds; refuses a project whose cases
        have no pseudonym yet, since real names would show). When the project lets its
        apps play recordings (and is not a snapshot), the extracts of documents whose
        recording is present carry a playable link (`MEDIA_COLUMNS`)."""
        with project.store.read() as conn:
            table, protect = stored_table(conn), protected_values(conn)
            speakers = set(turn_table(conn)["speaker"].dropna())
            summaries = summaries_frame(conn, "validated")
        cases = project.cases()
        if project.snapshot_info() is None:  # a snapshot's names were replaced when frozen
            _check_pseudonyms(table, cases, speakers)
        profile = project.profile()
        population = Analyses(project).respondents()
        raw = counted(project.extracts(status=ANALYSED), population)
        columns = attribute_columns(profile, list(raw.columns))
        extracts = project.pseudonymise(_texts(_keep(raw, (*EXTRACT_COLUMNS, *columns)),
                                               profile, columns))
        renamed = {key: column for column, key in columns.items() if column != key}
        people = population.rename(columns=renamed)
        respondents = project.pseudonymise(_texts(_keep(people, ("case", *columns)),
                                                  profile, columns))
        territory = [k for k in (profile.key(r) for r in TERRITORY_ROLES) if k]
        orgs = cases[cases["case_kind"] == "organisation"]
        organisations = project.pseudonymise(_texts(
            _keep(orgs, ("case", "case_kind", *territory)), profile, {k: k for k in territory}))
        kept = {c: k for c, k in columns.items()
                if c in extracts.columns or c in respondents.columns}
        lemmas = None
        if words:
            lemmas = _extract_words(project.tokens(progress=False),
                                    raw[["coding_id", "document", "start", "end"]],
                                    name_words(table, protect))
        codes = _keep(pseudonymised_codes(project, project.codes()), CODE_COLUMNS)
        validated = _validated_summaries(project, summaries, cases, profile, columns)
        shown = [extracts, respondents, organisations, codes, validated]
        if project.leaks([text for frame in shown for text in frame_texts(frame)]):
            raise WorkbenchError(
                "des noms réels resteraient visibles dans les applications du COPIL (dans "
                "un extrait, une synthèse, un mémo ou un nom de code) : complétez la table "
                "des pseudonymes (workbench names, p.privacy.candidates(), "
                "p.privacy.set_pseudonym(nom, pseudonyme)) ou renommez le code, puis rouvrez "
                "l'application.")
        if project.snapshot_info() is None and apps_may_play(project.store):
            # after the names check: an address is a random token, not a text anyone wrote
            extracts = _with_media(extracts, _extract_media(project.store, raw))
        return cls(extracts, codes, respondents, organisations, lemmas, profile=profile,
                   attributes=kept, validated=validated)

    @property
    def playable(self) -> bool:
        """Whether some extract of the view can be heard (see `MEDIA_COLUMNS`)."""
        return "media_url" in self.extracts.columns and \
            bool(self.extracts["media_url"].notna().any())

    # -- what the profile says ------------------------------------------------------------
    def label(self, column: str) -> str:
        """The label people read for a view column (the profile's)."""
        return self.profile.label(self.attributes.get(column, column))

    def is_multi(self, column: str) -> bool:
        """Whether a column holds several values per cell ("eau; santé")."""
        spec = self.profile.get(self.attributes.get(column, column))
        return spec is not None and (spec.type == "multi" or spec.role in LIST_ROLES)

    def filters(self) -> list[str]:
        """The view columns the apps filter and cross the persons by, in profile order
        (`StudyProfile.filters` on the respondents, else on the extracts)."""
        frame = self.respondents if len(self.respondents) else self.extracts
        keyed = frame.rename(columns=self.attributes)
        column_of = {key: column for column, key in self.attributes.items()}
        return [column_of[k] for k in self.profile.filters(keyed) if k in column_of]

    def gender_column(self) -> str | None:
        """The view column of the declared gender attribute, when the view has it."""
        key = self.profile.key("gender")
        column = next((c for c, k in self.attributes.items() if k == key), None)
        return column if key and column in self.respondents.columns else None

    def territory(self) -> dict[str, str]:
        """Role → organisations' column, for the territory roles the profile declares."""
        out = {}
        for role in TERRITORY_ROLES:
            key = self.profile.key(role)
            if key and key in self.organisations.columns:
                out[role] = key
        return out

    def place_filters(self, *, max_values: int = MAX_FILTER_VALUES) -> list[str]:
        """The organisations' territory columns worth filtering by (2 to `max_values`
        values among the organisations), in role order."""
        return [column for column in self.territory().values()
                if 2 <= len(self.options(column, source="organisations")) <= max_values]

    # -- what the filters offer ----------------------------------------------------------
    def theme_options(self) -> list[tuple[str, str]]:
        """(label indented by depth, code key) in codebook order: the codebook tree."""
        return [("\u00a0\u00a0\u00a0\u00a0" * int(d) + name, key) for key, name, d in
                zip(self.codes["key"], self.codes["name"], self.codes["depth"], strict=True)]

    def options(self, column: str, *, source: str = "extracts") -> list[str]:
        """The values a filter offers (those present among the extracts and respondents,
        or among the organisations), sorted; several-valued cells ("eau; santé") split."""
        frames = ([self.organisations] if source == "organisations"
                  else [self.extracts, self.respondents])
        cells = [v for frame in frames if column in frame.columns
                 for v in frame[column].dropna()]
        if self.is_multi(column):
            values = {part for cell in cells for part in _split(str(cell))}
        else:
            values = {str(v) for v in cells if str(v).strip()}
        return sorted(values, key=fold)

    def multi_columns(self, frame: pd.DataFrame) -> set[str]:
        """The columns of `frame` that hold several values per cell."""
        return {c for c in frame.columns if self.is_multi(str(c))}

    # -- what the apps show --------------------------------------------------------------
    def selection(self, theme: str | None = None, where: Mapping[str, Any] | None = None,
                  **attributes: Any) -> Selection:
        """The extracts of `theme` (its sub-codes included) whose speaker matches every
        attribute filter (``where={attribute: value}`` or as keywords), and the respondents
        matching the same filters. A several-valued attribute matches one of its values."""
        where = _clean_where({**(where or {}), **attributes})
        extracts = self.extracts
        if theme:
            if theme not in set(self.codes["key"]):
                raise WorkbenchError(f"thème inconnu : '{theme}'.")
            chains = self.branches
            extracts = extracts[extracts["code"].map(lambda k: theme in chains.get(k, [k]))]
        extracts = _matching(extracts, where, multi=self.multi_columns(extracts))
        respondents = _matching(self.respondents, where,
                                multi=self.multi_columns(self.respondents))
        return Selection(theme or None, where, extracts.reset_index(drop=True),
                         respondents.reset_index(drop=True), self.codes)

    def summaries(self, theme: str | None, where: Mapping[str, Any] | None = None,
                  **attributes: Any) -> pd.DataFrame:
        """The validated summaries of `theme` (written on the theme or on one of its
        sub-codes; None: none at all, the apps show them theme by theme) for the cases
        matching every attribute filter, as `selection` filters the persons: case
        (pseudonym), code, text (pseudonymised) and the attribute columns, in case then
        codebook order."""
        if not theme:
            return self.validated.iloc[0:0]
        if theme not in set(self.codes["key"]):
            raise WorkbenchError(f"thème inconnu : '{theme}'.")
        where = _clean_where({**(where or {}), **attributes})
        frame = self.validated
        known = {*self.extracts.columns, *self.respondents.columns}
        absent = {c: None for c in where if c not in frame.columns and c in known}
        frame = frame.assign(**absent) if absent else frame  # a column dropped: no match
        chains = self.branches
        inside = pd.Series([theme in chains.get(k, [k]) for k in frame["code"]],
                           index=frame.index, dtype=bool)  # a boolean mask, even when empty
        frame = _matching(frame.loc[inside], where, multi=self.multi_columns(frame))
        return frame.reset_index(drop=True)

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
        of the lemma of `word`, with reference and case.

        An occurrence is listed once, however many codings cover it: a passage coded
        with two codes, or a sentence coded inside a turn coded as a whole, gives one
        line (see `_passage_positions`)."""
        words = self._words()
        lemmas = self.lemmas(word)
        lemma = word.strip().lower()
        forms = words[words["lemma"].isin(lemmas) & words["coding_id"].isin(extracts["coding_id"])]
        by_extract = forms.groupby("coding_id")["form"].agg(set)
        texts = dict(zip(extracts["coding_id"], extracts["text"], strict=True))
        positions = _passage_positions(extracts)
        hits, seen = [], set()
        for coding_id in extracts["coding_id"]:  # in the extracts' order
            if coding_id not in by_extract.index:
                continue
            found = by_extract[coding_id]
            pattern = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, found),
                                                                key=len, reverse=True))
                                 + r")(?!\w)", re.IGNORECASE)
            outer, offset = positions[coding_id]
            for m in pattern.finditer(texts[coding_id]):
                if (outer, offset + m.start()) in seen:
                    continue  # the same occurrence, already found in another coding
                seen.add((outer, offset + m.start()))
                hits.append({"document_id": coding_id, "start": m.start(), "end": m.end(),
                             "lemma": lemma})
        located = pd.DataFrame(hits, columns=["document_id", "start", "end", "lemma"])
        table = kwic(located, texts, lemma, window=window, keep=())
        info = extracts.drop_duplicates("coding_id").set_index("coding_id")[["reference", "case"]]
        table = table.join(info, on="document_id")
        return table[["reference", "case", "left", "keyword", "right"]].reset_index(drop=True)

    def _words(self) -> pd.DataFrame:
        if self.words is None:
            raise WorkbenchError("cette vue a été chargée sans les mots des extraits "
                                 "(CopilView.from_project(projet, words=True)).")
        return self.words

    def places(self, where: Mapping[str, Any] | None = None, **attributes: Any) -> Places:
        """The organisations matching the filters (a several-valued attribute, such as
        fields of action or places of origin, matches one of its values), for the
        cartography."""
        where = _clean_where({**(where or {}), **attributes})
        orgs = _matching(self.organisations, where,
                         multi=self.multi_columns(self.organisations))
        return Places(where, orgs.reset_index(drop=True), self.territory())


@dataclass(frozen=True)
class Places:
    """What the cartography shows for one set of filters. Unit: organisations.

    `territory`: role (residence_country, residence, origin, fields,
    organisation_type) → the organisations' column that plays it.
    """

    where: dict[str, Any]
    organisations: pd.DataFrame
    territory: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Organisations, and the distinct places of each declared territory role."""
        orgs = self.organisations
        out = {"organisations": len(orgs)}
        for role in PLACE_ROLES:
            column = self.territory.get(role)
            if column:
                out[role] = len({v for cell in orgs[column] for v in _split(cell)})
        return out

    @property
    def levels(self) -> list[str]:
        """The columns the organisations are grouped by: country then place of residence,
        else the place of origin."""
        levels = [self.territory[r] for r in ("residence_country", "residence")
                  if r in self.territory]
        return levels or [self.territory[r] for r in ("origin",) if r in self.territory]

    def by_place(self) -> pd.DataFrame:
        """Organisations per place (`levels`), with their pseudonyms and main fields."""
        return cartography.organisations_by_place(self.organisations, self.levels,
                                                  fields=self.territory.get("fields"))

    @property
    def link_columns(self) -> tuple[str, str] | None:
        """(place of residence, place of origin) columns, when both are declared."""
        residence = self.territory.get("residence") or self.territory.get("residence_country")
        origin = self.territory.get("origin")
        return (residence, origin) if residence and origin else None

    def links(self, exclude_countries: tuple[str, ...] = ()) -> pd.DataFrame:
        """Organisations per (place of residence, place of origin); those based in one of
        `exclude_countries` (the home country's own bodies) left out."""
        if self.link_columns is None:
            return pd.DataFrame(columns=["residence", "origin", "organisations"])
        country = self.territory.get("residence_country")
        exclude = {country: list(exclude_countries)} if country and exclude_countries else None
        residence, origin = self.link_columns
        return cartography.origin_links(self.organisations, residence=residence, origin=origin,
                                        exclude=exclude)

    @property
    def field_columns(self) -> tuple[str, str] | None:
        """(place, fields) columns of the fields table: the place of origin, else of
        residence."""
        place = self.territory.get("origin") or self.territory.get("residence")
        fields = self.territory.get("fields")
        return (place, fields) if place and fields else None

    def fields(self) -> pd.DataFrame:
        """Place of origin × field of action (empty when either is not declared)."""
        if self.field_columns is None or not len(self.organisations):
            return pd.DataFrame()
        place, fields = self.field_columns
        return cartography.fields_by_place(self.organisations, place=place, fields=fields)


def _texts(frame: pd.DataFrame, profile: StudyProfile,
           columns: Mapping[str, str]) -> pd.DataFrame:
    """`frame` with its category and list attributes as text (what a dropdown offers)."""
    out = frame.copy()
    for column, key in columns.items():
        spec = profile.get(key)
        kind = spec.type if spec is not None else "category"  # derived age classes
        if column in out.columns and kind in FILTER_TYPES:
            out[column] = _as_text(out[column])
    return out


def _validated_summaries(project: ProjectData, summaries: pd.DataFrame, cases: pd.DataFrame,
                         profile: StudyProfile, columns: Mapping[str, str]) -> pd.DataFrame:
    """The validated summaries of cases (those of documents are left out: the apps filter
    persons), with their case's attribute columns as the view names them (`columns`:
    view column → profile key), pseudonymised: the case by its pseudonym, names replaced
    in the text, any other column still holding a name dropped."""
    of_cases = summaries[summaries["rows"] == "cases"]
    attributes = {key: column for column, key in columns.items() if key in cases.columns}
    people = cases[["case", *attributes]].rename(columns=attributes)
    frame = _keep(of_cases, SUMMARY_COLUMNS).merge(people, on="case", how="left")
    frame = _texts(frame, profile, {c: k for c, k in columns.items() if c in frame.columns})
    return project.pseudonymise(frame.reset_index(drop=True), columns=["text"])


def _extract_media(store: Store, raw: pd.DataFrame) -> pd.DataFrame:
    """coding_id and `MEDIA_COLUMNS` of each extract of `raw` (the extracts before
    pseudonymisation: document names as stored, offsets) whose document has a recording
    the browser can play. A recording whose file is missing or changed gives no row (its
    extracts have no player), said in the server log by document id only: a document's
    or a file's name may name a person."""
    columns = ["coding_id", *MEDIA_COLUMNS]
    with store.read() as conn:
        recorded = recordings_frame(conn)
    ids = dict(zip(recorded["document"], recorded["document_id"], strict=True))
    rows: list[dict[str, Any]] = []
    for name, group in raw.groupby("document", sort=False):
        if name not in ids:
            continue
        document = int(ids[name])
        try:
            link = media_link(store, document)
            turns = timeline(store, document)
        except (MediaError, NotFoundError, OSError) as exc:
            LOG.warning("Recording of document #%d not playable in the COPIL apps (%s: file "
                        "missing or changed, or no grant written): its extracts get no "
                        "player.", document, type(exc).__name__)
            continue
        if turns.empty or turns["t_start"].isna().all():
            LOG.warning("Document #%d has a recording but no times (no turn, unknown "
                        "duration): its extracts get no player.", document)
            continue
        for coding_id, start, end in zip(group["coding_id"], group["start"], group["end"],
                                         strict=True):
            t0, t1, rough = passage_times(turns, int(start), int(end))
            rows.append({"coding_id": coding_id, "media_url": link.url,
                         "media_kind": link.kind, "t_start": t0, "t_end": t1,
                         "t_estimated": rough})
    return pd.DataFrame(rows, columns=columns).drop_duplicates("coding_id")


def _with_media(extracts: pd.DataFrame, media: pd.DataFrame) -> pd.DataFrame:
    """`extracts` with `MEDIA_COLUMNS` (missing for an extract without a recording), or
    unchanged when no extract can be heard: the view then says nothing of recordings."""
    if media.empty:
        return extracts
    out = extracts.merge(media, on="coding_id", how="left", validate="many_to_one")
    out["t_estimated"] = out["t_estimated"].astype("boolean")
    return out


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
            "montreraient pas que des pseudonymes. Lancez p.privacy.propose() sur le "
            "projet, puis rouvrez l'application.")
    if labels_missing:
        raise WorkbenchError(
            f"{labels_missing} nom(s) de locuteur sans pseudonyme (un même prénom pour "
            "plusieurs personnes, par exemple) : les applications du COPIL ne montreraient "
            "pas que des pseudonymes. Donnez-leur un pseudonyme avec p.privacy.set_pseudonym(nom, "
            "pseudonyme) (voir p.privacy.propose()), puis rouvrez l'application.")


def _passage_positions(extracts: pd.DataFrame) -> dict[Any, tuple[Any, int]]:
    """Coding id → (id of the outermost coding holding its text, offset of its text in
    that coding's text), so that one place of a document has one key in every coding
    covering it.

    The view keeps no offsets (its texts are pseudonymised, their lengths differ from
    the document's), so a coding is placed inside another of the same document and
    reference (turn) whose text holds its text exactly once: the same passage coded
    with two codes (offset 0), or a sentence coded inside its coded turn. A text found
    twice in a longer one, or overlapping another without being inside it, keeps its
    own key: its occurrences may then be listed twice, never dropped wrongly.
    """
    out: dict[Any, tuple[Any, int]] = {}
    groups = extracts.groupby(["document", "reference"], sort=False, dropna=False)
    for _, group in groups:
        rows = sorted(zip(group["coding_id"], group["text"].astype(str), strict=True),
                      key=lambda row: -len(row[1]))  # the longest texts first (stable)
        placed: list[tuple[Any, str]] = []
        for coding_id, text in rows:
            if coding_id in out:
                continue
            out[coding_id] = (coding_id, 0)
            for other, container in placed:
                at = container.find(text)
                if text and at >= 0 and container.find(text, at + 1) < 0:
                    outer, offset = out[other]
                    out[coding_id] = (outer, offset + at)
                    break
            placed.append((coding_id, text))
    return out


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


_SNAPSHOTS: dict[str, str | None] = {}


def snapshot_label(projet: str | Path | None = None) -> str | None:
    """« Instantané « COPIL du 12 mars » du 06/12/2026, grille v3 » when the apps show a
    snapshot (see `snapshot.py`), else None; read once per process."""
    location = project_location(projet)
    if location is None:
        return None  # the demo project is live
    key = str(location)
    if key not in _SNAPSHOTS:
        store = Store.connect(location, create=False)
        try:
            with store.read() as conn:
                info = snapshot_info(conn)
        finally:
            store.close()
        _SNAPSHOTS[key] = info.label() if info is not None else None
    return _SNAPSHOTS[key]
