"""``p.media.add`` on the `project` fixture (two typed interviews, E01_fatima and
E02_youssef), with WAV files written by Python: the document found by the file's name or
given, copies named by reference, replacing and undoing, hostile files refused with
nothing written, times of documents without any."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from media_fixtures import write_wav

from workbench import Project
from workbench.errors import MediaError, NotFoundError


def history(project: Project) -> list[tuple[str, str]]:
    frame = project.history(50)
    return list(zip(frame["action"], frame["entity"], strict=True))


def recordings_written(project: Project) -> int:
    return sum(entity == "recordings" for _, entity in history(project))


@pytest.mark.parametrize(("file_name", "document"), [
    ("E01_fatima.wav", "E01_fatima"),  # the document's name
    ("E01.wav", "E01_fatima"),  # the beginning of its name
    ("e02_YOUSSEF.WAV", "E02_youssef"),  # letter case aside
    ("E02_youssef_entretien.wav", "E02_youssef"),  # the name, then more
])
def test_the_document_is_found_by_the_file_name(project: Project, tmp_path: Path,
                                                file_name: str, document: str) -> None:
    attached = project.media.add(write_wav(tmp_path / file_name))
    assert (attached.document, attached.status, attached.copied) == (document, "new", False)
    assert attached.path == str((tmp_path / file_name).resolve())
    listed = project.media.list()
    assert listed[["document", "reference", "kind", "format", "file_name", "status"]] \
        .values.tolist() == [[document, document[:3], "audio", "wav", file_name, "présent"]]
    assert listed["duration"].iloc[0] == pytest.approx(1.0)
    assert bool(listed["copied"].iloc[0]) is False


def test_no_document_or_several_are_french_errors_listing_them(project: Project,
                                                               tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="aucun document ne correspond"):
        project.media.add(write_wav(tmp_path / "E07_inconnu.wav"))
    with pytest.raises(MediaError, match="aucun document"):
        project.media.add(write_wav(tmp_path / "E0.wav"))  # E0 is no whole part of a name
    for name in ("Entretien_Lina", "Entretien_Lina_suite"):
        project.import_file(_text(tmp_path / f"{name}.txt"), progress=False)
    with pytest.raises(MediaError, match=r"plusieurs documents correspondent à ce nom de "
                                         r"fichier .*« Entretien_Lina », "
                                         r"« Entretien_Lina_suite »"):
        project.media.add(write_wav(tmp_path / "Entretien.wav"))
    # The exact name (or reference) wins over the names that begin with it.
    assert project.media.add(write_wav(tmp_path / "Entretien_Lina.wav")).document \
        == "Entretien_Lina"
    assert project.media.list()["document"].tolist() == ["Entretien_Lina"]


def _text(path: Path) -> Path:
    path.write_text("Enquêtrice : Bonjour.\nFatima : Bonjour.\n", encoding="utf-8")
    return path


def test_the_document_given_by_name_reference_or_id(project: Project, tmp_path: Path) -> None:
    sound = write_wav(tmp_path / "enregistrement 3.wav")
    assert project.media.add(sound, "E02_youssef").document == "E02_youssef"
    assert project.media.add(sound, "E01").document == "E01_fatima"
    doc_id = int(project.documents().set_index("name").loc["E02_youssef", "id"])
    assert project.media.add(sound, doc_id).status == "unchanged"
    with pytest.raises(NotFoundError, match="aucun document « E09 »"):
        project.media.add(sound, "E09")


def test_a_copy_is_named_by_the_reference_in_the_media_folder(project: Project,
                                                             tmp_path: Path) -> None:
    source = write_wav(tmp_path / "Fatima Aït Lahcen 12 mars.wav", seconds=2.0)
    attached = project.media.add(source, "E01_fatima", copy=True)
    folder = Path(project.location)
    assert attached.path == "media/E01.wav" and attached.copied
    assert str(attached) == ("Fatima Aït Lahcen 12 mars.wav attaché à « E01_fatima » (copié "
                             "dans media/E01.wav, 2.0 s).")
    assert (folder / "media" / "E01.wav").read_bytes() == source.read_bytes()
    assert sorted(p.name for p in (folder / "media").iterdir()) == ["E01.wav"]  # no temp file
    assert "Fatima" not in attached.path
    row = project.media.list().iloc[0]
    assert (row["status"], bool(row["copied"]), row["path"]) == (
        "présent", True, str(folder / "media" / "E01.wav"))
    assert row["file_name"] == source.name  # the original name stays in the live project
    source.unlink()  # the copy does not need the original
    assert project.media.list(check=True)["status"].tolist() == ["présent"]
    # The same file again reuses the copy; another file never overwrites it.
    again = project.media.add(_again(source, folder), "E01_fatima", copy=True)
    assert (again.path, again.status) == ("media/E01.wav", "replaced")  # another file name
    other = project.media.add(write_wav(tmp_path / "autre.wav", seconds=3.0), "E01_fatima",
                              copy=True)
    assert (other.path, other.status) == ("media/E01_2.wav", "replaced")
    assert (folder / "media" / "E01.wav").exists()  # undo may need it again
    project.undo()
    assert project.media.list()["path"].tolist() == [str(folder / "media" / "E01.wav")]


def _again(source: Path, folder: Path) -> Path:
    """The original file back (from the copy), elsewhere."""
    again = folder.parent / "encore.wav"
    shutil.copyfile(folder / "media" / "E01.wav", again)
    return again


def test_replacing_and_removing_are_audited_and_undone(project: Project,
                                                       tmp_path: Path) -> None:
    first = write_wav(tmp_path / "E01.wav", seconds=1.0)
    second = write_wav(tmp_path / "E01_v2.wav", seconds=2.0)
    project.media.add(first)
    assert project.media.add(first).status == "unchanged"  # nothing written
    assert recordings_written(project) == 1
    assert project.media.add(second, "E01_fatima").status == "replaced"
    assert project.media.list()["file_name"].tolist() == ["E01_v2.wav"]
    project.media.remove("E01_fatima")
    assert project.media.list().empty and second.exists()
    assert [a for a, e in history(project) if e == "recordings"][:3] == [
        "media-remove", "media-replace", "media-add"]
    project.undo()
    assert project.media.list()["file_name"].tolist() == ["E01_v2.wav"]
    project.undo()
    assert project.media.list()["file_name"].tolist() == ["E01.wav"]
    project.undo()
    assert project.media.list().empty
    with pytest.raises(NotFoundError, match="n'a pas d'enregistrement"):
        project.media.remove("E01_fatima")


def test_removing_a_document_removes_its_recording_audited(project: Project,
                                                          tmp_path: Path) -> None:
    project.media.add(write_wav(tmp_path / "E02.wav"))
    project.remove_document("E02_youssef")
    assert project.media.list().empty
    assert ("remove", "recordings") in history(project)  # with the document, not undone


# -- hostile files: refused in French, nothing written -----------------------------------------
@pytest.mark.parametrize("content", [b"", b"PK\x03\x04" + b"\x00" * 60, b"RIFF\x00"])
def test_a_hostile_file_writes_nothing(project: Project, tmp_path: Path,
                                       content: bytes) -> None:
    bad = tmp_path / "E01.wav"
    bad.write_bytes(content)
    before = len(project.history(None))
    for copy in (False, True):
        with pytest.raises(MediaError, match=r"E01\.wav : "):
            project.media.add(bad, copy=copy)
    assert project.media.list().empty and len(project.history(None)) == before
    assert not (Path(project.location) / "media").exists()


def test_a_failed_transaction_leaves_no_copy(project: Project, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("coupure")

    monkeypatch.setattr("workbench.media.stored.attach", fail)
    with pytest.raises(RuntimeError, match="coupure"):
        project.media.add(write_wav(tmp_path / "E01.wav"), copy=True)
    assert list((Path(project.location) / "media").iterdir()) == []
    assert project.media.list().empty


def test_a_file_changed_during_the_copy_is_refused(project: Project, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    sound = write_wav(tmp_path / "E01.wav")
    from workbench import recordings
    from workbench.media.files import probe

    def probe_then_change(path: str | Path) -> object:
        found = probe(path)
        write_wav(Path(path), seconds=2.0)  # still being written, or synchronised
        return found

    monkeypatch.setattr(recordings, "probe", probe_then_change)
    with pytest.raises(MediaError, match="le fichier a changé pendant la copie"):
        project.media.add(sound, copy=True)
    assert list((Path(project.location) / "media").iterdir()) == []


def test_a_copy_needs_a_sqlite_project(pg_url: str, corpus_dir: Path, tmp_path: Path) -> None:
    with Project.create(pg_url, coder="claire") as p:
        p.import_corpus(corpus_dir, progress=False)
        with pytest.raises(MediaError, match="un projet PostgreSQL n'a pas de dossier"):
            p.media.add(write_wav(tmp_path / "E01.wav"), copy=True)
        assert p.media.list().empty
        attached = p.media.add(tmp_path / "E01.wav")  # referenced: fine
        assert attached.document == "E01_fatima"
        assert p.media.list()["status"].tolist() == ["présent"]
        p.media.remove("E01_fatima")
        p.undo()
        assert len(p.media.list()) == 1


# -- times of a typed transcript (no time in it) -----------------------------------------------
def test_an_untimed_document_is_spread_over_its_recording(project: Project,
                                                          tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="ni la transcription ni un enregistrement"):
        project.media.span("E01_fatima", turn=1)
    untimed = project.media.timeline("E01_fatima")
    assert untimed["t_start"].isna().all() and not untimed["interpolated"].any()
    project.media.add(write_wav(tmp_path / "E01.wav", seconds=60.0))
    timeline = project.media.timeline("E01_fatima")
    assert list(timeline.columns) == ["turn", "speaker", "start", "end", "t_start", "t_end",
                                      "interpolated", "start_interpolated",
                                      "end_interpolated"]
    assert timeline["turn"].tolist() == list(range(1, len(timeline) + 1))
    assert timeline["interpolated"].all()
    assert timeline["t_start"].iloc[0] == 0.0
    assert timeline["t_end"].iloc[-1] == pytest.approx(60.0)
    assert timeline["t_start"].is_monotonic_increasing
    t0, t1, rough = project.media.span("E01_fatima", turn=2)
    assert 0 < t0 < t1 < 60 and rough
    text = project.text("E01_fatima")
    start = text.index("le puits")
    a, b, rough = project.media.span("E01_fatima", start=start, end=start + len("le puits"))
    assert 0 < a < b < 60 and rough
    with pytest.raises(MediaError, match="pas de tour 99"):
        project.media.span("E01_fatima", turn=99)
    with pytest.raises(MediaError, match="soit un tour"):
        project.media.span("E01_fatima", turn=1, start=0)
    with pytest.raises(MediaError, match="la fin précède le début"):
        project.media.span("E01_fatima", start=50, end=10)


@pytest.mark.slow
def test_a_recording_over_2_gib_is_streamed_and_its_size_kept(pg_url: str, corpus_dir: Path,
                                                             tmp_path: Path) -> None:
    """A file past 2**31 bytes (sparse: no disk used) is hashed in chunks, never whole in
    memory, and its size fits the column on PostgreSQL (a 64-bit integer)."""
    import tracemalloc

    big = write_wav(tmp_path / "E01.wav", seconds=0.5)
    size = 2 ** 31 + 4096
    with big.open("r+b") as handle:
        handle.truncate(size)
    with Project.create(pg_url, coder="claire") as p:
        p.import_corpus(corpus_dir, progress=False)
        tracemalloc.start()
        try:
            attached = p.media.add(big)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 64 * 2 ** 20
        assert attached.duration == pytest.approx(0.5)  # the header's, not the padding's
        row = p.media.list().iloc[0]
        assert (int(row["size"]), row["status"]) == (size, "présent")
