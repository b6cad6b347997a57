"""The COPIL dashboard in a real browser on a synthetic 500-interview project.

Targets (issue 5): first render ≤ 5 s (navigation start → headline counts shown) and a
filter change ≤ 0.5 s (dropdown change → counts and extracts updated), measured in
chromium with Voila serving the app as `make app` does (pre-heated kernels). Also
measured: the charts' update after a filter change, a visit without pre-heating, and
the time the kernel needs to load the view.

Memory (issue "A real COPIL meeting"): the server's and each kernel's resident memory
(RSS, and PSS: shared pages split between the processes sharing them) with the app
pre-heated, then with `--visitors` tabs open (each after a filter change); whether the
kernels go when the tabs close; and what a kernel imports to show the app (packages,
time, memory, measured in a fresh interpreter).

    .venv/bin/python bench/bench_apps.py [--interviews 500] [--visits 3] [--changes 20]
    .venv/bin/python bench/bench_apps.py --memory-only [--project outputs/demo] [--visitors 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import OUT, ROOT, SPEAKERS, report, synthetic_project

sys.path.insert(0, str(ROOT))

from tests.browser import free_port, launch_browser, save_screenshot, voila_server
from workbench import serve_process
from workbench.serve import voila_command

APP = ROOT / "notebooks" / "apps" / "tableau_de_bord_copil.ipynb"
TYPES = ("OSIM", "fédération", "collectif non associatif", "commune")

# Records, from navigation start, when the counts and then the charts first show.
TIMING_SCRIPT = """
window.__wb = {};
new MutationObserver(() => {
  const mark = document.querySelector('.wb-etat-valeur');
  if (!window.__wb.counts && document.querySelector('.wb-count-value'))
    window.__wb.counts = performance.now();
  if (!window.__wb.charts && mark && Number(mark.dataset.graphiques) > 0)
    window.__wb.charts = performance.now();
}).observe(document, {childList: true, subtree: true});
"""

# Changes a filter the way the browser does, and times the app's two update marks.
CHANGE_SCRIPT = """
([css, value]) => new Promise(resolve => {
  const mark = () => document.querySelector('.wb-etat-valeur').dataset;
  const before = [Number(mark().comptes), Number(mark().graphiques)];
  const select = document.querySelector(css + ' select');
  const times = {};
  const start = performance.now();
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (!times.counts && Number(mark().comptes) > before[0]) times.counts = now - start;
    if (!times.charts && Number(mark().graphiques) > before[1]) {
      times.charts = now - start;
      observer.disconnect();
      resolve(times);
    }
  });
  observer.observe(document.querySelector('.wb-etat'), {childList: true, subtree: true,
                                                        attributes: true});
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
})
"""

# Three filters changed at once (a COPIL member clicking through): time until the third
# change's counts are shown, and until the charts of the final selection are.
BURST_SCRIPT = """
(changes) => new Promise(resolve => {
  const mark = () => document.querySelector('.wb-etat-valeur').dataset;
  const before = [Number(mark().comptes), Number(mark().graphiques)];
  const times = {};
  const start = performance.now();
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (!times.counts && Number(mark().comptes) >= before[0] + changes.length)
      times.counts = now - start;
    if (times.counts && !times.charts && Number(mark().graphiques) > before[1]) {
      times.charts = now - start;
      observer.disconnect();
      resolve(times);
    }
  });
  observer.observe(document.querySelector('.wb-etat'), {childList: true, subtree: true,
                                                        attributes: true});
  for (const [css, value] of changes) {
    const select = document.querySelector(css + ' select');
    select.value = value;
    select.dispatchEvent(new Event('change', {bubbles: true}));
  }
})
"""


def copil_project(folder: Path, interviews: int) -> Path:
    """The synthetic project (bench/common.py) with an organisation type per case and
    pseudonyms, built once and reused. Its respondents' speaker labels are three first
    names shared by many people: the pseudonym table cannot tie them to one person, so
    they get a pseudonym of their own (the apps refuse names without one)."""
    location = folder / "projet"
    if (location / "project.sqlite").exists() and (folder / "copil-ready").exists():
        return location
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    project = synthetic_project(folder, interviews=interviews)
    sheet = folder / "corpus" / "attributes.csv"
    with sheet.open(encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=";"))
    rows[0].append("type_organisation")
    for i, row in enumerate(rows[1:]):
        row.append(TYPES[i % len(TYPES)])
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    project.import_attributes(sheet)
    project.privacy.propose()
    for label in SPEAKERS[1::2]:
        project.privacy.set_pseudonym(label, "Personne interrogée")
    project.close()
    (folder / "copil-ready").write_text("ok\n", encoding="utf-8")
    return location


def view_load_seconds(location: Path) -> float:
    """How long a kernel takes to read the project into the app's view."""
    from workbench.notebook import load_view

    start = time.perf_counter()
    load_view(location)
    return time.perf_counter() - start


def first_render(context, url: str) -> dict[str, float]:
    page = context.new_page()
    page.add_init_script(TIMING_SCRIPT)
    page.goto(url, timeout=300_000)
    page.wait_for_function("() => window.__wb && window.__wb.charts", timeout=300_000)
    times = page.evaluate("() => window.__wb")
    page.close()
    return {"counts": times["counts"] / 1000, "charts": times["charts"] / 1000}


def filter_changes(context, url: str, changes: int) -> list[dict[str, float]]:
    """Cycle through genre, generation, region, theme and type choices; time each change
    (counts and extracts shown, then charts) and say whether the selection is new."""
    page = context.new_page()
    page.goto(url, timeout=300_000)
    page.wait_for_selector(".wb-count-value", timeout=300_000)
    choices = []
    for css in ("wb-filtre-genre", "wb-filtre-generation", "wb-filtre-region_residence",
                "wb-filtre-theme", "wb-filtre-type_organisation"):
        values = page.eval_on_selector_all(f".{css} select option",
                                           "os => os.map(o => o.value)")
        choices += [(css, v, v) for v in values[1:4]] + [(css, values[0], "")]  # "" = all
    samples, state = [], {}
    seen = {()}  # selections seen before, timed apart (the dashboard caches nothing)
    for i in range(changes):
        css, value, chosen = choices[i % len(choices)]
        state[css] = chosen
        key = tuple(sorted((k, v) for k, v in state.items() if v))
        times = page.evaluate(CHANGE_SCRIPT, [f".{css}", value])
        samples.append({"counts": times["counts"] / 1000, "charts": times["charts"] / 1000,
                        "new": key not in seen})
        seen.add(key)
    save_screenshot(page, "bench_tableau_de_bord_500")
    page.close()
    return samples


def bursts(context, url: str, repeat: int) -> list[dict[str, float]]:
    """Genre, generation and region changed together, each time to a new combination."""
    page = context.new_page()
    page.goto(url, timeout=300_000)
    page.wait_for_selector(".wb-count-value", timeout=300_000)
    options = {css: page.eval_on_selector_all(f".{css} select option",
                                              "os => os.map(o => o.value)")
               for css in ("wb-filtre-genre", "wb-filtre-generation",
                           "wb-filtre-region_residence")}
    samples = []
    for i in range(repeat):
        changes = [[f".{css}", values[1 + (i + j) % (len(values) - 1)]]
                   for j, (css, values) in enumerate(options.items())]
        times = page.evaluate(BURST_SCRIPT, changes)
        samples.append({"counts": times["counts"] / 1000, "charts": times["charts"] / 1000})
    page.close()
    return samples


# -- memory per visitor --------------------------------------------------------------------
def memory_mb(pid: int) -> dict[str, float]:
    """{"rss", "pss"} of a process in MB (/proc/<pid>/smaps_rollup)."""
    figures = {"rss": 0.0, "pss": 0.0}
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return figures
    for line in lines:
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            figures[key.lower()] = round(int(rest.split()[0]) / 1024, 1)
    return figures


def _is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone since it was listed (a kernel culled or shut down)
        return False


def kernel_pids(server_pid: int) -> list[serve_process.Proc]:
    """The kernels below the server, oldest first."""
    found = [p for p in serve_process.descendants(server_pid) if _is_kernel(p.pid)]
    return sorted(found, key=lambda p: p.started)


def settled(pid: int, timeout: float = 300) -> dict[str, float]:
    """A process's memory once it stops growing (a kernel done loading the app)."""
    deadline = time.monotonic() + timeout
    last = memory_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(3)
        now = memory_mb(pid)
        if abs(now["rss"] - last["rss"]) < 2:
            return now
        last = now
    return last


def memory_per_visitor(context, location: Path, visitors: int) -> dict[str, Any]:
    """The server and its kernels, pre-heated then with `visitors` tabs open."""
    port = free_port()
    command = voila_command(APP, port=port, preheat=True, pool_size=1,
                            max_kernels=visitors + 2)
    process = serve_process.start(command, env={**os.environ,
                                                "WORKBENCH_PROJECT": str(location)}, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 600
        while not kernel_pids(process.pid):
            assert time.monotonic() < deadline and process.poll() is None, "no kernel"
            time.sleep(1)
        pool = settled(kernel_pids(process.pid)[0].pid)
        server = memory_mb(process.pid)
        pages = []
        for _ in range(visitors):
            page = context.new_page()
            page.goto(url, timeout=300_000)
            page.wait_for_selector(".wb-count-value", timeout=300_000)
            values = page.eval_on_selector_all(".wb-filtre-genre select option",
                                               "os => os.map(o => o.value)")
            if len(values) > 1:
                page.evaluate(CHANGE_SCRIPT, [".wb-filtre-genre", values[1]])
            pages.append(page)
        kernels = kernel_pids(process.pid)
        newest = settled(kernels[-1].pid)  # the pool's refill, pre-heated
        visitor = [memory_mb(p.pid) for p in kernels[:-1]]
        server_after = memory_mb(process.pid)
        for page in pages:
            page.close(run_before_unload=True)
        deadline = time.monotonic() + 60
        while len(kernel_pids(process.pid)) > 1 and time.monotonic() < deadline:
            time.sleep(1)
        left = len(kernel_pids(process.pid))
    finally:
        serve_process.stop(process)
    return {
        "visitors": visitors,
        "server_voila_mb": {"idle": server, f"with_{visitors}_visitors": server_after},
        "preheated_kernel_mb": pool,
        "refilled_preheated_kernel_mb": newest,
        "visitor_kernel_mb (each)": visitor,
        "visitor_kernel_rss_mb_mean": round(statistics.mean(v["rss"] for v in visitor), 1),
        "visitor_kernel_pss_mb_mean": round(statistics.mean(v["pss"] for v in visitor), 1),
        "total_rss_mb_with_visitors": round(server_after["rss"] + newest["rss"]
                                            + sum(v["rss"] for v in visitor), 1),
        "kernels_after_tabs_closed": left,
    }


# What a kernel imports to show the dashboard, in a fresh interpreter: each step's new
# top-level packages, time and resident memory.
IMPORTS_SCRIPT = r"""
import json, sys, time

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)

def packages():
    return {name.split(".")[0] for name in sys.modules}

steps, seen, start = [], packages(), time.perf_counter()
def step(name):
    global seen, start
    now = packages()
    steps.append({"step": name, "s": round(time.perf_counter() - start, 2), "rss_mb": rss(),
                  "modules": len(sys.modules), "new_packages": sorted(now - seen)})
    seen, start = now, time.perf_counter()

step("interpreter")
import ipykernel.ipkernel, ipywidgets
step("ipykernel + ipywidgets (any kernel)")
import workbench
step("import workbench")
from workbench.ui.app import run_app
step("from workbench.ui.app import run_app")
app = run_app("tableau_de_bord", sys.argv[1])
step("run_app('tableau_de_bord', project)")
print(json.dumps(steps))
"""


def kernel_imports(location: Path) -> list[dict[str, Any]]:
    result = subprocess.run([sys.executable, "-c", IMPORTS_SCRIPT, str(location)],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=500)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--refill", type=float, default=60,
                        help="seconds left between visits for Voila to pre-heat a kernel")
    parser.add_argument("--visitors", type=int, default=3,
                        help="tabs open at once for the memory figures")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the memory figures and the kernel's imports")
    parser.add_argument("--project", default=None,
                        help="with --memory-only: an existing project (default: the "
                             "synthetic one)")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.project:
        location = Path(args.project).resolve()
    else:
        location = copil_project(OUT / f"apps_{args.interviews}", args.interviews)
    built = time.perf_counter() - start
    if args.memory_only:
        with launch_browser() as context:
            memory = memory_per_visitor(context, location, args.visitors)
        report("apps_memory", {"project": str(location), "memory": memory,
                               "kernel_imports": kernel_imports(location)})
        return
    load = view_load_seconds(location)
    env = {"WORKBENCH_PROJECT": str(location)}
    with launch_browser() as context:
        with voila_server(APP, env=env, preheat=True, timeout=600) as url:
            time.sleep(args.refill)
            visits = []
            for _ in range(args.visits):
                visits.append(first_render(context, url))
                time.sleep(args.refill)
            changes = filter_changes(context, url, args.changes)
            burst = bursts(context, url, 5)
        with voila_server(APP, env=env, preheat=False, timeout=600) as url:
            cold = first_render(context, url)
        memory = memory_per_visitor(context, location, args.visitors)
    report("apps", {
        "interviews": args.interviews,
        "project_build_or_reuse_s": round(built, 1),
        "view_load_in_kernel_s": round(load, 2),
        "first_render_counts_s (target ≤ 5)": summary([v["counts"] for v in visits]),
        "first_render_charts_s": summary([v["charts"] for v in visits]),
        "filter_change_counts_s (target ≤ 0.5)": summary([c["counts"] for c in changes]),
        "filter_change_charts_new_selection_s": summary([c["charts"] for c in changes
                                                          if c["new"]]),
        "filter_change_charts_seen_selection_s": summary([c["charts"] for c in changes
                                                           if not c["new"]] or [0.0]),
        "filter_changes_measured": len(changes),
        "burst_of_3_changes_counts_s": summary([b["counts"] for b in burst]),
        "burst_of_3_changes_charts_s": summary([b["charts"] for b in burst]),
        "first_render_without_preheat_counts_s": round(cold["counts"], 2),
        "memory": memory,
        "kernel_imports": kernel_imports(location),
    })


if __name__ == "__main__":
    main()
