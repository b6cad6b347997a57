"""What the child processes of the crash and concurrency tests do.

They run in processes forked from a multiprocessing fork server that has
imported the workbench once (importing it takes seconds; a fork, milliseconds),
and report to the parent through a pipe: a message sent is in the pipe before
the next line runs, so a report of a saved write never comes before the write.
"""

from __future__ import annotations

import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import event
from tqdm.std import tqdm

from workbench import Project

# tqdm's default lock is a multiprocessing semaphore, created in each worker and
# left behind when one is killed; a thread lock is all a worker needs.
tqdm.set_lock(threading.RLock())


def _report_write_transactions(project: Project, pipe: Connection, label: list[Any]) -> None:
    """Send ("txn", label) whenever a write transaction begins (BEGIN IMMEDIATE)."""
    @event.listens_for(project.store.engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("write"):
            pipe.send(("txn", label[0]))


def import_corpora(location: str, corpora: list[str], pipe: Connection) -> None:
    """Import one small corpus folder (transcripts + attributes.csv) after another."""
    project = Project.open(location, coder="import")
    current: list[Any] = [None]
    _report_write_transactions(project, pipe, current)
    pipe.send(("ready", None))
    for i, folder in enumerate(corpora):
        current[0] = i
        pipe.send(("begin", i))
        project.import_corpus(folder, attributes=Path(folder) / "attributes.csv",
                              progress=False)
        pipe.send(("saved", i))
    pipe.send(("done", None))


def code_batches(location: str, batches: list[list[dict[str, Any]]], pipe: Connection) -> None:
    """Code batch after batch, each in one transaction (`code_many`)."""
    project = Project.open(location, coder="lot")
    current: list[Any] = [None]
    _report_write_transactions(project, pipe, current)
    pipe.send(("ready", None))
    for i, rows in enumerate(batches):
        current[0] = i
        pipe.send(("begin", i))
        ids = project.code_many(rows)
        pipe.send(("saved", i, ids))
    pipe.send(("done", None))


def code_concurrently(location: str, coder: str, spans: list[tuple[str, int, int, str]],
                      per_transaction: int, start: Any, pipe: Connection) -> None:
    """One coder of a team: make every coding of `spans`, `per_transaction` per write,
    starting when the others do; report the ids, lock retries, time, or the error."""
    try:
        project = Project.open(location, coder=coder)
        start.wait()
        began = time.perf_counter()
        ids: list[int] = []
        for i in range(0, len(spans), per_transaction):
            chunk = spans[i:i + per_transaction]
            if per_transaction == 1:
                document, a, b, code = chunk[0]
                ids.append(project.code(document, a, b, code))
            else:
                ids += project.code_many([{"document": d, "start": a, "end": b, "code": c}
                                          for d, a, b, c in chunk])
        seconds = time.perf_counter() - began
        pipe.send(("done", ids, project.store.lock_retries, seconds))
        project.close()
    except BaseException as exc:  # every failure goes to the parent, which fails the test
        pipe.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
