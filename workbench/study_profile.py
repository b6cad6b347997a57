"""Editing a project's study profile: an attribute's label, type, role or values, which
attribute plays a role, or a whole profile edited as YAML or Excel. Each change is saved
as a new profile version (undo brings the previous one back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from workbench.coding.extracts import case_table
from workbench.profile import StudyProfile
from workbench.profile.files import read_profile
from workbench.profile.infer import gender_values
from workbench.profile.stored import current_profile, save_profile
from workbench.store import Writer


def change_attribute(w: Writer, key: str, **changes: Any) -> StudyProfile:
    """The profile with one attribute changed, saved."""
    profile = current_profile(w.conn).changed(key, **changes)
    save_profile(w, profile, source="set_attribute")
    return profile


def assign_role(w: Writer, role: str, key: str | None) -> StudyProfile:
    """The profile with `key` playing `role` (None: no attribute), saved; an attribute
    made the gender gets its values mapped from their spelling."""
    profile = current_profile(w.conn).with_role(role, key)
    spec = profile.get(key) if key else None
    if role == "gender" and key and spec is not None and not spec.values:
        values = case_table(w.conn).get(key, pd.Series(dtype=object))
        profile = profile.changed(key, values=gender_values(values) or {})
    save_profile(w, profile, source="set_role")
    return profile


def load_profile(w: Writer, path: str | Path) -> StudyProfile:
    """A profile read from YAML or Excel, saved as the project's."""
    save_profile(w, read_profile(path), source=str(path))
    return current_profile(w.conn)
