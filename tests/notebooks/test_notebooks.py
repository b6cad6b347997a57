"""The researchers' notebooks run top to bottom on a copy of the demo project."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from workbench import Project
from workbench.notebook import run_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


def test_the_six_notebooks_are_there_and_committed_without_outputs() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "01_corpus", "02_codebook", "03_codage", "04_analyse_thematique",
        "05_analyse_genre_generation", "06_exports_annexes"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
        assert tagged and "PROJET = None" in tagged[0].source, path.name
        for cell in book.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


@pytest.fixture(scope="module")
def project_copy(demo: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("notebooks") / "demo"
    shutil.copytree(demo.location if Path(demo.location).is_dir()
                    else Path(demo.location).parent, target)
    return target


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_demo(path: Path, project_copy: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_OUTPUTS", str(tmp_path))
    book = run_notebook(path, {"PROJET": str(project_copy)}, cwd=ROOT / "notebooks")
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    if path.stem.startswith("04"):
        figures = {p.name for p in (tmp_path / "figures").glob("*.png")}
        assert {"themes_frequence.png", "matrice_themes_generation.png",
                "cooccurrences_themes.png", "reseau_acteurs.png",
                "carte_residence_origine.png", "nuage_collectivites.png"} <= figures
    if path.stem.startswith("05"):
        assert (tmp_path / "figures" / "parole_selon_genre.png").stat().st_size > 10_000
    if path.stem.startswith("06"):
        text = (tmp_path / "exports" / "extraits_copil.csv").read_text(encoding="utf-8-sig")
        assert text.startswith("reference,case,genre")
        assert "Fatima Aït Lahcen" not in text  # pseudonymised
    with Project.open(project_copy) as project:  # examples undo what they do
        assert project.verify().ok
