"""Named entities (places, organisations, persons) as a table, for mapping and actors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from workbench.nlp.parse import ParsedText
from workbench.nlp.scripts import script_of

LABELS = {"LOC": "lieu", "ORG": "organisation", "PER": "personne", "MISC": "divers"}


def entity_frame(parsed: Mapping[Any, ParsedText]) -> pd.DataFrame:
    """One row per entity: document, start, end (code points), text, label, type (French).

    `parsed` must come from the "ner" task. Entities written in Arabic script or
    Tifinagh are left out: the French model cannot read them.
    """
    rows = []
    for key, text in parsed.items():
        for offset, doc in text.chunks:
            for ent in doc.ents:
                if script_of(ent.text) != "latin":
                    continue
                rows.append((key, offset + ent.start_char, offset + ent.end_char, ent.text,
                             ent.label_, LABELS.get(ent.label_, ent.label_.lower())))
    return pd.DataFrame(rows, columns=["document", "start", "end", "text", "label", "type"])
