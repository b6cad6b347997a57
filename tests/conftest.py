"""Shared fixtures: a small real project on disk (SQLite file, real files, real codebook)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import Project

pytest_plugins = ["study_fixtures"]  # real_project_path, random_project_path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

CODEBOOK_YAML = (ROOT / "tests" / "data" / "mini_grille.yaml").read_text(encoding="utf-8")

E01 = """\
Enquêtrice : Bonjour, pouvez-vous vous présenter ?
Fatima : Je suis née à Tiznit, je vis à Gennevilliers depuis 1988.
Enquêtrice : Qu'est-ce qui vous relie au village ?
Fatima : Le village, c'est ma mère, c'est l'odeur de la terre après la pluie.
On envoie de l'argent pour le puits et l'école du douar.
Enquêtrice : Et les femmes dans l'association ?
Fatima : Les femmes font tout le travail mais ne sont pas au bureau.
"""

E02 = """\
Enquêteur : Tu peux te présenter ?
Youssef : Je suis né à Marseille, mes parents viennent de Taroudannt.
Enquêteur : Tu vas souvent au bled ?
Youssef : Chaque été. Le puits du village, c'est mon père qui l'a financé.
Youssef : Et l'école aussi, avec l'association.
"""

ATTRIBUTES_CSV = """\
cas;type;document;locuteur;genre;age;region_residence
Fatima Aït Lahcen;personne;E01_fatima;Fatima;F;58;Île-de-France
Youssef Bennani;personne;E02_youssef;Youssef;H;24;PACA
"""


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "E01_fatima.txt").write_text(E01, encoding="utf-8")
    (folder / "E02_youssef.txt").write_text(E02, encoding="utf-8")
    (folder / "attributes.csv").write_text(ATTRIBUTES_CSV, encoding="utf-8")
    return folder


@pytest.fixture
def codebook_file(tmp_path: Path) -> Path:
    path = tmp_path / "grille.yaml"
    path.write_text(CODEBOOK_YAML, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, corpus_dir: Path, codebook_file: Path) -> Project:
    """A project with the mini codebook and two imported interviews with attributes."""
    p = Project.create(tmp_path / "projet", coder="claire")
    p.load_codebook(codebook_file)
    p.import_corpus(corpus_dir, attributes=corpus_dir / "attributes.csv", progress=False)
    yield p
    p.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The demo project as `make demo` builds it (coded, auto-coded, pseudonyms), built
    once per test session; tests must not change it."""
    from workbench.demo import build_demo

    project = build_demo(ROOT, tmp_path_factory.mktemp("demo") / "demo", progress=False)
    yield project
    project.close()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real material not found at {SHARED_DATA} (../shared/data)")
    return SHARED_DATA


# -- PostgreSQL (issue 7): a throw-away server, a fresh database per test ------------------
@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    """A PostgreSQL server on 127.0.0.1 for the session (tests/pg_server.py). Missing
    binaries fail the tests with the install command, unless WORKBENCH_SKIP_PG=1."""
    import os

    if os.environ.get("WORKBENCH_SKIP_PG") == "1":
        pytest.skip("WORKBENCH_SKIP_PG=1: PostgreSQL tests skipped")
    from pg_server import start_server

    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:  # type: ignore[no-untyped-def]
    """The URL of a new empty database, dropped after the test."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def project_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where to create a project on this backend: a folder, or an empty database URL."""
    if backend == "sqlite":
        return tmp_path / "projet"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def backend_project(project_target: str | Path, corpus_dir: Path,
                    codebook_file: Path) -> Project:
    """The `project` fixture's content, on SQLite and on PostgreSQL."""
    p = Project.create(project_target, coder="claire")
    p.load_codebook(codebook_file)
    p.import_corpus(corpus_dir, attributes=corpus_dir / "attributes.csv", progress=False)
    yield p
    p.close()
