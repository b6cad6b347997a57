"""The analyses of a project: the store's tables fed to `analysis/` functions.

``project.analysis.matrix("genre")`` reads the accepted codings and the
respondents of the project and hands them to the pure functions of
:mod:`workbench.analysis`, so notebooks and apps call one line and every
number is computed the same way. Suggested (unreviewed) and rejected codings
are never counted unless asked for with `status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from workbench.accessors.words import Words
from workbench.analysis import cartography, cooccurrence, groups, matrix, network, population
from workbench.analysis.codes import code_frequencies
from workbench.analysis.population import ANALYSED
from workbench.analysis.youth import YOUTH, youth_groups
from workbench.coding.extracts import turn_table
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.project_data import ProjectData



class Analyses:
    """Thematic, gender and actor analyses of one project (``project.analysis``)."""

    def __init__(self, project: ProjectData, *, status: str | Iterable[str] = ANALYSED) -> None:
        self.project = project
        self.status = status

    def codings(self) -> pd.DataFrame:
        """The extracts analysed (accepted codings), with speaker, case and attributes; a
        coding counts for a case only when that case is a respondent (see
        `analysis.population`), so counts by case agree with the denominators."""
        return population.counted(self.project.extracts(status=self.status),
                                  self.respondents())

    def respondents(self) -> pd.DataFrame:
        """The population of cases: people who speak in a document and are not
        interviewers, with their attributes (unit: cases)."""
        with self.project.store.read() as conn:
            turns = turn_table(conn)
        return population.respondents(turns, self.project.cases())

    # -- themes ----------------------------------------------------------------------------
    def code_frequencies(self) -> pd.DataFrame:
        """Codings, documents, cases and % of respondents per code, branches included."""
        return code_frequencies(self.codings(), self.project.codes(),
                                n_cases=len(self.respondents()))

    def matrix(self, by: str, *, unit: str = "cases", rows: Iterable[str] | None = None,
               split: str | None = None) -> pd.DataFrame:
        """Codes × values of attribute `by`, counting `unit` (cases, codings, documents)."""
        return matrix.matrix_coding(self.codings(), self.project.codes(), by, unit=unit,
                                    rows=rows, split=split)

    def matrix_extracts(self, code: str, by: str, value: object, *,
                        split: str | None = None) -> pd.DataFrame:
        """The extracts behind one cell of :meth:`matrix`."""
        return matrix.cell_extracts(self.codings(), self.project.codes(), code, by, value,
                                    split=split)

    def cooccurrence(self, *, scope: str = "overlap", rows: Iterable[str] | None = None,
                     include_children: bool = False) -> pd.DataFrame:
        """Pairs of codes with co-occurrence counts and Jaccard index."""
        return cooccurrence.cooccurrence(self.codings(), self.project.codes(), scope=scope,
                                         rows=rows, include_children=include_children)

    def pair_extracts(self, a: str, b: str, *, scope: str = "overlap",
                      include_children: bool = False) -> pd.DataFrame:
        """The extracts where codes `a` and `b` co-occur."""
        return cooccurrence.pair_extracts(self.codings(), self.project.codes(), a, b,
                                          scope=scope, include_children=include_children)

    # -- groups ----------------------------------------------------------------------------
    def prevalence(self, by: str, *, rows: Iterable[str] | None = None,
                   young_max: int | None = None) -> pd.DataFrame:
        """Share of each group's respondents who raised each theme (unit: cases).

        `by="jeunesse"` groups respondents into young and older ones: by the age
        classes of the study profile and the classes it counts as young, or, with
        `young_max`, by the profile's age attribute (young: ≤ young_max years).
        """
        codings, respondents = self.codings(), self._grouped(self.respondents(), by,
                                                            young_max=young_max)
        return groups.prevalence(codings, self.project.codes(), respondents, by, rows=rows)

    def _grouped(self, respondents: pd.DataFrame, by: str, *,
                 young_max: int | None) -> pd.DataFrame:
        """`respondents` with the young / older column `by` when asked for (see
        :meth:`prevalence`); a French error says what to declare in the profile."""
        if young_max is None and (by != YOUTH or by in respondents.columns):
            return respondents
        profile = self.project.profile()
        if young_max is not None:
            age = profile.key("age")
            if age is None:
                raise WorkbenchError(profile.missing_role("age"))
            return groups.age_groups(respondents, column=age, young_max=young_max, name=by)
        column = profile.age_class_key
        if column is None:
            raise WorkbenchError(profile.missing_role("age"))
        young = profile.young_classes
        if not young:
            raise WorkbenchError(
                f"Aucune classe d'âge de « {profile.label(column)} » n'est comptée comme "
                f"jeune : déclarez-les avec p.set_attribute(\"{column}\", young=[…]).")
        return youth_groups(profile.with_derived(respondents), column=column, young=young,
                            name=by)

    def group_tests(self, by: str, *, rows: Iterable[str] | None = None,
                    young_max: int | None = None) -> pd.DataFrame:
        """A test per theme between the groups of `by`, with counts and warnings."""
        return groups.group_tests(self.prevalence(by, rows=rows, young_max=young_max))

    def speech_shares(self, by: str | None = None, *, include_interviewers: bool = False,
                      mixed_only: bool = True) -> pd.DataFrame:
        """Words and turns per group in each focus group or mixed interview; `by`
        defaults to the study profile's gender attribute."""
        if by is None:
            profile = self.project.profile()
            by = profile.key("gender")
            if by is None:
                raise WorkbenchError(profile.missing_role("gender"))
        return groups.speech_shares(self.project.tokens(progress=False), by,
                                    include_interviewers=include_interviewers,
                                    mixed_only=mixed_only)

    def tone(self, by: str | list[str], codes: object = None) -> pd.DataFrame:
        """Mean polarity and share of positive / negative extracts per group."""
        scored = Words(self.project).sentiment(codes, status=self.status)
        return groups.tone_by_group(scored, by)

    # -- actors and places -----------------------------------------------------------------
    def actor_units(self, *, source: str = "codes", branch: str = "acteurs",
                    scope: str = "turn", min_mentions: int = 2) -> pd.DataFrame:
        """Which actor is mentioned in which unit: from the codebook's `branch`
        (source "codes") or from named organisations (source "entities")."""
        if source == "codes":
            return network.code_actor_units(self.codings(), self.project.codes(),
                                            branch=branch, scope=scope)
        if source == "entities":
            return network.entity_actor_units(Words(self.project).entities(progress=False),
                                              min_mentions=min_mentions, scope=scope)
        raise WorkbenchError(f"source des acteurs « {source} » inconnue : « codes » (la "
                             "branche de la grille) ou « entities » (les organisations "
                             "nommées).")

    def _territory(self, *roles: str) -> str:
        """The column of the first of `roles` the study profile declares; else a French
        error saying what to declare."""
        profile = self.project.profile()
        for role in roles:
            key = profile.key(role)
            if key:
                return key
        raise WorkbenchError(profile.missing_role(roles[0]))

    def organisations_by_place(self, levels: Iterable[str] | None = None) -> pd.DataFrame:
        """Organisations per place with names and main fields of action; `levels`
        default to the profile's country and place of residence (else place of origin)."""
        profile = self.project.profile()
        if levels is None:
            levels = [k for k in (profile.key("residence_country"), profile.key("residence"))
                      if k] or [self._territory("residence", "origin")]
        return cartography.organisations_by_place(self.project.cases(), list(levels),
                                                  fields=profile.key("fields"))

    def origin_links(self, *, home_country: str | None = None) -> pd.DataFrame:
        """Organisations per (place of residence, place of origin), the columns the study
        profile declares; those based in `home_country` (communes, local partners) are
        left out when the profile declares a country of residence."""
        country = self.project.profile().key("residence_country")
        exclude = {country: [home_country]} if home_country and country else None
        return cartography.origin_links(self.project.cases(),
                                        residence=self._territory("residence",
                                                                  "residence_country"),
                                        origin=self._territory("origin"), exclude=exclude)

    def fields_by_place(self, place: str | None = None) -> pd.DataFrame:
        """Place (default: the profile's place of origin) × field of action, counting
        organisations."""
        return cartography.fields_by_place(self.project.cases(),
                                           place=place or self._territory("origin"),
                                           fields=self._territory("fields"))
