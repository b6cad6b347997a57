"""Sentiment indicator for French passages: polarity, subjectivity and a tone label.

Built on textblob-fr's pattern lexicon and scorer (negation, intensifiers, averaging over the
known words of a text), extended with a project lexicon of words from migration and local
development fieldwork (`data/lexique_sentiment_projet.csv`: a row sets a word's polarity and
subjectivity; a row with both blank removes a word that names rather than judges, such as
"jeunes" or "commune"). Transcription marks ([rire], (pause)…) are not scored. It points to
passages worth reading; it is not a finding (see docs/sentiment.md).
"""

from __future__ import annotations

import csv
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd
from textblob_fr import PatternAnalyzer
from textblob_fr import fr as _fr

from workbench.errors import WorkbenchError

log = logging.getLogger(__name__)

PROJECT_LEXICON = Path(__file__).parent / "data" / "lexique_sentiment_projet.csv"
LEXICON_COLUMNS = ("mot", "polarite", "subjectivite", "commentaire")
COLUMNS = ("polarite", "subjectivite", "tonalite")
# Languages whose texts the lexicon can score (textblob-fr is French only).
LANGUAGES = ("fr",)
POSITIVE, NEGATIVE, NEUTRAL = "positif", "négatif", "neutre"

# textblob-fr lists "n'" as a negation, but its tokenizer splits the apostrophe off, so the
# token is "n": add it, or "il n'y a plus de soutien" is never negated.
NEGATIONS = (*_fr.sentiment.negations, "n")
# Determiners skipped right after a negation: pattern keeps a negation only across one-letter
# words, so "pas de soutien" or "pas un problème" would lose it.
_SKIP_AFTER_NEGATION = frozenset({"de", "du", "des", "un", "une", "le", "la", "les"})
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]")
# Transcribers' marks: "[rire]" is not the speaker saying "rire" (+0.5 in the lexicon).
_MARKS = re.compile(r"\[[^\[\]]{0,200}\]|\((?:rires?|pause|silence|soupirs?|inaudible|hésitation"
                    r"|toux|sourires?|\.\.\.|…)\)", re.IGNORECASE)
_ACCENTS = str.maketrans({"à": "a", "é": "e", "è": "e", "ê": "e", "ï": "i"})

Entry = tuple[float, float, float | None]
ExtraLexicon = str | Path | Mapping[str, float | tuple[float, ...] | None] | None


class LexiconError(WorkbenchError):
    """A sentiment lexicon (CSV or mapping) has a bad row: missing column, value out of range."""


class _Lexicon(_fr.Sentiment):
    """textblob-fr's lexicon and scorer, on an instance of our own (textblob-fr's is shared)."""

    def assessments(self, words: Iterable = (), negation: bool = True) -> list:
        """Pattern's assessments, with determiners after a negation skipped."""
        return super().assessments(_skip_determiners(words, self.negations), negation)


class ProjectAnalyzer(PatternAnalyzer):
    """textblob-fr's PatternAnalyzer scoring with the extended lexicon: (polarity, subjectivity).

    Each instance owns its lexicon, so textblob-fr's own `PatternAnalyzer()` is left untouched.
    """

    def __init__(self, extra_lexicon: ExtraLexicon = None) -> None:
        super().__init__()
        self.lexicon = _build_lexicon(extra_lexicon)

    def analyze(self, text: str) -> tuple[float, float]:
        """(polarity, subjectivity) of `text` as pattern computes them."""
        score = self.lexicon(text)
        return float(score[0]), float(score[1])


_default: ProjectAnalyzer | None = None
_extra: dict[object, ProjectAnalyzer] = {}
_lock = threading.Lock()


def analyzer(extra_lexicon: ExtraLexicon = None) -> ProjectAnalyzer:
    """The analyzer with the project lexicon (built once), or with a study's extra words too.

    `extra_lexicon` is a CSV path (columns mot, polarite, subjectivite[, intensite,
    commentaire]) or a mapping word → polarity, (polarity, subjectivity) or None (remove the
    word); its words override the project's.
    Analyzers with an extra lexicon are cached by path (and file date) or by content.
    """
    global _default
    with _lock:
        if extra_lexicon is None:
            if _default is None:
                _default = ProjectAnalyzer()
            return _default
        key = _cache_key(extra_lexicon)
        if key not in _extra:
            _extra[key] = ProjectAnalyzer(extra_lexicon)
        return _extra[key]


def sentiment(text: str, *, extra_lexicon: ExtraLexicon = None) -> tuple[float, float]:
    """(polarity −1..1, subjectivity 0..1) of a French text.

    Empty text, text without Latin letters (Arabic script, Tifinagh) and anything that is not
    a string score (0.0, 0.0): the lexicon is French, so silence is the honest answer.
    Transcription marks in brackets are dropped first.
    """
    if not isinstance(text, str):
        return 0.0, 0.0
    text = _MARKS.sub(" ", unicodedata.normalize("NFC", text))
    if not _LATIN_LETTER.search(text):
        return 0.0, 0.0
    try:
        polarity, subjectivity = analyzer(extra_lexicon).analyze(text)
    except LexiconError:
        raise
    except Exception as error:  # a score is an indicator: never stop a table for one text
        log.warning("sentiment: a text of %d characters could not be scored (%s); scored 0",
                    len(text), type(error).__name__)
        return 0.0, 0.0
    return _clean(polarity, -1.0, 1.0), _clean(subjectivity, 0.0, 1.0)


def label(polarity: float, *, threshold: float = 0.1) -> str:
    """"positif", "négatif" or "neutre": polarity at or beyond ±threshold, else neutral."""
    if threshold < 0:
        raise ValueError(f"threshold doit valoir 0 ou plus, pas {threshold}.")
    if polarity is None or pd.isna(polarity):
        return NEUTRAL
    if polarity >= threshold and polarity > 0:
        return POSITIVE
    if polarity <= -threshold and polarity < 0:
        return NEGATIVE
    return NEUTRAL


def sentiment_frame(frame: pd.DataFrame, *, text_column: str = "text", threshold: float = 0.1,
                    extra_lexicon: ExtraLexicon = None) -> pd.DataFrame:
    """A copy of `frame` (extracts, sentences…) with polarite, subjectivite and tonalite columns.

    Missing texts score 0 and read "neutre"; the index and the other columns are kept.
    """
    if text_column not in frame.columns:
        raise KeyError(f"pas de colonne « {text_column} » à évaluer ; colonnes : "
                       + ", ".join(map(str, frame.columns)))
    scores = [sentiment(text, extra_lexicon=extra_lexicon) for text in frame[text_column]]
    result = frame.copy()
    result["polarite"] = pd.Series([p for p, _ in scores], index=frame.index, dtype="float64")
    result["subjectivite"] = pd.Series([s for _, s in scores], index=frame.index,
                                       dtype="float64")
    result["tonalite"] = result["polarite"].map(lambda p: label(p, threshold=threshold))
    return result


def read_lexicon(source: str | Path | Mapping[str, float | tuple[float, ...] | None]
                 ) -> dict[str, Entry | None]:
    """Word → (polarity, subjectivity, intensity), or None to remove it, from a CSV or mapping.

    Words are lower-cased single tokens as pattern's tokenizer cuts them (no space, no
    apostrophe); polarity lies in −1..1, subjectivity in 0..1; blank polarity and subjectivity
    (or None) remove the word. Every bad row is listed.
    """
    if isinstance(source, Mapping):
        rows = [(str(word), value if isinstance(value, tuple | list) else (value,), f"« {word} »")
                for word, value in source.items()]
        where = "lexique ajouté"
    else:
        rows, where = _csv_rows(Path(source)), str(source)
    entries: dict[str, Entry | None] = {}
    problems = []
    for word, values, place in rows:
        try:
            entries[_word(word)] = _entry(values)
        except ValueError as error:
            problems.append(f"{place} : {error}")
    if problems:
        noun = "entrée invalide" if len(problems) == 1 else "entrées invalides"
        raise LexiconError(f"{where} : {len(problems)} {noun} — " + " ; ".join(problems))
    return entries


def _build_lexicon(extra_lexicon: ExtraLexicon) -> _Lexicon:
    """textblob-fr's lexicon, with its subjectivity signs fixed, then project and extra words."""
    lexicon = _Lexicon(path=_fr.sentiment.path, synset=None, negations=NEGATIONS,
                       modifiers=("RB",), modifier=lambda w: w.endswith("ment"),
                       tokenizer=_fr.parser.find_tokens, language="fr")
    lexicon.load()
    # 844 entries of fr-sentiment.xml carry a negative subjectivity (and "plein" 17.65):
    # data errors; pattern only ever averages subjectivity, so keep its size within 0..1.
    for senses in dict.values(lexicon):
        for pos, (p, s, i) in list(senses.items()):
            senses[pos] = (p, min(abs(s), 1.0), i)
    _annotate(lexicon, read_lexicon(PROJECT_LEXICON))
    if extra_lexicon is not None:
        _annotate(lexicon, read_lexicon(extra_lexicon))
    return lexicon


def _annotate(lexicon: _Lexicon, entries: Mapping[str, Entry | None]) -> None:
    """Set each word in the lexicon's own structure, and its unaccented form as textblob-fr does.

    A known word gets the new scores for every part of speech it has and keeps its intensity
    unless one is given (an adverb stays an intensifier); a new word gets them under key None,
    the one pattern reads for plain text. None removes the word: pattern averages over every
    known word, so a neutral entry would still dilute the others.
    """
    for word, entry in entries.items():
        forms = [word]
        bare = word if word.endswith(("à", "è", "é", "ê", "ï")) else word.translate(_ACCENTS)
        if bare != word:
            forms.append(bare)
        for form in forms:
            if entry is None:
                dict.pop(lexicon, form, None)
                continue
            polarity, subjectivity, intensity = entry
            senses = dict.get(lexicon, form) or {None: (0.0, 0.0, 1.0)}
            dict.__setitem__(lexicon, form, {
                pos: (polarity, subjectivity, old[2] if intensity is None else intensity)
                for pos, old in senses.items()})


def _skip_determiners(words: Iterable, negations: Iterable[str]) -> Iterator:
    """The (word, tag) pairs, without determiners that directly follow a negation."""
    negations = frozenset(negations)
    negated = False
    for word, pos in words:
        if negated and word in _SKIP_AFTER_NEGATION:
            continue
        negated = word in negations
        yield word, pos


def _csv_rows(path: Path) -> list[tuple[str, tuple[str, ...], str]]:
    """(word, (polarity, subjectivity[, intensity]), 'file line N') for each CSV row."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in LEXICON_COLUMNS[:3] if c not in header]
            if missing:
                raise LexiconError(f"{path} : colonne(s) manquante(s) {', '.join(missing)} ; "
                                   f"colonnes attendues : {', '.join(LEXICON_COLUMNS)}")
            reader.fieldnames = header
            rows = []
            for number, row in enumerate(reader, start=2):
                values = (row.get("polarite"), row.get("subjectivite"))
                if (row.get("intensite") or "").strip():
                    values = (*values, row["intensite"])
                rows.append((row.get("mot") or "", values, f"ligne {number}"))
            return rows
    except (OSError, UnicodeDecodeError) as error:
        raise LexiconError(f"{path} : lexique illisible ({error}) ; donnez un CSV en UTF-8 "
                           "avec les colonnes mot, polarite, subjectivite") from error


def _word(word: str) -> str:
    """The lexicon key of `word`: NFC, lower case, one token."""
    key = unicodedata.normalize("NFC", str(word)).strip().lower()
    if not key:
        raise ValueError("mot vide")
    if re.search(r"[\s'’]", key):
        raise ValueError(f"« {key} » n'est pas un seul mot (ni espace ni apostrophe : "
                         "l'analyseur les coupe)")
    return key


def _entry(values: tuple | list) -> Entry | None:
    """(polarity, subjectivity, intensity or None) from 1 to 3 values, or None if all are blank.

    Subjectivity defaults to |polarity|, intensity to the word's own (1.0 for a new word).
    """
    if all(v is None or str(v).strip() == "" for v in values):
        return None
    if not 1 <= len(values) <= 3:
        raise ValueError("donnez la polarité, la subjectivité et éventuellement l'intensité")
    try:
        numbers = [float(str(v).replace(",", ".")) for v in values]
    except (TypeError, ValueError):
        raise ValueError(f"valeur non numérique dans {list(values)}") from None
    polarity = numbers[0]
    subjectivity = numbers[1] if len(numbers) > 1 else abs(polarity)
    intensity = numbers[2] if len(numbers) > 2 else None
    if not -1.0 <= polarity <= 1.0:
        raise ValueError(f"polarité {polarity} hors de -1..1")
    if not 0.0 <= subjectivity <= 1.0:
        raise ValueError(f"subjectivité {subjectivity} hors de 0..1")
    if intensity is not None and not 0.0 < intensity <= 4.0:
        raise ValueError(f"intensité {intensity} hors de 0..4")
    return polarity, subjectivity, intensity


def _cache_key(extra_lexicon: ExtraLexicon) -> object:
    """A hashable key for an extra lexicon: its resolved path and date, or its content."""
    if isinstance(extra_lexicon, Mapping):
        return ("mapping", tuple(sorted((str(k), repr(v)) for k, v in extra_lexicon.items())))
    path = Path(extra_lexicon).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    return ("file", str(path), stamp)


def _clean(value: float, low: float, high: float) -> float:
    """`value` within [low, high], rounded to 4 places, without -0.0 or NaN."""
    if math.isnan(value):
        return 0.0
    return round(min(max(value, low), high), 4) + 0.0
