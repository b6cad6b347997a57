"""Team coding: 8 coders at once on SQLite and PostgreSQL, kill -9 statistics, backup.

Figures (issue 7):
- 8 processes × 1,000 codings on the same project, on SQLite and on PostgreSQL
  (a throw-away server, as in the tests), with one coding per transaction (what
  an interactive coder does) and ten per transaction (what the CI test runs):
  wall time, codings/s, writes that had to back off and retry;
- 50 kills during import and 50 during batch coding: where the kills landed,
  writes reported saved, problems found (must be 0), wall time;
- backup (SQLite online backup API) and restore of the synthetic 500-interview
  project: time and size.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "team"))

from common import report, synthetic_project, timed
from pg_server import PostgresUnavailable, start_server
from team_runs import check_team, crash_campaign, run_team, team_project

from workbench.store.backup import backup, restore


def concurrency(figures: dict[str, object], folder: Path) -> None:
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        server = None
        figures["postgresql"] = f"not measured: {exc}"
    try:
        for per_transaction in (1, 10):
            targets: dict[str, str | Path] = {
                "sqlite": folder / f"team-{per_transaction}" / "projet"}
            if server is not None:
                targets["postgresql"] = server.create_database("bench")
            for backend, target in targets.items():
                team_project(target, folder / f"material-{backend}-{per_transaction}")
                run = run_team(target, coders=8, codings=1000, per_transaction=per_transaction)
                key = f"{backend}_8x1000_{per_transaction}_per_txn"
                figures[f"{key}_s"] = round(run.seconds, 1)
                figures[f"{key}_codings_per_s"] = round(run.codings_per_second)
                figures[f"{key}_lock_retries"] = run.lock_retries
                figures[f"{key}_problems"] = len(check_team(target, run))
    finally:
        if server is not None:
            server.stop()


def crashes(figures: dict[str, object], folder: Path) -> None:
    for kind in ("import", "coding"):
        stats = crash_campaign(kind, folder / f"crash-{kind}", kills=50, seed=20240607)
        figures[f"crash_{kind}_kills"] = stats.kills
        for where, n in sorted(stats.where.items()):
            figures[f"crash_{kind}_killed_{where.replace(' ', '_')}"] = n
        figures[f"crash_{kind}_writes_saved_and_found"] = stats.writes_saved
        figures[f"crash_{kind}_problems"] = len(stats.problems)
        figures[f"crash_{kind}_s"] = round(stats.seconds, 1)


def backups(figures: dict[str, object], folder: Path) -> None:
    seconds, project = timed(lambda: synthetic_project(folder / "synth", interviews=500))
    figures["build_synthetic_500_s"] = round(seconds, 1)
    figures["synthetic_codings"] = int(project.documents()["codings"].sum())
    seconds, copy = timed(lambda: backup(project, folder / "sauvegarde.sqlite"))
    figures["backup_500_interviews_s"] = round(seconds, 2)
    figures["backup_mb"] = round(copy.stat().st_size / 1024**2, 1)
    seconds, _ = timed(lambda: restore(copy, project.location, force=True))
    figures["restore_500_interviews_s"] = round(seconds, 2)
    assert project.verify().ok
    project.close()


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        backups(figures, folder)
        crashes(figures, folder)
        concurrency(figures, folder)
    report("team", figures)


if __name__ == "__main__":
    main()
