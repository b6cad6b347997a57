"""Links through which the Jupyter (or Voila) server streams a recording to the browser.

A kernel cannot serve a file itself: the page reaches only the server that runs it. So a
kernel that wants a recording played writes a *grant* in the user's Jupyter runtime
folder: a small JSON file named by a random token, holding the file's absolute path,
size and MIME type, the project it belongs to and an expiry. The server's media route
(``<base_url>workbench/media/<token>``, `workbench.media_server`) reads the grant and
streams the file with HTTP range requests, which is what an HTML5 ``<audio>`` or
``<video>`` element asks for when it seeks. No path ever travels in a URL, a token is
unguessable, and a grant whose file changed size or which has expired is refused.

The server tells its kernels where it is served (`BASE_URL_VARIABLE`): the variable is
set by the media route when it is installed, and kernels inherit the server's
environment. A kernel started without it runs under a server that cannot stream
recordings (`served()` is False).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROUTE = "workbench/media"
BASE_URL_VARIABLE = "WORKBENCH_MEDIA_BASE_URL"
FOLDER_NAME = "workbench-media"
LIFETIME = 7 * 24 * 3600.0  # s: a kernel may run for days; a grant is renewed on reuse
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}\Z")
MAX_GRANT_BYTES = 8192  # a grant is a few hundred bytes: anything larger is not ours
_PURGE_EVERY = 3600.0


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


def read(token: str, *, now: float | None = None) -> Grant | None:
    """The grant of `token` if it is well formed, not expired, and its file is still
    there with the size it had; else None (the server answers 404)."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    path = grant_folder() / f"{token}.json"
    try:
        with open(path, "rb") as source:
            raw = source.read(MAX_GRANT_BYTES + 1)
        if len(raw) > MAX_GRANT_BYTES:
            return None
        data = json.loads(raw.decode("utf-8"))
        grant = Grant(token=token, path=str(data["path"]), size=int(data["size"]),
                      mime=str(data["mime"]), project=str(data["project"]),
                      expires=float(data["expires"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if grant.expires < (time.time() if now is None else now):
        return None
    target = Path(grant.path)
    try:
        if not target.is_absolute() or not target.is_file() or target.stat().st_size != grant.size:
            return None
    except OSError:
        return None
    return grant


def purge(*, now: float | None = None, force: bool = False) -> int:
    """Delete expired grants (and temporary files left by a crash); at most once an hour
    per process unless `force`. Returns how many files were removed."""
    global _last_purge
    now = time.time() if now is None else now
    if not force and now - _last_purge < _PURGE_EVERY:
        return 0
    _last_purge = now
    removed = 0
    for entry in grant_folder().iterdir():
        try:
            if entry.name.startswith(".grant-"):
                stale = now - entry.stat().st_mtime > 3600
            elif entry.suffix == ".json":
                with open(entry, "rb") as source:
                    data = json.loads(source.read(MAX_GRANT_BYTES))
                stale = float(data.get("expires", 0)) < now
            else:
                continue
        except (OSError, ValueError, TypeError, AttributeError):
            stale = True
        if stale:
            with contextlib.suppress(OSError):
                entry.unlink()
                removed += 1
    return removed
