"""The layers of ARCHITECTURE.md hold: `lint-imports` checks the contracts of pyproject.toml
([tool.importlinter]) against every import of the package, including imports inside
functions and under ``if TYPE_CHECKING:``.

`python -m importlinter.cli` is no entry point (the module has no ``__main__`` block: it
exits 0 without checking anything), so the command is called as its console script does.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` run in `cwd` (its pyproject.toml, its packages), without a cache."""
    return subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
                          cwd=cwd, capture_output=True, text=True, check=False)


def test_the_package_keeps_its_layers() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["importlinter"]["contracts"]
    done = lint_imports(ROOT)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    # Every contract was checked and kept (not a run that checked nothing).
    assert f"Contracts: {len(contracts)} kept, 0 broken." in report, report


LOW_IMPORTS_HIGH = "from fakepkg import high\n"
FAKE_CONFIG = """\
[tool.importlinter]
root_package = "fakepkg"

[[tool.importlinter.contracts]]
name = "low imports nothing above it"
type = "forbidden"
source_modules = ["fakepkg.low"]
forbidden_modules = ["fakepkg.high"]

[[tool.importlinter.contracts]]
name = "high over low"
type = "layers"
layers = ["fakepkg.high", "fakepkg.low"]

[[tool.importlinter.contracts]]
name = "low and side are independent"
type = "independence"
modules = ["fakepkg.low", "fakepkg.side"]
"""


@pytest.mark.parametrize("low", ["", LOW_IMPORTS_HIGH, "def later():\n    " + LOW_IMPORTS_HIGH])
def test_a_layer_importing_upwards_fails(tmp_path: Path, low: str) -> None:
    """The tool and this harness can fail: a lower package importing a higher one breaks
    the same kinds of contract, at the top of a module or inside a function."""
    package = tmp_path / "fakepkg"
    for name, source in {"low": low, "high": "from fakepkg import low\n", "side": ""}.items():
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text(source, encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(FAKE_CONFIG, encoding="utf-8")

    done = lint_imports(tmp_path)
    report = done.stdout + done.stderr
    if not low:
        assert done.returncode == 0, report
        assert "Contracts: 3 kept, 0 broken." in report, report
    else:
        assert done.returncode != 0, report
        assert "Contracts: 1 kept, 2 broken." in report, report
        assert "fakepkg.low is not allowed to import fakepkg.high" in report, report
