"""8 processes coding the same project at once, 1,000 codings each, on SQLite and on
PostgreSQL: every coding is there, each coder has exactly theirs, verify() passes, and
no process ever sees "database is locked" (writers back off and retry)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from team_runs import check_team, run_team, team_project

CODERS = 8
CODINGS = 1000
# One coding per transaction, so that writers really fight for the lock: ~25 s per
# backend on an idle 2-core machine. WORKBENCH_TEAM_BATCH=10 puts 10 codings in each
# transaction for a quicker local run (bench/bench_team.py times both ways).
PER_TRANSACTION = int(os.environ.get("WORKBENCH_TEAM_BATCH", "1"))


@pytest.mark.slow
def test_eight_coders_at_once(backend: str, project_target: str | Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    team_project(project_target, tmp_path)
    run = run_team(project_target, coders=CODERS, codings=CODINGS,
                   per_transaction=PER_TRANSACTION)
    with capsys.disabled():
        print(f"\n{backend}: {CODERS} × {CODINGS} codings, {PER_TRANSACTION} per transaction: "
              f"{run.seconds:.1f} s, {run.codings_per_second:.0f} codings/s, "
              f"{run.lock_retries} lock retries")
    assert not any("locked" in e for e in run.errors), run.errors  # said first if it happens
    assert check_team(project_target, run) == []
