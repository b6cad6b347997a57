"""Links through which the Jupyter (or Voila) server streams a recording to the browser.

A kernel cannot serve a file itself: the page reaches only the server that runs it. So a
kernel that wants a recording played writes a *grant* in the user's Jupyter runtime
folder: a small JSON file named by a random token, holding the file's absolute path,
size and MIME type, the project it belongs to and an expiry. The server's media route
(``<base_url>workbench/media/<token>``, `workbench.media_server`) reads the grant and
streams the file with HTTP range requests, which is what an HTML5 ``<audio>`` or
``<video>`` element asks for when it seeks. No path ever travels in a URL, a token is
unguessable, and a grant whose file changed size or which has expired is refused, as is
a grant file that is not exactly what `issue` writes (a regular file of the user's, a few
hundred bytes, every field of its type, an audio or video MIME type, an absolute path).

The server tells its kernels where it is served (`BASE_URL_VARIABLE`): the variable is
set by the media route when it is installed, and kernels inherit the server's
environment. A kernel started without it runs under a server that cannot stream
recordings (`served()` is False).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
import stat
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROUTE = "workbench/media"
BASE_URL_VARIABLE = "WORKBENCH_MEDIA_BASE_URL"
FOLDER_NAME = "workbench-media"
LIFETIME = 7 * 24 * 3600.0  # s: a kernel may run for days; a grant is renewed on reuse
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}\Z")
MIME = re.compile(r"(audio|video)/[A-Za-z0-9][A-Za-z0-9.+-]{0,60}\Z")  # what the route sends
MAX_GRANT_BYTES = 8192  # a grant is a few hundred bytes: anything larger is not ours
CLOCK_SLACK = 300.0  # s: a grant may expire this much later than LIFETIME from now (clocks)
_PURGE_EVERY = 3600.0
_STALE_TEMPORARY = 3600.0  # s: a temporary file left by a crash is removed after this


@dataclass(frozen=True)
class Grant:
    """What the server needs to stream one recording: the file (absolute path), its
    size when the grant was written, its MIME type, the project it belongs to (its
    location) and the time (epoch seconds) after which the grant is refused."""

    token: str
    path: str
    size: int
    mime: str
    project: str
    expires: float

    @property
    def url(self) -> str:
        """The address the browser asks, from the server's root: base URL + route."""
        return f"{base_url()}{ROUTE}/{self.token}"


def base_url() -> str:
    """The base URL of the server this kernel runs under ("/" when it did not say)."""
    value = os.environ.get(BASE_URL_VARIABLE) or "/"
    return value if value.endswith("/") else f"{value}/"


def served() -> bool:
    """Whether this process runs under a server that streams recordings (a Jupyter server
    with the workbench's extension, or the COPIL apps' server)."""
    return bool(os.environ.get(BASE_URL_VARIABLE))


def grant_folder() -> Path:
    """The folder of the grants, in the user's Jupyter runtime folder (private to the
    user, like the kernels' connection files)."""
    from jupyter_core.paths import jupyter_runtime_dir

    folder = Path(jupyter_runtime_dir()) / FOLDER_NAME
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        # A grant lets the server stream a file: nobody else may write (nor list) them.
        with contextlib.suppress(OSError):
            info = folder.stat()
            if info.st_mode & 0o077 and info.st_uid == os.getuid():
                folder.chmod(0o700)
    return folder


_issued: dict[tuple[str, int, str], Grant] = {}
_last_purge = 0.0


def issue(path: str | Path, *, size: int, mime: str, project: str,
          now: float | None = None) -> Grant:
    """A grant for the file at `path` (its current `size` and `mime`), valid `LIFETIME`
    seconds; the same grant is reused while it has more than half its life left."""
    now = time.time() if now is None else now
    absolute = str(Path(path).resolve())
    key = (absolute, int(size), project)
    known = _issued.get(key)
    if (known is not None and known.expires - now > LIFETIME / 2
            and (grant_folder() / f"{known.token}.json").is_file()):
        return known
    grant = Grant(token=secrets.token_urlsafe(32), path=absolute, size=int(size), mime=mime,
                  project=project, expires=now + LIFETIME)
    folder = grant_folder()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".grant-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(grant), out)
        os.chmod(temporary, 0o600)
        os.replace(temporary, folder / f"{grant.token}.json")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _issued[key] = grant
    purge(now=now)
    return grant


def _load(path: Path) -> dict[str, Any] | None:
    """The JSON object of a grant file, or None: not a regular file (a FIFO would block the
    server, a symbolic link may point anywhere), not the user's, larger than
    `MAX_GRANT_BYTES`, or not a JSON object."""
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0))
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_GRANT_BYTES:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        raw = os.read(handle, MAX_GRANT_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(handle)
    if len(raw) > MAX_GRANT_BYTES:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return data if isinstance(data, dict) else None


def _parse(token: str, data: dict[str, Any], now: float) -> Grant | None:
    """The grant `data` describes, if every field has the type and the range the server
    relies on; else None."""
    path, size, mime = data.get("path"), data.get("size"), data.get("mime")
    project, expires = data.get("project"), data.get("expires")
    if not (isinstance(path, str) and isinstance(project, str) and isinstance(mime, str)):
        return None
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return None
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        return None
    expires = float(expires)
    # NaN never compares as expired, and no grant is written for longer than LIFETIME.
    if not math.isfinite(expires) or expires < now or expires > now + LIFETIME + CLOCK_SLACK:
        return None
    if not MIME.match(mime) or "\0" in path or not os.path.isabs(path):
        return None
    return Grant(token=token, path=path, size=size, mime=mime, project=project,
                 expires=expires)


def read(token: str, *, now: float | None = None) -> Grant | None:
    """The grant of `token` if it is well formed, not expired, and its file is still
    there (a regular file) with the size it had; else None (the server answers 404)."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    data = _load(grant_folder() / f"{token}.json")
    if data is None:
        return None
    grant = _parse(token, data, time.time() if now is None else now)
    if grant is None:
        return None
    try:
        info = os.stat(grant.path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size != grant.size:
        return None
    return grant


def purge(*, now: float | None = None, force: bool = False) -> int:
    """Delete expired or unreadable grants (and temporary files left by a crash); at most
    once an hour per process unless `force`. Returns how many files were removed."""
    global _last_purge
    now = time.time() if now is None else now
    if not force and now - _last_purge < _PURGE_EVERY:
        return 0
    _last_purge = now
    removed = 0
    for entry in grant_folder().iterdir():
        try:
            if entry.name.startswith(".grant-"):
                stale = now - entry.lstat().st_mtime > _STALE_TEMPORARY
            elif entry.suffix == ".json":
                data = _load(entry)
                expires = data.get("expires") if data is not None else None
                stale = (not isinstance(expires, int | float) or isinstance(expires, bool)
                         or not math.isfinite(expires) or expires < now)
            else:
                continue
        except OSError:
            continue
        if stale:
            with contextlib.suppress(OSError):
                entry.unlink()
                removed += 1
    return removed
