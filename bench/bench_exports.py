"""Export benchmarks: the Excel annex of 50,000 and of 2,000 extracts.

Targets (issue 6): 50,000 extracts ≤ 10 s and ≤ 500 MB peak; 2,000 extracts ≤ 0.2 s
(Taguette takes 0.70 s for its highlights export on this machine). Each export runs in
a fresh process that only opens the project and exports, so its peak RSS is the
export's own, not the benchmark's.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report, run_child, synthetic_project


def child(project: str, out: str, repeat: int) -> None:
    """Open the project, export the annex `repeat` times; print wall and CPU seconds."""
    from workbench import Project

    p = Project.open(project)
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = p.export.annex(out)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(json.dumps({"extracts": result.extracts, "wall_s": walls, "cpu_s": cpus,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "bytes": Path(out).stat().st_size}))


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        large = synthetic_project(tmp_path / "large", interviews=500, codings_per_interview=100)
        large.close()
        small = synthetic_project(tmp_path / "small", interviews=100, codings_per_interview=20)
        small.close()

        big = run_child(__file__, tmp_path / "large" / "projet", tmp_path / "annexe_50000.xlsx", 1)
        figures["annex_50000_extracts"] = big["extracts"]
        figures["annex_50000_wall_s"] = round(big["wall_s"][0], 2)
        figures["annex_50000_cpu_s"] = round(big["cpu_s"][0], 2)
        figures["annex_50000_peak_rss_mb"] = round(big["peak_rss_mb"])
        figures["annex_50000_file_mb"] = round(big["bytes"] / 1e6, 1)
        figures["annex_50000_targets"] = "≤ 10 s, ≤ 500 MB"

        few = run_child(__file__, tmp_path / "small" / "projet", tmp_path / "annexe_2000.xlsx", 7)
        figures["annex_2000_extracts"] = few["extracts"]
        figures["annex_2000_median_s"] = round(statistics.median(few["wall_s"][1:]), 3)
        figures["annex_2000_first_s"] = round(few["wall_s"][0], 3)
        figures["annex_2000_target_s"] = 0.2
    report("exports", figures)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
