"""Running Voila as a child that always goes away with us (`workbench app`).

Voila runs in a session (and process group) of its own, so a Ctrl-C in the terminal
reaches only the process the user started; that process forwards Ctrl-C, SIGTERM and
SIGHUP to Voila as one SIGTERM (Voila then shuts its kernels down), waits a few seconds,
then kills Voila's group and every process that descended from it (the kernels run in
sessions of their own: Jupyter starts each one with ``start_new_session``). On Linux,
Voila also receives SIGTERM if the process that started it dies without a word
(``PR_SET_PDEATHSIG``), even by SIGKILL.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 6.0  # Voila's own shutdown of its kernels, before SIGKILL
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Proc:
    """A process as seen once: its pid and start time (a reused pid is not the same
    process; clock ticks since boot on Linux), its process group."""

    pid: int
    started: float
    pgid: int


class StopRequested(Exception):
    """Raised in the main thread by a stop signal (Ctrl-C, SIGTERM, SIGHUP)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# -- seeing processes: /proc on Linux (exact start times), else psutil --------------------
PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, start time in clock ticks since boot) of a living process, from
    /proc/<pid>/stat; None if gone or a zombie."""
    try:
        stat = (PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None
    return int(fields[1]), float(fields[19])


def _children_table() -> dict[int, list[tuple[int, float]]]:
    """parent pid → [(pid, start)] of every living process, from /proc."""
    table: dict[int, list[tuple[int, float]]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                table.setdefault(found[0], []).append((int(entry.name), found[1]))
    return table


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def descendants(pid: int) -> list[Proc]:
    """Every living process below `pid` (children, grandchildren…)."""
    found: list[Proc] = []
    if (PROC / "self" / "stat").exists():
        table = _children_table()
        parents = [pid]
        while parents:
            for child, started in table.get(parents.pop(), []):
                group = _pgid(child)
                if group is not None:
                    found.append(Proc(child, started, group))
                    parents.append(child)
        return found
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    for child in children:
        try:
            group = _pgid(child.pid)
            if group is not None and child.status() != psutil.STATUS_ZOMBIE:
                found.append(Proc(child.pid, child.create_time(), group))
        except psutil.Error:
            continue
    return found


def is_alive(proc: Proc) -> bool:
    """Whether that very process (same pid, same start) still runs (zombies do not)."""
    if (PROC / "self" / "stat").exists():
        found = _stat(proc.pid)
        return found is not None and found[1] == proc.started
    import psutil

    try:
        current = psutil.Process(proc.pid)
        # create_time() adds the boot time, which some systems report ±1 s.
        return (abs(current.create_time() - proc.started) < 1.5
                and current.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def _signal(proc: Proc, signum: int) -> None:
    """Send `signum` to a process, and to its whole group when it leads one (a kernel
    leads its own session: its children go with it)."""
    if not is_alive(proc):
        return
    try:
        if proc.pgid == proc.pid:
            os.killpg(proc.pid, signum)
        else:
            os.kill(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


# -- the child ---------------------------------------------------------------------------
def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux); a parent already
    gone means the child should not start at all."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def start(command: Sequence[str], env: Mapping[str, str] | None = None,
          cwd: str | Path | None = None) -> subprocess.Popen:
    """Start `command` in a new session (its own process group), tied to our life."""
    return subprocess.Popen(list(command), env=dict(env) if env is not None else None,
                            cwd=cwd, start_new_session=True,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def stop(process: subprocess.Popen, grace: float = GRACE_SECONDS,
         hurry: Callable[[], bool] = lambda: False, seen: Sequence[Proc] = ()) -> int:
    """Stop `process` and everything below it: SIGTERM to its group, up to `grace`
    seconds for it to exit (less if `hurry()` turns true), then SIGKILL to its group and
    to every descendant still alive, including those `seen` earlier (a kernel whose
    Voila died is no longer below it). Returns the process's exit code."""
    known = {p.pid: p for p in seen}
    known.update((p.pid, p) for p in descendants(process.pid))
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while process.poll() is None and time.monotonic() < deadline and not hurry():
        known.update((p.pid, p) for p in descendants(process.pid))
        time.sleep(0.1)
    if process.poll() is None:
        known.update((p.pid, p) for p in descendants(process.pid))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    code = process.wait()
    # Voila shut its kernels down, or died before: a kernel left behind is ended here
    # (each would also end itself within a second of losing its parent).
    left = [p for p in known.values() if is_alive(p)]
    for proc in left:
        _signal(proc, signal.SIGTERM)
    deadline = time.monotonic() + 2
    while any(is_alive(p) for p in left) and time.monotonic() < deadline:
        time.sleep(0.1)
    for proc in left:
        _signal(proc, signal.SIGKILL)
    return code


def port_answers(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on host:port."""
    target = "127.0.0.1" if host in ("0.0.0.0", "", "localhost") else host
    target = "::1" if target == "::" else target
    try:
        with socket.create_connection((target, port), timeout=1):
            return True
    except OSError:
        return False


def run_until_stopped(process: subprocess.Popen, *, on_ready: Callable[[], None] | None = None,
                      ready: Callable[[], bool] | None = None,
                      grace: float = GRACE_SECONDS) -> int:
    """Wait for `process` while forwarding stop signals; call `on_ready` once `ready()`
    is true. Whatever happens (a signal, an error, the process ending), the process and
    its descendants are gone when this returns its exit code; 0 after a stop signal."""
    state = {"armed": True, "signals": 0}

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        state["signals"] += 1
        if state["armed"]:
            state["armed"] = False
            raise StopRequested(signum)

    previous = {s: signal.signal(s, on_signal) for s in STOP_SIGNALS}
    seen: dict[int, Proc] = {}
    stopped = False
    code = 0
    try:
        announced = on_ready is None
        last_look = 0.0
        while True:
            try:
                code = process.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() - last_look > 2:  # the kernels, should Voila die alone
                seen = {p.pid: p for p in seen.values() if is_alive(p)}
                seen.update((p.pid, p) for p in descendants(process.pid))
                last_look = time.monotonic()
            if not announced and (ready is None or ready()):
                announced = True
                on_ready()
    except StopRequested:
        stopped = True
    finally:
        state["armed"] = False  # from here on a signal only hurries the stop
        code = stop(process, grace, hurry=lambda: state["signals"] > 1,
                    seen=list(seen.values()))
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0 if stopped else code
