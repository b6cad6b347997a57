"""The auto-coding rules a codebook carries, and their validation.

A rule proposes codings; it never decides. Fields (YAML, or YAML text in the
Excel column `règles`):

    id: eau-puits                 # unique in the codebook
    lemmas: [puits, forage]       # single words, matched on lemma or lower-cased form
    phrases: ["château d'eau"]    # multi-word expressions, matched token by token
    regex: "\\bAEP\\b"            # optional, on the text of the unit (case-insensitive)
    unit: sentence                # sentence | turn | paragraph: what gets coded
    speaker_role: respondent      # optional: respondent | interviewer
    speakers: [Fatima]            # optional: only these speaker labels
    where: {genre: F}             # optional: only cases with these attributes
    section: "village"            # optional: only turns under a matching section (regex,
                                  # case-insensitive): a questionnaire's question, a .trs
                                  # topic, a heading
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from workbench.errors import CodebookError

UNITS = ("sentence", "turn", "paragraph")
REGEX_SECONDS = 2.0  # what one rule's regex may take on one document
ROLES = ("respondent", "interviewer")
FIELDS = {"id", "lemmas", "phrases", "regex", "unit", "speaker_role", "speakers", "where",
          "section"}


@dataclass(frozen=True)
class Rule:
    """One validated rule attached to a code (by its key)."""

    id: str
    code: str
    lemmas: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    regex: str | None = None
    unit: str = "sentence"
    speaker_role: str | None = None
    speakers: tuple[str, ...] = ()
    where: dict[str, Any] = field(default_factory=dict)
    section: str | None = None


def rule_problems(rule: Any, code_id: str) -> list[str]:
    """What is wrong with one rule mapping, in French (empty when it is valid)."""
    if not isinstance(rule, dict):
        return [f"code « {code_id} » : une règle doit être une liste de champs (id, puis "
                "lemmas, phrases ou regex)"]
    problems = []
    name = rule.get("id") or "?"
    at = f"code « {code_id} », règle « {name} »"
    unknown = set(rule) - FIELDS
    if unknown:
        problems.append(f"{at} : champ(s) inconnu(s) {', '.join(sorted(map(str, unknown)))} "
                        f"(champs possibles : {', '.join(sorted(FIELDS))})")
    if not rule.get("id"):
        problems.append(f"code « {code_id} » : une règle n'a pas d'`id`")
    if not (rule.get("lemmas") or rule.get("phrases") or rule.get("regex")):
        problems.append(f"{at} : donnez des lemmas, des phrases ou une regex")
    for key in ("lemmas", "phrases", "speakers"):
        if key in rule and not isinstance(rule[key], list):
            problems.append(f"{at} : `{key}` doit être une liste")
    if rule.get("unit", "sentence") not in UNITS:
        problems.append(f"{at} : l'unité « {rule.get('unit')} » n'est pas l'une de "
                        f"{', '.join(UNITS)}")
    if rule.get("speaker_role") not in (None, *ROLES):
        problems.append(f"{at} : speaker_role vaut respondent (personne interrogée) ou "
                        "interviewer (enquêteur·rice)")
    for key in ("regex", "section"):
        if rule.get(key):
            try:
                compile_regex(str(rule[key]))
            except regex.error as exc:
                problems.append(f"{at} : expression régulière `{key}` invalide ({exc})")
    if "where" in rule and not isinstance(rule["where"], dict):
        problems.append(f"{at} : `where` doit associer des attributs à des valeurs")
    return problems


def to_rule(rule: dict[str, Any], code_id: str) -> Rule:
    """A Rule from a validated mapping."""
    return Rule(
        id=str(rule["id"]), code=code_id,
        lemmas=tuple(str(w).strip().lower() for w in rule.get("lemmas") or () if str(w).strip()),
        phrases=tuple(str(p).strip() for p in rule.get("phrases") or () if str(p).strip()),
        regex=rule.get("regex") or None, unit=rule.get("unit", "sentence"),
        speaker_role=rule.get("speaker_role"),
        speakers=tuple(str(s) for s in rule.get("speakers") or ()),
        where=dict(rule.get("where") or {}),
        section=str(rule["section"]) if rule.get("section") else None,
    )


def compile_regex(pattern: str) -> regex.Pattern[str]:
    """A rule's regex as it runs: the `regex` engine (re's syntax, plus a time limit)."""
    return regex.compile(pattern, regex.IGNORECASE)


def regex_starts(rule: Rule, texts: dict[Any, str] | Any, *,
                 seconds: float = REGEX_SECONDS) -> Iterator[tuple[Any, int]]:
    """(document, start) of each non-empty match of the rule's regex in each text.

    A regex that backtracks without end (``(a|aa)+$`` on a long run of a's) is
    stopped after `seconds` on one document, and the run refused with an error
    naming the rule, its code and the document: nothing is stored.
    """
    pattern = compile_regex(str(rule.regex))
    for doc, text in texts.items():
        try:
            for m in pattern.finditer(text, timeout=seconds):
                if m.end() > m.start():
                    yield doc, m.start()
        except TimeoutError:
            raise CodebookError(
                f"règle « {rule.id} » du code « {rule.code} » : son expression régulière "
                f"« {rule.regex} » dépasse {seconds:g} s sur le document n° {doc} (retours "
                "arrière en cascade, comme avec (a|aa)+) ; simplifiez-la (sans groupe répété "
                "contenant lui-même une répétition ou des alternatives qui se recouvrent), "
                "rechargez la grille et relancez le codage automatique ; rien n'a été "
                "enregistré.") from None
