"""The characters XML 1.0 cannot hold, shared by the Word and REFI-QDA writers."""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; lone surrogates (half a character,
# which UTF-8 cannot encode); the non-characters U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold, even escaped."""
    return NOT_XML.sub("", text)
