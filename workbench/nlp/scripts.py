"""Writing systems (scripts) of texts: Latin, Arabic, Tifinagh, by Unicode ranges.

Interviews in the diaspora mix French with Darija or Tamazight written in
Arabic or Tifinagh letters. Word statistics and the French pipeline only make
sense on Latin-script French, so turns and tokens carry their script and later
code can skip the other spans.

Only letters count (``str.isalpha``): digits, spaces, punctuation and
combining marks (Arabic short vowels) are neutral. Values: ``"latin"``,
``"arabic"``, ``"tifinagh"``, ``"other"`` (letters of another script: Greek,
Cyrillic…), ``"mixed"`` (more than one script beyond a small threshold,
see :data:`MIXED_MIN_SHARE`), ``"none"`` (no letter at all).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                 (0xFE70, 0xFEFF))
TIFINAGH_RANGES = ((0x2D30, 0x2D7F),)
# Latin-1 supplement, Extended-A/B, IPA extensions (Berber ɣ, ɛ) and Extended Additional (ḍ, ṭ).
LATIN_RANGES = ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F), (0x0250, 0x02AF),
                (0x1E00, 0x1EFF))

# A text is "mixed" when its second script has at least this share of its letters
# and at least MIXED_MIN_LETTERS letters: one Arabic word in a long French turn is
# still a French turn, a sentence of each is mixed.
MIXED_MIN_SHARE = 0.10
MIXED_MIN_LETTERS = 3

_WORD = re.compile(r"[^\W\d_]+")  # runs of letters (any script)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ASCII_LETTERS = re.compile(r"[A-Za-z]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def char_script(char: str) -> str | None:
    """The script of one character, or None when it is not a letter (neutral)."""
    if not char.isalpha():
        return None
    code = ord(char)
    for name, ranges in (("latin", LATIN_RANGES), ("arabic", ARABIC_RANGES),
                         ("tifinagh", TIFINAGH_RANGES)):
        if any(lo <= code <= hi for lo, hi in ranges):
            return name
    return "other"


def letter_counts(text: str) -> dict[str, int]:
    """How many letters of each script the text holds, scripts in order of first letter.

    ASCII letters are counted by a regex, the other characters once per distinct
    character (no loop over the letters in Python).
    """
    latin = sum(map(len, _ASCII_LETTERS.findall(text)))
    if text.isascii():
        return {"latin": latin} if latin else {}
    counts = {"latin": latin} if latin else {}
    for char, n in Counter(_NON_ASCII.findall(text)).items():
        name = char_script(char)
        if name is not None:
            counts[name] = counts.get(name, 0) + n
    if len(counts) > 1:  # the order of first appearance breaks ties in `script_of`
        counts = dict(sorted(counts.items(), key=lambda item: _first_letter(text, item[0])))
    return counts


def _first_letter(text: str, script: str) -> int:
    """Where the first letter of `script` is in `text` (len(text) when there is none)."""
    found = [text.find(char) for char in set(_NON_ASCII.findall(text))
             if char_script(char) == script]
    if script == "latin":
        match = _ASCII_LETTER.search(text)
        found += [match.start()] if match else []
    return min(found, default=len(text))


def only_latin_letters(text: str) -> bool:
    """Whether every letter of the text (if any) is a Latin one: one pass in C, then
    one look per distinct non-ASCII character."""
    return text.isascii() or all(char_script(char) in ("latin", None)
                                 for char in set(_NON_ASCII.findall(text)))


def script_of(text: str) -> str:
    """The script of a text: latin | arabic | tifinagh | other | mixed | none."""
    counts = letter_counts(text)
    if not counts:
        return "none"
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if len(ranked) > 1:
        second = ranked[1][1]
        if second >= MIXED_MIN_LETTERS and second / sum(counts.values()) >= MIXED_MIN_SHARE:
            return "mixed"
    return ranked[0][0]


def spans_by_script(text: str) -> list[tuple[int, int, str]]:
    """Maximal runs ``(start, end, script)`` of one script, covering the whole text.

    Neutral characters (spaces, punctuation, digits, marks) join the run they
    follow (leading ones join the first run), so a new run starts at the first
    letter of another script. A text without letters is one ``"none"`` run;
    an empty text has no run. Offsets are code points, ``end`` exclusive.
    """
    if not text:
        return []
    cuts: list[tuple[int, str]] = []  # (position where a run starts, script)
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            if not cuts or cuts[-1][1] != "latin":
                cuts.append((match.start(), "latin"))
            continue
        for i, char in enumerate(word):
            name = char_script(char) or "other"
            if not cuts or cuts[-1][1] != name:
                cuts.append((match.start() + i, name))
    if not cuts:
        return [(0, len(text), "none")]
    starts = [0] + [pos for pos, _ in cuts[1:]]
    ends = [*starts[1:], len(text)]
    return [(a, b, name) for a, b, (_, name) in zip(starts, ends, cuts, strict=True)]


def turn_scripts(texts: list[str]) -> list[str]:
    """The script of each text (e.g. each speaker turn), in order.

    When all the texts hold Latin letters only (most transcripts), each is
    "latin" or "none" without counting its letters.
    """
    if not only_latin_letters("".join(texts)):
        return [script_of(text) for text in texts]
    return ["latin" if _ASCII_LETTER.search(text) or script_of(text) == "latin" else "none"
            for text in texts]
