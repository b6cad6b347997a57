"""The media route: the Jupyter server (and the COPIL apps' Voila server) stream the
recordings a kernel asked to play, at ``<base_url>workbench/media/<token>``.

A kernel writes a grant (`workbench.media.grants`); this route reads it and streams the
file with tornado's static file machinery, which answers HTTP range requests (what an
HTML5 media element sends to seek), in chunks, so an hours-long file is never read
whole. The visitor must be logged in to the server, as for any of its pages; an
unknown, expired or malformed token, or a file changed since, gets a 404.

In JupyterLab the route comes as a Jupyter server extension (enabled by the
``jupyter_server_config.d/workbench.json`` file the package installs, or
``jupyter server extension enable workbench.media_server``); the COPIL apps' server adds
it itself (`serve_voila`), restricted to the project it serves and only when that
project lets its apps play recordings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from workbench.media import grants

Allows = Callable[[grants.Grant], bool]
PATTERN = r"/workbench/media/([^/]+)"


class MediaHandler(JupyterHandler, web.StaticFileHandler):
    """Streams the file of one grant (GET and HEAD, with ranges)."""

    def initialize(self, allows: Allows | None = None) -> None:  # type: ignore[override]
        web.StaticFileHandler.initialize(self, path=os.sep)
        self.allows = allows
        self.grant: grants.Grant | None = None

    @web.authenticated
    def head(self, token: str) -> Any:  # type: ignore[override]
        return self.get(token, include_body=False)

    @web.authenticated
    async def get(self, token: str, include_body: bool = True) -> None:  # type: ignore[override]
        grant = grants.read(token)
        if grant is None or (self.allows is not None and not self.allows(grant)):
            raise web.HTTPError(404)
        self.grant = grant
        await web.StaticFileHandler.get(self, grant.path, include_body=include_body)

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        return path  # the grant's own absolute path, checked by grants.read

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        return absolute_path

    def get_content_type(self) -> str:
        return self.grant.mime if self.grant is not None else "application/octet-stream"

    def compute_etag(self) -> str | None:
        return None  # tornado would hash the whole file (hours of sound) for it

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "private, no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Disposition", "inline")  # never the file's name

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.clear_header("Content-Disposition")
        message = {404: "Enregistrement introuvable, ou lien expiré : relancez la lecture "
                        "depuis le carnet."}.get(status_code, "Lecture impossible.")
        self.finish(message)


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
