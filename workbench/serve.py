"""Serving the COPIL apps (`notebooks/apps/`) with Voila: `make app`, `workbench app`.

Voila runs on 127.0.0.1 by default, in tree mode (a French page listing the apps), with
the notebooks' code hidden and tracebacks kept out of the page. The project reaches the
apps' kernels through $WORKBENCH_PROJECT; kernels are started and the apps run ahead of
the first visit (Voila's pre-heated kernels), so a COPIL member does not wait for the
project to load.

For a meeting:

- the process the user started owns Voila: Ctrl-C, SIGTERM or SIGHUP to it stops Voila,
  every kernel, and frees the port (`serve_process.py`);
- kernels are reclaimed: Jupyter Server culls those idle and disconnected for
  `--cull-idle` minutes, and at most `--max-kernels` run at once; a visit beyond gets a
  French « Le serveur est occupé » page (`serve_kernels.py`, `serve_voila.py`);
- `--share` listens on the network behind a token link or a stored password, optionally
  over HTTPS (`serve_auth.py`);
- every page (list of apps, login, errors) is French and served locally, from the
  templates in `notebooks/apps/gabarit/`.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import socket
import sys
import webbrowser
from collections.abc import Mapping, Sequence
from pathlib import Path

from workbench.errors import WorkbenchError

APPS = Path("notebooks") / "apps"
TEMPLATES = APPS / "gabarit"  # laid out like share/jupyter: voila/templates/copil/
TEMPLATE = "copil"
PROJECT_VARIABLE = "WORKBENCH_PROJECT"  # workbench.views.ENV_VARIABLE
DEFAULT_PORT = 8866
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# JupyterLab extensions of the environment no app uses: never sent to visitors. (anywidget
# stays: the coding panel is served by Voila too, in its tests.)
UNUSED_EXTENSIONS = ("@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments")

# Defaults of `workbench app`
POOL_SIZE = 1  # pre-heated kernels per app
MAX_KERNELS = 20  # kernels at once, pre-heated ones included
# A kernel idle and without an open page that long is stopped: its page is gone (a laptop
# closed, a crashed browser), so only a reconnection within minutes could use it again.
CULL_IDLE_MINUTES = 3.0
CULL_INTERVAL = 30  # seconds between two looks for idle kernels


def template_root() -> Path | None:
    """The folder holding the French Voila templates: next to this package in a
    checkout, else under the workbench folder; None if neither has it."""
    here = Path(__file__).resolve().parents[1] / TEMPLATES
    if (here / "voila" / "templates" / TEMPLATE).is_dir():
        return here
    try:
        from workbench.notebook import find_root

        there = find_root() / TEMPLATES
    except WorkbenchError:
        return None
    return there if (there / "voila" / "templates" / TEMPLATE).is_dir() else None


def voila_command(apps: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                  preheat: bool = True, open_browser: bool = False,
                  pool_size: int = POOL_SIZE, max_kernels: int = MAX_KERNELS,
                  cull_idle: int = int(CULL_IDLE_MINUTES * 60),
                  cull_interval: int = CULL_INTERVAL, cull_connected: bool = False,
                  password_file: str | Path | None = None, certfile: str | Path | None = None,
                  keyfile: str | Path | None = None,
                  pools: Mapping[str, int] | None = None,
                  snapshot: str | None = None) -> list[str]:
    """The command line of the apps' server (Voila, `serve_voila.CopilVoila`) for a folder
    (tree mode) or one notebook. `cull_idle` is in seconds (0: never); `max_kernels` 0
    means no limit; `pool_size` pre-heated kernels per app when `preheat`, `pools` (app
    notebook → size) for the apps that need another; `snapshot`: the label of the snapshot
    served, shown on every page."""
    command = [sys.executable, "-m", "workbench.serve_voila", str(apps),
               f"--Voila.ip={host}", f"--port={port}", "--Voila.port_retries=0",
               "--strip_sources=True", "--show_tracebacks=False", "--theme=light",
               "--VoilaConfiguration.allow_template_override=NO",
               "--VoilaConfiguration.allow_theme_override=NO",
               "--HTMLExporter.language_code=fr",
               # The apps are ipywidgets only: no other JupyterLab extension of the
               # environment (Voila's preview, pygments, anywidget) is sent to visitors.
               *(f"--VoilaConfiguration.extension_denylist={name}"
                 for name in UNUSED_EXTENSIONS),
               f"--CopilKernelManager.max_kernels={max_kernels}",
               f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
               f"--MappingKernelManager.cull_interval={cull_interval}",
               f"--MappingKernelManager.cull_connected={cull_connected}"]
    root = template_root()
    if root is not None:
        command += [f"--CopilVoila.template_root={root}", f"--template={TEMPLATE}",
                    "--classic_tree=True"]
    if not open_browser:
        command.append("--no-browser")
    if preheat and (pool_size > 0 or any(size > 0 for size in (pools or {}).values())):
        # Each app is run in `pool_size` waiting kernels; the pool refills after each visit.
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
        if pools:
            command.append(f"--CopilVoila.app_pools={json.dumps(dict(pools))}")
    if snapshot:
        command.append(f"--CopilVoila.snapshot_label={snapshot}")
    if password_file:
        command.append(f"--CopilVoila.password_file={password_file}")
    if certfile:
        command.append(f"--CopilVoila.certfile={certfile}")
    if keyfile:
        command.append(f"--CopilVoila.keyfile={keyfile}")
    return command


def resolve_project(project: str | Path | None) -> str:
    """The project the apps will show, as an absolute path or a URL; the demo project
    (built now if needed, once) when none is given. A missing folder is refused here
    rather than in every app."""
    from workbench.notebook import find_root, open_project

    chosen = project or os.environ.get(PROJECT_VARIABLE)
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


def check_port_free(host: str, port: int) -> None:
    """Refuse, in French, a port something else already listens on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = {"localhost": "127.0.0.1"}.get(host, host)
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise WorkbenchError(
                    f"le port {port} est déjà pris (un autre serveur des applications ?) : "
                    f"arrêtez-le, ou choisissez un autre port avec --port.") from exc
            raise WorkbenchError(f"impossible d'écouter sur {host}:{port} : {exc}") from exc


def _say(text: str) -> None:
    """Print to the terminal, which may be gone (SIGHUP)."""
    with contextlib.suppress(OSError):
        print(text, flush=True)


def serve(project: str | Path | None = None, host: str = "127.0.0.1",
          port: int = DEFAULT_PORT, open_browser: bool = False, *, preheat: bool = True,
          apps: str | Path | None = None, pool_size: int = POOL_SIZE,
          max_kernels: int = MAX_KERNELS, cull_idle_minutes: float = CULL_IDLE_MINUTES,
          cull_interval: int = CULL_INTERVAL, cull_connected: bool = False,
          share: bool = False, certfile: str | Path | None = None,
          keyfile: str | Path | None = None, pools: Mapping[str, int] | None = None) -> int:
    """Serve the COPIL apps until Ctrl-C, SIGTERM or SIGHUP; Voila and its kernels are
    stopped, and the port freed, before this returns Voila's exit code (0 when stopped
    by a signal). `share` (or a `host` other than the loopback) listens on the network
    behind a token, or the password stored by `--set-password`. `pools`: app → pre-heated
    sessions, for the app a meeting opens first (``{"tableau_de_bord_copil": 20}``)."""
    from workbench import serve_process
    from workbench.serve_auth import (
        TOKEN_VARIABLE,
        network_address,
        new_token,
        password_file,
        stored_password,
    )
    from workbench.views import snapshot_label

    if share and host in LOOPBACK:
        host = "0.0.0.0"
    protected = share or host not in LOOPBACK
    for label, path in (("certificat", certfile), ("clé", keyfile)):
        if path and not Path(path).is_file():
            raise WorkbenchError(f"{label} introuvable : {path}")
    if keyfile and not certfile:
        raise WorkbenchError("--keyfile va avec --certfile (le certificat du serveur).")
    if apps:
        folder = Path(apps)
    else:
        from workbench.notebook import find_root

        folder = find_root() / APPS
    pools = app_pools(folder, pools or {}, pool_size if preheat else 0, max_kernels)
    check_port_free(host, port)
    env = {**os.environ, PROJECT_VARIABLE: resolve_project(project)}
    env.pop(TOKEN_VARIABLE, None)
    hashed = stored_password() if protected else None
    token = new_token() if protected and not hashed else None
    if token:
        env[TOKEN_VARIABLE] = token
    label = snapshot_label(env[PROJECT_VARIABLE])
    command = voila_command(
        folder.resolve(), host=host, port=port, preheat=preheat, pool_size=pool_size,
        max_kernels=max_kernels, cull_idle=max(0, round(cull_idle_minutes * 60)),
        cull_interval=cull_interval, cull_connected=cull_connected,
        password_file=password_file() if hashed else None,
        certfile=Path(certfile).resolve() if certfile else None,
        keyfile=Path(keyfile).resolve() if keyfile else None, pools=pools,
        snapshot=label)
    scheme = "https" if certfile else "http"
    local = f"{scheme}://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/"
    if host == "::":
        local = f"{scheme}://[::1]:{port}/"
    shared = f"{scheme}://{network_address() if host in ('0.0.0.0', '', '::') else host}:{port}/"
    query = f"?token={token}" if token else ""
    _say(f"Démarrage des applications du COPIL (projet : {env[PROJECT_VARIABLE]})…")
    if label:
        _say(f"{label} : chaque page le dit.")

    def ready() -> None:
        _say(f"Applications du COPIL prêtes : {local}{query}")
        if token:
            _say(f"Lien à envoyer aux membres du COPIL : {shared}{query}")
            _say("  (le lien contient le jeton d'accès de cette séance : ne le publiez pas ;"
                 " il change à chaque démarrage)")
        elif hashed:
            _say(f"Adresse à donner aux membres du COPIL : {shared} — mot de passe : celui "
                 "défini par `workbench app --set-password`.")
        plural = "s" if max_kernels > 1 else ""
        limits = (f"au plus {max_kernels} session{plural} à la fois" if max_kernels > 0
                  else "sans limite de sessions")
        idle = (f"une session inactive depuis {cull_idle_minutes:g} min est fermée"
                if cull_idle_minutes > 0 else "les sessions inactives restent ouvertes")
        _say(f"Réglages : {limits} ; {idle}.")
        _say("Arrêt : Ctrl-C (les sessions sont fermées et le port libéré).")
        if open_browser:
            webbrowser.open(f"{local}{query}")

    process = serve_process.start(command, env=env)
    code = serve_process.run_until_stopped(
        process, on_ready=ready, ready=lambda: serve_process.port_answers(host, port))
    _say("Applications du COPIL arrêtées." if code == 0 else
         f"Le serveur des applications s'est arrêté sur une erreur (code {code}) : voir "
         "ses messages ci-dessus.")
    return code


def app_pools(folder: Path, pools: Mapping[str, int], pool_size: int,
               max_kernels: int) -> dict[str, int]:
    """`pools` keyed by the apps' notebook paths (``tableau_de_bord_copil.ipynb``), checked:
    each app exists, and all the pre-heated sessions fit under `max_kernels`."""
    notebooks = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts and not p.name.startswith("."))
    out: dict[str, int] = {}
    for app, size in pools.items():
        name = app if app.endswith(".ipynb") else f"{app}.ipynb"
        found = [n for n in notebooks if n == name or n.rsplit("/", 1)[-1] == name]
        if not found:
            raise WorkbenchError(f"--pool {app} : aucune application de ce nom dans {folder} "
                                 f"(applications : {', '.join(n[:-6] for n in notebooks)}).")
        if size < 0:
            raise WorkbenchError(f"--pool {app}={size} : un nombre de sessions positif ou nul.")
        out[found[0]] = size
    total = sum(out.get(n, pool_size) for n in notebooks)
    if 0 < max_kernels < total:
        raise WorkbenchError(
            f"{total} sessions pré-chauffées ne tiennent pas sous --max-kernels "
            f"{max_kernels} : augmentez --max-kernels (au moins {total} plus le nombre de "
            "visiteurs attendus au-delà) ou réduisez --pool.")
    return out


def _pool(text: str) -> tuple[str, int]:
    app, _, size = text.partition("=")
    try:
        return app.strip(), int(size)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} : écrivez APPLICATION=NOMBRE, par exemple "
            "tableau_de_bord_copil=20") from None


def set_password() -> int:
    """`workbench app --set-password`: ask for a password, store it hashed."""
    from workbench.serve_auth import ask_password, save_password

    path = save_password(ask_password())
    print(f"Mot de passe enregistré (haché) dans {path}. `workbench app --share` le "
          "demandera désormais ; `workbench app --remove-password` l'efface.")
    return 0


def remove_password() -> int:
    """`workbench app --remove-password`: back to a token link per run."""
    from workbench.serve_auth import password_file
    from workbench.serve_auth import remove_password as remove

    if remove():
        print(f"Mot de passe effacé ({password_file()}) : `--share` donnera de nouveau un "
              "lien avec jeton.")
    else:
        print("Aucun mot de passe n'était enregistré.")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `workbench app` (shared with ``python -m workbench.serve``)."""
    parser.add_argument("--project", "-p", default=None, metavar="PROJET",
                        help="dossier ou URL du projet (par défaut : $WORKBENCH_PROJECT, "
                             "sinon la démonstration)")
    parser.add_argument("--host", default="127.0.0.1", metavar="ADRESSE",
                        help="adresse d'écoute (une autre que 127.0.0.1 impose le jeton ou le "
                             "mot de passe de --share)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--open", action="store_true", help="ouvrir un navigateur")
    parser.add_argument("--share", action="store_true",
                        help="écouter sur le réseau (0.0.0.0) derrière un lien à jeton affiché "
                             "au démarrage, ou le mot de passe défini par --set-password")
    parser.add_argument("--set-password", action="store_true",
                        help="enregistrer un mot de passe (haché) pour --share, puis quitter")
    parser.add_argument("--remove-password", action="store_true",
                        help="oublier le mot de passe enregistré (retour au lien à jeton), "
                             "puis quitter")
    parser.add_argument("--certfile", default=None, metavar="FICHIER",
                        help="certificat TLS (PEM) : servir en HTTPS")
    parser.add_argument("--keyfile", default=None, metavar="FICHIER", help="clé privée TLS (PEM)")
    parser.add_argument("--max-kernels", type=int, default=MAX_KERNELS, metavar="N",
                        help="nombre maximal de sessions (noyaux) à la fois, préchauffées "
                             "comprises ; au-delà, les visiteur·euses voient une page « serveur "
                             f"occupé » (0 : sans limite ; par défaut {MAX_KERNELS})")
    parser.add_argument("--cull-idle", type=float, default=CULL_IDLE_MINUTES, metavar="MINUTES",
                        help="arrêter une session inactive depuis ce temps sans page ouverte "
                             f"(0 : jamais ; par défaut {CULL_IDLE_MINUTES:g})")
    parser.add_argument("--cull-interval", type=int, default=CULL_INTERVAL, metavar="SECONDES",
                        help="intervalle de recherche des sessions inactives "
                             f"(par défaut {CULL_INTERVAL})")
    parser.add_argument("--cull-connected", action="store_true",
                        help="arrêter aussi les sessions inactives dont la page est encore "
                             "ouverte")
    parser.add_argument("--pool-size", type=int, default=POOL_SIZE, metavar="N",
                        help=f"sessions préchauffées par appli (par défaut {POOL_SIZE} ; 0 : "
                             "aucune)")
    parser.add_argument("--pool", type=_pool, action="append", default=[],
                        metavar="APPLI=N",
                        help="N sessions préchauffées pour une appli, p. ex. "
                             "tableau_de_bord_copil=20 pour une réunion de vingt personnes "
                             "ouvrant ensemble le tableau de bord (répétable ; compté dans "
                             "--max-kernels)")
    parser.add_argument("--no-preheat", action="store_true",
                        help="démarrer les sessions à chaque visite plutôt qu'à l'avance "
                             "(= --pool-size 0)")
    parser.add_argument("--apps", default=None, metavar="DOSSIER",
                        help="dossier des applis à servir (par défaut : notebooks/apps)")


def run(args: argparse.Namespace) -> int:
    """Serve with parsed arguments (or set / remove the password)."""
    if args.set_password:
        return set_password()
    if args.remove_password:
        return remove_password()
    if args.cull_interval <= 0:
        raise WorkbenchError("--cull-interval : un nombre de secondes positif.")
    return serve(args.project, host=args.host, port=args.port, open_browser=args.open,
                 preheat=not args.no_preheat, apps=args.apps, pool_size=args.pool_size,
                 max_kernels=args.max_kernels, cull_idle_minutes=args.cull_idle,
                 cull_interval=args.cull_interval, cull_connected=args.cull_connected,
                 share=args.share, certfile=args.certfile, keyfile=args.keyfile,
                 pools=dict(args.pool))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m workbench.serve [--project P] [--host H] [--port N] [--share] …`."""
    parser = argparse.ArgumentParser(prog="workbench app",
                                     description="Servir les applis du COPIL avec Voila.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except WorkbenchError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
