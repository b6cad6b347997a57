"""`workbench app` for a real meeting: a clean stop, kernels reclaimed and bounded,
shared behind a token or a password (optionally HTTPS), French pages served locally.

Each test starts `workbench app` (python -m workbench.cli app) as the user would, in a
session of its own, on a free port, with $XDG_CONFIG_HOME in the test's folder (no
stored password of the developer's leaks in). Most serve a tiny app (one print) so a
kernel is up in seconds; the French list and the offline check serve the real apps on
the demo project.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser import ROOT, free_port, save_screenshot
from workbench import Project
from workbench.serve_process import Proc, descendants, is_alive

APPS = ROOT / "notebooks" / "apps"
TITLES = ("Tableau de bord du COPIL", "Explorateur d'extraits", "Cartographie des organisations")
STOP_TIMEOUT = 10  # s: the budget for a clean stop
START_TIMEOUT = 120
BUSY = "Le serveur est occupé, réessayez dans une minute"


# -- a tiny app and a served `workbench app` ----------------------------------------------
def tiny_apps(folder: Path) -> Path:
    """A folder with one app: a French title, a summary, one print."""
    folder.mkdir(parents=True, exist_ok=True)
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "a1", "metadata": {},
             "source": ["# Application d'essai\n", "\n", "Une application minuscule."]},
            {"cell_type": "code", "id": "a2", "metadata": {}, "execution_count": None,
             "outputs": [], "source": ["print('bonjour du noyau')"]},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}, "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    (folder / "essai.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return folder


@dataclass
class Server:
    """A running `workbench app`: its process (leader of its own session), port, log."""

    process: subprocess.Popen
    port: int
    log_path: Path
    seen: dict[int, Proc] = field(default_factory=dict)
    scheme: str = "http"

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def processes(self) -> list[Proc]:
        """Every process below `workbench app` now (remembered for the final check)."""
        found = descendants(self.process.pid)
        self.seen.update((p.pid, p) for p in found)
        return found

    def kernels(self) -> list[Proc]:
        return [p for p in self.processes() if "ipykernel" in _cmdline(p.pid)]

    def wait_kernels(self, count: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while len(self.kernels()) != count:
            assert time.monotonic() < deadline, \
                f"{len(self.kernels())} kernels, not {count}, after {timeout:.0f} s\n" \
                + self.log()[-4000:]
            time.sleep(0.3)

    def token(self) -> str:
        found = re.search(r"prêtes : \S+\?token=(\S+)", self.log())
        assert found, self.log()
        return found.group(1)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("WORKBENCH_PROJECT", None)
    return env


@contextmanager
def workbench_app(tmp_path: Path, project: str | Path, *args: str,
                  scheme: str = "http") -> Iterator[Server]:
    """`workbench app --project P --port <free> ARGS…`, until it says it is ready."""
    port = free_port()
    log_path = tmp_path / f"app-{port}.log"
    command = [sys.executable, "-m", "workbench.cli", "app", "--project", str(project),
               "--port", str(port), *args]
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=_env(tmp_path), stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = Server(process, port, log_path, scheme=scheme)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "Applications du COPIL prêtes" not in server.log():
            assert process.poll() is None, f"workbench app stopped:\n{server.log()}"
            assert time.monotonic() < deadline, f"not ready:\n{server.log()[-4000:]}"
            server.processes()
            time.sleep(0.2)
        yield server
    except BaseException:
        print(server.log()[-20_000:])
        raise
    finally:
        _end(server)


def _end(server: Server) -> None:
    """Stop what a failed test may have left (the server's own stop is under test)."""
    if server.process.poll() is None:
        server.processes()
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
    for proc in server.seen.values():
        if is_alive(proc):
            os.kill(proc.pid, signal.SIGKILL)


def get(url: str, *, context: ssl.SSLContext | None = None,
        follow: bool = True) -> tuple[int, Message, str, str]:
    """(status, headers, body, final URL) of a GET, errors included."""
    handlers: list[Any] = [urllib.request.HTTPSHandler(context=context)] if context else []
    if not follow:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a: Any, **k: Any) -> None:
                return None
        handlers.append(NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=120) as response:
            return (response.status, response.headers,
                    response.read().decode("utf-8", "replace"), response.url)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8", "replace"), url


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a new server could listen on the port now (SO_REUSEADDR, as servers do:
    connections the old one closed may linger in TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def assert_all_gone(server: Server, host: str = "127.0.0.1") -> None:
    """The server exited within the budget, nothing it started still runs, port free."""
    start = time.monotonic()
    try:
        server.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"workbench app still running {STOP_TIMEOUT} s after the signal")
    while any(is_alive(p) for p in server.seen.values()):
        assert time.monotonic() - start < STOP_TIMEOUT, \
            [(_cmdline(p.pid)[:80]) for p in server.seen.values() if is_alive(p)]
        time.sleep(0.1)
    assert not descendants(server.process.pid)
    while not port_is_free(server.port, host):
        assert time.monotonic() - start < STOP_TIMEOUT, (
            f"port {server.port} still taken", _sockets(server.port))
        time.sleep(0.1)


def _sockets(port: int) -> list[str]:
    """The lines of `ss` about `port`, to say what holds it."""
    if shutil.which("ss") is None:
        return []
    listing = subprocess.run(["ss", "-tanp"], capture_output=True, text=True).stdout
    return [line for line in listing.splitlines() if f":{port} " in line]


# -- 1. a clean stop -----------------------------------------------------------------------
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT],
                         ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_stops_voila_every_kernel_and_frees_the_port(
        signum: int, tmp_path: Path, project: Project) -> None:
    apps = tiny_apps(tmp_path / "apps")
    with workbench_app(tmp_path, project.location, "--apps", str(apps)) as server:
        server.wait_kernels(1)  # the pre-heated kernel
        status, headers, body, _ = get(f"{server.base}voila/render/essai.ipynb")
        assert status == 200 and "bonjour du noyau" in body
        # the cookie the page's `beforeunload` needs to have its kernel shut down
        assert any(c.startswith("_xsrf=") for c in headers.get_all("Set-Cookie", []))
        server.wait_kernels(2)  # the visitor's, and the pool's new one
        voila = [p for p in server.processes() if "workbench.serve_voila" in _cmdline(p.pid)]
        assert len(voila) == 1 and voila[0].pgid != server.process.pid  # its own group
        server.process.send_signal(signum)
        assert_all_gone(server)
        assert server.process.returncode == 0
        assert "Applications du COPIL arrêtées." in server.log()
        assert "Kernel shutdown" in server.log()  # Voila shut its kernels down itself


def test_a_killed_workbench_app_still_takes_voila_down(tmp_path: Path,
                                                       project: Project) -> None:
    """SIGKILL leaves no chance to forward anything: Voila gets SIGTERM from the kernel
    (PR_SET_PDEATHSIG) and shuts its kernels down."""
    apps = tiny_apps(tmp_path / "apps")
    with workbench_app(tmp_path, project.location, "--apps", str(apps)) as server:
        server.wait_kernels(1)
        server.processes()
        server.process.send_signal(signal.SIGKILL)
        assert_all_gone(server)


# -- 2. kernels reclaimed and bounded ------------------------------------------------------
@pytest.mark.browser
def test_idle_kernels_are_culled_and_the_limit_gives_a_french_busy_page(
        tmp_path: Path, project: Project, browser_page: Any) -> None:
    apps = tiny_apps(tmp_path / "apps")
    with workbench_app(tmp_path, project.location, "--apps", str(apps), "--pool-size", "0",
                       "--max-kernels", "1", "--cull-idle", "0.1",
                       "--cull-interval", "1") as server:
        assert "au plus 1 session à la fois" in server.log()
        app = f"{server.base}voila/render/essai.ipynb"
        first = browser_page
        first.context.clear_cookies()  # no cookie left by another test's server
        first.goto(app)
        first.get_by_text("bonjour du noyau").wait_for()
        server.wait_kernels(1)

        second = first.context.new_page()
        response = second.goto(app)
        assert response.status == 503
        assert response.headers.get("retry-after") == "60"
        assert BUSY in second.inner_text("body")
        assert second.locator("html").get_attribute("lang") == "fr"
        save_screenshot(second, "serveur_occupe")
        assert len(server.kernels()) == 1  # refused before any kernel was started

        # A tab closed without a word (a laptop put to sleep, a crashed browser): the
        # kernel loses its connection and is culled once idle.
        first.close()
        server.wait_kernels(0, timeout=90)
        assert "Culling" in server.log()
        # The kernel's process may be gone a moment before the server forgets it: the
        # visit is let in once it does, not necessarily at the same instant.
        deadline = time.monotonic() + 60
        while second.reload().status == 503:
            assert time.monotonic() < deadline, server.log()[-4000:]
            time.sleep(1)
        second.get_by_text("bonjour du noyau").wait_for()
        second.close()


@pytest.mark.browser
def test_the_pool_counts_in_the_limit_and_refills_when_a_tab_closes(
        tmp_path: Path, project: Project, browser_page: Any) -> None:
    apps = tiny_apps(tmp_path / "apps")
    with workbench_app(tmp_path, project.location, "--apps", str(apps), "--pool-size", "1",
                       "--max-kernels", "2", "--cull-idle", "0") as server:
        app = f"{server.base}voila/render/essai.ipynb"
        server.wait_kernels(1)
        first = browser_page
        first.context.clear_cookies()  # straight to the app, as from a link in an e-mail
        first.goto(app)
        first.get_by_text("bonjour du noyau").wait_for()
        server.wait_kernels(2)  # the first visitor's, and the pool's refill
        second = first.context.new_page()
        second.goto(app)  # takes the pre-heated kernel: at the limit, no refill
        second.get_by_text("bonjour du noyau").wait_for()
        time.sleep(3)
        assert len(server.kernels()) == 2
        third = first.context.new_page()
        assert third.goto(app).status == 503
        assert BUSY in third.inner_text("body")
        oldest = min(server.kernels(), key=lambda p: p.started)  # the first visitor's
        first.close(run_before_unload=True)  # Voila's page asks for its kernel's shutdown
        deadline = time.monotonic() + 30
        while is_alive(oldest):  # …and gets it (then the pool refills)
            assert time.monotonic() < deadline, server.log()[-4000:]
            time.sleep(0.2)
        assert "403 POST /voila/api/shutdown" not in server.log()
        deadline = time.monotonic() + 60
        while third.reload().status == 503:  # the pool refills, the visit goes through
            assert time.monotonic() < deadline, server.log()[-4000:]
            time.sleep(1)
        third.get_by_text("bonjour du noyau").wait_for()
        for page in (second, third):
            page.close()


# -- 3. shared: token, password, HTTPS; nothing but the apps -------------------------------
CLOSED = ["api/kernels", "api/contents", "api/contents/essai.ipynb", "api/sessions",
          "api/terminals", "terminals/websocket/1", "api/kernelspecs", "voila/api/contents/",
          "files/essai.ipynb", "voila/files/essai.ipynb", "edit/essai.ipynb", "lab", "tree",
          "notebooks/essai.ipynb", "api/config/notebook"]


def assert_closed(server: Server, query: str = "") -> None:
    """No file browser, terminal, contents or kernels API: 403/404, or the login page."""
    for path in CLOSED:
        status, _, body, url = get(f"{server.base}{path}{query}")
        assert status in (403, 404) or "/login" in url, (path, status)
        assert "bonjour" not in body and "print(" not in body, path
    request = urllib.request.Request(f"{server.base}api/kernels{query}", data=b"{}",
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status in (403, 404, 405), status


@pytest.mark.browser
def test_shared_apps_need_the_token_link(tmp_path: Path, demo: Project,
                                         browser_page: Any) -> None:
    with workbench_app(tmp_path, demo.location, "--share") as server:
        log = server.log()
        token = server.token()
        assert len(token) >= 24
        assert re.search(rf"Lien à envoyer aux membres du COPIL : http://\S+:{server.port}/"
                         rf"\?token={re.escape(token)}", log)
        assert token not in _cmdline(next(p.pid for p in server.processes()
                                          if "serve_voila" in _cmdline(p.pid)))
        server.wait_kernels(3)  # one pre-heated kernel per app
        assert token not in json.dumps(_kernel_environ(server))

        # Without the token: the login page, never an app nor a kernel.
        for path in ("", "voila/render/tableau_de_bord_copil.ipynb", "voila/tree/"):
            status, _, body, url = get(f"{server.base}{path}")
            assert status == 200 and "/login" in url, path
            assert "Mot de passe" in body and "Tableau de bord" not in body
        assert_closed(server)
        assert len(server.kernels()) == 3
        page = browser_page
        page.goto(f"{server.base}voila/render/tableau_de_bord_copil.ipynb")
        assert "/login" in page.url and page.locator("html").get_attribute("lang") == "fr"
        page.fill("#password_input", "pas-le-bon")
        page.click("#login_submit")
        assert "Mot de passe ou jeton incorrect" in page.inner_text("body")
        save_screenshot(page, "connexion_refusee")

        # With the token link: the French list, then an app renders.
        page.goto(f"{server.base}?token={token}")
        assert page.get_by_role("heading", name="Applications du COPIL").is_visible()
        page.get_by_text(TITLES[0]).click()
        page.wait_for_selector(".wb-etat-valeur", state="attached", timeout=180_000)
        assert page.get_by_role("heading", name=TITLES[0]).is_visible()
        assert_closed(server, f"?token={token}")
        server.process.send_signal(signal.SIGTERM)
        assert_all_gone(server, host="0.0.0.0")


def _kernel_environ(server: Server) -> list[str]:
    """The kernels' environment (NAME=value each)."""
    return [item.decode("utf-8", "replace") for kernel in server.kernels()
            for item in Path(f"/proc/{kernel.pid}/environ").read_bytes().split(b"\0")]


def test_a_kernel_runs_no_code_sent_by_a_visitor(tmp_path: Path, project: Project) -> None:
    """Even with the token, the kernel's websocket carries widget messages only: an
    execute_request is dropped by the server (Voila's allowed message types)."""
    apps = tiny_apps(tmp_path / "apps")
    marker = tmp_path / "intrus.txt"
    with workbench_app(tmp_path, project.location, "--share", "--apps", str(apps),
                       "--pool-size", "0") as server:
        token = server.token()
        status, _, body, _ = get(f"{server.base}voila/render/essai.ipynb?token={token}")
        assert status == 200 and "bonjour du noyau" in body
        kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', body).group(1)
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?token={token}"
        code = f"open({str(marker)!r}, 'w').write('du code venu du navigateur')"
        # In a thread of its own: playwright's sync API may hold this thread's event loop.
        with ThreadPoolExecutor(1) as pool:
            replies = pool.submit(asyncio.run, _talk(url, code)).result(timeout=60)
        assert "kernel_info_reply" in replies  # the socket works…
        assert "execute_reply" not in replies and "execute_input" not in replies  # …no code
        assert not marker.exists()
        assert 'type "execute_request", which is not allowed' in server.log()


async def _talk(url: str, code: str) -> list[str]:
    """Send a kernel_info_request then an execute_request; the replies' types."""
    from tornado.websocket import websocket_connect

    socket_ = await websocket_connect(url)
    session = uuid.uuid4().hex

    def message(kind: str, content: dict[str, Any]) -> str:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "session": session,
                  "username": "visiteur", "date": "2026-01-01T00:00:00Z", "version": "5.3"}
        return json.dumps({"header": header, "parent_header": {}, "metadata": {},
                           "content": content, "channel": "shell", "buffers": []})

    await socket_.write_message(message("kernel_info_request", {}))
    await socket_.write_message(message("execute_request", {
        "code": code, "silent": False, "store_history": False, "user_expressions": {},
        "allow_stdin": False, "stop_on_error": True}))
    kinds: list[str] = []
    deadline = time.monotonic() + 8
    reading: asyncio.Future | None = None
    while time.monotonic() < deadline:
        reading = reading or asyncio.ensure_future(socket_.read_message())
        done, _ = await asyncio.wait({reading}, timeout=1)
        if not done:
            continue
        raw, reading = reading.result(), None
        if raw is None:
            break
        if isinstance(raw, str):
            kinds.append(json.loads(raw)["header"]["msg_type"])
    socket_.close()
    return kinds


def test_a_stored_password_guards_the_shared_apps(tmp_path: Path, project: Project) -> None:
    config = tmp_path / "config" / "workbench" / "copil_apps.json"
    setter = subprocess.run([sys.executable, "-m", "workbench.cli", "app", "--set-password"],
                            input="un mot de passe du COPIL\n", capture_output=True,
                            text=True, env=_env(tmp_path), cwd=ROOT, timeout=120)
    assert setter.returncode == 0, setter.stderr
    assert str(config) in setter.stdout and "Mot de passe enregistré" in setter.stdout
    assert json.loads(config.read_text())["hashed_password"].startswith("argon2:")
    assert "un mot de passe" not in config.read_text()
    assert config.stat().st_mode & 0o777 == 0o600

    apps = tiny_apps(tmp_path / "apps")
    with workbench_app(tmp_path, project.location, "--share", "--apps", str(apps),
                       "--pool-size", "0") as server:
        assert "?token=" not in server.log() and "mot de passe" in server.log()
        assert get(server.base)[3].endswith("/login?next=%2F")
        assert get(f"{server.base}?token=devine")[3].split("?")[0].endswith("/login")
        assert_closed(server)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(f"{server.base}login", timeout=30) as response:
            login = response.read().decode()
        assert "Mot de passe" in login and 'lang="fr"' in login
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', login).group(1)
        form = urllib.parse.urlencode({"password": "faux", "_xsrf": xsrf}).encode()
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(f"{server.base}login?next=%2F", data=form, timeout=30)
        assert refused.value.code == 401
        assert "Mot de passe ou jeton incorrect" in refused.value.read().decode()
        form = urllib.parse.urlencode({"password": "un mot de passe du COPIL",
                                       "_xsrf": xsrf}).encode()
        with opener.open(f"{server.base}login?next=%2F", data=form, timeout=30) as response:
            body = response.read().decode()
        assert "Application d&#39;essai" in body and "Une application minuscule" in body
        with opener.open(f"{server.base}voila/render/essai.ipynb", timeout=120) as response:
            assert "bonjour du noyau" in response.read().decode()

    removed = subprocess.run([sys.executable, "-m", "workbench.cli", "app",
                              "--remove-password"], capture_output=True, text=True,
                             env=_env(tmp_path), cwd=ROOT, timeout=120)
    assert removed.returncode == 0 and not config.exists()


def test_https_with_a_certificate(tmp_path: Path, project: Project) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found: it makes the test's self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    apps = tiny_apps(tmp_path / "apps")
    with workbench_app(tmp_path, project.location, "--share", "--apps", str(apps),
                       "--pool-size", "0", "--certfile", str(cert), "--keyfile", str(key),
                       scheme="https") as server:
        assert re.search(r"Lien à envoyer aux membres du COPIL : https://", server.log())
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # self-signed: TLS itself is what is tested
        status, _, body, _ = get(f"{server.base}?token={server.token()}", context=context)
        assert status == 200 and "Application d&#39;essai" in body
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=10)


# -- 4. the French list, every asset local -------------------------------------------------
@pytest.mark.browser
def test_the_french_list_and_the_apps_work_offline(tmp_path: Path, demo: Project,
                                                   browser_page: Any) -> None:
    with workbench_app(tmp_path, demo.location) as server:
        page = browser_page
        local = f"127.0.0.1:{server.port}"
        requested: list[str] = []
        blocked: list[str] = []

        def only_local(route: Any) -> None:
            url = route.request.url
            if urlparse(url).scheme in ("data", "blob") or urlparse(url).netloc == local:
                route.continue_()
            else:
                blocked.append(url)
                route.abort("internetdisconnected")

        page.on("request", lambda request: requested.append(request.url))
        page.route("**/*", only_local)
        page.goto(server.base)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.title() == "Applications du COPIL"
        assert page.get_by_role("heading", name="Applications du COPIL").is_visible()
        for title in TITLES:
            assert page.get_by_text(title, exact=True).is_visible()
        text = page.inner_text("body")
        assert "Select items" not in text and "Voilà" not in text
        assert "Les personnes rencontrées n'apparaissent que sous leur pseudonyme" in text
        save_screenshot(page, "liste_des_applications_fr")

        page.get_by_text(TITLES[0], exact=True).click()
        page.wait_for_selector(".wb-etat-valeur", state="attached", timeout=180_000)
        page.wait_for_function("() => Number(document.querySelector('.wb-etat-valeur')"
                               "?.dataset.graphiques) > 0", timeout=120_000)
        assert page.get_by_role("heading", name=TITLES[0]).is_visible()
        elsewhere = page.eval_on_selector_all(
            "link[href], script[src], img[src], iframe[src]",
            "es => es.map(e => e.href || e.src).filter(u => /^(https?:)?\\/\\//.test(u)"
            " && !u.includes(location.host))")
        assert not elsewhere, elsewhere
        page.goto(f"{server.base}nulle/part")
        assert "Page introuvable" in page.inner_text("body")
        outside = [u for u in requested if urlparse(u).scheme not in ("data", "blob")
                   and urlparse(u).netloc != local]
        assert not outside and not blocked, sorted(set(outside + blocked))
        assert len(requested) > 10  # the list, the app, its scripts and styles were seen


# -- 4. a meeting: one app pre-heated for many visitors ------------------------------------
def test_a_pool_for_the_app_a_meeting_opens_first(tmp_path: Path, project: Project) -> None:
    apps = tiny_apps(tmp_path / "apps")
    (apps / "autre.ipynb").write_text((apps / "essai.ipynb").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    with workbench_app(tmp_path, project.location, "--apps", str(apps), "--pool-size", "0",
                       "--pool", "essai=3", "--max-kernels", "5") as server:
        server.wait_kernels(3)  # three for `essai`, none for `autre`
        time.sleep(2)
        assert len(server.kernels()) == 3
        status, _, body, _ = get(f"{server.base}voila/render/essai.ipynb")
        assert status == 200 and "bonjour du noyau" in body
        server.wait_kernels(4)  # the visitor's, and the pool's refill back to three


@pytest.mark.parametrize("args, message", [
    (["--pool", "absente=2"], "aucune application de ce nom"),
    (["--pool", "essai=9", "--max-kernels", "5"], "ne tiennent pas sous --max-kernels 5"),
    (["--pool", "essai"], "écrivez APPLICATION=NOMBRE"),
], ids=["unknown app", "over the limit", "no size"])
def test_a_wrong_pool_is_refused_in_french(tmp_path: Path, project: Project, args: list[str],
                                           message: str) -> None:
    apps = tiny_apps(tmp_path / "apps")
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "app", "--project",
                             str(project.location), "--apps", str(apps),
                             "--port", str(free_port()), *args],
                            capture_output=True, text=True, env=_env(tmp_path), cwd=ROOT,
                            timeout=120)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# -- 5. a snapshot served: every page says which --------------------------------------------
@pytest.mark.browser
def test_every_page_of_a_served_snapshot_names_it(tmp_path: Path, demo: Project,
                                                   browser_page: Any) -> None:
    info = demo.export.snapshot(tmp_path / "copil", "COPIL du 12 mars", names_reviewed=True)
    label = info.label()
    assert "COPIL du 12 mars" in label and "grille" in label
    with workbench_app(tmp_path, tmp_path / "copil", "--pool-size", "0") as server:
        assert f"{label} : chaque page le dit." in server.log()
        page = browser_page
        page.context.clear_cookies()
        page.goto(server.base)
        assert label in page.inner_text(".wb-instantane")
        for notebook, title in zip(("tableau_de_bord_copil", "explorateur_extraits",
                                    "cartographie"), TITLES, strict=True):
            page.goto(f"{server.base}voila/render/{notebook}.ipynb", timeout=180_000)
            page.wait_for_selector(".wb-snapshot", timeout=180_000)
            assert label in page.inner_text(".wb-snapshot"), notebook
            assert page.get_by_role("heading", name=title).is_visible()
            page.wait_for_selector(".wb-count-value", timeout=180_000)  # the app itself
            assert page.locator(".wb-erreur").count() == 0, page.inner_text("body")
            assert "Traceback" not in page.inner_text("body")
            if notebook == "tableau_de_bord_copil":
                save_screenshot(page, "instantane_tableau_de_bord")
        page.goto(f"{server.base}nulle/part")
        assert label in page.inner_text(".wb-instantane")
        assert "Page introuvable" in page.inner_text("body")
