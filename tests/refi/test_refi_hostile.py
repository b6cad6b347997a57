"""Hostile and damaged archives: each refused with a clear error, nothing left at the target."""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path

import pytest

from tests.refi.builders import make_qdpx, nothing_left, one_source_project, project_xml
from workbench import Project
from workbench.errors import ExchangeError
from workbench.refi import import_qdpx
from workbench.refi.archive import SafeArchive

TEXT = "Enquêtrice : Bonjour.\nFatima : Le puits du village.\n".encode()


def refused(archive: Path, tmp_path: Path, *words: str) -> str:
    target = tmp_path / "nouveau"
    with pytest.raises(ExchangeError) as err:
        import_qdpx(archive, target, coder="claire")
    message = str(err.value)
    for word in words:
        assert word in message, message
    assert nothing_left(target)
    return message


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return one_source_project(tmp_path / "ok.qdpx", TEXT, [(31, 51, None)])


def add_member(archive: Path, info: zipfile.ZipInfo | str, data: bytes) -> Path:
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(info, data)
    return archive


def test_the_good_archive_imports(good: Path, tmp_path: Path) -> None:
    project, report = Project.import_qdpx(good, tmp_path / "nouveau", coder="claire")
    assert project.extracts()["text"].tolist() == ["Le puits du village."]
    assert report.codings == 1
    project.close()


@pytest.mark.parametrize("name", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt",
                                  "C:/Windows/evil.txt", "..\\evil.txt"])
def test_member_escaping_the_folder_is_refused(good: Path, tmp_path: Path, name: str) -> None:
    add_member(good, name, b"x")
    refused(good, tmp_path, "archive refusée", name)


def test_symlink_member_is_refused(good: Path, tmp_path: Path) -> None:
    info = zipfile.ZipInfo("sources/lien.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    add_member(good, info, b"/etc/passwd")
    refused(good, tmp_path, "lien symbolique")


def test_zip_bomb_of_300_mb_of_zeros_is_refused(tmp_path: Path) -> None:
    archive = one_source_project(tmp_path / "bomb.qdpx", TEXT, [(31, 51, None)])
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("sources/bombe.txt", "w", force_zip64=True) as member:
        block = bytes(1024**2)
        for _ in range(300):
            member.write(block)
    assert archive.stat().st_size < 2 * 1024**2  # 300 MB inflated, under 2 MB on disk
    refused(archive, tmp_path, "bombe zip")


def _patch(archive: Path, member: str, fmt: str, local: int, central: int, value: int) -> None:
    """Overwrite one field of `member` in its local header and its central directory record."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
    struct.pack_into(fmt, data, info.header_offset + local, value)
    record = data.find(b"PK\x01\x02")
    while record >= 0:
        name_len = struct.unpack_from("<H", data, record + 28)[0]
        if data[record + 46:record + 46 + name_len].decode() == member:
            struct.pack_into(fmt, data, record + central, value)
            break
        record = data.find(b"PK\x01\x02", record + 4)
    archive.write_bytes(bytes(data))


def test_header_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    zeros = bytes(50 * 1024**2)
    archive = one_source_project(tmp_path / "menteur.qdpx", zeros, [(0, 10, None)])
    _patch(archive, "sources/s.txt", "<I", 22, 24, 1_000)  # uncompressed size
    with zipfile.ZipFile(archive) as zf:  # the headers now announce a tiny member
        assert zf.getinfo("sources/s.txt").file_size == 1_000
    refused(archive, tmp_path, "sources/s.txt")


def test_too_many_members_are_refused(good: Path) -> None:
    for i in range(12):
        add_member(good, f"sources/{i}.txt", b"x")
    with pytest.raises(ExchangeError, match="au plus 10"):
        SafeArchive(good, max_members=10)


def test_total_size_announced_past_the_limit_is_refused(good: Path) -> None:
    add_member(good, "sources/gros.txt", b"abc" * 400_000)
    with pytest.raises(ExchangeError, match="annonce"):
        SafeArchive(good, max_total=1_000_000)


def test_encrypted_member_is_refused(good: Path, tmp_path: Path) -> None:
    add_member(good, "sources/secret.txt", b"x")
    _patch(good, "sources/secret.txt", "<H", 6, 8, 0x1)  # general purpose flag: encrypted
    refused(good, tmp_path, "chiffré")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&h;"/>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.invalid/refi.dtd">
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&ent;</Description></Project>"""


@pytest.mark.parametrize(("qde", "words"), [
    (BILLION_LAUGHS, ("DTD", "billion laughs")),
    (EXTERNAL_ENTITY, ("DTD", "entités externes")),
    (EXTERNAL_DTD, ("DTD",)),
])
def test_xml_entities_are_refused(tmp_path: Path, qde: bytes, words: tuple[str, ...]) -> None:
    archive = make_qdpx(tmp_path / "xml.qdpx", qde)
    refused(archive, tmp_path, "project.qde", *words)


def test_truncated_zip_is_refused(good: Path, tmp_path: Path) -> None:
    data = good.read_bytes()
    cut = tmp_path / "coupe.qdpx"
    cut.write_bytes(data[: len(data) // 2])
    refused(cut, tmp_path, "tronqué")


def test_archive_without_project_qde_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "vide.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("sources/a.txt", "texte")
    refused(archive, tmp_path, "project.qde")


def test_broken_xml_names_line_and_column(tmp_path: Path) -> None:
    archive = make_qdpx(tmp_path / "casse.qdpx", project_xml("<Sources>")[:-5])
    refused(archive, tmp_path, "XML invalide", "ligne")


def test_existing_target_is_never_overwritten(good: Path, tmp_path: Path) -> None:
    target = tmp_path / "existant"
    target.mkdir()
    (target / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(ExchangeError, match="existe déjà"):
        import_qdpx(good, target, coder="claire")
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_import_into_a_sqlite_file_or_url_and_failures_leave_nothing(good: Path,
                                                                     tmp_path: Path) -> None:
    project, _ = Project.import_qdpx(good, tmp_path / "a" / "projet.sqlite", coder="claire")
    assert len(project.extracts()) == 1
    project.close()
    url = f"sqlite:///{tmp_path / 'b' / 'projet.db'}"
    project, _ = Project.import_qdpx(good, url, coder="claire")
    assert len(project.extracts()) == 1
    project.close()
    cut = tmp_path / "coupe.qdpx"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(ExchangeError):
        import_qdpx(cut, f"sqlite:///{tmp_path / 'c' / 'projet.db'}", coder="claire")
    assert not (tmp_path / "c").exists()


def test_a_failure_while_writing_removes_the_staged_project(tmp_path: Path) -> None:
    from workbench.refi.project_import import _staged
    from workbench.store import Store

    target = tmp_path / "dossier" / "neuf" / "projet"
    with pytest.raises(RuntimeError, match="panne"), _staged(target) as where:
        Store.connect(where, create=True).close()
        raise RuntimeError("panne")
    assert not (tmp_path / "dossier").exists()
    assert list(tmp_path.iterdir()) == []
