"""Young and older respondents from the study's own age classes."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.analysis.youth import OLDER, youth_groups
from workbench.errors import WorkbenchError


def test_youth_groups_follow_the_declared_young_classes() -> None:
    frame = pd.DataFrame({"case": list("abcd"), "tranche": ["18-24", "35-49", None, "25-34"]})
    out = youth_groups(frame, column="tranche", young=["18-24", "25-34"], name="jeunesse")
    groups = out["jeunesse"]
    assert list(groups[[0, 1, 3]]) == ["jeunes (18-24, 25-34)", OLDER, "jeunes (18-24, 25-34)"]
    assert pd.isna(groups[2])  # unknown class: no group
    assert "jeunesse" not in frame.columns  # a copy


def test_youth_groups_need_a_column_and_young_classes() -> None:
    frame = pd.DataFrame({"case": ["a"], "tranche": ["18-24"]})
    with pytest.raises(WorkbenchError, match="pas de colonne"):
        youth_groups(frame, column="age", young=["18-24"])
    with pytest.raises(WorkbenchError, match="jeune"):
        youth_groups(frame, column="tranche", young=[])
