"""The COPIL dashboard in a real browser on a synthetic 500-interview project.

Targets (issue 5): first render ≤ 5 s (navigation start → headline counts shown) and a
filter change ≤ 0.5 s (dropdown change → counts and extracts updated), measured in
chromium with Voila serving the app as `make app` does (pre-heated kernels). Also
measured: the charts' update after a filter change, a visit without pre-heating, and
the time the kernel needs to load the view.

    .venv/bin/python bench/bench_apps.py [--interviews 500] [--visits 3] [--changes 20]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from common import OUT, ROOT, SPEAKERS, report, synthetic_project

sys.path.insert(0, str(ROOT))

from tests.browser import launch_browser, save_screenshot, voila_server

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
    project.propose_pseudonyms()
    for label in SPEAKERS[1::2]:
        project.set_pseudonym(label, "Personne interrogée")
    project.close()
    (folder / "copil-ready").write_text("ok\n", encoding="utf-8")
    return location


def view_load_seconds(location: Path) -> float:
    """How long a kernel takes to read the project into the app's view."""
    from workbench.views import load_view

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


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=500)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--refill", type=float, default=60,
                        help="seconds left between visits for Voila to pre-heat a kernel")
    args = parser.parse_args()
    folder = OUT / f"apps_{args.interviews}"
    start = time.perf_counter()
    location = copil_project(folder, args.interviews)
    built = time.perf_counter() - start
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
    })


if __name__ == "__main__":
    main()
