"""The type hints of the lower layers hold: mypy checks the packages and modules of
pyproject.toml ([tool.mypy]: store, corpus, codebook, analysis, viz, profile and the bottom
modules), every function there typed, the third-party libraries read through their stubs.

mypy runs in a process of its own, as `make lint` runs it, from the project's folder: its
incremental cache is `.mypy_cache` there (about 11 s cold on two cores, under 1 s warm).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mypy(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`mypy` with the project's configuration (pyproject.toml), run in its folder."""
    return subprocess.run([sys.executable, "-m", "mypy", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def checked_files() -> list[Path]:
    """The source files [tool.mypy] names: every .py of its packages, and its modules."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    files = [path for package in config["packages"]
             for path in (ROOT / package.replace(".", "/")).rglob("*.py")]
    return files + [ROOT / f"{module.replace('.', '/')}.py" for module in config["modules"]]


def test_the_lower_layers_are_typed() -> None:
    done = mypy()
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    # Every file was checked (not a run that found nothing to check).
    assert f"Success: no issues found in {len(checked_files())} source files" in report, report


# Added at the end of workbench/text.py, which mypy then checks in its place (--shadow-file):
# the module keeps its name, hence the configuration's rules for the checked modules.
# Case: (lines added, the added line reported, mypy's report of it).
WRONG = {
    "untyped function": ("def later(value):\n    return value\n", 1,
                         "Function is missing a type annotation  [no-untyped-def]"),
    "partly typed function": (
        "def half(value: str, width) -> str:\n    return value[:width]\n", 1,
        "Function is missing a type annotation for one or more parameters  [no-untyped-def]"),
    "wrong return type": (
        "def wrong() -> int:\n    return fold('Été')\n", 2,
        'Incompatible return value type (got "str", expected "int")  [return-value]'),
    "pandas through its stubs": (
        "import pandas as pd\n\nframe: int = pd.DataFrame()\n", 3,
        'Incompatible types in assignment (expression has type "DataFrame", variable has '
        'type "int")  [assignment]'),
    "ignore without its code": (
        "count: int = 'x'  # type: ignore\n", 1,
        '"type: ignore" comment without error code'),
}
MODULE = "workbench/text.py"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache of their own for the runs on a changed module, started from a copy of the
    project's when there is one (only the changed module is then checked anew: the
    pandas stubs are read in 8 s cold): the project's cache never holds the changes."""
    cache = tmp_path_factory.mktemp("mypy_cache")
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", cache, dirs_exist_ok=True)
    return cache


@pytest.mark.parametrize("case", ["", *WRONG])
def test_a_wrong_hint_fails(tmp_path: Path, cache: Path, case: str) -> None:
    """mypy and this harness can fail: a function left untyped or partly typed, a value of
    the wrong type (from the module's own functions or from pandas), a bare ``type: ignore``
    in a checked module are each reported; the module as it is passes."""
    source = (ROOT / MODULE).read_text(encoding="utf-8")
    added, line, expected = WRONG.get(case, ("", 0, ""))
    shadow = tmp_path / "text.py"
    shadow.write_text(source + "\n\n" + added, encoding="utf-8")

    done = mypy("--cache-dir", cache, "--shadow-file", MODULE, shadow, MODULE)
    report = done.stdout + done.stderr
    if not case:
        assert done.returncode == 0, report
        assert "Success: no issues found in 1 source file" in report, report
    else:
        assert done.returncode == 1, report
        assert "Found 1 error in 1 file (checked 1 source file)" in report, report
        where = len(source.splitlines()) + 2 + line
        assert f"{MODULE}:{where}: error: {expected}" in report, report
