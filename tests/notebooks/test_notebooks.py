"""The researchers' notebooks run top to bottom on any study, not only the demo.

Each of the seven notebooks is executed on a copy of three projects: the demo, a
project of real transcripts (CFPP2000 and ESLO1, with their sources' attribute
names) and a project whose attribute names are random words (no gender, no
territory, two English documents). Every notebook must finish without a
traceback; on the random project, the sections that need a gender, an age or
places say so in French (the profile's "missing role" sentence) and go on.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from media_fixtures import synthesise
from study_projects import DEMO_ATTRIBUTES

from workbench import Project
from workbench.notebook import run_notebook
from workbench.profile import ROLES, StudyProfile

pytest_plugins = ["study_fixtures"]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
DEMO_CODEBOOK = ROOT / "codebooks" / "diaspora_souss_massa.yaml"
NOTE = "⚠"  # what workbench.notebook_study.note prints before a skipped section's reason
NO_ORGANISATION = "Aucun cas n'est une organisation"
# Columns of the workbench's own tables that a demo attribute happens to share a name with
# (p.speakers()["role"]: interviewer or respondent).
OWN_COLUMNS = {"role"}
NO_BRANCH = "La grille n'a pas de branche sur les femmes ou le genre"


def missing(role: str) -> str:
    """The profile's French sentence for a role no attribute plays."""
    return StudyProfile().missing_role(role)


# What the random project (no gender, age, generation or territory attribute, random
# code ids) must say in each notebook.
RANDOM_SAYS = {
    "01_corpus": [missing(r) for r in ("gender", "age", "generation", "residence", "origin")],
    "04_analyse_thematique": [missing("origin"), missing("residence"), NO_ORGANISATION],
    "05_analyse_genre_generation": [missing("gender"), missing("age"), NO_BRANCH],
}


def _code_ids(codes: list[dict]) -> list[str]:
    out = []
    for code in codes:
        out.append(code["id"])
        out += _code_ids(code.get("children", []))
    return out


def test_the_seven_notebooks_are_there_and_committed_without_outputs() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "01_corpus", "02_codebook", "03_codage", "04_analyse_thematique",
        "05_analyse_genre_generation", "06_exports_annexes", "07_matrice_et_questionnaires"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and "PROJET = None" in tagged[0].source, path.name
        for cell in book.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def test_no_notebook_names_a_demo_attribute_or_code() -> None:
    """Defaults come from the profile and the codebook, never from the demo's names."""
    demo_codes = _code_ids(yaml.safe_load(DEMO_CODEBOOK.read_text(encoding="utf-8"))["codes"])
    names = {*DEMO_ATTRIBUTES, *demo_codes} - OWN_COLUMNS - set(ROLES)  # roles: profile words
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        for cell in book.cells:
            if cell.cell_type != "code":
                continue
            quoted = set(re.findall(r"""["']([^"'\n]+)["']""", cell.source))
            assert not quoted & names, (path.name, sorted(quoted & names), cell.source)


def test_no_notebook_cell_is_longer_than_a_dozen_lines() -> None:
    """Notebooks hold narrative and calls; longer logic belongs in the package."""
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert len(cell.source.splitlines()) <= 12, (path.name, cell.source)


@pytest.fixture(scope="module", params=["demo", "reel", "aleatoire"])
def study(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[str, Path]:
    """(name, a copy of the project's folder): notebooks may write to their copy (the
    spaCy cache, examples that they undo), never to the session's projects."""
    name = request.param
    if name == "demo":
        location = Path(request.getfixturevalue("demo").location)
        source = location if location.is_dir() else location.parent
    elif name == "reel":
        source = request.getfixturevalue("real_project_path")
    else:
        source = request.getfixturevalue("random_project_path")
    target = tmp_path_factory.mktemp("notebooks") / name
    shutil.copytree(source, target)
    if name == "aleatoire":  # one interview has its recording (copied into the project)
        sound = synthesise(tmp_path_factory.mktemp("son"), "enregistrement")
        with Project.open(target) as p:
            p.media.add(sound.path, str(p.documents()["name"].iloc[0]), copy=True)
    return name, target


def _texts(book: nbformat.NotebookNode) -> list[str]:
    """Every text a reader sees in the executed notebook's outputs."""
    out = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                out.append(output.text)
            elif output.output_type == "error":
                out.append("\n".join(output.traceback))
            else:
                out += [v for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_any_study(path: Path, study: tuple[str, Path], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    name, project = study
    monkeypatch.setenv("WORKBENCH_OUTPUTS", str(tmp_path))
    book = run_notebook(path, {"PROJET": str(project)}, cwd=ROOT / "notebooks")
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    shown = "\n".join(_texts(book))
    assert "Traceback" not in shown
    figures = {p.name for p in (tmp_path / "figures").glob("*.png")}
    if name == "demo":
        assert NOTE not in shown  # the demo has every role and branch: no section skipped
        _check_demo(path.stem, figures, tmp_path)
    if name == "aleatoire":
        for sentence in RANDOM_SAYS.get(path.stem, []):
            assert sentence in shown, (path.stem, sentence)
        if path.stem.startswith("06"):
            header = (tmp_path / "exports" / "extraits_copil.csv").read_text(
                encoding="utf-8-sig").splitlines()[0].split(",")
            with Project.open(project) as p:
                assert header[:2] == ["reference", "case"] and p.profile().get(header[2])
    if name == "reel" and path.stem.startswith("05"):  # a gender attribute, named « GENRE »
        assert missing("gender") not in shown and "themes_selon_genre.png" in figures
    if name == "demo" and path.stem.startswith("03"):  # models trained, their proposals shown
        assert "threshold" in shown and "score" in shown
        assert "Aucun enregistrement dans ce projet" in shown
    if name == "aleatoire" and path.stem.startswith("03"):  # a turn of the recording to hear
        assert "workbench/media/" in shown and "<audio controls" in shown
    with Project.open(project) as p:  # examples undo what they do
        assert p.verify().ok
        if path.stem.startswith("03"):  # the learned proposals are undone
            assert not p.extracts(status=None)["origin"].str.startswith("model:").any()
        if path.stem.startswith("07"):  # example summaries and questionnaire undone
            assert p.framework.summaries().empty
            assert "survey" not in set(p.documents()["kind"])


def _check_demo(stem: str, figures: set[str], outputs: Path) -> None:
    if stem.startswith("04"):
        assert {"themes_frequence.png", "matrice_themes_croisement.png",
                "cooccurrences_themes.png", "reseau_acteurs.png",
                "carte_residence_origine.png", "nuage_theme.png"} <= figures
    if stem.startswith("05"):
        assert (outputs / "figures" / "parole_selon_genre.png").stat().st_size > 10_000
    if stem.startswith("06"):
        text = (outputs / "exports" / "extraits_copil.csv").read_text(encoding="utf-8-sig")
        assert text.startswith("reference,case,genre")
        assert "Fatima Aït Lahcen" not in text  # pseudonymised
    if stem.startswith("07"):  # the matrix in Word and Excel
        for name in ("matrice_syntheses.docx", "matrice_syntheses.xlsx"):
            assert (outputs / "exports" / name).stat().st_size > 5_000
