"""Start-up benchmark: how long a command takes before it does anything.

Targets (issue "A real COPIL meeting", item 4): `import workbench` ≤ 0.5 s,
`workbench --help` ≤ 0.3 s, `workbench extracts -p <demo> --codes femmes` ≤ 1 s on the
demo project. Each figure is the median wall time of 5 fresh processes (imports are
never warm in a new process; the operating system's file cache is, after the first
run). Also reported: `from workbench import Project`, a bare `python -c pass` (the
floor), and the 10 largest cumulative imports of `import workbench` (`-X importtime`).

The demo project is outputs/demo when `make demo` built it, else one built under
outputs/bench/startup_demo (about a minute, once).

    .venv/bin/python bench/bench_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, ROOT, report

PYTHON = sys.executable
WORKBENCH = str(Path(sys.executable).with_name("workbench"))
TARGETS_S = {"import_workbench_s": 0.5, "help_s": 0.3, "extracts_demo_s": 1.0}


def demo_project() -> Path:
    """The demo project folder: `make demo`'s, or one built once under outputs/bench."""
    made = ROOT / "outputs" / "demo"
    if (made / "project.sqlite").exists():
        return made
    built = OUT / "startup_demo"
    if not (built / "project.sqlite").exists():
        from workbench.demo import build_demo

        build_demo(ROOT, built, progress=False).close()
    return built


def wall_s(command: list[str], repeat: int) -> float:
    """Median wall seconds of `repeat` fresh runs of `command` (after one unmeasured run)."""
    subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples), 3)


MARK = "-- statement --"


def top_imports(statement: str, count: int = 10) -> list[str]:
    """The `count` largest cumulative import times of `statement`, as "module: ms" (the
    interpreter's own start-up imports, logged before it, left out)."""
    code = f"import sys\nsys.stderr.write({MARK!r} + '\\n')\nsys.stderr.flush()\n{statement}"
    done = subprocess.run([PYTHON, "-X", "importtime", "-c", code], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    lines = done.stderr.splitlines()
    rows = []
    for line in lines[lines.index(MARK) + 1:]:
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), name.strip()))
    rows.sort(reverse=True)
    return [f"{name}: {us / 1000:.0f} ms" for us, name in rows[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    project = demo_project()
    figures: dict[str, object] = {
        "repeat": repeat,
        "project": str(project.relative_to(ROOT) if project.is_relative_to(ROOT) else project),
        "python_pass_s": wall_s([PYTHON, "-c", "pass"], repeat),
        "import_workbench_s": wall_s([PYTHON, "-c", "import workbench"], repeat),
        "help_s": wall_s([WORKBENCH, "--help"], repeat),
        "import_project_s": wall_s([PYTHON, "-c", "from workbench import Project"], repeat),
        "extracts_demo_s": wall_s([WORKBENCH, "extracts", "-p", str(project),
                                   "--codes", "femmes"], repeat),
    }
    figures["targets_s"] = TARGETS_S
    figures["met"] = {key: figures[key] <= limit  # type: ignore[operator]
                      for key, limit in TARGETS_S.items()}
    figures["top_imports_import_workbench"] = top_imports("import workbench")
    figures["top_imports_from_workbench_import_project"] = top_imports(
        "from workbench import Project")
    report("startup", figures)


if __name__ == "__main__":
    main()
