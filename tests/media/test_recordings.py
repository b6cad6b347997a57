"""Recordings imported with their transcripts, on real sound: French sentences spoken by
espeak-ng and joined by sox (`media_fixtures`), transcribed as WebVTT, Praat TextGrid,
Transcriber .trs and text with [hh:mm:ss] marks whose times are those of the sound.

The import attaches them in its transaction; ``p.media.list`` tells a changed, moved or
missing file; ``relink`` fixes a moved one; the turns' times come from the transcripts;
a snapshot for the COPIL, a REFI-QDA export, a merge and a backup handle the new table.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from media_fixtures import (
    Recording,
    needs_format,
    needs_tools,
    synthesise,
    write_marked_text,
    write_textgrid,
    write_trs,
    write_vtt,
)

from workbench import Project
from workbench.errors import CorpusError, MediaError
from workbench.store.backup import backup, restore

pytestmark = needs_tools

KARIM = [
    ("Enquêteur", "Tu peux te présenter ?"),
    ("Karim", "Je suis né à Marseille, mes parents viennent de Taroudannt."),
    ("Enquêteur", "Tu vas souvent au bled ?"),
    ("Karim", "Chaque été, avec mes cousins."),
]
LINA = [
    ("Enquêtrice", "Parlez-moi de l'association."),
    ("Lina", "Nous avons construit une école au village."),
    ("Enquêtrice", "Et le puits ?"),
]


@pytest.fixture(scope="module")
def sounds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Recording]:
    """The recordings, made once for the module."""
    folder = tmp_path_factory.mktemp("sons")
    return {"E01_fatima": synthesise(folder, "E01_fatima"),
            "E02_karim": synthesise(folder, "E02_karim", KARIM, extension="ogg"),
            "E03_lina": synthesise(folder, "E03_lina", LINA)}


@pytest.fixture
def corpus(tmp_path: Path, sounds: dict[str, Recording]) -> Path:
    """A corpus folder: each recording beside its transcript (vtt, TextGrid, trs), and a
    typed interview without a recording."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for made in sounds.values():
        shutil.copy2(made.path, folder / made.path.name)
    fatima, karim, lina = sounds["E01_fatima"], sounds["E02_karim"], sounds["E03_lina"]
    write_vtt(folder / "E01_fatima.vtt", fatima.segments)
    write_textgrid(folder / "E02_karim.TextGrid", karim.segments, karim.duration)
    write_trs(folder / "E03_lina.trs", lina.segments, lina.duration)
    (folder / "E04_notes.txt").write_text("Notes de terrain sans enregistrement.\n",
                                          encoding="utf-8")
    return folder


@pytest.fixture
def imported(tmp_path: Path, corpus: Path) -> Project:
    p = Project.create(tmp_path / "projet", coder="claire")
    p.import_corpus(corpus, progress=False)
    yield p
    p.close()


def test_the_import_attaches_each_recording_to_its_transcript(tmp_path: Path, corpus: Path,
                                                              sounds: dict[str, Recording]
                                                              ) -> None:
    with Project.create(tmp_path / "projet", coder="claire") as p:
        results = {r.document: r for r in p.import_corpus(corpus, progress=False)}
        assert sorted(results) == ["E01_fatima", "E02_karim", "E03_lina", "E04_notes"]
        assert {n: (r.recording, r.recording_status) for n, r in results.items()} == {
            "E01_fatima": ("E01_fatima.wav", "new"), "E02_karim": ("E02_karim.ogg", "new"),
            "E03_lina": ("E03_lina.wav", "new"), "E04_notes": (None, None)}
        listed = p.media.list()
        assert listed["document"].tolist() == ["E01_fatima", "E02_karim", "E03_lina"]
        assert listed["status"].tolist() == ["présent"] * 3
        assert listed["format"].tolist() == ["wav", "ogg", "wav"]
        assert not listed["copied"].any()
        assert listed["path"].tolist() == [str((corpus / n).resolve()) for n in
                                           ("E01_fatima.wav", "E02_karim.ogg", "E03_lina.wav")]
        for name, made in sounds.items():
            duration = listed.set_index("document").loc[name, "duration"]
            assert duration == pytest.approx(made.duration, abs=0.05)
        # One transaction: the import and its recordings are undone together.
        history = p.history(50)
        txn = history.loc[history["action"] == "media-import", "txn"].unique()
        assert len(txn) == 1
        assert txn[0] in set(history.loc[history["action"] == "import", "txn"])
        p.history.revert(txn[0])
        assert p.media.list().empty and p.documents().empty
        # A re-import attaches them again; another one changes nothing.
        p.import_corpus(corpus, progress=False)
        again = p.import_corpus(corpus, progress=False)
        assert {r.recording_status for r in again if r.recording} == {"unchanged"}


@pytest.mark.parametrize("document", ["E01_fatima", "E02_karim", "E03_lina"])
def test_the_turns_carry_the_times_of_the_recording(imported: Project,
                                                    sounds: dict[str, Recording],
                                                    document: str) -> None:
    timeline = imported.media.timeline(document)
    segments = sounds[document].segments
    assert timeline["speaker"].tolist() == [s.speaker for s in segments]
    assert timeline["t_start"].tolist() == pytest.approx([s.start for s in segments])
    assert timeline["t_end"].tolist() == pytest.approx([s.end for s in segments])
    assert not timeline["interpolated"].any()
    text = imported.text(document)
    for row, segment in zip(timeline.itertuples(), segments, strict=True):
        assert text[row.start:row.end] == segment.text
    second = segments[1]
    assert imported.media.span(document, turn=2) == pytest.approx(
        (second.start, second.end, False))
    start = text.index(second.text)
    assert imported.media.span(document, start=start, end=start + len(second.text)) \
        == pytest.approx((second.start, second.end, False))
    middle = start + len(second.text) // 2  # half-way through the turn: an estimate
    t0, t1, rough = imported.media.span(document, start=middle)
    assert second.start < t0 < second.end and t1 == pytest.approx(second.end) and rough


def test_marks_in_typed_text_time_some_turns_the_rest_is_interpolated(
        tmp_path: Path, sounds: dict[str, Recording]) -> None:
    fatima = sounds["E01_fatima"]
    folder = tmp_path / "saisi"
    folder.mkdir()
    shutil.copy2(fatima.path, folder / "E05_saisi.wav")
    write_marked_text(folder / "E05_saisi.txt", fatima.segments, every=2)
    with Project.create(tmp_path / "projet", coder="claire") as p:
        [result] = p.import_corpus(folder, progress=False)
        assert result.recording == "E05_saisi.wav"
        timeline = p.media.timeline("E05_saisi")
    marked = [int(s.start) for s in fatima.segments]  # [hh:mm:ss]: whole seconds
    assert timeline["t_start"].iloc[0] == marked[0] and timeline["t_start"].iloc[2] == marked[2]
    assert timeline["interpolated"].all()  # every turn has an estimated end at least
    assert timeline["t_start"].iloc[1] == pytest.approx(fatima.segments[1].start, abs=1.5)
    assert timeline["t_end"].iloc[-1] == pytest.approx(fatima.duration)
    assert timeline["t_start"].is_monotonic_increasing


def test_a_changed_file_is_modified_a_moved_one_missing_then_relinked(
        imported: Project, corpus: Path, tmp_path: Path) -> None:
    wav = corpus / "E01_fatima.wav"
    data = wav.read_bytes()
    # The same size, another content (a few samples touched).
    wav.write_bytes(data[:-4] + bytes(4 * [1]))
    status = imported.media.list().set_index("document")["status"]
    assert status["E01_fatima"] == "à vérifier"  # the size alone does not tell
    assert imported.media.list(check=True).set_index("document")["status"]["E01_fatima"] \
        == "modifié"
    wav.write_bytes(data + b"\x00\x00")  # another size: seen without reading it
    assert imported.media.list().set_index("document")["status"]["E01_fatima"] == "modifié"
    wav.write_bytes(data)
    assert imported.media.list(check=True).set_index("document")["status"]["E01_fatima"] \
        == "présent"
    # Moved: missing, never a crash; relinked to its new place.
    moved = tmp_path / "rangement" / "fatima-12-mars.wav"
    moved.parent.mkdir()
    shutil.move(wav, moved)
    (corpus / "E02_karim.ogg").unlink()
    status = imported.media.list(check=True).set_index("document")["status"]
    assert status.to_dict() == {"E01_fatima": "introuvable", "E02_karim": "introuvable",
                                "E03_lina": "présent"}
    relinked = imported.media.relink("E01_fatima", moved)
    assert relinked.path == str(moved.resolve()) and relinked.file_name == "E01_fatima.wav"
    assert str(relinked).startswith("E01_fatima.wav retrouvé pour « E01_fatima » (référencé à ")
    row = imported.media.list().set_index("document").loc["E01_fatima"]
    assert (row["status"], row["path"]) == ("présent", str(moved.resolve()))
    imported.undo()
    assert imported.media.list().set_index("document")["status"]["E01_fatima"] == "introuvable"


def test_relinking_to_another_file_needs_force(imported: Project, corpus: Path) -> None:
    other = corpus / "E03_lina.wav"
    with pytest.raises(MediaError, match=r"E03_lina\.wav n'est pas l'enregistrement attaché "
                                         r"à « E01_fatima » .*force=True"):
        imported.media.relink("E01_fatima", other)
    assert imported.media.list().set_index("document").loc["E01_fatima", "file_name"] \
        == "E01_fatima.wav"
    forced = imported.media.relink("E01_fatima", other, force=True)
    assert (forced.file_name, forced.status) == ("E03_lina.wav", "replaced")
    row = imported.media.list().set_index("document").loc["E01_fatima"]
    assert (row["file_name"], row["status"]) == ("E03_lina.wav", "présent")
    imported.undo()
    assert imported.media.list().set_index("document").loc["E01_fatima", "file_name"] \
        == "E01_fatima.wav"


@needs_format("mp3")
def test_an_mp3_and_a_copy_named_by_reference(tmp_path: Path) -> None:
    made = synthesise(tmp_path / "sons", "Lina Haddad 2024-03-12", LINA, extension="mp3")
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_trs(folder / "E03_lina.trs", made.segments, made.duration)
    with Project.create(tmp_path / "projet", coder="claire") as p:
        p.import_corpus(folder, progress=False)
        attached = p.media.add(made.path, "E03_lina", copy=True)
        assert attached.path == "media/E03.mp3"
        assert attached.duration == pytest.approx(made.duration, abs=0.2)
        row = p.media.list(check=True).iloc[0]
        assert (row["format"], row["status"], row["file_name"]) == (
            "mp3", "présent", "Lina Haddad 2024-03-12.mp3")


def test_recordings_are_not_mistaken_for_transcripts(tmp_path: Path, corpus: Path) -> None:
    (corpus / "E09_sans_transcription.wav").write_bytes(
        (corpus / "E01_fatima.wav").read_bytes())  # a recording alone: left aside
    with Project.create(tmp_path / "projet", coder="claire") as p:
        names = [r.document for r in p.import_corpus(corpus, progress=False)]
        assert "E09_sans_transcription" not in names and len(p.media.list()) == 3
        with pytest.raises(CorpusError, match="c'est un enregistrement, pas une transcription"):
            p.import_file(corpus / "E01_fatima.wav")
        # Given in a list, a recording goes with the transcript of its name.
        other = tmp_path / "ailleurs"
        other.mkdir()
        shutil.copy2(corpus / "E03_lina.trs", other / "E05_lina.trs")
        shutil.copy2(corpus / "E03_lina.wav", tmp_path / "E05_lina.wav")
        [result] = p.import_corpus([other / "E05_lina.trs", tmp_path / "E05_lina.wav"],
                                   progress=False)
        assert result.recording == "E05_lina.wav"
        with pytest.raises(CorpusError, match="aucune transcription du même nom"):
            p.import_corpus([other / "E05_lina.trs", corpus / "E09_sans_transcription.wav"],
                            progress=False)


def test_a_bad_recording_beside_a_transcript_refuses_the_whole_import(
        tmp_path: Path, corpus: Path) -> None:
    (corpus / "E02_karim.ogg").write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # a zip
    shutil.copy2(corpus / "E03_lina.wav", corpus / "E03_lina.mp3")  # two for one document
    with Project.create(tmp_path / "projet", coder="claire") as p:
        with pytest.raises(CorpusError) as error:
            p.import_corpus(corpus, progress=False)
        message = str(error.value)
        assert "2 fichier(s) ne peuvent pas être importés, rien n'a été importé" in message
        assert "E02_karim.ogg : son nom annonce un son Ogg, mais son contenu est une archive " \
               "ZIP" in message
        assert "plusieurs enregistrements portent son nom (E03_lina.mp3, E03_lina.wav)" \
            in message
        assert p.documents().empty and p.media.list().empty


def test_a_single_transcript_imports_with_its_recording(tmp_path: Path, corpus: Path) -> None:
    with Project.create(tmp_path / "projet", coder="claire") as p:
        result = p.import_file(corpus / "E02_karim.TextGrid", progress=False)
        assert (result.recording, result.recording_status) == ("E02_karim.ogg", "new")


# -- privacy and the other features -----------------------------------------------------------
def test_a_snapshot_carries_no_recording(imported: Project, tmp_path: Path) -> None:
    imported.media.add(imported_wav(imported), "E04_notes", copy=True)
    imported.privacy.propose()
    imported.export.snapshot(tmp_path / "copil", "COPIL", names_reviewed=True)
    with Project.open(tmp_path / "copil") as frozen:
        assert frozen.media.list().empty
        assert not (tmp_path / "copil" / "media").exists()
        # The turns keep their times: the transcript's structure, not the voice.
        assert not frozen.media.timeline("E01")["t_start"].isna().any()
    con = sqlite3.connect(tmp_path / "copil" / "project.sqlite")
    try:
        assert con.execute("SELECT COUNT(*) FROM recordings").fetchone() == (0,)
    finally:
        con.close()


def imported_wav(project: Project) -> Path:
    return Path(project.media.list().set_index("document").loc["E01_fatima", "path"])


def test_refi_export_carries_the_recordings(imported: Project, tmp_path: Path) -> None:
    """(tests/refi/test_recordings_qdpx.py tests the round trip in detail.)"""
    report = imported.export.qdpx(tmp_path / "etude.qdpx")
    assert (report.recordings, report.recordings_skipped) == (3, 0)
    assert "3 enregistrement(s)" in str(report)
    assert not [w for w in report.warnings if "enregistrement" in w]


def test_a_coders_copy_references_the_leads_files_and_its_recordings_are_not_merged(
        imported: Project, tmp_path: Path) -> None:
    imported.media.add(imported_wav(imported), "E04_notes", copy=True)
    copy = imported.team.copy_for("amina", tmp_path / "copie")
    with Project.open(copy, coder="amina") as amina:
        listed = amina.media.list().set_index("document")
        assert listed["status"].tolist() == ["présent"] * 4  # the lead's copy, by its path
        assert listed.loc["E04_notes", "path"] == str(Path(imported.location).resolve()
                                                      / "media" / "E04.wav")
        assert not listed["copied"].any()
        amina.media.remove("E02_karim")
        amina.media.add(imported_wav(imported), "E03_lina")
    report = imported.team.merge(copy)
    assert report.txn is None and not report.changed
    [note] = [w for w in report.warnings if "enregistrement" in w]
    assert note.startswith("1 enregistrement(s) de la copie ne sont pas repris (« E03_lina »)")
    assert imported.media.list().set_index("document").loc["E03_lina", "file_name"] \
        == "E03_lina.wav"


def test_a_backup_keeps_the_links(imported: Project, tmp_path: Path) -> None:
    imported.media.add(imported_wav(imported), "E04_notes", copy=True)
    saved = backup(imported.store, tmp_path / "sauvegarde.sqlite")
    restore(saved, tmp_path / "restaure")
    with Project.open(tmp_path / "restaure") as restored:
        status = restored.media.list().set_index("document")["status"]
    # Referenced files are where they were; the copy stayed in the first project's folder.
    assert status.to_dict() == {"E01_fatima": "présent", "E02_karim": "présent",
                                "E03_lina": "présent", "E04_notes": "introuvable"}


def test_the_same_on_postgresql(pg_url: str, corpus: Path, sounds: dict[str, Recording],
                                tmp_path: Path) -> None:
    with Project.create(pg_url, coder="claire") as p:
        results = p.import_corpus(corpus, progress=False)
        assert sum(r.recording is not None for r in results) == 3
        listed = p.media.list(check=True)
        assert listed["status"].tolist() == ["présent"] * 3
        assert listed["size"].tolist() == [(corpus / n).stat().st_size for n in
                                           ("E01_fatima.wav", "E02_karim.ogg", "E03_lina.wav")]
        timeline = p.media.timeline("E02_karim")
        assert timeline["t_end"].tolist() == pytest.approx(
            [s.end for s in sounds["E02_karim"].segments])
        moved = tmp_path / "karim.ogg"
        shutil.move(corpus / "E02_karim.ogg", moved)
        assert p.media.list().set_index("document")["status"]["E02_karim"] == "introuvable"
        p.media.relink("E02_karim", moved)
        assert p.media.list().set_index("document")["status"]["E02_karim"] == "présent"
        p.undo()
        assert p.media.list().set_index("document")["status"]["E02_karim"] == "introuvable"


def test_the_command_line_says_which_recordings_it_attached(
        tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli import main

    project = str(tmp_path / "etude")
    main(["init", project])
    main(["import", "-p", project, str(corpus)])
    out = capsys.readouterr().out
    assert "E02_karim : nouveau, 4 tour(s) de parole" in out
    assert "  enregistrement E02_karim.ogg : attaché" in out
    assert out.count("enregistrement ") == 3
    main(["import", "-p", project, str(corpus)])
    assert "enregistrement" not in capsys.readouterr().out  # unchanged: nothing to say
