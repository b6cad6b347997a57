"""The media route on real servers: a `jupyter server` process on a loopback port behind a
token, which loads the route from the installed configuration (no command-line flag), and
the COPIL apps' Voila server (`CopilVoila`). Both stream a granted file whole (200) or by
ranges (206, the exact bytes), answer HEAD, refuse a range past the end (416), send the
grant's MIME type, never a file's name nor its folder, and refuse in French (404) an
unknown, malformed or expired token or a file changed since. An anonymous visitor of a
server behind a token gets nothing. The apps' server streams only the project it serves,
and only while that project allows it. A 2 GiB recording is streamed by ranges without
the server reading it whole nor growing in memory."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import ROOT, START_TIMEOUT, free_port, stop_process, voila_server
from workbench import Project
from workbench.media import grants
from workbench.media.formats import FORMATS
from workbench.serve import PROJECT_VARIABLE
from workbench.serve_auth import TOKEN_VARIABLE

NOT_FOUND = "Enregistrement introuvable, ou lien expiré : relancez la lecture depuis le carnet."
SECRET_WORDS = ("Samira", "entretien", "confidentiel")  # in the recordings' names and folder
MiB = 2 ** 20
TRANSCRIPT = "Enquêtrice : Bonjour, pouvez-vous vous présenter ?\nSamira : Je suis née à Lyon.\n"


# -- servers ---------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[-1] if found else None


@dataclass
class Server:
    """A server under test: its port, base URL (path), token ("" when none), process id
    (None when the helper that started it keeps it) and log."""

    port: int
    base: str
    token: str = ""
    pid: int | None = None
    log: Path | None = None
    seen: list[Reply] = field(default_factory=list)

    def request(self, path: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
                auth: bool = True, discard: bool = False) -> Reply:
        """`path` (under the base URL) asked with the server's token unless not `auth`;
        with `discard`, the body is read a MiB at a time and only its length is kept (the
        reply's body is then that length, in ASCII)."""
        sent = dict(headers or {})
        if auth and self.token:
            sent["Authorization"] = f"token {self.token}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, self.base + path.lstrip("/"), headers=sent)
            response = connection.getresponse()
            if discard:
                count = 0
                while chunk := response.read(MiB):
                    count += len(chunk)
                body = str(count).encode()
            else:
                body = response.read()
            reply = Reply(response.status, response.getheaders(), body)
        finally:
            connection.close()
        self.seen.append(reply)
        return reply

    def media(self, token: str, **kwargs: Any) -> Reply:
        return self.request(f"workbench/media/{token}", **kwargs)


def media_route_enabled() -> bool:
    """Whether the installed Jupyter configuration (not a flag) enables the route."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    manager = ExtensionConfigManager(read_config_path=jupyter_config_path())
    return manager.get_jpserver_extensions().get("workbench.media_server") is True


@contextmanager
def jupyter_server(root: Path, runtime: Path, *, app: str = "jupyter_server",
                   base_url: str = "/", extra: tuple[str, ...] = (),
                   env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """`python -m <app>` (jupyter_server, or jupyterlab) on 127.0.0.1:<free port> behind a
    random token, serving `root`, its runtime folder `runtime`, the user's configuration
    folder empty (only the environment's installed configuration is read); the whole
    process group (server and kernels) is stopped at exit, and the log printed when the
    block fails."""
    port = free_port()
    token = secrets.token_hex(24)
    home = Path(tempfile.mkdtemp(prefix="jupyter-home-"))
    command = [sys.executable, "-m", app, "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               f"--ServerApp.base_url={base_url}", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    environment = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime),
                   "JUPYTER_CONFIG_DIR": str(home / "config"),
                   "JUPYTER_DATA_DIR": str(home / "data"), "IPYTHONDIR": str(home / "ipython"),
                   **(env or {})}
    environment.pop(grants.BASE_URL_VARIABLE, None)  # the server says it itself
    log_path = home / "server.log"
    with open(log_path, "w+", encoding="utf-8") as log:
        process = subprocess.Popen(command, env=environment, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=root, start_new_session=True)
        server = Server(port=port, base=base_url, token=token, pid=process.pid, log=log_path)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{app} stopped (exit code {process.returncode})")
                try:
                    if server.request("api/status").status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not answer within {START_TIMEOUT} s")
                time.sleep(0.3)
            yield server
        except BaseException:
            log.flush()
            print(f"--- {app} log ---\n{log_path.read_text(encoding='utf-8')[-20_000:]}")
            raise
        finally:
            stop_process(process)
            shutil.rmtree(home, ignore_errors=True)


@contextmanager
def copil_server(folder: Path, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """The COPIL apps' server (tests.browser.voila_server) on a tiny notebook."""
    import nbformat

    notebook = folder / "app.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# App")]),
                   notebook)
    token = (env or {}).get(TOKEN_VARIABLE, "")
    with voila_server(notebook, env=env) as url:
        yield Server(port=int(urlsplit(url).port or 0), base=urlsplit(url).path, token=token)


# -- files and grants ------------------------------------------------------------------------
def noisy_wav(path: Path, seconds: float = 3.0, rate: int = 22050) -> Path:
    """A mono 16-bit WAV of random samples: every range of it is distinct."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(os.urandom(2 * int(rate * seconds)))
    return path


def grant_of(path: Path, mime: str = "audio/wav", project: str = "/tests/project") -> str:
    return grants.issue(path, size=path.stat().st_size, mime=mime, project=project).token


def write_grant(path: Path, *, expires: float, mime: str = "audio/wav") -> str:
    """A grant written by hand, e.g. one that has expired."""
    token = secrets.token_urlsafe(32)
    data = {"token": token, "path": str(path), "size": path.stat().st_size, "mime": mime,
            "project": "/tests/project", "expires": expires}
    (grants.grant_folder() / f"{token}.json").write_text(json.dumps(data), encoding="utf-8")
    return token


def assert_nothing_named(reply: Reply, *paths: Path) -> None:
    """No header nor body of `reply` names a recording or its folder."""
    text = " ".join(f"{k}: {v}" for k, v in reply.headers)
    words = [*SECRET_WORDS, *(str(p) for p in paths), *(p.name for p in paths)]
    for word in words:
        assert word not in text, (word, reply.headers)
    if reply.status >= 400:
        body = reply.body.decode("utf-8", "replace")
        assert not any(word in body for word in words), body


def assert_refused(reply: Reply) -> None:
    assert reply.status == 404, reply
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    assert reply.body.decode("utf-8") == NOT_FOUND


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The runtime folder shared by this process (which writes the grants, as a kernel
    does) and the servers (which read them)."""
    folder = tmp_path_factory.mktemp("runtime")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_RUNTIME_DIR", str(folder))
        patch.delenv(grants.BASE_URL_VARIABLE, raising=False)
        patch.setattr(grants, "_issued", {})
        yield folder


@pytest.fixture(scope="module")
def lab_server(runtime: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not media_route_enabled():
        pytest.fail("The installed Jupyter configuration does not enable workbench.media_server:"
                    " run `make install` (it copies jupyter-config/ into .venv/etc/jupyter).")
    with jupyter_server(tmp_path_factory.mktemp("root"), runtime, base_url="/user/ana/") as server:
        yield server


@pytest.fixture(scope="module")
def apps_server(runtime: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """CopilVoila serving no project: any valid grant is streamed."""
    env = {key: "" for key in (PROJECT_VARIABLE,) if key in os.environ}
    with copil_server(tmp_path_factory.mktemp("apps"), env=env) as server:
        yield server


@pytest.fixture(params=["jupyter", "copil"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue("lab_server" if request.param == "jupyter" else "apps_server")


@pytest.fixture(scope="module")
def recording(runtime: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return noisy_wav(tmp_path_factory.mktemp("confidentiel") / "Samira_entretien.wav")


# -- the route, on both servers --------------------------------------------------------------
def test_the_whole_file_and_head(server: Server, recording: Path) -> None:
    token = grant_of(recording)
    data = recording.read_bytes()
    whole = server.media(token)
    assert whole.status == 200 and whole.body == data
    assert whole.header("Content-Length") == str(len(data))
    assert whole.header("Content-Type") == "audio/wav"
    assert whole.header("Accept-Ranges") == "bytes"
    assert whole.header("Etag") is None  # tornado would hash the whole file for one
    assert whole.header("Content-Disposition") == "inline"
    assert whole.header("X-Content-Type-Options") == "nosniff"
    assert "no-cache" in (whole.header("Cache-Control") or "")
    head = server.media(token, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == str(len(data))
    assert head.header("Content-Type") == "audio/wav"
    for reply in (whole, head):
        assert_nothing_named(reply, recording)


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=100-199", 100, 199),
    ("bytes=0-0", 0, 0),
    ("bytes=70000-", 70000, None),       # past tornado's first 64 KiB chunk
    ("bytes=-500", -500, None),          # the last 500 bytes
    ("bytes=1000-99999999", 1000, None),  # an end past the file is cut at its end
])
def test_a_range_gets_206_and_its_exact_bytes(server: Server, recording: Path, header: str,
                                              first: int, last: int | None) -> None:
    data = recording.read_bytes()
    size = len(data)
    start = first if first >= 0 else size + first
    end = size - 1 if last is None else last
    reply = server.media(grant_of(recording), headers={"Range": header})
    assert reply.status == 206, reply.status
    assert reply.body == data[start:end + 1]
    assert reply.header("Content-Range") == f"bytes {start}-{end}/{size}"
    assert reply.header("Content-Length") == str(end + 1 - start)
    assert reply.header("Content-Type") == "audio/wav"
    assert_nothing_named(reply, recording)
    head = server.media(grant_of(recording), method="HEAD", headers={"Range": header})
    assert head.status == 206 and head.body == b""
    assert head.header("Content-Range") == f"bytes {start}-{end}/{size}"


def test_a_range_past_the_end_gets_416(server: Server, recording: Path) -> None:
    size = recording.stat().st_size
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        reply = server.media(grant_of(recording), headers={"Range": header})
        assert reply.status == 416, (header, reply.status)
        assert reply.header("Content-Range") == f"bytes */{size}"
        assert reply.body == b""
        assert_nothing_named(reply, recording)


def test_each_format_is_sent_with_its_type(server: Server, tmp_path: Path) -> None:
    for fmt in FORMATS.values():
        path = tmp_path / "confidentiel" / f"Samira_entretien.{fmt.extension}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(os.urandom(4096))
        token = grant_of(path, mime=fmt.mime)
        for method in ("GET", "HEAD"):
            reply = server.media(token, method=method, headers={"Range": "bytes=0-9"})
            assert reply.status == 206 and reply.header("Content-Type") == fmt.mime, fmt
            assert_nothing_named(reply, path)


def test_unknown_malformed_expired_or_changed_is_refused_in_french(
        server: Server, tmp_path: Path) -> None:
    sound = noisy_wav(tmp_path / "confidentiel" / "Samira_entretien.wav", seconds=0.5)
    assert server.media(grant_of(sound)).status == 200
    refused = [
        server.media(secrets.token_urlsafe(32)),  # well formed, unknown
        server.media("court"),
        server.media("..%2F..%2Fetc%2Fpasswd"),
        server.media(write_grant(sound, expires=time.time() - 1)),
        server.media(write_grant(sound, expires=time.time() + 60, mime="text/html")),
    ]
    changed = grant_of(sound)
    with sound.open("ab") as out:
        out.write(b"\0\0")
    refused.append(server.media(changed))
    refused.append(server.media(changed, method="HEAD"))
    gone = grant_of(sound)
    sound.unlink()
    refused.append(server.media(gone, headers={"Range": "bytes=0-10"}))
    for reply in refused[:-2]:
        assert_refused(reply)
        assert_nothing_named(reply, sound)
    assert refused[-2].status == 404 and refused[-2].body == b""  # HEAD: no body
    assert_refused(refused[-1])


# -- the Jupyter server ----------------------------------------------------------------------
def test_the_jupyter_server_loads_the_route_from_its_configuration(lab_server: Server) -> None:
    assert lab_server.log is not None
    log = lab_server.log.read_text(encoding="utf-8")
    assert "workbench.media_server | extension was successfully loaded." in log
    assert "workbench: recordings streamed at /user/ana/workbench/media/" in log
    assert "Traceback" not in log and "error adding extension" not in log


def test_an_anonymous_visitor_of_a_token_server_gets_nothing(lab_server: Server,
                                                              recording: Path) -> None:
    token = grant_of(recording)
    for method in ("GET", "HEAD"):
        for headers in ({}, {"Range": "bytes=0-99"}, {"Authorization": "token faux"}):
            reply = lab_server.media(token, method=method, headers=headers, auth=False)
            assert reply.status in (302, 403), reply.status
            if reply.status == 302:
                assert "/user/ana/login" in (reply.header("Location") or "")
            assert reply.header("Content-Range") is None
            assert recording.read_bytes()[:100] not in reply.body
            assert_nothing_named(reply, recording)
    wrong = lab_server.request(f"workbench/media/{token}?token=faux", auth=False)
    assert wrong.status in (302, 403)
    assert lab_server.media(token).status == 200  # with the token


@pytest.mark.slow
def test_a_2_gib_recording_is_streamed_by_ranges_in_little_memory(
        lab_server: Server, tmp_path: Path, corpus_dir: Path) -> None:
    """A recording past 2**31 bytes (sparse: no disk used), attached to a project: its
    last MiB comes back exact, a 256 MiB range streams through, and the server neither
    reads the whole file (hashing it for an ETag would) nor grows by more than 64 MB."""
    big = noisy_wav(tmp_path / "confidentiel" / "E01_fatima.wav", seconds=0.5)
    size = 2 ** 31 + 4096
    tail = os.urandom(MiB)
    with big.open("r+b") as handle:
        handle.truncate(size)
        handle.seek(size - MiB)
        handle.write(tail)
    head = _first_bytes(big, 4096)
    project = Project.create(tmp_path / "projet", coder="ana")
    try:
        project.import_corpus(corpus_dir, progress=False)
        project.media.add(big, "E01_fatima")
        token = project.media.link("E01_fatima").url.rsplit("/", 1)[1]
    finally:
        project.close()
    assert lab_server.pid is not None
    warm = lab_server.media(token, headers={"Range": "bytes=0-4095"})
    assert warm.status == 206 and warm.body == head
    memory, reads = _group_rss(lab_server.pid), _read_bytes(lab_server.pid)

    last = lab_server.media(token, headers={"Range": f"bytes={size - MiB}-"})
    assert last.status == 206 and last.body == tail
    assert last.header("Content-Range") == f"bytes {size - MiB}-{size - 1}/{size}"
    assert _read_bytes(lab_server.pid) - reads < 64 * MiB  # the file was not read whole
    span = f"bytes={2 ** 30}-{2 ** 30 + 256 * MiB - 1}"
    middle = lab_server.media(token, headers={"Range": span}, discard=True)
    assert middle.status == 206 and middle.body == str(256 * MiB).encode()
    whole = lab_server.media(token, method="HEAD")
    assert whole.status == 200 and whole.header("Content-Length") == str(size)
    assert _group_rss(lab_server.pid) - memory < 64 * 10 ** 6
    assert_nothing_named(last, big)


def _first_bytes(path: Path, count: int) -> bytes:
    with path.open("rb") as source:
        return source.read(count)


def _group_rss(pid: int) -> int:
    """Resident memory (bytes) of the process group `pid` leads (a server and its kernels)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            group = int(stat.rsplit(")", 1)[1].split()[2])
            if group != pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(found.group(1)) * 1024 if found else 0
    return total


def _read_bytes(pid: int) -> int:
    """Bytes the process has read so far (files and sockets: /proc/<pid>/io rchar)."""
    found = re.search(r"^rchar: (\d+)", Path(f"/proc/{pid}/io").read_text(), re.MULTILINE)
    assert found is not None
    return int(found.group(1))


# -- the COPIL apps' server: the served project only, and only when it allows -----------------
def _recorded_project(folder: Path) -> tuple[Project, str]:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "E01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    noisy_wav(corpus / "E01.wav", seconds=0.5)
    project = Project.create(folder / "projet", coder="ana")
    project.import_corpus(corpus, progress=False)
    assert list(project.media.list()["document"]) == ["E01"]
    return project, project.media.link("E01").url.rsplit("/", 1)[1]


def _until(server: Server, token: str, status: int, timeout: float = 60) -> Reply:
    """Ask until the route answers `status` (the server reads the project's setting again
    every few seconds); the last reply."""
    deadline = time.monotonic() + timeout
    while True:
        reply = server.media(token, headers={"Range": "bytes=0-99"})
        if reply.status == status or time.monotonic() > deadline:
            return reply
        time.sleep(0.5)


def test_the_apps_server_streams_the_served_project_only_while_it_allows(
        runtime: Path, tmp_path: Path) -> None:
    served, served_token = _recorded_project(tmp_path / "P")
    other, other_token = _recorded_project(tmp_path / "Q")
    sound = Path(grants.read(served_token).path)  # type: ignore[union-attr]
    env = {PROJECT_VARIABLE: str(served.store.where), TOKEN_VARIABLE: secrets.token_urlsafe(24)}
    try:
        with copil_server(tmp_path / "apps", env=env) as server:
            assert_refused(server.media(served_token))  # the project does not allow it yet
            other.media.allow_in_apps(True)
            served.media.allow_in_apps(True)
            reply = _until(server, served_token, 206)
            assert reply.status == 206 and reply.body == sound.read_bytes()[:100]
            # an anonymous visitor of the apps behind a token gets nothing
            anonymous = server.media(served_token, auth=False)
            assert anonymous.status in (302, 403) and sound.read_bytes()[:100] not in anonymous.body
            # another project's recording, though that project allows its apps to play
            assert_refused(server.media(other_token))
            assert_refused(server.media(grant_of(sound, project="/autre/projet")))
            served.media.allow_in_apps(False)
            assert_refused(_until(server, served_token, 404))
            assert server.media(served_token).status == 404
    finally:
        served.close()
        other.close()


def test_the_route_stays_light(runtime: Path) -> None:
    """The Jupyter server imports the route: neither a project, a database nor a widget."""
    code = ("import sys, workbench.media_server; "
            "print(sorted(m for m in ('sqlalchemy', 'ipywidgets', 'workbench.store', "
            "'workbench.project', 'workbench.recordings') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
