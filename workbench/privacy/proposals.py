"""Proposing the pseudonym table from the cases and the speakers: one stable label per
person or organisation ("Enquêtée F3", "Élu 2", "Association A"), numbered after those
already given."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.corpus.roles import INTERVIEWER
from workbench.privacy.forms import (
    LABELS,
    ORG_DEFAULT,
    ORG_TYPES,
    PseudonymEntry,
    cell_text,
    letters_of,
    name_key,
    parse_pseudonym,
)
from workbench.privacy.matching import is_name_label

# Case kinds that get a pseudonym; other kinds (initiatives: projects) keep their names.
NAMED_KINDS = ("person", "organisation", "organization", "")

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


def _column(frame: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Columns of `frame` whose folded name is one of `names`, in the order of `names`."""
    by_key = {name_key(str(c)): c for c in frame.columns}
    return [by_key[n] for n in names if n in by_key]


def gender_of(value: Any) -> str | None:
    """'F', 'H' or None from a gender cell (F/H/M, femme/homme, féminin/masculin …)."""
    text = name_key(str(value)) if cell_text(value) else ""
    if text in ("f", "femme", "feminin", "female", "woman", "w", "fille"):
        return "F"
    if text in ("h", "m", "homme", "masculin", "male", "man", "garcon"):
        return "H"
    return None


def _category_of(row: Mapping[str, Any], role_columns: Sequence[str]) -> str:
    text = " ".join(name_key(str(row[c])) for c in role_columns if cell_text(row[c]))
    for category, pattern in _ROLE_PATTERNS:
        if re.search(pattern, text):
            return category
    return "respondent"


def _org_label(row: Mapping[str, Any], type_columns: Sequence[str]) -> str:
    text = " ".join(name_key(str(row[c])) for c in type_columns if cell_text(row[c]))
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
        name = cell_text(row["case"])
        if name is None or name_key(name) in wants:
            continue
        if name_key(str(row.get("case_kind") or "")) not in NAMED_KINDS:
            wants[name_key(name)] = None  # an initiative: a project's name, not personal data
        elif name_key(str(row.get("case_kind") or "")) in ("organisation", "organization"):
            wants[name_key(name)] = _Wanted("organisation", "organisation",
                                            org_label=_org_label(row, types))
        else:
            gender = next((g for c in genders if (g := gender_of(row[c]))), None)
            wants[name_key(name)] = _Wanted("person", _category_of(row, roles), gender)
    return wants


class _Numbering:
    """Next free numbers per series, continuing after those already in the table."""

    def __init__(self, table: Iterable[PseudonymEntry], per_label: bool) -> None:
        self.per_label = per_label
        self.used: Counter[str] = Counter()
        for entry in table:
            if parsed := parse_pseudonym(entry.pseudonym):
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
        return prefix + (letters_of(n) if want.category == "organisation" else str(n))


def _speaker_rows(speakers: pd.DataFrame) -> list[tuple[str | None, str | None, str | None]]:
    """(label, role, case) of each speakers row, in order."""
    if speakers.empty:
        return []
    get = {c: speakers[c] if c in speakers.columns else pd.Series([None] * len(speakers),
                                                                  index=speakers.index)
           for c in ("speaker", "speaker_role", "case")}
    return [(cell_text(a), cell_text(b), cell_text(c)) for a, b, c in
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
    by_real = {name_key(e.real): e.pseudonym for e in table}
    numbering = _Numbering(table, per_label)
    wants = _case_wants(cases)
    rows = _speaker_rows(speakers)
    case_roles: dict[str, set[str | None]] = {}
    label_cases: dict[str, set[str]] = {}
    for label, role, case in rows:
        if case is not None:
            case_roles.setdefault(name_key(case), set()).add(role)
            if label is not None:
                label_cases.setdefault(name_key(label), set()).add(name_key(case))

    def add(real: str, want: _Wanted, source: str) -> str:
        key = name_key(real)
        if key not in by_real:
            by_real[key] = numbering.next(want)
            table.append(PseudonymEntry(real, by_real[key], want.kind, source))
        return by_real[key]

    def add_case(case: str) -> str | None:
        if name_key(case) in wants and wants[name_key(case)] is None:
            return None  # not a person nor an organisation: keeps its name
        want = wants.get(name_key(case)) or _Wanted("person", "respondent")
        roles = case_roles.get(name_key(case), set())
        if want.category == "respondent" and INTERVIEWER in roles and roles <= {INTERVIEWER}:
            want = _Wanted("person", "interviewer", want.gender)
        return add(case, want, "attribute")

    for label, role, case in rows:
        if case is not None:
            pseudonym = add_case(case)
            if (pseudonym is not None and is_name_label(label) and label is not None
                    and name_key(label) != name_key(case)
                    and len(label_cases.get(name_key(label), ())) == 1
                    and name_key(label) not in by_real):
                by_real[name_key(label)] = pseudonym
                table.append(PseudonymEntry(label, pseudonym, "person", "speaker"))
            elif (pseudonym is not None and is_name_label(label) and label is not None
                  and len(label_cases.get(name_key(label), ())) > 1
                  and name_key(label) not in by_real):
                # One first name for several people: which one cannot be said, but the
                # name must still go.
                by_real[name_key(label)] = SHARED_LABEL
                table.append(PseudonymEntry(label, SHARED_LABEL, "person", "speaker"))
        elif label is not None and is_name_label(label):
            category = "interviewer" if role == INTERVIEWER else "respondent"
            add(label, _Wanted("person", category), "speaker")
    for row in ([] if cases.empty or "case" not in cases.columns else cases["case"]):
        if (case := cell_text(row)) is not None:
            add_case(case)
    return table
