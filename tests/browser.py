"""Driving the apps in a real browser: Voila on a free loopback port, Debian's chromium
through Python playwright (which downloads no browser), screenshots under outputs/

API kept stable for other UI tests: free_port(), voila_server(), stop_process(), launch_browser(),
save_screenshot(), and the `browser_page` fixture (tests/ui/conftest.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = ROOT / "outputs" / "screenshots"
START_TIMEOUT = 180  # s: a kernel, the workbench imports and a project load on 2 busy cores


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status < 500
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def voila_server(notebook_path_or_dir: str | Path, *, env: Mapping[str, str] | None = None,
                 preheat: bool = False, timeout: float = START_TIMEOUT,
                 log_path: Path | None = None) -> Iterator[str]:
    """Voila serving a notebook (or a folder, tree mode) on 127.0.0.1:<free port>, with
    `env` added to its environment; yields the base URL ("http://127.0.0.1:N/"). Voila's
    log (its kernels' stderr included: the server log) goes to `log_path` when given, and
    is printed when the server fails to start or the block raises; the whole process
    group (Voila and its kernels) is killed at exit."""
    from workbench.serve import voila_command

    port = free_port()
    command = voila_command(notebook_path_or_dir, port=port, preheat=preheat)
    with tempfile.TemporaryDirectory(prefix="voila-") as folder, \
            open(log_path or Path(folder) / "voila.log", "w+", encoding="utf-8") as log:
        process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        base_url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while not _answers(base_url):
                if process.poll() is not None:
                    raise RuntimeError(f"Voila stopped (exit code {process.returncode}) "
                                       "before answering")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Voila did not answer on {base_url} within "
                                       f"{timeout:.0f} s")
                time.sleep(0.3)
            yield base_url
        except BaseException:
            log.flush()
            log.seek(0)
            print(f"--- Voila log ({' '.join(command)}) ---")
            print(log.read()[-20_000:])
            raise
        finally:
            stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    """Terminate the process group, then kill it if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def launch_browser() -> Iterator[Any]:
    """Headless Debian chromium through playwright, with a fresh profile; yields its
    BrowserContext (``context.new_page()``). Fails with the install command when
    /usr/bin/chromium is absent."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's browser with "
                           "`apt-get install -y --no-install-recommends chromium` "
                           "(make test does it); playwright must not download a browser.")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900}, locale="fr-FR")
        try:
            yield context
        finally:
            context.close()


def save_screenshot(page: Any, name: str) -> Path:
    """A full-page PNG of `page` as outputs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Voila's page scrolls inside a container, not the document: grow the viewport to
    # the tallest content so the whole app is in the picture.
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('body *'))"
                           ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


# -- pytest fixtures: import both names into a test module that uses them -----------------
@pytest.fixture(scope="session")
def browser_context() -> Iterator[Any]:
    """One headless chromium for the session (a fresh profile)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: `apt-get install -y --no-install-recommends "
                    "chromium` (make test does it); playwright must not download a browser.")
    with launch_browser() as context:
        yield context


@pytest.fixture
def browser_page(browser_context: Any) -> Iterator[Any]:
    """A new page (tab) of the session's chromium, closed after the test."""
    page = browser_context.new_page()
    page.set_default_timeout(60_000)
    yield page
    page.close()
