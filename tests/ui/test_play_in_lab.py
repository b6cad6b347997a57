"""Hearing a turn from a notebook in a real JupyterLab: `python -m jupyterlab` on a free
loopback port behind a token, under a base URL as JupyterHub gives (/user/ana/), with the
media route loaded from the installed configuration. Headless chromium opens a notebook
whose cell opens a project with a recording (spoken by espeak-ng, joined by sox, a WebVTT
transcript) and shows ``p.play(doc, turn=3)``; the cell is run with Shift+Enter; the
<audio> element's source is the server's media route; once played it starts at turn 3's
time (from ``p.media.timeline``), goes on, and pauses at the turn's end (the #t=
fragment)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.browser import SCREENSHOTS, START_TIMEOUT
from tests.media.test_media_server import Server, jupyter_server, media_route_enabled
from tests.media_fixtures import needs_tools, synthesise, write_vtt
from workbench import Project

pytestmark = [pytest.mark.browser, needs_tools]

DOC = "Villeurbanne_jardin"
TURNS = [
    ("Enquêtrice", "Depuis quand venez-vous au jardin ?"),
    ("Rachid", "Depuis trois ans, avec ma fille le mercredi."),
    ("Enquêtrice", "Et qu'est-ce que vous y faites pousser cette année ?"),
    ("Rachid", "Des fèves, des oignons et de la coriandre pour ma mère."),
]
BASE_URL = "/user/ana/"
TOLERANCE = 0.3  # s: the media element's position at the start and at the end of a turn
LAB_OPTIONS = (  # nothing fetched from the network, nothing written outside the test
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
)


@dataclass(frozen=True)
class Lab:
    server: Server
    notebook: str  # its path under the server's root
    start: float  # turn 3, seconds (p.media.timeline)
    end: float
    recording: Path


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not media_route_enabled():
        pytest.fail("The installed Jupyter configuration does not enable workbench.media_server:"
                    " run `make install` (it copies jupyter-config/ into .venv/etc/jupyter).")
    folder = tmp_path_factory.mktemp("lab")
    sound = synthesise(folder / "corpus", DOC, TURNS)
    write_vtt(folder / "corpus" / f"{DOC}.vtt", sound.segments)
    project = Project.create(folder / "projet", coder="ana")
    try:
        project.import_corpus(folder / "corpus", progress=False)
        row = project.media.timeline(DOC).set_index("turn").loc[3]
        start, end = float(row["t_start"]), float(row["t_end"])
        location = str(project.location)
    finally:
        project.close()
    assert start == pytest.approx(sound.segments[2].start, abs=0.01)
    root = folder / "carnets"
    root.mkdir()
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(
        "import os\n"
        "from workbench import Project\n"
        "print('route :', os.environ.get('WORKBENCH_MEDIA_BASE_URL'))\n"
        f"p = Project.open({json.dumps(location)})\n"
        f"p.play({DOC!r}, turn=3)")]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    nbformat.write(book, root / "ecoute.ipynb")
    runtime = folder / "runtime"
    with jupyter_server(root, runtime, app="jupyterlab", base_url=BASE_URL,
                        extra=LAB_OPTIONS) as server:
        yield Lab(server, "ecoute.ipynb", start, end, sound.path)
    shutil.rmtree(folder / "corpus", ignore_errors=True)


def _listen(page: Any) -> None:
    """Keep, in the page, where the player starts, plays and pauses."""
    page.evaluate("""() => {
        const a = document.querySelector('.jp-OutputArea-output audio');
        window.wbEvents = [];
        for (const name of ['playing', 'timeupdate', 'pause', 'seeked']) {
            a.addEventListener(name, () => window.wbEvents.push([name, a.currentTime]));
        }
    }""")


def _kernel_ready(page: Any) -> None:
    """Wait for the notebook's kernel to be idle. When JupyterLab opens the notebook before
    it has listed the kernels, it asks which one to start: the researcher accepts the one
    it proposes (the notebook's, Python 3)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            text = dialog.first.inner_text()
            if "Select Kernel" not in text and "Sélectionner" not in text:
                pytest.fail(f"Unexpected JupyterLab dialog: {text}")
            assert "Python 3" in text, text
            dialog.first.locator(".jp-mod-accept").click()
        elif page.evaluate("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                           "?.getAttribute('data-status') === 'idle'"):
            return
        page.wait_for_timeout(300)
    pytest.fail(f"The notebook's kernel was not idle within {START_TIMEOUT} s")


def _run_first_cell(page: Any) -> None:
    """Click in the first cell and press Shift+Enter, as a researcher does; again if the
    prompt does not show the cell queued or running (a key pressed while JupyterLab was
    still setting the notebook up is lost)."""
    cell = page.locator(".jp-NotebookPanel .jp-Cell").first
    for _ in range(5):
        cell.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_function(
                "() => /\\[(\\*|\\d+)\\]/.test(document.querySelector("
                "'.jp-NotebookPanel .jp-Cell .jp-InputPrompt')?.innerText || '')",
                timeout=10_000)
            return
        except Exception:
            continue
    pytest.fail("JupyterLab did not run the cell after five Shift+Enter")


def _events(page: Any) -> list[tuple[str, float]]:
    return [(name, float(t)) for name, t in page.evaluate("() => window.wbEvents")]


def test_a_turn_plays_from_a_notebook_in_jupyterlab(lab: Lab, browser_page: Any) -> None:
    page = browser_page
    server = lab.server
    origin = f"http://127.0.0.1:{server.port}"
    page.goto(f"{origin}{BASE_URL}lab/tree/{lab.notebook}?token={server.token}")
    page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first.wait_for(
        timeout=START_TIMEOUT * 1000)
    _kernel_ready(page)
    _run_first_cell(page)
    outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
    try:
        page.wait_for_selector(".jp-OutputArea-output audio", state="attached",
                               timeout=START_TIMEOUT * 1000)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "play_in_lab_failed.png"))
        pytest.fail("No <audio> in the cell's output (prompt "
                    f"{page.locator('.jp-InputPrompt').first.inner_text()!r}): "
                    + " | ".join(outputs.all_inner_texts()))
    printed = " ".join(outputs.all_inner_texts())
    assert f"route : {BASE_URL}" in printed  # the kernel inherited the server's route

    audio = page.locator(".jp-OutputArea-output audio").first
    src = audio.get_attribute("src") or ""
    assert src.startswith(f"{BASE_URL}workbench/media/"), src
    assert src.endswith(f"#t={lab.start:.3f},{lab.end:.3f}"), src
    assert lab.recording.stem not in src and "corpus" not in src
    page.wait_for_function("() => document.querySelector('.jp-OutputArea-output audio')"
                           ".readyState >= 1", timeout=60_000)
    state = audio.evaluate("a => ({src: a.currentSrc, t: a.currentTime, d: a.duration})")
    assert state["src"].startswith(f"{origin}{BASE_URL}workbench/media/"), state
    assert state["t"] == pytest.approx(lab.start, abs=TOLERANCE)  # the fragment's start

    _listen(page)
    # a user's click on the page (its caption: a click on the element could land on its
    # seek bar), which lets the page start the sound, then play()
    page.locator(".jp-OutputArea-output .wb-playback-caption").first.click()
    audio.evaluate("a => a.play()")
    page.wait_for_function("() => window.wbEvents.some(e => e[0] === 'playing')",
                           timeout=30_000)
    page.wait_for_function("() => window.wbEvents.some(e => e[0] === 'pause')",
                           timeout=60_000)
    events = _events(page)
    first = next(t for name, t in events if name == "playing")
    assert first == pytest.approx(lab.start, abs=TOLERANCE), events
    assert any(name == "timeupdate" and t > first + 0.2 for name, t in events), events
    paused = next(t for name, t in events if name == "pause")
    assert paused == pytest.approx(lab.end, abs=TOLERANCE), events
    assert audio.evaluate("a => a.paused")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "play_in_lab.png"))

    # the address the page played is the route of this server, streaming the recording
    token = src.split("#", 1)[0].rsplit("/", 1)[1]
    reply = server.media(token, headers={"Range": "bytes=0-1023"})
    assert reply.status == 206 and reply.body == lab.recording.read_bytes()[:1024]
    assert server.log is not None
    log = server.log.read_text(encoding="utf-8")
    assert f"workbench: recordings streamed at {BASE_URL}workbench/media/" in log
    assert "Traceback" not in log and "error adding extension" not in log
