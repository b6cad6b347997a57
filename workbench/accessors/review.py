"""``p.review``: suggestions from the codebook's rules and the review of codings (accept,
reject, in bulk), and how precise each rule has been."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from workbench.coding import edits
from workbench.errors import RenamedWarning, WorkbenchError

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

BULK_ACTIONS = {"accept": "accepted", "reject": "rejected"}


class Review:
    """Suggesting codings and deciding on them (``p.review``)."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def autocode(self, codes: Iterable[str] | None = None, *,
                 documents: Iterable[str | int] | None = None,
                 progress: bool = True) -> pd.DataFrame:
        """Propose codings from the codebook's rules (status 'suggested', origin 'rule:<id>').

        Spans already coded with the same code — accepted or rejected — are not
        proposed again. Returns per rule the matches and the new suggestions.
        """
        from workbench.autocoding import run_rules

        data = self._data
        return run_rules(data.store, data.location, data.coder, codes=codes,
                         documents=data.document_ids(documents), progress=progress)

    def suggestions(self, *, rule: str | None = None, code: str | None = None,
                    document: str | None = None, model: str | None = None,
                    min_score: float | None = None,
                    max_score: float | None = None) -> pd.DataFrame:
        """Suggested codings still waiting for review, as extracts (best score first for
        a model's). `rule`: a rule's; `model`: the learned model's of a code
        (origin 'model:<code>'); `min_score` / `max_score`: a model's score at least /
        below the value (rule suggestions have no score and are then left out)."""
        frame = self._data.extracts(code, status="suggested")
        if rule is not None:
            frame = frame[frame["origin"] == f"rule:{rule}"]
        if model is not None:
            frame = frame[frame["origin"] == f"model:{model}"]
        if document is not None:
            frame = frame[frame["document"] == document]
        if min_score is not None:
            frame = frame[frame["score"].ge(float(min_score))]
        if max_score is not None:
            frame = frame[frame["score"].lt(float(max_score))]
        if model is not None or min_score is not None or max_score is not None:
            frame = frame.sort_values("score", ascending=False, kind="stable")
        return frame.reset_index(drop=True)

    def accept(self, ids: int | Iterable[int], *, comment: str | None = None) -> int:
        """Accept codings or suggestions: they become ordinary codings (their origin stays)."""
        return self.set(ids, "accepted", comment=comment)

    def reject(self, ids: int | Iterable[int], *, comment: str | None = None) -> int:
        """Reject codings or suggestions: kept as rejected, never proposed again."""
        return self.set(ids, "rejected", comment=comment)

    def set(self, ids: int | Iterable[int], status: str, *, comment: str | None = None,
            memo: str | None = None, bulk: bool = False) -> int:
        """Set the status of codings as their reviewer, with an optional comment (and a
        new memo for the coding itself).

        Reviewer, date and comment show in extracts (`reviewed_by`, `reviewed_at`,
        `review_comment`) and in the Excel annex. Another coder's codings can only be
        reviewed by a lead (RoleError otherwise, nothing changed); anyone decides on
        their own codings and on pending rule suggestions. Returns how many changed.
        """
        with self._data.store.write(self._data.coder) as w:
            return edits.set_statuses(w, ids, status, comment=comment, memo=memo, bulk=bulk)

    def bulk(self, action: str, *, rule: str | None = None, code: str | None = None,
             document: str | None = None, model: str | None = None,
             min_score: float | None = None, max_score: float | None = None) -> int:
        """Accept or reject every pending suggestion of a rule, model, code or document, or
        those of a model's score above `min_score` or below `max_score` (recorded as a
        bulk review: the rule report's precision leaves them out)."""
        if action not in BULK_ACTIONS:
            raise WorkbenchError(f"action de relecture « {action} » inconnue : écrivez "
                                 "« accept » (accepter) ou « reject » (rejeter).")
        ids = self.suggestions(rule=rule, code=code, document=document, model=model,
                               min_score=min_score, max_score=max_score)["coding_id"].tolist()
        return self.set(ids, BULK_ACTIONS[action], bulk=True)

    def rule_report(self) -> pd.DataFrame:
        """Per rule, then per learned model (`source` « règle » or « modèle »):
        suggestions, accepted, rejected, pending, bulk decisions and the precision of the
        suggestions reviewed one by one."""
        from workbench.assist.service import models_report
        from workbench.autocoding import rules_frame, stored_rules
        from workbench.coding.review import rule_report

        data = self._data
        rules = rules_frame(stored_rules(data.store))
        models = models_report(data.store, data.location)
        with data.store.read() as conn:
            return rule_report(conn, rules, models)

    def __call__(self, action: str, *, rule: str | None = None, code: str | None = None,
                 document: str | None = None) -> int:
        """The former ``p.review(action, …)``: now ``p.review.bulk(action, …)``."""
        warnings.warn("p.review(…) s'écrit désormais p.review.bulk(…) ; l'ancienne forme "
                      "sera retirée.", RenamedWarning, stacklevel=2)
        return self.bulk(action, rule=rule, code=code, document=document)
