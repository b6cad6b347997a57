"""Languages of documents: detection at import, codes, French names, warnings.

A document's language is an ISO 639-1 code ("fr", "en", "ar"…), or one of a
few ISO 639-3 codes for the languages of our fieldwork that have none
("ary" Darija, "shi" Tachelhit, "zgh" standard Moroccan Tamazight…), or
``"und"`` (undetermined). It is detected at import by lingua
(``lingua-language-detector``, offline, its n-gram models ship in the wheel)
among a bounded set of languages (:data:`DETECTED`), and corrected by the user
with ``Project.set_language``.

Detection reads at most :data:`SAMPLE_CHARS` characters spread over the text
(a 1M-character transcript takes as long as a 20k one), without speaker
labels, timestamps and bracketed markup (a French "Enquêtrice :" on every line
of an English interview is not evidence). Writing systems come first: a text
mostly in Arabic letters is "ar"; a text mostly in neither Latin nor Arabic
letters (Tifinagh…) or too short, or on which lingua hesitates, is
undetermined. An undetermined document is treated as French, the default
study language (:func:`effective_language`).

A long text is first read quickly: :data:`QUICK_PIECES` short pieces
(:data:`QUICK_CHARS` characters in all) spread over it, each given to lingua
on its own. When they are (nearly) all in Latin letters and lingua is sure
that each is in the same language, that is the text's language; otherwise
(a mixed document, a passage in another language or script, a piece lingua
hesitates on) the whole sample of :data:`SAMPLE_CHARS` decides, as above.

lingua is imported on first detection only, so ``import workbench`` stays light;
the detector is built once, in high-accuracy mode, without preloading its
models (each language's models load the first time they are needed).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from workbench.errors import WorkbenchError
from workbench.nlp.scripts import letter_counts

DEFAULT_LANGUAGE = "fr"
UNDETERMINED = "und"
# The languages lingua chooses among: those of our studies and their neighbours.
DETECTED = ("fr", "en", "ar", "es", "it", "de", "nl", "pt")
SAMPLE_CHARS = 20_000
SAMPLE_PIECES = 10
# The quick reading of a text longer than QUICK_MIN_CHARS: pieces, characters in all,
# share of Latin letters and lingua's confidence each piece needs.
QUICK_MIN_CHARS = 6_000
QUICK_PIECES = 10
QUICK_CHARS = 3_000
QUICK_LATIN = 0.9
QUICK_CONFIDENCE = 0.9
# Fewer letters than this (after labels and markup are removed): undetermined.
MIN_LETTERS = 60
# lingua's confidence of its first language (confidences sum to 1 over DETECTED).
MIN_CONFIDENCE = 0.6
# Share of a text's letters that decides its writing system.
SCRIPT_MAJORITY = 0.5

# French names, for messages a researcher reads ("Documents en anglais…").
NAMES: dict[str, str] = {
    "fr": "français", "en": "anglais", "ar": "arabe", "es": "espagnol", "it": "italien",
    "de": "allemand", "nl": "néerlandais", "pt": "portugais", "ca": "catalan",
    "eu": "basque", "br": "breton", "oc": "occitan", "co": "corse", "wa": "wallon",
    "lb": "luxembourgeois", "ro": "roumain", "pl": "polonais", "cs": "tchèque",
    "sk": "slovaque", "hu": "hongrois", "sl": "slovène", "hr": "croate", "sr": "serbe",
    "bs": "bosnien", "bg": "bulgare", "el": "grec", "sq": "albanais", "tr": "turc",
    "ru": "russe", "uk": "ukrainien", "be": "biélorusse", "lt": "lituanien", "lv": "letton",
    "et": "estonien", "fi": "finnois", "sv": "suédois", "da": "danois", "nb": "norvégien",
    "no": "norvégien", "is": "islandais", "ga": "irlandais", "cy": "gallois", "la": "latin",
    "he": "hébreu", "fa": "persan", "ku": "kurde", "ur": "ourdou", "hi": "hindi",
    "bn": "bengali", "ta": "tamoul", "zh": "chinois", "ja": "japonais", "ko": "coréen",
    "vi": "vietnamien", "th": "thaï", "id": "indonésien", "ms": "malais", "tl": "tagalog",
    "sw": "swahili", "am": "amharique", "so": "somali", "ha": "haoussa", "yo": "yoruba",
    "wo": "wolof", "ff": "peul", "bm": "bambara", "ln": "lingala", "mg": "malgache",
    "ht": "créole haïtien", "ber": "berbère (tamazight)", "zgh": "tamazight standard marocain",
    "shi": "tachelhit", "tzm": "tamazight du Maroc central", "rif": "tarifit",
    "kab": "kabyle", "ary": "darija (arabe marocain)", "arq": "arabe algérien",
    "aeb": "arabe tunisien", UNDETERMINED: "langue indéterminée",
}
_BY_NAME = {name: code for code, name in NAMES.items()} | {
    "darija": "ary", "tamazight": "zgh", "amazigh": "zgh", "berbère": "ber",
    "indéterminée": UNDETERMINED, "inconnue": UNDETERMINED}

_LABEL = re.compile(r"^[ \t]*(?:[\[(]?\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?[\])]?[ \t]*)?"
                    r"(?:[^\n:.?!]{1,40}?[ \t]*:[ \t])?", re.MULTILINE)
_MARKUP = re.compile(r"\[[^\]\n]{0,200}\]|\([^)\n]{0,200}\)|<[^>\n]{0,200}>")
_NOT_LATIN = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
                        "\u2d30-\u2d7f]+")


class LanguageError(WorkbenchError):
    """A language code that the workbench does not know."""


class LanguageWarning(UserWarning):
    """Documents left out of an analysis because of their language (message in French)."""


def detect_language(text: str) -> str | None:
    """The ISO code of the text's language among :data:`DETECTED`, or None when unsure.

    None: fewer than :data:`MIN_LETTERS` letters, a text mostly in neither
    Latin nor Arabic letters, or lingua's confidence below
    :data:`MIN_CONFIDENCE`. A text mostly in Arabic letters is "ar".
    A long text is first read quickly (:func:`_quick_language`).
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if len(text) > QUICK_MIN_CHARS:
        quick = _quick_language(text)
        if quick is not None:
            return quick
    sample = _clean(sample_text(text))
    counts = letter_counts(sample)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return None
    if counts.get("arabic", 0) / letters > SCRIPT_MAJORITY:
        return "ar"
    if counts.get("latin", 0) / letters <= SCRIPT_MAJORITY:
        return None
    values = detector().compute_language_confidence_values(_NOT_LATIN.sub(" ", sample))
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return _code(values[0].language)


def _quick_language(text: str) -> str | None:
    """The language every one of :data:`QUICK_PIECES` short pieces spread over the text
    is in, when the pieces are mostly Latin letters and lingua is sure of each; None
    (undecided: read the whole sample) otherwise, as soon as two pieces differ."""
    pieces = [_clean(piece) for piece in sample_pieces(text, size=QUICK_CHARS,
                                                       pieces=QUICK_PIECES)]
    counts = letter_counts("".join(pieces))
    letters = sum(counts.values())
    if letters < MIN_LETTERS * QUICK_PIECES or counts.get("latin", 0) < QUICK_LATIN * letters:
        return None
    found = None
    for piece in pieces:
        values = detector().compute_language_confidence_values(_NOT_LATIN.sub(" ", piece))
        if not values or values[0].value < QUICK_CONFIDENCE \
                or found not in (None, values[0].language):
            return None
        found = values[0].language
    return _code(found) if found is not None else None


def _clean(text: str) -> str:
    """The text without speaker labels, timestamps and bracketed markup."""
    return _MARKUP.sub(" ", _LABEL.sub("", text))


def _code(language: Any) -> str:
    """The ISO 639-1 code of a lingua language, in lower case."""
    return str(language.iso_code_639_1.name.lower())


def sample_text(text: str, *, size: int = SAMPLE_CHARS, pieces: int = SAMPLE_PIECES) -> str:
    """The whole text if short, else `pieces` windows spread over it, `size` characters in all.

    Windows start after a space and end before one, so no word is cut.
    """
    return "\n".join(sample_pieces(text, size=size, pieces=pieces))


def sample_pieces(text: str, *, size: int = SAMPLE_CHARS,
                  pieces: int = SAMPLE_PIECES) -> list[str]:
    """The windows of :func:`sample_text`, one string each ([text] when it is short)."""
    if len(text) <= size:
        return [text]
    width = size // pieces
    step = (len(text) - width) / max(pieces - 1, 1)
    parts = []
    for i in range(pieces):
        start = int(i * step)
        end = start + width
        if start:
            space = text.find(" ", start, start + 100)
            start = space + 1 if space >= 0 else start
        space = text.rfind(" ", start, end)
        parts.append(text[start:space if space > start else end])
    return parts


@lru_cache(maxsize=1)
def detector() -> Any:
    """lingua's detector for :data:`DETECTED`, built once (high accuracy, lazy models)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in DETECTED]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def normalise_language(value: str | None) -> str:
    """A language code as stored: lower case, checked against :data:`NAMES`.

    Accepts a code ("EN", "fr"), a French name ("anglais", "darija") or None
    (undetermined). Raises :class:`LanguageError` otherwise, in French.
    """
    if value is None:
        return UNDETERMINED
    key = str(value).strip().lower().replace("_", "-")
    key = key.split("-", 1)[0] if key not in NAMES and "-" in key else key  # "fr-FR" → "fr"
    if key in NAMES:
        return key
    if key in _BY_NAME:
        return _BY_NAME[key]
    raise LanguageError(
        f"Code de langue « {value} » inconnu. Donnez un code ISO 639-1 à deux lettres "
        "(fr : français, en : anglais, ar : arabe, es : espagnol…), un code ISO 639-3 pour "
        "les langues qui n'en ont pas (ary : darija, shi : tachelhit, zgh : tamazight), "
        "ou « und » pour une langue indéterminée (traitée comme du français).")


def effective_language(code: str | None) -> str:
    """The language analyses use: the code, or French when it is None or "und"."""
    if code is None or code == UNDETERMINED or (isinstance(code, float) and code != code):
        return DEFAULT_LANGUAGE
    return str(code)


def language_name(code: str | None) -> str:
    """The French name of a language ("anglais"), the code itself when unknown."""
    if code is None:
        return NAMES[UNDETERMINED]
    return NAMES.get(code, code)


def article(code: str) -> str:
    """The name with its definite article: "l'anglais", "le néerlandais"."""
    name = language_name(code)
    elided = name[:1] in "aeiouyéèê" or name in ("hébreu", "hindi")
    return f"l'{name}" if elided else f"le {name}"


def left_out_message(documents: Mapping[str, Sequence[str]], purpose: str,
                     reason: Callable[[str], str], *, shown: int = 10) -> str:
    """The French message listing documents (language → names) left out of `purpose`.

    `reason(language)` says why and how to fix it (e.g. which model to install).
    """
    parts = []
    for code, names in sorted(documents.items()):
        names = sorted(names)
        listed = ", ".join(names[:shown]) + (f" et {len(names) - shown} autres"
                                              if len(names) > shown else "")
        noun = "document" if len(names) == 1 else f"{len(names)} documents"
        parts.append(f"{noun} en {language_name(code)} ({listed}) laissé"
                     f"{'' if len(names) == 1 else 's'} de côté dans {purpose} : "
                     f"{reason(code)}")
    example = sorted(documents[min(documents)])[0] if documents else "NOM"
    return (". ".join(p[0].upper() + p[1:] for p in parts)
            + f". Si une langue détectée est fausse, corrigez-la : "
              f"project.set_language(\"{example}\", \"fr\").")


def warn_left_out(documents: Mapping[str, Sequence[str]], purpose: str,
                  reason: Callable[[str], str], *, stacklevel: int = 3) -> None:
    """Warn (:class:`LanguageWarning`) that documents were left out; nothing when none."""
    documents = {code: names for code, names in documents.items() if names}
    if documents:
        warnings.warn(left_out_message(documents, purpose, reason), LanguageWarning,
                      stacklevel=stacklevel)
