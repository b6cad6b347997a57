"""Commands start at once: what `import workbench`, `from workbench import Project`,
`workbench --help` and a query command load, each in a fresh Python.

These tests assert which libraries are imported, never how long it takes (the times are
in bench/bench_startup.py). A heavy library imported at the top of a module that
`workbench.project` or `workbench.cli` reaches fails them: import it in the function
that uses it (type-only imports under ``if TYPE_CHECKING:``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from workbench import Project

ROOT = Path(__file__).resolve().parents[1]
# Libraries one feature needs (parsing, charts, tests of independence, networks,
# sentiment, language detection, Word and Excel files): never loaded to open a project.
FEATURE_LIBRARIES = ("spacy", "matplotlib", "scipy", "networkx", "textblob", "textblob_fr",
                     "nltk", "lingua", "docx", "docxtpl", "wordcloud", "sklearn", "openpyxl",
                     "mutagen")
# What the store and the queries need: not loaded by `import workbench` nor by `--help`.
DATA_LIBRARIES = ("pandas", "sqlalchemy")

REPORT = "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"


def loaded(code: str) -> set[str]:
    """The top-level packages imported after running `code` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", code + REPORT], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_import_workbench_loads_only_the_errors() -> None:
    modules = loaded("import workbench\nassert workbench.__version__")
    assert not modules & {*FEATURE_LIBRARIES, *DATA_LIBRARIES}
    done = subprocess.run([sys.executable, "-c", "import sys, workbench\nprint(sorted(m for m "
                           "in sys.modules if m.startswith('workbench')))"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "['workbench', 'workbench.errors']"


def test_project_is_still_a_name_of_the_package() -> None:
    import workbench
    from workbench.project import Project as Defined

    assert Project is Defined and workbench.Project is Defined
    assert "Project" in dir(workbench) and "Project" in workbench.__all__
    assert not hasattr(workbench, "Projet")


def test_project_loads_no_feature_library() -> None:
    modules = loaded("from workbench import Project\nassert Project.open")
    assert not modules & set(FEATURE_LIBRARIES)


def test_help_and_parsing_load_no_data_library() -> None:
    code = ("import contextlib, io\nfrom workbench.cli import build_parser, main\n"
            "with contextlib.redirect_stdout(io.StringIO()), "
            "contextlib.suppress(SystemExit):\n    main(['--help'])\n"
            "for command in ('extracts', 'annex', 'agreement', 'app'):\n"
            "    with contextlib.redirect_stdout(io.StringIO()), "
            "contextlib.suppress(SystemExit):\n        main([command, '--help'])\n"
            "build_parser().parse_args(['extracts', '-p', 'projet', '--codes', 'femmes'])")
    modules = loaded(code)
    assert "workbench" in modules
    assert not modules & {*FEATURE_LIBRARIES, *DATA_LIBRARIES}


def test_console_script_help_loads_no_data_library() -> None:
    """`workbench --help` as typed: its import log names no pandas nor SQLAlchemy."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "workbench.cli", "--help"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert "usage: workbench" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0]
                for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "argparse" in imported
    assert not imported & {*FEATURE_LIBRARIES, *DATA_LIBRARIES}


def test_a_query_command_loads_no_feature_library(project: Project) -> None:
    """`workbench extracts` opens the project and queries it with pandas and SQLAlchemy
    only (no spaCy, no charts, no statistics)."""
    project.code_quote("E01_fatima", "Les femmes font tout le travail", "femmes")
    code = ("import contextlib, io\nfrom workbench.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    assert main(['extracts', '-p', {str(project.location)!r}, "
            "'--codes', 'femmes']) == 0\n"
            "assert 'Les femmes font tout' in out.getvalue(), out.getvalue()")
    modules = loaded(code)
    assert {"pandas", "sqlalchemy"} <= modules
    assert not modules & set(FEATURE_LIBRARIES)
