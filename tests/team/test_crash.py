"""Kill -9 at random moments during import and during batch coding, 100 times in all:
the project opens, passes verify(), holds every write reported saved, and holds no
half-imported document or half-saved batch (tests/team/team_runs.py does the checking)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from team_runs import crash_campaign

KILLS = 50  # per kind: 100 in all
SEED = int(os.environ.get("WORKBENCH_CRASH_SEED", "20240607"))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["import", "coding"])
def test_kill_9_loses_nothing_saved_and_leaves_nothing_half_written(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stats = crash_campaign(kind, tmp_path, kills=KILLS, seed=SEED)
    with capsys.disabled():
        print(f"\n{kind}: {stats.summary()}")
    assert stats.problems == []
    assert stats.kills == KILLS
    # the kills must really hit writes in progress, not only the gaps between them
    assert stats.where["in a write transaction"] >= 5, stats.summary()
    assert stats.writes_saved > KILLS, stats.summary()
