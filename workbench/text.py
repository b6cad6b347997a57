"""Folding text for comparison, keys and file names: case and accents removed.

The bottom of the package: imports nothing from ``workbench``. The variants differ
on purpose; pick the one whose keeps/drops fit (``fold`` keeps Arabic or Tifinagh
letters, ``ascii_fold`` drops them).
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Casefold, NFKD, combining marks dropped ('Ça ﬁle ß' → 'ca file ss'); keeps letters
    of other scripts, œ/æ, punctuation and spaces (a no-break space becomes a space)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_words(text: object) -> str:
    """``fold(str(text))`` keeping only a-z and 0-9: every other run (punctuation, spaces,
    œ, other scripts) becomes one space, ends stripped ('Province_d’Origine' → 'province d
    origine')."""
    return _NOT_WORD.sub(" ", fold(str(text))).strip()


def ascii_fold(text: str) -> str:
    """NFKD, every non-ASCII character dropped, lower case ('Rôle: cœur' → 'role: cur'):
    drops accents but also ß, œ, æ and whole Arabic or Tifinagh words; keeps ASCII
    punctuation and spaces."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def ascii_slug(text: str) -> str:
    """``ascii_fold`` with every run outside a-z, 0-9 as one "_", ends stripped ('Place des
    femmes' → 'place_des_femmes'); "" when nothing is left."""
    return _NOT_WORD.sub("_", ascii_fold(text)).strip("_")


def strip_accents(text: str) -> str:
    """NFD, combining marks dropped, NFC again ('Élodie' → 'Elodie'): keeps case, ß, œ,
    ligatures, other scripts and every other character."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                if not unicodedata.combining(c)))
