"""Person names spaCy finds in the texts that the pseudonym table does not cover yet, for
the researcher to confirm (``Project.person_entities``).

The texts go through the French "ner" pipeline of :mod:`workbench.nlp.pipeline` (loaded
once per process, shared with the rest of the NLP layer), cut at line breaks by
:func:`workbench.nlp.parse.chunk_text`; only its named-entity part runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from workbench.nlp.languages import DEFAULT_LANGUAGE
from workbench.nlp.parse import chunk_text
from workbench.nlp.pipeline import APOSTROPHES, load_pipeline, model_for
from workbench.privacy.forms import PseudonymEntry, letter_count, name_key
from workbench.privacy.matching import compiled, is_name_label, known_entity

# Pieces of long texts, cut at line breaks, so that spaCy's memory stays small.
CHUNK_CHARS = 100_000
# The components that find entities; the rest of the "ner" pipeline (tags, lemmas,
# sentences) is skipped.
ENTITY_COMPONENTS = (APOSTROPHES, "tok2vec", "ner")


def person_entities(texts: Mapping[Any, str] | Iterable[str],
                    table: Iterable[PseudonymEntry] = (), *,
                    protect: Iterable[str] = ()) -> pd.DataFrame:
    """spaCy person entities (PER) not yet in the table, for the researcher to confirm.

    `texts`: document → text (or a list, numbered from 0). One row per occurrence:
    document, start, end (offsets in the text), text, count (occurrences of the same
    name, case and accents aside, in all texts); most frequent names first. Entities
    without a capital letter, generic speaker labels and names already covered by
    the table or by `protect` are left out.
    """
    items = list(texts.items()) if isinstance(texts, Mapping) else list(enumerate(texts))
    matcher = compiled(tuple(table), protect)
    nlp = load_pipeline("ner", model=model_for(DEFAULT_LANGUAGE))
    disabled = [p for p in nlp.pipe_names if p not in ENTITY_COMPONENTS]
    rows = []
    for document, text in items:
        pieces = chunk_text(text or "", size=CHUNK_CHARS)
        docs = nlp.pipe((p for _, p in pieces), disable=disabled)
        for (offset, _), doc in zip(pieces, docs, strict=True):
            for ent in doc.ents:
                name = ent.text.strip()
                if (ent.label_ != "PER" or not any(c.isupper() for c in name)
                        or letter_count(name) <= 2 or not is_name_label(name)
                        or known_entity(name, matcher)):
                    continue
                start = offset + ent.start_char + (len(ent.text) - len(ent.text.lstrip()))
                rows.append({"document": document, "start": start,
                             "end": start + len(name), "text": name})
    frame = pd.DataFrame(rows, columns=["document", "start", "end", "text"])
    counts = frame["text"].map(name_key).map(Counter(frame["text"].map(name_key)))
    frame["count"] = counts.astype("int64")
    return (frame.sort_values(["count", "text", "document", "start"],
                              ascending=[False, True, True, True], kind="stable")
            .reset_index(drop=True))
