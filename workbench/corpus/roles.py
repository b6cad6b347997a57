"""Speaker labels: folding for comparison, known role labels, interviewer/respondent roles."""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.text import fold

INTERVIEWER = "interviewer"
RESPONDENT = "respondent"

_INTERVIEWER_LABELS = {
    "e", "q", "int", "enqueteur", "enquetrice", "enqueteuse", "interviewer", "intervieweur",
    "intervieweuse", "moderateur", "moderatrice", "animateur", "animatrice", "question",
    "chercheur", "chercheuse", "enq",
}
_RESPONDENT_LABELS = {
    "r", "p", "l", "enquete", "enquetee", "interviewe", "interviewee", "repondant",
    "repondante", "reponse", "participant", "participante", "locuteur", "locutrice",
}
_SINGLE_LETTERS = {"e", "q", "r", "p", "l"}
_NUMBERED = re.compile(r"^(?P<base>[a-z]+)\s*\d{0,3}$")
# "(ENQ)", "(Enq.)", "(enquêteur)" … at the end of a label, or a bare trailing "enq".
_ENQ_SUFFIX = re.compile(
    r"\s*(?:\(\s*(?:enq\.?|enqu[eê]t(?:eur|rice)|interviewer)\s*\)|\benq\.?)\s*$", re.IGNORECASE
)
_FOLD_SEP = re.compile(r"[\s_\-‐‑–—]+")


@lru_cache(maxsize=65536)
def fold_name(s: str) -> str:
    """Fold a name for comparison: casefold, no accents, hyphens/underscores/spaces as one space."""
    return _FOLD_SEP.sub(" ", fold(s)).strip()


def split_interviewer_suffix(label: str) -> tuple[str, bool]:
    """Return the label without an ``(ENQ)``-style suffix and whether it had one."""
    stripped = _ENQ_SUFFIX.sub("", label).strip()
    if stripped and stripped != label.strip():
        return stripped, True
    return label.strip(), False


@lru_cache(maxsize=65536)
def known_role(label: str) -> str | None:
    """Role of a conventional label (Enquêteur, E, Q, R, INT, Participant 3 …), else None.

    Single letters count only in upper case ("E", not "e").
    """
    folded = fold_name(label).replace(".", "")
    m = _NUMBERED.match(folded)
    if not m:
        return None
    base = m.group("base")
    if base in _SINGLE_LETTERS and not label.strip()[:1].isupper():
        return None
    if base == "q" and folded != "q":
        return None  # "Q3" is a question marker, not a label
    if base in _INTERVIEWER_LABELS:
        return INTERVIEWER
    if base in _RESPONDENT_LABELS:
        return RESPONDENT
    return None


def infer_role(
    label: str | None,
    *,
    roles: dict[str, str] | None = None,
    interviewer_mark: bool = False,
    default: str | None = RESPONDENT,
) -> str | None:
    """Role of a speaker: the `roles` mapping first, then an (ENQ) mark, then known labels.

    Args:
        label: the speaker label (None for text without a speaker: no role).
        roles: user mapping speaker label -> role; compared exactly, then folded.
        interviewer_mark: the label carried an ``(ENQ)``-style suffix.
        default: role of any other named speaker.
    """
    if label is None:
        return None
    if roles:
        if label in roles:
            return roles[label]
        folded = fold_name(label)
        for key, value in roles.items():
            if fold_name(key) == folded:
                return value
    if interviewer_mark:
        return INTERVIEWER
    return known_role(label) or default


_ROLE_WORDS = {
    INTERVIEWER: INTERVIEWER, RESPONDENT: RESPONDENT, "enqueteur": INTERVIEWER,
    "enquetrice": INTERVIEWER, "enqueteuse": INTERVIEWER, "intervieweur": INTERVIEWER,
    "intervieweuse": INTERVIEWER, "animateur": INTERVIEWER, "animatrice": INTERVIEWER,
    "moderateur": INTERVIEWER, "moderatrice": INTERVIEWER, "enq": INTERVIEWER,
    "enquete": RESPONDENT, "enquetee": RESPONDENT, "repondant": RESPONDENT,
    "repondante": RESPONDENT, "participant": RESPONDENT, "participante": RESPONDENT,
    "interviewe": RESPONDENT, "interviewee": RESPONDENT, "personne interrogee": RESPONDENT,
}


def speaker_role_word(text: object) -> str | None:
    """interviewer | respondent for a role word of a sheet or a command (enquêteur,
    Enquêtée, répondant, interviewer…), else None."""
    if text is None:
        return None
    return _ROLE_WORDS.get(fold_name(str(text)))
