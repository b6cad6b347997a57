"""``p.assist``: offline coding assistance. Passages like a given one, and suggestions
learned from the team's own codings (reviewed through ``p.review`` like the rules').
Nothing leaves the machine: spaCy's word vectors come from an installed model package and
the classifiers are scikit-learn's, trained here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from workbench.assist import service
from workbench.assist.learn import MIN_EXAMPLES

if TYPE_CHECKING:
    from workbench.project_data import ProjectData


class Assist:
    """Finding similar passages and learning code suggestions (``p.assist``)."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def similar(self, text: str | None = None, *, document: str | int | None = None,
                start: int | None = None, end: int | None = None, coding: int | None = None,
                top: int = 20, unit: str = "sentence", without: str | None = None,
                documents: Iterable[str | int] | None = None,
                same_role: bool = True) -> pd.DataFrame:
        """Passages of the project ranked by similarity to an example: a free text, a
        passage (`document`, `start`, `end`; the whole document without them) or a
        coding (`coding`, its id).

        `unit`: "sentence" or "turn". `without`: leave out passages already coded with
        this code. `same_role`: an example from the project finds passages of its speaker
        role only (answers, not the interviewer's questions). Returns rank, score (0–1),
        reference, document, turn, speaker, start, end, text and the codes already
        accepted on each passage; code the chosen ones with ``p.code`` or
        ``p.code_many``.
        """
        data = self._data
        return service.similar(data.store, data.location, text=text, document=document,
                               start=start, end=end, coding=coding, top=top, unit=unit,
                               without=without, documents=data.document_ids(documents),
                               same_role=same_role)

    def train(self, codes: Iterable[str] | None = None, *, min_examples: int = MIN_EXAMPLES,
              unit: str = "sentence") -> pd.DataFrame:
        """Train one model per code on the accepted codings (rejected suggestions count
        against), replacing the previous models; explicit, a few seconds.

        A code needs `min_examples` coded passages. Returns per code the examples used,
        the suggestion threshold and the precision, recall and F1 measured on documents
        each model did not learn from (cross-validation by document).
        """
        data = self._data
        return service.train_models(data.store, data.location, data.coder, codes=codes,
                                    min_examples=min_examples, unit=unit)

    def suggest(self, codes: Iterable[str] | None = None, *, threshold: float | None = None,
                documents: Iterable[str | int] | None = None) -> pd.DataFrame:
        """Store the trained models' suggestions (status 'suggested', origin
        'model:<code>', with their score) to review with ``p.review``: accept, reject,
        or in bulk by code or score. `threshold` replaces each model's own."""
        data = self._data
        return service.suggest_codings(data.store, data.location, data.coder, codes=codes,
                                       threshold=threshold,
                                       documents=data.document_ids(documents))

    def models(self) -> pd.DataFrame:
        """The models last trained: code, examples, threshold, measured precision, recall
        and F1, when and by whom."""
        return service.models_report(self._data.store, self._data.location)
