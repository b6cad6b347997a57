"""Extracts export benchmark: `workbench extracts --out x.xlsx` and `--out x.csv` of 2,000
extracts, through the one formula-safe writer (`workbench.export.tables.write_table`).

Target: the .xlsx write of 2,000 extracts ≤ 0.2 s (it took 0.72 s when every cell went
through openpyxl). The write is timed alone (the extracts are queried once, before), and
the whole command (`workbench extracts -p … --out …`: open, query, write) is timed too.
Each measure runs in a fresh process that only opens the project and exports.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report, run_child, synthetic_project

REPEAT = 7


def child(project: str, out: str, repeat: int) -> None:
    """Query the extracts once, write them `repeat` times to `out`, then run the whole
    command `repeat` times; print wall seconds of each."""
    from workbench import Project
    from workbench.cli import main
    from workbench.export.tables import write_table

    with Project.open(project) as p:
        frame = p.extracts(status="all")
    writes = []
    for _ in range(repeat):
        start = time.perf_counter()
        write_table(frame, out)
        writes.append(time.perf_counter() - start)
    commands = []
    for _ in range(repeat):
        start = time.perf_counter()
        assert main(["extracts", "-p", project, "--status", "all", "--out", out]) == 0
        commands.append(time.perf_counter() - start)
    print(json.dumps({"extracts": len(frame), "columns": len(frame.columns),
                      "write_s": writes, "command_s": commands,
                      "bytes": Path(out).stat().st_size}))


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        synthetic_project(tmp_path / "small", interviews=100, codings_per_interview=20).close()
        project = tmp_path / "small" / "projet"
        for suffix in ("xlsx", "csv"):
            result = run_child(__file__, project, tmp_path / f"extraits.{suffix}", REPEAT)
            figures["extracts"] = result["extracts"]
            figures["columns"] = result["columns"]
            figures[f"{suffix}_write_median_s"] = round(statistics.median(result["write_s"][1:]),
                                                        3)
            figures[f"{suffix}_write_first_s"] = round(result["write_s"][0], 3)
            figures[f"{suffix}_command_median_s"] = round(
                statistics.median(result["command_s"]), 3)
            figures[f"{suffix}_file_kb"] = round(result["bytes"] / 1e3)
        figures["xlsx_write_target_s"] = 0.2
    report("extracts_export", figures)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
