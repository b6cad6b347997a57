"""`Project`'s namespaces (``p.export``, ``p.review``, ``p.team``, ``p.privacy``,
``p.words``, ``p.history``) and its read-only view: the former method names still
work, with a French RenamedWarning naming the new one, and give the same results; the
view a feature is given has no verb that writes."""

from __future__ import annotations

import inspect
import warnings

import pytest

from workbench.errors import RenamedWarning
from workbench.project import RENAMED, Project
from workbench.project_data import ProjectData

WRITES = ("import_corpus", "import_file", "import_attributes", "code", "code_quote",
          "code_many", "code_turns", "uncode", "recode", "memo", "undo", "load_codebook",
          "rename_code", "move_code", "merge_codes", "set_attribute", "set_role",
          "load_profile", "set_reference", "set_language", "set_speaker_role",
          "remove_document", "review", "team", "privacy", "export", "history", "assist",
          "media")


def test_the_view_does_not_write() -> None:
    assert issubclass(Project, ProjectData)
    for name in WRITES:
        assert hasattr(Project, name), name
        assert not hasattr(ProjectData, name), name


def test_every_former_name_leads_to_a_method(project: Project) -> None:
    for old, (space, new) in RENAMED.items():
        assert old not in vars(Project), old  # only reachable through the table
        method = getattr(getattr(project, space), new)
        assert callable(method), (old, space, new)


def test_a_former_name_warns_in_french_and_still_works(project: Project) -> None:
    project.code_many([{"document": "E01_fatima", "quote": "le puits", "code": "actions.eau",
                        "status": "suggested"},
                       {"document": "E02_youssef", "quote": "Le puits du village",
                        "code": "actions.eau", "status": "suggested"},
                       {"document": "E02_youssef", "quote": "l'école aussi",
                        "code": "actions.education", "status": "suggested"}])
    with pytest.warns(RenamedWarning, match=r"p\.suggestions\(…\) s'écrit désormais "
                                            r"p\.review\.suggestions\(…\)"):
        old = project.suggestions()
    assert len(old) == 3
    assert old.equals(project.review.suggestions())
    first = int(old["coding_id"].iloc[0])
    with pytest.warns(RenamedWarning, match="p.review.set"):
        assert project.set_status(first, "rejected", memo="hors sujet") == 1
    row = project.extracts(status="rejected").set_index("coding_id").loc[first]
    assert row["memo"] == "hors sujet"
    with pytest.warns(RenamedWarning, match=r"p\.review\.bulk"):
        accepted = project.review("accept", code="actions")
    assert accepted == 2
    assert set(project.extracts("actions")["coding_id"]) == set(old["coding_id"]) - {first}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project.history(5)  # the log is the namespace called: no warning
    with pytest.raises(AttributeError, match="no_such_verb"):
        project.no_such_verb  # noqa: B018


def test_namespace_methods_are_documented() -> None:
    for space in ("export", "review", "team", "privacy", "words", "history", "framework",
                  "assist", "media"):
        cls = inspect.signature(getattr(Project, space).func).return_annotation
        assert cls, space
    from workbench.accessors import (
        assist,
        exports,
        framework,
        history,
        media,
        privacy,
        review,
        team,
        words,
    )

    for module in (exports, history, privacy, review, team, words, framework, assist, media):
        for name, member in inspect.getmembers(module, inspect.isclass):
            if member.__module__ != module.__name__:
                continue
            for attr, fn in vars(member).items():
                if callable(fn) and not attr.startswith("_"):
                    assert fn.__doc__, f"{name}.{attr}"
