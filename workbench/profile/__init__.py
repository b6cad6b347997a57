"""The study profile: labels, types and roles of a study's attributes (see `model`)."""

from workbench.profile.model import (
    GENDERS,
    ROLES,
    TYPES,
    AttributeSpec,
    StudyProfile,
    age_class_labels,
    age_classes,
)

__all__ = ["GENDERS", "ROLES", "TYPES", "AttributeSpec", "StudyProfile", "age_class_labels",
           "age_classes"]
