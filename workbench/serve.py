"""Serving the COPIL apps (`notebooks/apps/`) with Voila: `make app`, `workbench app`.

Voila runs on 127.0.0.1 by default, in tree mode (a page listing the apps),
with the notebooks' code hidden and tracebacks kept out of the page. The
project reaches the apps' kernels through $WORKBENCH_PROJECT; kernels are
started and the apps run ahead of the first visit (Voila's pre-heated
kernels), so a COPIL member does not wait for the project to load.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from workbench.errors import WorkbenchError

APPS = Path("notebooks") / "apps"
DEFAULT_PORT = 8866


def voila_command(apps: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                  preheat: bool = True, open_browser: bool = False) -> list[str]:
    """The Voila command line for a folder (tree mode) or one notebook."""
    command = [sys.executable, "-m", "voila", str(apps), f"--Voila.ip={host}",
               f"--port={port}", "--strip_sources=True", "--show_tracebacks=False",
               "--theme=light"]
    if not open_browser:
        command.append("--no-browser")
    if preheat:
        # Each app is run once in a waiting kernel; the pool refills after each visit.
        command += ["--preheat_kernel=True", "--pool_size=1"]
    return command


def resolve_project(project: str | Path | None) -> str:
    """The project the apps will show, as an absolute path or a URL; the demo project
    (built now if needed, once) when none is given. A missing folder is refused here
    rather than in every app."""
    from workbench.notebook import find_root, open_project
    from workbench.views import ENV_VARIABLE

    chosen = project or os.environ.get(ENV_VARIABLE)
    if chosen is None:
        demo = open_project(None)  # builds outputs/demo the first time
        location = demo.location
        demo.close()
        return str(Path(location).resolve())
    if "://" in str(chosen):
        return str(chosen)
    path = Path(chosen).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    if not path.exists():
        raise WorkbenchError(f"projet introuvable : {path} (donnez le dossier du projet ou "
                             f"son fichier project.sqlite ; racine : {find_root()}).")
    return str(path.resolve())


def serve(project: str | Path | None = None, host: str = "127.0.0.1",
          port: int = DEFAULT_PORT, open_browser: bool = False, *, preheat: bool = True,
          apps: str | Path | None = None) -> int:
    """Run Voila on the COPIL apps until interrupted; returns Voila's exit code."""
    from workbench.notebook import find_root
    from workbench.views import ENV_VARIABLE

    folder = Path(apps) if apps else find_root() / APPS
    env = {**os.environ, ENV_VARIABLE: resolve_project(project)}
    print(f"Applications du COPIL : http://{host}:{port}/ (projet : {env[ENV_VARIABLE]})")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("Attention : Voila n'a pas d'identification. Ne partagez ces applications "
              "que sur un réseau de confiance, ou derrière un proxy avec authentification.")
    command = voila_command(folder, host=host, port=port, preheat=preheat,
                            open_browser=open_browser)
    try:
        return subprocess.run(command, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `workbench app` (shared with ``python -m workbench.serve``)."""
    parser.add_argument("--project", "-p", default=None,
                        help="project folder or URL (default: $WORKBENCH_PROJECT, else the demo)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0: the whole network — only a "
                             "trusted one, or behind a reverse proxy with authentication)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--open", action="store_true", help="open a browser")
    parser.add_argument("--no-preheat", action="store_true",
                        help="start kernels on each visit instead of ahead of time")


def run(args: argparse.Namespace) -> int:
    """Serve with parsed arguments."""
    return serve(args.project, host=args.host, port=args.port, open_browser=args.open,
                 preheat=not args.no_preheat)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m workbench.serve [--project P] [--host H] [--port N]`."""
    parser = argparse.ArgumentParser(prog="workbench app",
                                     description="Serve the COPIL apps with Voila.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except WorkbenchError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
