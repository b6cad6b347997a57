"""Grants, the links through which a server streams a recording: written by a kernel in
the Jupyter runtime folder (private to the user), named by an unguessable token, and
read back by the server only if the token, the file and every field are what a kernel
writes; a changed file, an expired, malformed or oversized grant is refused; a grant is
reused while it has more than half its life left; expired grants are purged."""

from __future__ import annotations

import json
import os
import re
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from media_fixtures import write_wav

from workbench.media import grants
from workbench.media.grants import LIFETIME

PROJECT = "/srv/enquete/project.sqlite"


@pytest.fixture(autouse=True)
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Grants go to a runtime folder of this test; no kernel's memory of former grants."""
    folder = tmp_path / "runtime"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folder))
    monkeypatch.delenv(grants.BASE_URL_VARIABLE, raising=False)
    monkeypatch.setattr(grants, "_issued", {})
    monkeypatch.setattr(grants, "_last_purge", 0.0)
    return folder


@pytest.fixture
def sound(tmp_path: Path) -> Path:
    folder = tmp_path / "entretiens"
    folder.mkdir()
    return write_wav(folder / "Samira_Lyon.wav", seconds=0.5)


def _issue(path: Path, **kwargs: Any) -> grants.Grant:
    return grants.issue(path, size=path.stat().st_size, mime="audio/wav", project=PROJECT,
                        **kwargs)


def _plant(runtime: Path, token: str, content: str | bytes) -> Path:
    """A grant file written by hand (not by `issue`)."""
    folder = grants.grant_folder()
    path = folder / f"{token}.json"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _fields(sound: Path, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"token": "x", "path": str(sound), "size": sound.stat().st_size,
                            "mime": "audio/wav", "project": PROJECT,
                            "expires": time.time() + 3600}
    data.update(changes)
    return data


TOKEN = "A" * 43


def test_a_grant_lies_in_the_runtime_folder_privately(runtime: Path, sound: Path) -> None:
    grant = _issue(sound)
    assert grants.grant_folder() == runtime / "workbench-media"
    file = runtime / "workbench-media" / f"{grant.token}.json"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", grant.token)
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data == {"token": grant.token, "path": str(sound.resolve()),
                    "size": sound.stat().st_size, "mime": "audio/wav", "project": PROJECT,
                    "expires": grant.expires}
    assert grants.read(grant.token) == grant
    # no temporary file is left beside it
    assert [p.name for p in file.parent.iterdir()] == [file.name]


def test_a_folder_opened_to_others_is_made_private_again(runtime: Path) -> None:
    folder = grants.grant_folder()
    folder.chmod(0o755)
    assert stat.S_IMODE(grants.grant_folder().stat().st_mode) == 0o700


def test_the_url_is_the_route_under_the_server_base_url(
        sound: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grant = _issue(sound)
    assert not grants.served() and grant.url == f"/workbench/media/{grant.token}"
    monkeypatch.setenv(grants.BASE_URL_VARIABLE, "/user/ana")
    assert grants.served() and grant.url == f"/user/ana/workbench/media/{grant.token}"


@pytest.mark.parametrize("token", [
    "", "abc", "A" * 31, "A" * 65, "../" + "A" * 40, "A" * 40 + "/..", "A" * 40 + ".json",
    "A" * 40 + "\n", "A" * 40 + "é", "%2e%2e" + "A" * 40,
])
def test_a_token_of_another_form_is_refused(runtime: Path, sound: Path, token: str) -> None:
    # even when a grant file of that name exists, in the folder or above it
    name = token.replace("/", "_").replace("\n", "_")
    if name:
        _plant(runtime, name, json.dumps(_fields(sound)))
    runtime.mkdir(exist_ok=True)
    (runtime / "evil.json").write_text(json.dumps(_fields(sound)), encoding="utf-8")
    assert grants.read(token) is None
    assert grants.read("../evil") is None
    assert grants.read(None) is None  # type: ignore[arg-type]


def test_a_well_formed_planted_grant_is_read(runtime: Path, sound: Path) -> None:
    # the reference for the refusals below: the same file, unchanged, is accepted
    _plant(runtime, TOKEN, json.dumps(_fields(sound)))
    grant = grants.read(TOKEN)
    assert grant is not None and grant.path == str(sound) and grant.token == TOKEN


def test_an_expired_grant_is_refused(sound: Path) -> None:
    now = time.time()
    grant = _issue(sound, now=now)
    assert grants.read(grant.token, now=now + LIFETIME - 1) == grant
    assert grants.read(grant.token, now=now + LIFETIME + 1) is None


def test_a_file_changed_moved_or_replaced_is_refused(sound: Path) -> None:
    grant = _issue(sound)
    with sound.open("ab") as out:
        out.write(b"\0" * 2)
    assert grants.read(grant.token) is None  # another size: perhaps another recording
    grants._issued.clear()
    grant = _issue(sound)
    moved = sound.with_name("ailleurs.wav")
    sound.rename(moved)
    assert grants.read(grant.token) is None
    sound.mkdir()  # a folder where the file was
    assert grants.read(grant.token) is None


@pytest.mark.parametrize("change", [
    {"size": "44"}, {"size": -1}, {"size": True}, {"size": 1.5},
    {"expires": "demain"}, {"expires": True}, {"expires": None},
    {"mime": "text/html"}, {"mime": "audio/wav; charset=utf-8"}, {"mime": "audio/"},
    {"mime": 3}, {"path": "entretiens/Samira_Lyon.wav"}, {"path": ["/etc/passwd"]},
    {"path": "/tmp/a\u0000b"}, {"project": None},
])
def test_a_field_of_the_wrong_type_or_range_is_refused(runtime: Path, sound: Path,
                                                        change: dict[str, Any]) -> None:
    _plant(runtime, TOKEN, json.dumps(_fields(sound, **change)))
    assert grants.read(TOKEN) is None


@pytest.mark.parametrize("expires", ["NaN", "Infinity", "-Infinity", "1e300"])
def test_an_expiry_that_never_comes_is_refused(runtime: Path, sound: Path,
                                              expires: str) -> None:
    # json.dumps would write NaN too: Python reads it back, and NaN < now is never true
    data = json.dumps(_fields(sound, expires=0)).replace('"expires": 0', f'"expires": {expires}')
    _plant(runtime, TOKEN, data)
    assert grants.read(TOKEN) is None


def test_an_expiry_beyond_a_grant_lifetime_is_refused(runtime: Path, sound: Path) -> None:
    _plant(runtime, TOKEN, json.dumps(_fields(sound, expires=time.time() + 3 * LIFETIME)))
    assert grants.read(TOKEN) is None


@pytest.mark.parametrize("content", [
    b"", b"{", b"null", b"[]", b'"texte"', b"\xff\xfe{}", b"{}",
    b"[" * 4000 + b"]" * 4000,  # deeper than Python's recursion limit, within the size
])
def test_a_malformed_grant_file_is_refused(runtime: Path, content: bytes) -> None:
    _plant(runtime, TOKEN, content)
    assert grants.read(TOKEN) is None


def test_an_oversized_grant_file_is_refused(runtime: Path, sound: Path) -> None:
    data = _fields(sound, padding=" " * grants.MAX_GRANT_BYTES)
    _plant(runtime, TOKEN, json.dumps(data))
    assert grants.read(TOKEN) is None


def test_a_grant_that_is_no_regular_file_is_refused_without_waiting(runtime: Path,
                                                                     sound: Path) -> None:
    folder = grants.grant_folder()
    good = _issue(sound)
    (folder / f"{TOKEN}.json").symlink_to(folder / f"{good.token}.json")
    assert grants.read(TOKEN) is None  # a link may point anywhere
    other = "B" * 43
    os.mkfifo(folder / f"{other}.json")  # opening a FIFO to read would block the server
    answers: list[object] = []
    reader = threading.Thread(target=lambda: answers.append(grants.read(other)), daemon=True)
    reader.start()
    reader.join(30)
    assert answers == [None]


def test_a_grant_is_reused_within_half_its_life(sound: Path, tmp_path: Path) -> None:
    now = time.time()
    first = _issue(sound, now=now)
    assert _issue(sound, now=now + LIFETIME / 2 - 60) == first
    renewed = _issue(sound, now=now + LIFETIME / 2 + 60)
    assert renewed.token != first.token and renewed.expires > first.expires
    # another project, another size or another file: another grant
    other_project = grants.issue(sound, size=sound.stat().st_size, mime="audio/wav",
                                 project="/autre/project.sqlite", now=now)
    assert other_project.token not in {first.token, renewed.token}
    other = write_wav(tmp_path / "autre.wav", seconds=0.2)
    assert _issue(other).token != renewed.token
    # a grant whose file was purged is written again
    (grants.grant_folder() / f"{renewed.token}.json").unlink()
    grants._issued.clear()
    reissued = _issue(sound)
    (grants.grant_folder() / f"{reissued.token}.json").unlink()
    again = _issue(sound)
    assert again.token != reissued.token and grants.read(again.token) == again


def test_expired_grants_and_stale_leftovers_are_purged(runtime: Path, sound: Path) -> None:
    now = time.time()
    fresh = _issue(sound, now=now)
    folder = grants.grant_folder()
    old = _plant(runtime, "E" * 43, json.dumps(_fields(sound, expires=now - 10)))
    garbage = _plant(runtime, "C" * 43, b"pas du json")
    stale_tmp = folder / ".grant-abc.tmp"
    stale_tmp.write_text("{}", encoding="utf-8")
    os.utime(stale_tmp, (now - 7200, now - 7200))
    recent_tmp = folder / ".grant-def.tmp"
    recent_tmp.write_text("{}", encoding="utf-8")
    notes = folder / "notes.txt"
    notes.write_text("rien", encoding="utf-8")
    assert grants.purge(now=now, force=True) == 3
    remaining = {p.name for p in folder.iterdir()}
    assert remaining == {f"{fresh.token}.json", ".grant-def.tmp", "notes.txt"}
    assert not old.exists() and not garbage.exists()
    # at most once an hour, unless forced; issuing purges too
    _plant(runtime, "D" * 43, b"{}")
    assert grants.purge(now=now + 60) == 0
    grants._issued.clear()
    _issue(sound, now=now + 2 * 3600)
    assert not (folder / f"{'D' * 43}.json").exists()
