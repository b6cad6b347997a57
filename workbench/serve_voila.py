"""Voila as `workbench app` runs it: ``python -m workbench.serve_voila`` takes Voila's own
options, plus:

- a ceiling on kernels (`CopilKernelManager.max_kernels`): a visit beyond it gets a
  French page « Le serveur est occupé, réessayez dans une minute » (HTTP 503);
- the French templates of `notebooks/apps/gabarit/` (``--CopilVoila.template_root``):
  the list of apps, the login page, error pages, nothing fetched from a CDN;
- a token from $WORKBENCH_APP_TOKEN, or a stored hashed password
  (``--CopilVoila.password_file``), checked by Jupyter Server's identity provider;
  no password change from the browser;
- HTTPS with ``--CopilVoila.certfile`` / ``--CopilVoila.keyfile``;
- the media route (`media_server`), streaming only the recordings of the project served,
  and only when that project lets its apps play them (``p.media.allow_in_apps()``);
- only what the apps need: Voila's contents listing is not served, an unknown address
  gets the French 404 page; SIGHUP stops the server like SIGTERM (kernels shut down).

Jupyter Server's contents, terminals and kernels-listing APIs are not part of Voila's
standalone server at all; the kernels' websocket only carries widget messages (no
code to execute).
"""

from __future__ import annotations

import functools
import json
import os
import signal
import ssl
import time
from pathlib import Path
from typing import Any

from jupyter_server.auth.login import LoginFormHandler
from tornado import web
from traitlets import Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.handler import BaseVoilaHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler

from workbench import media_server
from workbench.media.grants import Grant
from workbench.serve import PROJECT_VARIABLE
from workbench.serve_auth import TOKEN_VARIABLE, stored_password
from workbench.serve_kernels import CopilKernelManager, ServerBusy

RETRY_AFTER = "60"


# -- the list of apps: each app's title and summary, from its notebook ---------------------
@functools.lru_cache(maxsize=64)
def _summary(path: str, mtime: float) -> dict[str, str]:
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        cells = []
    title, summary = "", ""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        lines = ("".join(source) if isinstance(source, list) else source).splitlines()
        paragraph: list[str] = []
        for line in lines:
            text = line.strip()
            if text.startswith("#") and not title:
                title = text.lstrip("#").strip()
            elif text:
                paragraph.append(text)
            elif paragraph:
                break
        summary = " ".join(paragraph)
        break
    if not title:
        title = Path(path).stem.replace("_", " ").capitalize()
    return {"title": title, "summary": summary}


def app_summary(root: str | Path, relative: str) -> dict[str, str]:
    """{"title", "summary"} of the notebook `relative` under `root`: the first markdown
    cell's heading and first paragraph, else the file name."""
    path = Path(root) / relative
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _summary(str(path), mtime)


# -- recordings ----------------------------------------------------------------------------
POLICY_SECONDS = 5.0  # how long the project's « apps may play » setting is trusted


def media_policy(target: str | None) -> media_server.Allows | None:
    """Which grants the media route serves: with a project served (`workbench app`), only
    that project's, and only while it lets its apps play recordings (read again every
    few seconds, so turning it off takes effect during a meeting); without one (a
    researcher's own coding notebook under Voila), any valid grant."""
    if not target:
        return None
    seen: dict[str, Any] = {"at": -POLICY_SECONDS, "key": "", "allowed": False}

    def allows(grant: Grant) -> bool:
        now = time.monotonic()
        if now - seen["at"] >= POLICY_SECONDS:
            from workbench.recordings import served_project

            seen["key"], seen["allowed"] = served_project(target)
            seen["at"] = now
        return bool(seen["allowed"]) and grant.project == seen["key"]

    return allows


# -- handlers ------------------------------------------------------------------------------
class LimitedVoilaHandler(TornadoVoilaHandler):
    """Voila's app handler, refusing a visit the kernel limit leaves no room for, and
    giving every visitor the cookie the page needs to shut its kernel down on leaving."""

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        manager = self.kernel_manager
        notebook = self.notebook_path or path or ""
        if (isinstance(manager, CopilKernelManager) and notebook.endswith(".ipynb")
                and manager.refuses_visit(notebook)):
            self.log.warning("Visit to %s refused: %d kernels running (limit %d).",
                             notebook, manager.kernel_count(), manager.max_kernels)
            raise ServerBusy()
        # The page's `beforeunload` asks for its kernel's shutdown with the _xsrf cookie;
        # Voila sets that cookie on the list of apps only, so a visitor who came straight
        # to an app (a link in an e-mail) left a kernel behind at each visit.
        _ = self.xsrf_token
        await super().get(path)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 503:
            self.set_header("Retry-After", RETRY_AFTER)
        super().write_error(status_code, **kwargs)


class NotFoundHandler(BaseVoilaHandler):
    """Any address Voila does not serve: the French 404 page."""

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()  # the visitor, for the page (or a redirect to the login)
        if not self._finished:
            raise web.HTTPError(404)


class CopilLoginHandler(LoginFormHandler):
    """Jupyter Server's login form, rendered from the French template (login.html)."""

    def get_template(self, name: str) -> Any:
        return self.settings["voila_jinja2_env"].get_template(name)

    def static_url(self, path: str, include_host: bool | None = None, **kwargs: Any) -> str:
        return f"{self.base_url}voila/static/{path}"


# -- the application -----------------------------------------------------------------------
class CopilVoila(Voila):
    """Voila with the workbench's limits, templates and access rules."""

    template_root = Unicode(
        "", config=True,
        help="A folder laid out like share/jupyter (voila/templates/<name>/) searched first "
             "for templates, e.g. notebooks/apps/gabarit.")
    password_file = Unicode(
        "", config=True, help="JSON file holding the hashed password ({'hashed_password'}).")
    certfile = Unicode("", config=True, help="TLS certificate (PEM): serve over HTTPS.")
    keyfile = Unicode("", config=True, help="TLS private key (PEM), if not in certfile.")
    snapshot_label = Unicode(
        "", config=True,
        help="« Instantané « COPIL du 12 mars » du … » when the apps show a snapshot: "
             "every page of the server says so.")
    app_pools = Unicode(
        "", config=True,
        help='JSON {"app.ipynb": pre-heated kernels} for apps whose pool differs from '
             "--pool_size (the app a meeting opens first).")

    def initialize(self, argv: list[str] | None = None) -> None:
        super().initialize(argv)
        if "multi_kernel_manager_class" not in self.config.VoilaConfiguration:
            self.voila_configuration.multi_kernel_manager_class = CopilKernelManager
        token = os.environ.pop(TOKEN_VARIABLE, "")  # kernels must not inherit it
        if token:
            self.token = token
        extra: dict[str, Any] = {"allow_password_change": False}
        if self.password_file:
            hashed = stored_password(Path(self.password_file))
            if hashed:
                extra["hashed_password"] = hashed
        self.update_config(Config({"PasswordIdentityProvider": extra}))
        if self.app_pools:
            # Voila's pool manager (VoilaKernelManager) reads one size per notebook here.
            pools = {name: {"pool_size": size} for name, size in json.loads(self.app_pools).items()}
            pools["default"] = {"pool_size": max(self.voila_configuration.default_pool_size, 0)}
            self.update_config(Config({"VoilaKernelManager": {"kernel_pools_config": pools}}))
        signal.signal(signal.SIGHUP, self._handle_signal_stop)
        media_server.announce(self.base_url)  # the kernels started from now on know the route

    def setup_template_dirs(self) -> None:
        if self.template_root:  # searched before the installed templates, here and later
            paths = [self.template_root, *filter(None, [os.environ.get("JUPYTER_PATH")])]
            os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
        super().setup_template_dirs()

    def init_settings(self) -> dict:
        settings = super().init_settings()
        root = self.root_dir
        globals_ = settings["voila_jinja2_env"].globals
        globals_["copil_app"] = functools.partial(app_summary, root)
        globals_["copil_snapshot"] = self.snapshot_label
        settings["default_handler_class"] = NotFoundHandler
        settings["default_handler_args"] = {"voila_configuration": self.voila_configuration}
        provider = getattr(self, "identity_provider", None)
        if provider is not None:
            provider.login_handler_class = CopilLoginHandler
        return settings

    def init_handlers(self) -> list:
        handlers = []
        for rule in super().init_handlers():
            if rule[1] is VoilaContentsHandler:
                continue  # the tree page is rendered by the server: no listing API
            if rule[1] is TornadoVoilaHandler:
                rule = (rule[0], LimitedVoilaHandler, *rule[2:])
            handlers.append(rule)
        media = media_server.handlers(self.server_url or self.base_url,
                                      media_policy(os.environ.get(PROJECT_VARIABLE)))
        return media + handlers

    def listen(self) -> None:
        if self.certfile:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.certfile, self.keyfile or None)
            self.app.listen = functools.partial(self.app.listen, ssl_options=context)
        super().listen()


def main(argv: list[str] | None = None) -> None:
    """Run the server (options as `voila`'s, plus CopilVoila's and the kernel limit)."""
    CopilVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
