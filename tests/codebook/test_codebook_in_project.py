"""Loading codebooks into a project: versions, rename/move/merge keep codings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CODEBOOK_YAML
from workbench import CodebookError, Project


def test_reloading_the_same_codebook_records_no_new_version(project: Project,
                                                            codebook_file: Path) -> None:
    assert len(project.codebook_versions()) == 1
    changes = project.load_codebook(codebook_file)
    assert not any(changes.values())
    assert len(project.codebook_versions()) == 1


def test_rename_and_move_in_a_new_version_keep_codings(project: Project, tmp_path: Path) -> None:
    coding = project.code_quote("E01_fatima", "c'est l'odeur de la terre", "liens.affectifs")
    changed = CODEBOOK_YAML.replace("name: Affectifs", "name: Liens affectifs").replace(
        "      - id: liens.materiels\n        name: Matériels\n", "").replace(
        "  - id: femmes\n", "  - id: liens.materiels\n    name: Matériels\n  - id: femmes\n")
    path = tmp_path / "v2.yaml"
    path.write_text(changed, encoding="utf-8")
    changes = project.load_codebook(path)
    assert changes["renamed"] == ["liens.affectifs: Affectifs → Liens affectifs"]
    assert changes["moved"] == ["liens.materiels"]
    assert len(project.codebook_versions()) == 2
    row = project.extracts("liens.affectifs").set_index("coding_id").loc[coding]
    assert row["code_path"] == "Liens au territoire > Liens affectifs"
    codes = project.codes().set_index("key")
    assert codes.loc["liens.materiels", "parent"] is None


def test_removing_a_code_with_codings_is_refused(project: Project, tmp_path: Path) -> None:
    project.code_quote("E01_fatima", "ne sont pas au bureau", "femmes")
    path = tmp_path / "v2.yaml"
    path.write_text(CODEBOOK_YAML.split("  - id: femmes")[0], encoding="utf-8")
    with pytest.raises(CodebookError, match=r"« femmes » \(Place des femmes\) : 1 codage"):
        project.load_codebook(path)
    assert "femmes" in set(project.codes()["key"])


def test_replaces_merges_codings_into_the_new_code(project: Project, tmp_path: Path) -> None:
    first = project.code_quote("E01_fatima", "ne sont pas au bureau", "femmes")
    path = tmp_path / "v2.yaml"
    path.write_text(CODEBOOK_YAML.replace(
        "  - id: femmes\n    name: Place des femmes\n",
        "  - id: genre\n    name: Genre\n    replaces: [femmes]\n"), encoding="utf-8")
    changes = project.load_codebook(path)
    assert changes["merged"] == ["femmes → genre"]
    assert project.extracts("genre")["coding_id"].tolist() == [first]
    assert "femmes" not in set(project.codes()["key"])


def test_merge_codes_moves_codings_and_undo_restores(project: Project) -> None:
    a = project.code_quote("E01_fatima", "le puits", "actions.eau")
    project.code_quote("E02_youssef", "l'école aussi", "actions.education")
    assert project.merge_codes("actions.eau", "actions.education") == 1
    assert set(project.extracts("actions.education")["coding_id"]) >= {a}
    project.undo()
    assert project.extracts("actions.eau")["coding_id"].tolist() == [a]


def test_move_under_own_child_is_a_cycle(project: Project) -> None:
    with pytest.raises(CodebookError, match="cycle"):
        project.move_code("liens", "liens.affectifs")


def test_codebook_exported_from_project_reloads_identically(project: Project,
                                                            tmp_path: Path) -> None:
    out = project.export.codebook(tmp_path / "out.yaml")
    again = Project.create(tmp_path / "p2")
    again.load_codebook(out)
    assert again.codes()[["key", "path"]].values.tolist() == \
        project.codes()[["key", "path"]].values.tolist()
