"""Who may open the shared COPIL apps (`workbench app --share`): a token or a password.

- Token: a random one per run, printed as a link to send (``http://host:port/?token=…``);
  Jupyter Server checks it and keeps the visitor logged in with a cookie.
- Password: set once with ``workbench app --set-password``, stored hashed (argon2,
  Jupyter Server's ``passwd``) in ``<user config dir>/workbench/copil_apps.json``
  (Linux: ``~/.config/workbench/``, or ``$XDG_CONFIG_HOME/workbench/``), readable by its
  owner only. When it exists, a shared server asks for it instead of a token.

The token reaches Voila through its environment (never its command line, which every
user of the machine can read), and Voila removes it before starting any kernel.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import socket
import sys
from pathlib import Path

from workbench.errors import WorkbenchError

TOKEN_VARIABLE = "WORKBENCH_APP_TOKEN"
PASSWORD_FILE = "copil_apps.json"
MIN_PASSWORD = 8


def config_dir() -> Path:
    """The user's configuration folder for the workbench."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if base:
        return Path(base) / "workbench"
    try:
        from platformdirs import user_config_dir

        return Path(user_config_dir("workbench", appauthor=False))
    except ImportError:
        return Path.home() / ".config" / "workbench"


def password_file() -> Path:
    """Where the hashed password of the shared apps is kept."""
    return config_dir() / PASSWORD_FILE


def stored_password(path: Path | None = None) -> str | None:
    """The hashed password (``argon2:…``), or None when none was set."""
    path = path or password_file()
    if not path.exists():
        return None
    try:
        hashed = json.loads(path.read_text(encoding="utf-8")).get("hashed_password")
    except (OSError, ValueError, AttributeError) as exc:
        raise WorkbenchError(f"fichier de mot de passe illisible : {path} ({exc}) ; "
                             "recommencez `workbench app --set-password`.") from exc
    return hashed or None


def save_password(password: str, path: Path | None = None) -> Path:
    """Hash `password` and store it (owner-only file); returns the file."""
    from jupyter_server.auth import passwd

    if len(password) < MIN_PASSWORD:
        raise WorkbenchError(f"mot de passe trop court : {MIN_PASSWORD} caractères au moins.")
    path = path or password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"hashed_password": passwd(password)}, indent=2) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as f:
        f.write(data)
    os.chmod(path, 0o600)
    return path


def remove_password(path: Path | None = None) -> bool:
    """Forget the stored password; whether there was one."""
    path = path or password_file()
    if path.exists():
        path.unlink()
        return True
    return False


def ask_password() -> str:
    """The new password: typed twice at a terminal, or one line on standard input
    (``echo … | workbench app --set-password``)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Nouveau mot de passe des applications du COPIL : ")
    second = getpass.getpass("Le même, une seconde fois : ")
    if first != second:
        raise WorkbenchError("les deux mots de passe diffèrent ; rien n'a été changé.")
    return first


def new_token() -> str:
    """A random token for one run of a shared server."""
    return secrets.token_urlsafe(24)


def network_address() -> str:
    """This machine's address on the local network (the one its default route uses),
    else its host name. Nothing is sent: a UDP socket is only pointed somewhere."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never reached
            address = probe.getsockname()[0]
            if address and not address.startswith("127."):
                return str(address)
    except OSError:
        pass
    return socket.gethostname()
