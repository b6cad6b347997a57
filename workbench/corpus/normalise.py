"""Text normalisation shared by every reader.

The store keeps NFC text with ``\\n`` line ends (see DESIGN.md); every offset
is counted in that text, so every reader passes its text through
:func:`normalise_text` before computing turn offsets.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that end a line: CRLF, lone CR, vertical tab and form feed (Word and
# PDF page breaks), NEL, and the Unicode line/paragraph separators.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Control characters other than \t and \n (C0, DEL, C1) and byte-order marks.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")


def normalise_text(s: str) -> str:
    """Return `s` as the store keeps it: NFC, ``\\n`` line ends, no control characters.

    - CRLF, CR, vertical tab, form feed, NEL, U+2028 and U+2029 become ``\\n``
      (so mixed line endings are unified and page breaks still separate words);
    - byte-order marks (U+FEFF, anywhere) and control characters other than
      ``\\n`` and ``\\t`` are dropped;
    - the result is NFC-normalised (done last, so removals cannot leave it
      denormalised).
    """
    s = _LINE_BREAKS.sub("\n", s)
    s = _CONTROLS.sub("", s)
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    return s


def collapse_spaces(s: str) -> str:
    """Normalise `s` and fold every run of whitespace (newlines included) into one space."""
    return " ".join(normalise_text(s).split())
