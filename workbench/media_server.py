"""The media route: the Jupyter server (and the COPIL apps' Voila server) stream the
recordings a kernel asked to play, at ``<base_url>workbench/media/<token>``.

A kernel writes a grant (`workbench.media.grants`); this route reads it and streams the
file with tornado's static file machinery, which answers HTTP range requests (what an
HTML5 media element sends to seek; 416 for a range past the end) and HEAD, 64 KiB at a
time, each chunk flushed before the next is read, so an hours-long file is never read
whole nor hashed (no ETag). The visitor must be logged in to the server, as for any of
its pages; an unknown, expired or malformed token, or a file changed since, gets a 404
in French. No header nor message names the file.

In JupyterLab the route comes as a Jupyter server extension, enabled by the
``jupyter_server_config.d/workbench.json`` file the package installs (`make install`
copies it for the editable install; `make lab` names the extension as well); the COPIL
apps' server adds it itself (`serve_voila`), restricted to the project it serves and
only when that project lets its apps play recordings.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from workbench.media import grants

Allows = Callable[[grants.Grant], bool]
PATTERN = r"/workbench/media/([^/]+)"

# What a visitor reads when the route refuses: French, and never a file's name nor path.
MESSAGES = {
    403: "Accès refusé : connectez-vous d'abord au serveur Jupyter.",
    404: "Enregistrement introuvable, ou lien expiré : relancez la lecture depuis le carnet.",
    405: "Lecture impossible : cette adresse sert seulement à écouter un enregistrement.",
}
FAILED = "Lecture impossible : le serveur n'a pas pu lire l'enregistrement."


class MediaHandler(JupyterHandler, web.StaticFileHandler):
    """Streams the file of one grant (GET and HEAD, with ranges), to a logged-in visitor
    only (`JupyterHandler.prepare` redirects anyone else to the login page)."""

    def initialize(self, allows: Allows | None = None) -> None:  # type: ignore[override]
        web.StaticFileHandler.initialize(self, path=os.sep)
        self.allows = allows
        self.grant: grants.Grant | None = None

    @web.authenticated
    async def head(self, token: str) -> None:  # type: ignore[override]
        await self._stream(token, include_body=False)

    @web.authenticated
    async def get(self, token: str, include_body: bool = True) -> None:  # type: ignore[override]
        await self._stream(token, include_body=include_body)

    async def _stream(self, token: str, *, include_body: bool) -> None:
        grant = grants.read(token)
        if grant is not None and self.allows is not None:
            # the policy may read a project (a PostgreSQL one over the network): off the loop
            allowed = await asyncio.get_running_loop().run_in_executor(None, self.allows, grant)
            grant = grant if allowed else None
        if grant is None:
            raise web.HTTPError(404)
        self.grant = grant
        try:
            await web.StaticFileHandler.get(self, grant.path, include_body=include_body)
        except FileNotFoundError:  # removed between the grant's check and its opening
            if self._headers_written:
                raise
            raise web.HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        return path  # the grant's own absolute path, checked by grants.read

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        return absolute_path

    def get_content_type(self) -> str:
        return self.grant.mime if self.grant is not None else "application/octet-stream"

    def compute_etag(self) -> str | None:
        return None  # tornado would hash the whole file (hours of sound) for it

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return 0  # never the ten years tornado gives a URL with ?v=

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "private, no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Disposition", "inline")  # never the file's name
        self.set_header("Referrer-Policy", "no-referrer")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.clear_header("Content-Disposition")
        self.clear_header("Content-Range")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(MESSAGES.get(status_code, FAILED))


def handlers(base_url: str, allows: Allows | None = None) -> list[tuple[Any, ...]]:
    """The route, under `base_url`, for a tornado application."""
    return [(url_path_join(base_url, PATTERN), MediaHandler, {"allows": allows})]


def announce(base_url: str) -> None:
    """Tell the kernels started from now on where the route is (they inherit this)."""
    os.environ[grants.BASE_URL_VARIABLE] = base_url


# -- Jupyter server extension ----------------------------------------------------------------
def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "workbench.media_server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    base_url = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", handlers(base_url))
    announce(base_url)
    serverapp.log.info("workbench: recordings streamed at %sworkbench/media/", base_url)
