"""Snapshots for the COPIL (issue 15): frozen, pseudonymised, read-only, and still a project
the analyses and apps can read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_name_check import found_in, real_names

from workbench import Project
from workbench.errors import StoreError, WorkbenchError


@pytest.fixture
def live(real_project_path: Path, tmp_path: Path) -> Project:
    shutil.copytree(real_project_path, tmp_path / "vivant")
    with Project.open(tmp_path / "vivant", coder="lead") as p:
        yield p


def test_a_snapshot_is_frozen_pseudonymised_and_read_only(live: Project, tmp_path: Path) -> None:
    names = real_names(live)
    live.code(live.documents()["name"][0], 10, 30, live.codes()["key"][0], status="suggested")
    accepted = live.extracts()
    assert len(live.extracts(status="all")) > len(accepted)  # a suggestion: left out
    info = live.export.snapshot(tmp_path / "copil", "COPIL du 12 mars", names_reviewed=True)
    assert info.name == "COPIL du 12 mars" and info.codings == len(accepted)
    assert info.label().startswith("Instantané « COPIL du 12 mars » du ")
    with Project.open(tmp_path / "copil", coder="lead") as frozen:
        assert frozen.snapshot_info() == info
        assert frozen.verify().ok  # every quote still at its (moved) offsets
        shown = frozen.extracts(status="all")
        assert len(shown) == len(accepted) and set(shown["status"]) == {"accepted"}
        assert set(shown["document"]) <= set(live.documents()["reference"])
        everything = "\n".join([shown.to_csv(), frozen.cases().to_csv(),
                                *(frozen.text(d) for d in frozen.documents()["name"])])
        assert not found_in(everything, names)
        assert frozen.privacy.table().empty and frozen.history().empty
        # the analyses read it like any project: same counts as the live project's
        assert (frozen.analysis.code_frequencies()["codings"].tolist()
                == live.analysis.code_frequencies()["codings"].tolist())
        with pytest.raises(StoreError, match="lecture seule"):
            frozen.code(frozen.documents()["name"][0], 0, 5, frozen.codes()["key"][0])
        with pytest.raises(WorkbenchError, match="déjà un instantané"):
            frozen.export.snapshot(tmp_path / "encore", "Encore")
    live.code(live.documents()["name"][0], 0, 5, live.codes()["key"][0])  # live moves on
    with Project.open(tmp_path / "copil") as frozen:
        assert len(frozen.extracts()) == len(accepted)


def test_a_snapshot_never_replaces_a_folder_and_needs_a_name(live: Project,
                                                                   tmp_path: Path) -> None:
    (tmp_path / "pris").mkdir()
    with pytest.raises(WorkbenchError, match="existe déjà"):
        live.export.snapshot(tmp_path / "pris", "COPIL")
    with pytest.raises(WorkbenchError, match="donnez-lui un nom"):
        live.export.snapshot(tmp_path / "x", "  ")
    assert not (tmp_path / "x").exists()


def test_every_app_says_which_snapshot_it_shows(live: Project, tmp_path: Path) -> None:
    from workbench.ui.app import run_app

    live.export.snapshot(tmp_path / "copil", "COPIL du 12 mars", names_reviewed=True)
    for name in ("tableau_de_bord", "explorateur", "cartographie"):
        page = run_app(name, tmp_path / "copil")
        banner = page.children[0].value
        assert "Instantané « COPIL du 12 mars » du " in banner, name
        assert "wb-error" not in str(page.children[1]), name
    from workbench.views import snapshot_label

    assert snapshot_label(live.location) is None  # the live project has no banner


def test_the_snapshot_command(live: Project, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli import main

    location = str(live.location)
    live.close()
    assert main(["snapshot", "-p", location, "COPIL de mars", "--out",
                 str(tmp_path / "copil"), "--names-reviewed"]) == 0
    out = capsys.readouterr().out
    assert "Instantané « COPIL de mars »" in out and "lecture seule" in out
    assert main(["snapshot", "-p", location, "Encore", "--out", str(tmp_path / "copil")]) != 0
    assert "existe déjà" in capsys.readouterr().err
