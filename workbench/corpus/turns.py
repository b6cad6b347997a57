"""Split a plain-text transcript into speaker turns, French researchers' conventions.

A *label line* starts with a speaker label and a separator, optionally after a
timestamp and inside markdown bold::

    Enquêteur : Bonjour.              E : …   Q : …   R : …   INT: …
    Fatima Aït Lahcen : Oui.          Fatima (ENQ) : …
    [00:12:03] Fatima : …             (00:12) Fatima - …
    **Fatima** : …                    **Fatima :** …

Decisions (the import must be predictable):

- **Which labels count.** A conventional role label (Enquêteur, Enquêtrice,
  Enquêté·e, E, Q, R, INT, Interviewer, Modérateur·rice, Animateur·rice,
  Participant 3, P2 …, see :mod:`workbench.corpus.roles`) always counts. Any
  other capitalised label (up to 4 words, ≤ 40 characters, lower-case words
  only as particles: "Lucie da Silva") counts only if it starts at least two
  lines of the document, or is in markdown bold or marked (ENQ) somewhere in
  the document, or is in `bold_speakers`.
  Common words that introduce notes ("Alors :", "Date :", "NB :", weekdays,
  months …) never count. A user `pattern` replaces all of this: every line
  it matches is a label line.
- **Continuation.** A line without a label continues the previous turn: the
  turn's end moves to the end of that line (blank lines in between are
  inside the span). Text before the first label forms a turn without speaker.
- **Same speaker twice.** Two consecutive label lines of the same speaker
  stay two turns (the transcriber separated them on purpose).
- **Span.** A turn covers the utterance only, from its first to its last
  non-blank character; a label with no words before the next label gives no
  turn. A label alone on its line starts its turn on the next line.
- **Timestamps** ``[hh:mm:ss]``, ``(mm:ss)`` or a bare ``hh:mm:ss`` before the
  label become ``Turn.t_start`` in seconds.
- **Roles.** An ``(ENQ)`` suffix (removed from the label; it marks that
  speaker as interviewer in the whole document) or an interviewer
  role label gives "interviewer"; R, Enquêté·e and every other named speaker
  give "respondent"; `roles` (speaker → role) overrides both.
- **Sections.** A question marker at line start (``Q1``, ``Q1.``, ``Q 2 -``,
  ``Question 3 :``) and each heading line given in `headings` are structure,
  not speech: the stripped line (without a trailing separator) becomes
  ``Turn.section`` of the turns that follow, it ends the current turn, and
  it is not counted in the totals.
- **No label at all.** The whole text (split only at headings) is one turn
  with speaker None; the caller adds a warning.

The parser is line-based with compiled regexes and linear in the text size.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from workbench.corpus.model import Turn
from workbench.corpus.roles import fold_name, infer_role, known_role, split_interviewer_suffix
from workbench.errors import CorpusError

ProgressFn = Callable[[int, int], None]
LARGE_TEXT = 5_000_000  # characters; above this `progress=True` shows a tqdm bar

_SP = r"[ \t\u00a0\u202f]"
_TS = (
    r"(?:[\[(]" + _SP + r"*(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)" + _SP + r"*[\])]"
    r"|(?P<bare>\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?))"
)
_PREFIX = r"^" + _SP + r"*(?:" + _TS + _SP + r"*(?:[-–—]" + _SP + r"*)?)?"
_SEP = (
    r"(?P<sep>" + _SP + r"*:|" + _SP + r"+[-–—](?=\s|$)|" + _SP + r"*[–—](?=\s|$))"
    r"(?P<close2>\*\*)?" + _SP + r"*"
)
_LABEL_RE = re.compile(
    _PREFIX
    + r"(?P<bold>\*\*)?"
    + r"(?P<label>[^\W\d_][\w'’.\-]*(?:" + _SP + r"+[^\W_][\w'’.\-]*){0,3})"
    + r"(?P<paren>" + _SP + r"*\([^()\n]{1,20}\))?"
    + r"(?P<close>\*\*)?"
    + _SEP
)
_MARKER_RE = re.compile(
    r"^" + _SP + r"*(?:\*\*)?(?:Q" + _SP + r"?\d{1,3}[a-z]?|(?:Question|QUESTION)" + _SP
    + r"+(?:n[°o]" + _SP + r"*)?\d{1,3}[a-z]?)(?:\*\*)?(?=" + _SP + r"*(?:[.):\-–—]|$)|"
    + _SP + r")"
)
_MARKER_START = set("Q \t*\u00a0\u202f")
_PARTICLES = {
    "de", "da", "das", "do", "dos", "du", "des", "del", "della", "di", "van", "von", "der",
    "den", "le", "la", "les", "el", "al", "ben", "bin", "ibn", "ou", "et", "y",
}
_ELISIONS = {"d'", "d’", "l'", "l’"}
# Words that introduce notes, never speakers (compared folded: no accents, lower case,
# hyphens as spaces). "Mai" is left out: it is also a first name.
NOT_SPEAKERS = {
    "alors", "donc", "mais", "oui", "non", "bref", "enfin", "voila", "ensuite", "puis",
    "exemple", "par exemple", "note", "notes", "nb", "n.b.", "n.b", "ps", "p.s.", "remarque",
    "remarques", "attention", "date", "lieu", "duree", "heure", "horaire", "objet", "theme",
    "themes", "sujet", "titre", "resume", "conclusion", "introduction", "source", "sources",
    "total", "ordre du jour", "presents", "presentes", "absents", "excuses", "participants",
    "contexte", "observation", "observations", "commentaire", "commentaires", "important",
    "rappel", "pourquoi", "comment", "http", "https", "mail", "email", "e mail", "tel",
    "telephone", "adresse", "site", "ref", "reference", "references", "verbatim", "extrait",
    "annexe", "figure", "tableau", "definition", "objectif", "objectifs", "methode",
    "methodologie", "public", "cible", "contact", "etape", "phase", "partie", "chapitre",
    "section", "article", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
    "dimanche", "janvier", "fevrier", "mars", "avril", "juin", "juillet", "aout",
    "septembre", "octobre", "novembre", "decembre", "matin", "soir", "apres midi", "bilan",
    "synthese", "constat", "constats", "recommandation", "recommandations", "suite", "fin",
    "debut", "todo", "info", "infos", "questions",
}


@dataclass(slots=True)
class LabelMatch:
    """A speaker label found at the start of a line."""

    label: str
    key: str  # folded label, for counting
    col: int  # column where the utterance starts
    t_start: float | None
    strong: bool  # counts without repetition (role label, (ENQ), markdown bold, bold run)
    enq: bool


def parse_clock(value: str) -> float:
    """Seconds of ``hh:mm:ss(.fff)``, ``mm:ss`` or plain seconds (comma decimals accepted)."""
    seconds = 0.0
    for part in value.strip().replace(",", ".").split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def _word_ok(word: str, *, last: bool) -> bool:
    """A word after the first one of a label: capitalised, a particle, or a final number."""
    if word[0].isdigit():
        return last and word.isdigit() and len(word) <= 3
    if word[0].isupper() or word.casefold() in _PARTICLES:
        return True
    # "d'Alembert", "l'Hôpital" are names; "l'atelier" is not
    return word[:2].casefold() in _ELISIONS and word[2:3].isupper()


@lru_cache(maxsize=65536)
def _plausible_label(label: str) -> bool:
    words = label.split()
    if len(label) > 40 or not words or len(words) > 4 or not words[0][0].isupper():
        return False
    rest = words[1:]
    if not all(_word_ok(w, last=k == len(rest) - 1) for k, w in enumerate(rest)):
        return False
    return fold_name(label).strip(".") not in NOT_SPEAKERS


@lru_cache(maxsize=65536)
def _clean_label(raw: str) -> tuple[str, bool]:
    label = " ".join(raw.replace("*", " ").split())
    return split_interviewer_suffix(label)


@lru_cache(maxsize=65536)
def _label_info(raw: str) -> tuple[str, str, bool, bool, bool]:
    """(label, folded key, (ENQ) mark, looks like a label, is a role label) of a raw label."""
    label, enq = _clean_label(raw)
    plausible = _plausible_label(label)
    return label, fold_name(label), enq, plausible, known_role(label) is not None


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parse_clock(value)
    except ValueError:
        return None


def _forced_regex(labels: set[str]) -> re.Pattern[str] | None:
    names = sorted({" ".join(x.split()) for x in labels if x and x.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternation = "|".join(re.escape(n).replace(r"\ ", _SP + "+") for n in names)
    return re.compile(
        _PREFIX + r"(?:\*\*)?(?P<label>" + alternation + r")(?:\*\*)?"
        + _SP + r"*:(?:\*\*)?" + _SP + r"*"
    )


def _user_regex(pattern: str, source: str) -> re.Pattern[str]:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise CorpusError(
            f"{source} : le motif de locuteur {pattern!r} n'est pas une expression régulière "
            f"valide ({exc}) ; corrigez-le et importez à nouveau."
        ) from exc
    if "speaker" not in regex.groupindex:
        raise CorpusError(
            f"{source} : le motif de locuteur {pattern!r} n'a pas de groupe nommé « speaker » ; "
            r"écrivez-le comme « ^(?P<speaker>[A-Z]\w+) : »."
        )
    return regex


def match_label(line: str, forced: re.Pattern[str] | None = None) -> LabelMatch | None:
    """The label starting `line` if it looks like one (repetition is checked by the caller).

    Args:
        line: one line of text.
        forced: a regex of labels that always count (built from bold labels).
    """
    if forced is not None:
        m = forced.match(line)
        if m:
            label, key, enq, _, _ = _label_info(m.group("label"))
            t = _seconds(m.group("ts") or m.group("bare"))
            return LabelMatch(label, key, m.end(), t, True, enq)
    m = _LABEL_RE.match(line)
    if not m:
        return None
    paren = m.group("paren")
    label, key, enq, plausible, role = _label_info(m.group("label") + paren if paren else
                                                   m.group("label"))
    if not plausible:
        return None
    strong = role or enq or bool(m.group("bold") and (m.group("close") or m.group("close2")))
    return LabelMatch(label, key, m.end(), _seconds(m.group("ts") or m.group("bare")), strong, enq)


def _progress(progress: bool | ProgressFn | None, size: int, lines: int) -> ProgressFn | None:
    if callable(progress):
        return progress
    if progress and size >= LARGE_TEXT:
        from tqdm.auto import tqdm

        bar = tqdm(total=lines, unit="line", desc="Tours de parole")

        def update(done: int, total: int) -> None:
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        return update
    return None


def parse_turns(
    text: str,
    *,
    pattern: str | None = None,
    roles: dict[str, str] | None = None,
    bold_speakers: set[str] | None = None,
    headings: list[tuple[int, str]] | None = None,
    progress: bool | ProgressFn | None = None,
    source: str = "text",
) -> tuple[list[Turn], int, int]:
    """Split normalised text into speaker turns (see the module docstring for the rules).

    Args:
        text: NFC text with ``\\n`` line ends (offsets are counted in it).
        pattern: a regex replacing the default label recognition; matched at
            each line start, with a named group ``speaker`` and optionally ``time``.
        roles: speaker label -> role ("interviewer" / "respondent"), overriding inference.
        bold_speakers: labels known to be speakers (bold runs in a Word file);
            they count even once and even if they would not look like a label.
        headings: ``(line index, title)`` of heading lines (sections).
        progress: a callable ``(lines done, lines total)``, or True for a tqdm
            bar on texts of more than 5 million characters.
        source: the file name, for error messages.

    Returns:
        ``(turns, matched_lines, total_nonblank_lines)``: the turns in text
        order, how many lines were label lines, and how many non-blank lines
        the text has besides headings and question markers.
    """
    lines = text.split("\n")
    n = len(lines)
    report = _progress(progress, len(text), n)
    user = _user_regex(pattern, source) if pattern else None
    forced = _forced_regex(bold_speakers or set())
    heading_at = dict(headings or [])

    # Pass 1: candidates per line, and how often each generic label occurs.
    cands: list[LabelMatch | str | None] = [None] * n
    counts: Counter[str] = Counter()
    marked: set[str] = set()  # labels written with (ENQ) somewhere: interviewers throughout
    strong: set[str] = set()  # labels that count everywhere (bold or (ENQ) once is enough)
    for i, line in enumerate(lines):
        if report is not None and i % 100_000 == 0:
            report(i // 2, n)
        if i in heading_at:
            cands[i] = " ".join(heading_at[i].split())
        elif line[:1] in _MARKER_START and _MARKER_RE.match(line):
            cands[i] = " ".join(line.replace("**", " ").split())[:200].rstrip(" .:-–—")
        elif user is not None:
            m = user.match(line)
            if m and (m.group("speaker") or "").strip():
                label, enq = _clean_label(m.group("speaker"))
                t = _seconds(m.group("time")) if "time" in user.groupindex else None
                cands[i] = LabelMatch(label, "", m.end(), t, True, enq)
                if enq:
                    marked.add(label)
        elif line and not line.isspace():
            found = match_label(line, forced)
            if found is not None:
                cands[i] = found
                if found.enq:
                    marked.add(found.label)
                if found.strong:
                    strong.add(found.key)
                counts[found.key] += 1

    # Pass 2: build the turns.
    turns: list[Turn] = []
    current: Turn | None = None
    section: str | None = None
    role_of: dict[str, str | None] = {}
    matched = total = 0
    offset = 0

    for i, line in enumerate(lines):
        if report is not None and i % 100_000 == 0:
            report((n + i) // 2, n)
        cand = cands[i]
        if isinstance(cand, str):  # heading or question marker
            if current is not None and current.start >= 0:
                turns.append(current)
            current, section = None, cand or section
        elif isinstance(cand, LabelMatch) and (
            cand.strong or cand.key in strong or counts[cand.key] >= 2
        ):
            if current is not None and current.start >= 0:
                turns.append(current)
            matched += 1
            total += 1
            rest = line[cand.col :]
            start = end = -1
            if rest.strip():
                start = offset + cand.col + (len(rest) - len(rest.lstrip()))
                end = offset + len(line.rstrip())
            if cand.label not in role_of:
                role_of[cand.label] = infer_role(
                    cand.label, roles=roles, interviewer_mark=cand.label in marked
                )
            role = role_of[cand.label]
            current = Turn(cand.label, start, end, t_start=cand.t_start, section=section,
                           role=role)
        elif line.strip():
            total += 1
            first = offset + len(line) - len(line.lstrip())
            last = offset + len(line.rstrip())
            if current is None:
                current = Turn(None, first, last, section=section)
            else:
                if current.start < 0:
                    current.start = first
                current.end = last
        offset += len(line) + 1
    if current is not None and current.start >= 0:
        turns.append(current)
    if report is not None:
        report(n, n)
    return turns, matched, total
