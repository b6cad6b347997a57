"""Pytest plugin: the two non-demo study projects of issue 13, built once per session.

Enable it with ``pytest_plugins = ["study_fixtures"]`` in ``tests/conftest.py`` (or in a
test module). Both fixtures give the project's folder: open it with
``Project.open(path)`` (or pass it as a notebook's ``PROJET``); tests must not change it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from study_projects import SHARED_DATA, build_random_project, build_real_project

from workbench import Project


@pytest.fixture(scope="session")
def real_project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CFPP2000 TextGrids + ESLO1 .trs files with their sources' attribute names."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real material not found at {SHARED_DATA} (../shared/data): the real "
                    "study project cannot be built")
    return build_real_project(tmp_path_factory.mktemp("etude_reelle"))


@pytest.fixture(scope="session")
def random_project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random attribute names, no gender or territory attribute, two English documents."""
    return build_random_project(tmp_path_factory.mktemp("etude_aleatoire"))


@pytest.fixture
def real(real_project_path: Path) -> Iterator[Project]:
    """The real-material project, open (read it, do not change it)."""
    with Project.open(real_project_path) as p:
        yield p


@pytest.fixture
def rand(random_project_path: Path) -> Iterator[Project]:
    """The random-attribute project, open (read it, do not change it)."""
    with Project.open(random_project_path) as p:
        yield p
