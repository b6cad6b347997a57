"""A COPIL meeting: twenty members open the dashboard at the same moment.

`workbench app` serves the synthetic 500-interview project (bench_apps.py) as a meeting
would: the dashboard pre-heated for the expected visitors (``--pool
tableau_de_bord_copil=N``), at most ``--max-kernels`` sessions. Then N browser contexts
(one per member, each its own cookies) open the dashboard together, each changes a
filter, and they leave: half close their tab (the page asks for its kernel's shutdown),
half vanish (a laptop closed: the kernel is culled once idle).

Measured: each visitor's first render (navigation start → headline counts, then
charts), the memory of the whole server (``workbench app``, Voila and every kernel; RSS
and PSS) idle, at its peak and with everyone on, and how long after the visitors leave
it takes to come back near its idle level (within 10 % of it, sampled every 10 s).

    .venv/bin/python bench/bench_meeting.py [--visitors 20] [--interviews 500]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench_apps import CHANGE_SCRIPT, TIMING_SCRIPT, copil_project, kernel_pids, memory_mb
from common import OUT, ROOT, report

sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_FLAGS, free_port
from workbench import serve_process

APP = "tableau_de_bord_copil"
OTHER_APPS = 2  # the explorer and the map keep their pre-heated kernel each


def tree(pid: int) -> list[int]:
    return [pid, *(p.pid for p in serve_process.descendants(pid))]


def kernels(pid: int) -> int:
    return len(kernel_pids(pid))


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def browser_pids() -> list[int]:
    """The chromium processes (playwright's, under this benchmark)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if b"chromium" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def total_mb(pid: int) -> dict[str, float]:
    """RSS and PSS of `workbench app` and everything below it, in MB."""
    sums = {"rss": 0.0, "pss": 0.0}
    for one in tree(pid):
        for key, value in memory_mb(one).items():
            sums[key] += value
    return {k: round(v, 1) for k, v in sums.items()} | {"kernels": kernels(pid)}


class Peak(threading.Thread):
    """Samples the server's total memory every half second; keeps the highest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, {"rss": 0.0, "pss": 0.0}, True

    def run(self) -> None:
        while self.running:
            now = total_mb(self.pid)
            if now["rss"] > self.peak["rss"]:
                self.peak = now
            time.sleep(0.5)


def settle(pid: int, kernels_wanted: int, timeout: float = 900) -> dict[str, float]:
    """The total once `kernels_wanted` kernels run and memory stops growing."""
    deadline = time.monotonic() + timeout
    while kernels(pid) < kernels_wanted:
        assert time.monotonic() < deadline, f"{kernels(pid)} kernels, not {kernels_wanted}"
        time.sleep(2)
    last = total_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(5)
        now = total_mb(pid)
        if abs(now["rss"] - last["rss"]) < 10 and now["kernels"] == last["kernels"]:
            return now
        last = now
    return last


async def visit(browser: Any, url: str, index: int) -> tuple[Any, Any, dict[str, float]]:
    """One member: a context of their own, the dashboard, one filter change."""
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1280,
                                                                  "height": 900})
    page = await context.new_page()
    await page.add_init_script(TIMING_SCRIPT)
    await page.goto(url, timeout=600_000)
    await page.wait_for_function("() => window.__wb && window.__wb.charts", timeout=600_000)
    times = await page.evaluate("() => window.__wb")
    values = await page.eval_on_selector_all(".wb-filtre-genre select option",
                                             "os => os.map(o => o.value)")
    change = {}
    if len(values) > 1:
        change = await page.evaluate(CHANGE_SCRIPT, [".wb-filtre-genre",
                                                     values[1 + index % (len(values) - 1)]])
    return context, page, {"counts_s": times["counts"] / 1000,
                           "charts_s": times["charts"] / 1000,
                           "filter_change_s": (change.get("counts") or 0) / 1000}


async def meeting(url: str, visitors: int,
                  server: int) -> tuple[list[dict[str, float]], dict[str, float], Any]:
    """The visits, the CPU seconds the server and the browser spent on them, the handles
    to close them."""
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                               args=CHROMIUM_FLAGS)
    before = {"server": cpu_seconds(tree(server)), "browser": cpu_seconds(browser_pids())}
    start = time.monotonic()
    visits = await asyncio.gather(*(visit(browser, url, i) for i in range(visitors)))
    cpu = {"wall_s": round(time.monotonic() - start, 1),
           "server_cpu_s": round(cpu_seconds(tree(server)) - before["server"], 1),
           "browser_cpu_s": round(cpu_seconds(browser_pids()) - before["browser"], 1)}
    return [v[2] for v in visits], cpu, (playwright, browser, visits)


async def leave(handles: Any) -> None:
    """Half close their tab (beforeunload: Voila shuts the kernel down), half vanish."""
    playwright, browser, visits = handles
    for i, (context, page, _) in enumerate(visits):
        if i % 2 == 0:
            await page.close(run_before_unload=True)
            await asyncio.sleep(0.5)
        await context.close()
    await browser.close()
    await playwright.stop()


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 2), "max": round(ordered[-1], 2),
            "p90": round(ordered[int(0.9 * (len(ordered) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--interviews", type=int, default=500)
    parser.add_argument("--max-kernels", type=int, default=None,
                        help="default: visitors + the other apps' pools + 3")
    parser.add_argument("--cull-idle", type=float, default=None,
                        help="minutes (default: workbench app's)")
    parser.add_argument("--watch", type=float, default=420,
                        help="seconds to watch the memory after the visitors leave")
    args = parser.parse_args()
    location = copil_project(OUT / f"apps_{args.interviews}", args.interviews)
    max_kernels = args.max_kernels or args.visitors + OTHER_APPS + 3
    port = free_port()
    command = [sys.executable, "-m", "workbench.cli", "app", "--project", str(location),
               "--port", str(port), "--pool", f"{APP}={args.visitors}",
               "--max-kernels", str(max_kernels)]
    if args.cull_idle is not None:
        command += ["--cull-idle", str(args.cull_idle)]
    log_path = OUT / "meeting_server.log"
    OUT.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   env={**os.environ, "WORKBENCH_PROJECT": ""})
    url = f"http://127.0.0.1:{port}/voila/render/{APP}.ipynb"
    try:
        start = time.monotonic()
        idle = settle(process.pid, args.visitors + OTHER_APPS)
        preheat_s = time.monotonic() - start
        peak = Peak(process.pid)
        peak.start()
        loop = asyncio.new_event_loop()
        visits, cpu, handles = loop.run_until_complete(
            meeting(url, args.visitors, process.pid))
        time.sleep(5)
        with_everyone = total_mb(process.pid)
        loop.run_until_complete(leave(handles))
        loop.close()
        left_at = time.monotonic()
        peak.running = False
        after: list[dict[str, float]] = []
        back_s = None
        while time.monotonic() - left_at < args.watch:
            time.sleep(10)
            now = total_mb(process.pid) | {"s": round(time.monotonic() - left_at)}
            after.append(now)
            if back_s is None and now["rss"] <= idle["rss"] * 1.10 and \
                    now["kernels"] <= idle["kernels"]:
                back_s = now["s"]
                break
        settled = settle(process.pid, args.visitors + OTHER_APPS, timeout=300)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    per_kernel = (with_everyone["pss"] - idle["pss"]) / max(1, with_everyone["kernels"]
                                                           - idle["kernels"])
    report("meeting", {
        "interviews": args.interviews,
        "visitors_at_once": args.visitors,
        "server": " ".join(command[2:]).replace(str(location), "<projet>"),
        "preheat_before_the_meeting_s": round(preheat_s, 1),
        "first_render_counts_s (target ≤ 5)": summary([v["counts_s"] for v in visits]),
        "first_render_charts_s": summary([v["charts_s"] for v in visits]),
        "filter_change_counts_s": summary([v["filter_change_s"] for v in visits]),
        "arrivals_cpu (server tree vs chromium, same 2 cores)": cpu,
        "server_cpu_s_per_visitor": round(cpu["server_cpu_s"] / args.visitors, 2),
        "memory_idle_mb": idle,
        "memory_peak_mb": peak.peak,
        "memory_with_everyone_mb": with_everyone,
        "pss_per_extra_kernel_mb": round(per_kernel, 1),
        "memory_after_leaving_mb (every 10 s)": after,
        "back_within_10pct_of_idle_after_s (target ≤ 300)": back_s,
        "memory_settled_again_mb": settled,
    })


if __name__ == "__main__":
    main()
