"""Praat TextGrid files (long or short text format; UTF-8, UTF-16 or 8-bit).

Both text formats hold the same sequence of values, so the file is read as a
stream of tokens (quoted strings with ``""`` escapes, numbers, ``<exists>``)
and the labels of the long format (``xmin =``, ``item [1]:``) are skipped.

- Each IntervalTier is one speaker; its non-empty intervals become turns,
  ordered by start time across tiers (ties: tier order).
- Decision on labels: an ``(ENQ)``-style suffix (``(ENQ)``, ``(Enq.)``, a
  trailing ``enq``) is removed from the speaker label, and that speaker's role
  is "interviewer" ("Sonia Branca-Rosoff (ENQ)" → "Sonia Branca-Rosoff"), so
  the label is the person's name, can be matched with an attributes sheet and
  is the same across files whatever the suffix spelling. The tier name as
  written is kept in ``ParsedDocument.speakers[label]["tier"]``. If removing
  the suffix would merge two tiers, the tier names are kept as they are.
  Other speakers are "respondent"; `roles` overrides.
- Turns of different tiers that overlap in time share a ``Turn.overlap``
  group number.
- Point tiers (TextTier) hold no speech and are skipped with a warning.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.corpus.builder import TranscriptBuilder
from workbench.corpus.encoding import decode_bytes
from workbench.corpus.files import read_bytes
from workbench.corpus.model import ParsedDocument
from workbench.corpus.normalise import collapse_spaces
from workbench.corpus.roles import infer_role, split_interviewer_suffix
from workbench.errors import CorpusError

_TOKEN = re.compile(
    r'"((?:[^"]|"")*)"'  # a string, "" is a quote
    r"|\[\s*\d*\s*\]"  # item [1], intervals [3]: skipped
    r"|<(exists|absent)>"
    r"|([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r"|(?<![\w.])([-+]?(?i:inf(?:inity)?|nan))(?!\w)"  # not numbers: read to be refused
)
_TODO = ("corrigez cette valeur dans le fichier (ou ouvrez-le dans Praat et enregistrez-le à "
         "nouveau en fichier texte), puis importez-le à nouveau")


@dataclass
class Tier:
    """One tier: its name, class and ``(xmin, xmax, text)`` items (points have xmin == xmax)."""

    name: str
    kind: str
    items: list[tuple[float, float, str]]


class _Tokens:
    def __init__(self, text: str, source: str) -> None:
        self.values: list[str | float] = []
        self.raw: list[str] = []
        self.starts: list[int] = []
        for m in _TOKEN.finditer(text):
            if m.group(1) is not None:
                self.values.append(m.group(1).replace('""', '"'))
            elif m.group(2) is not None:
                self.values.append("<" + m.group(2) + ">")
            elif m.group(3) is not None or m.group(4) is not None:
                self.values.append(float(m.group(3) or m.group(4)))
            else:
                continue
            self.raw.append(m.group(0))
            self.starts.append(m.start())
        self.pos = 0
        self.source = source
        self.text = text

    def _bad(self, expected: str) -> CorpusError:
        return CorpusError(
            f"{self.source} : ce n'est pas un TextGrid valide ({expected} attendu à la valeur "
            f"{self.pos + 1}) ; ouvrez-le dans Praat, enregistrez-le en fichier texte et "
            "importez-le à nouveau."
        )

    def _line(self, index: int) -> int:
        return self.text.count("\n", 0, self.starts[index]) + 1

    def invalid(self, index: int, what: str, why: str) -> CorpusError:
        """A French error naming the line of value `index` and what is wrong with it."""
        return CorpusError(f"{self.source}, ligne {self._line(index)} : {what} vaut "
                           f"« {self.raw[index]} », {why} ; {_TODO}.")

    def string(self) -> str:
        if self.pos >= len(self.values) or not isinstance(self.values[self.pos], str):
            raise self._bad("une chaîne entre guillemets")
        self.pos += 1
        return str(self.values[self.pos - 1])

    def number(self, what: str = "une valeur") -> float:
        """The next number, which must be finite."""
        if self.pos >= len(self.values) or not isinstance(self.values[self.pos], float):
            raise self._bad("un nombre")
        self.pos += 1
        value = float(self.values[self.pos - 1])
        if not math.isfinite(value):
            raise self.invalid(self.pos - 1, what, "ce n'est pas un nombre fini")
        return value

    def time(self, what: str) -> float:
        """The next number as a time in seconds: finite, not negative."""
        value = self.number(what)
        if value < 0:
            raise self.invalid(self.pos - 1, what, "un temps négatif")
        return value

    def span(self, what: str) -> tuple[float, float]:
        """A (start, end) pair of times, end not before start."""
        start = self.time(f"le début ({what})")
        end = self.time(f"la fin ({what})")
        if end < start:
            raise self.invalid(self.pos - 1, f"la fin ({what})",
                               f"avant le début ({self.raw[self.pos - 2]})")
        return start, end

    def count(self, what: str) -> int:
        """The next number as a count: a whole number, not more than the values left."""
        value = self.number(what)
        if value < 0 or not value.is_integer() or value > len(self.values) - self.pos:
            raise self.invalid(self.pos - 1, what, "ce n'est pas un nombre d'éléments possible "
                               "(entier, positif, pas plus que ce que contient le fichier)")
        return int(value)


def parse_textgrid(text: str, *, source: str) -> list[Tier]:
    """The tiers of a TextGrid in long or short text format.

    Every number is checked: times finite, not negative, an end never before its
    start; counts whole and within the file (a CorpusError names the line).
    """
    tokens = _Tokens(text, source)
    if tokens.string() != "ooTextFile" or tokens.string() != "TextGrid":
        raise CorpusError(
            f"{source} : ce n'est pas un fichier TextGrid texte de Praat (il doit commencer par "
            'File type = "ooTextFile" et Object class = "TextGrid") ; enregistrez-le depuis '
            "Praat en fichier texte."
        )
    tokens.span("du fichier : xmin, xmax")
    if tokens.pos < len(tokens.values) and tokens.values[tokens.pos] in ("<exists>", "<absent>"):
        if tokens.values[tokens.pos] == "<absent>":
            return []
        tokens.pos += 1
    tiers = []
    for k in range(tokens.count("le nombre de niveaux (size)")):
        kind, name = tokens.string(), tokens.string()
        where = f"niveau {k + 1} « {name} »"
        tokens.span(f"{where} : xmin, xmax")
        items = []
        for n in range(tokens.count(f"le nombre d'éléments du {where}")):
            if kind == "IntervalTier":
                start, end = tokens.span(f"{where}, intervalle {n + 1}")
            else:
                start = end = tokens.time(f"le temps ({where}, point {n + 1})")
            items.append((start, end, tokens.string()))
        tiers.append(Tier(name, kind, items))
    return tiers


def _labels(names: list[str]) -> list[tuple[str, bool]]:
    """(label, interviewer mark) per tier; suffixes kept if stripping merges two tiers."""
    stripped = [split_interviewer_suffix(collapse_spaces(n)) for n in names]
    for k, (label, enq) in enumerate(stripped):
        clash = any(
            j != k and other == label and collapse_spaces(names[j]) != collapse_spaces(names[k])
            for j, (other, _) in enumerate(stripped)
        )
        if clash:
            stripped[k] = (collapse_spaces(names[k]) or f"tier {k + 1}", enq)
        elif not label:
            stripped[k] = (f"tier {k + 1}", enq)
    return stripped


@dataclass
class _Interval:
    start: float
    end: float
    tier: int
    text: str


def _overlaps(intervals: list[_Interval]) -> list[int | None]:
    """Overlap group per interval (sorted by start): None when it overlaps nothing."""
    groups: list[int | None] = [None] * len(intervals)
    group, reach, first = 0, float("-inf"), 0
    for k, iv in enumerate(intervals):
        if iv.start < reach and k > 0:
            if groups[first] is None:
                group += 1
                groups[first] = group
            groups[k] = groups[first]
            reach = max(reach, iv.end)
        else:
            first, reach = k, iv.end
    return groups


def read_textgrid(path: Path, *, roles: dict[str, str] | None = None) -> ParsedDocument:
    """Read a Praat TextGrid: one speaker per interval tier, turns in time order."""
    source = path.name
    data = read_bytes(path)
    if data.startswith(b"ooBinaryFile"):
        raise CorpusError(
            f"{source} : c'est un TextGrid binaire ; ouvrez-le dans Praat, enregistrez-le en "
            "fichier texte (Save as text file…) et importez-le à nouveau."
        )
    text, encoding, warnings = decode_bytes(data, source=source)
    tiers = parse_textgrid(text, source=source)
    interval_tiers = [t for t in tiers if t.kind == "IntervalTier"]
    for tier in tiers:
        if tier.kind != "IntervalTier":
            warnings.append(f"{source} : le tier de points « {tier.name} » ne contient pas de "
                            "parole ; il est ignoré.")
    labels = _labels([t.name for t in interval_tiers])
    intervals = [
        _Interval(start, end, k, words)
        for k, tier in enumerate(interval_tiers)
        for start, end, words in tier.items
        if words.strip()
    ]
    intervals.sort(key=lambda iv: (iv.start, iv.tier))
    if not intervals:
        raise CorpusError(
            f"{source} : ce TextGrid n'a aucun intervalle avec du texte ; vérifiez que la "
            "transcription y a été enregistrée."
        )
    builder = TranscriptBuilder()
    speakers: dict[str, dict[str, str]] = {}
    role_of = [infer_role(label, roles=roles, interviewer_mark=enq) for label, enq in labels]
    for iv, group in zip(intervals, _overlaps(intervals), strict=True):
        label = labels[iv.tier][0]
        turn = builder.add(label, iv.text, t_start=iv.start, t_end=iv.end, overlap=group,
                           role=role_of[iv.tier])
        if turn is not None:
            speakers.setdefault(label, {"tier": interval_tiers[iv.tier].name})
    return builder.document(encoding=encoding, warnings=warnings, speakers=speakers)
