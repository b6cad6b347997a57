"""Young and older respondents, from the study's own age classes.

The studies ask about "young people", but each study says who is young in its
own way: age classes from its sheet ("18-24", "25-34", …) or from a numeric age
(the study profile derives "moins de 25 ans", "25-34 ans", …), and which classes
count as young. These functions put each case in one of two groups from those
classes; :func:`workbench.analysis.groups.age_groups` does the same from a
numeric age and a threshold.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbench.analysis.matrix import value_label
from workbench.errors import WorkbenchError

YOUTH = "jeunesse"
OLDER = "plus âgés"


def young_label(young: Iterable[str]) -> str:
    """« jeunes (moins de 25 ans, 25-34 ans) »: the young group, naming its classes."""
    return f"jeunes ({', '.join(str(c) for c in young)})"


def youth_groups(frame: pd.DataFrame, *, column: str, young: Iterable[str],
                 name: str = YOUTH) -> pd.DataFrame:
    """`frame` with a `name` column: the young group when the class in `column` is one
    of `young`, « plus âgés » for another class, empty when the class is unknown.

    `young`: the classes counted as young (``StudyProfile.young_classes``).
    """
    young = [str(c) for c in young]
    if column not in frame.columns:
        raise WorkbenchError(f"pas de colonne « {column} » pour faire des classes d'âge.")
    if not young:
        raise WorkbenchError(f"aucune classe d'âge de « {column} » n'est comptée comme jeune ; "
                             "donnez-les avec young= (par ex. StudyProfile.young_classes).")
    label, unknown = young_label(young), value_label(None)
    classes = [value_label(v) for v in frame[column]]
    out = frame.copy()
    out[name] = [None if c == unknown else (label if c in young else OLDER) for c in classes]
    return out
