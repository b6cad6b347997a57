"""Recordings through REFI-QDA: each document stays a TextSource with its codings, and its
recording is an AudioSource (in the archive, named by GUID) whose Transcript is the same
text with a SyncPoint at each timed turn; the import attaches it again, copied into the
new project, with the turns' times. Pseudonymised exports carry no voice; a missing file
is reported; an audio member inflating past the limit is refused with nothing imported."""

from __future__ import annotations

import hashlib
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xmlschema
from media_fixtures import Recording, missing_tools, synthesise, write_vtt, write_wav

from tests.refi.builders import REFI, copy_project
from workbench import Project
from workbench.errors import ExchangeError
from workbench.refi import export_qdpx, media_xml

NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    if not (REFI / "Project.xsd").is_file():
        pytest.skip(f"REFI-QDA schema missing ({REFI})")
    return xmlschema.XMLSchema(REFI / "Project.xsd")


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    if missing_tools():
        pytest.skip(f"{', '.join(missing_tools())} missing: sh tools/system_deps.sh test "
                    "installs them (speech is synthesised for these tests)")
    return synthesise(tmp_path_factory.mktemp("son"), "E01_fatima")


@pytest.fixture
def timed(tmp_path: Path, sound: Recording, codebook_file: Path) -> Project:
    """A project with one interview transcribed as WebVTT beside its recording, two
    passages coded."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(sound.path, corpus / sound.path.name)
    write_vtt(corpus / "E01_fatima.vtt", sound.segments)
    p = Project.create(tmp_path / "projet", coder="claire")
    p.load_codebook(codebook_file)
    p.import_corpus(corpus, progress=False)
    keys = list(p.codes()["key"])
    timeline = p.media.timeline("E01_fatima")
    first, second = timeline.iloc[1], timeline.iloc[3]
    p.code("E01_fatima", int(first["start"]) + 2, int(first["end"]) - 1, keys[0])
    p.code("E01_fatima", int(second["start"]), int(second["end"]), keys[1])
    yield p
    p.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _codings(p: Project) -> list[tuple]:
    frame = p.extracts()
    return sorted(zip(frame["document"], frame["code"], frame["start"], frame["end"],
                      frame["text"], strict=True))


def test_round_trip_of_a_recording(timed: Project, sound: Recording, tmp_path: Path,
                                   project_schema: xmlschema.XMLSchema) -> None:
    path = tmp_path / "export.qdpx"
    report = export_qdpx(timed, path)
    assert report.recordings == 1 and report.recordings_skipped == 0
    assert "1 enregistrement(s)" in str(report)
    assert not any("ne sont pas exportés : cette version" in w for w in report.warnings)
    with zipfile.ZipFile(path) as zf:
        data = zf.read("project.qde")
        project_schema.validate(data.decode("utf-8"))
        root = ET.fromstring(data)
        text_source = root.find("q:Sources/q:TextSource", NS)
        audio = root.find("q:Sources/q:AudioSource", NS)
        assert text_source is not None and audio is not None
        assert len(text_source.findall("q:PlainTextSelection", NS)) == 2  # codings stay
        assert audio.get("path") == f"internal://{audio.get('guid')}.wav"
        assert "fatima" not in audio.get("path", "").lower()
        member = f"sources/{audio.get('guid')}.wav"
        assert hashlib.sha256(zf.read(member)).hexdigest() == _sha(sound.path)
        assert not [n for n in zf.namelist() if "fatima" in n.lower()]
        transcript = audio.find("q:Transcript", NS)
        assert transcript is not None
        assert transcript.get("plainTextPath") == text_source.get("plainTextPath")
        points = [(int(x.get("position")), int(x.get("timeStamp")))
                  for x in transcript.findall("q:SyncPoint", NS)]
    timeline = timed.media.timeline("E01_fatima")
    measured = timeline[~timeline["interpolated"]]
    assert len(measured) == len(sound.segments)  # every turn timed by the .vtt
    assert points == [p for _, r in measured.iterrows()
                      for p in ((int(r["start"]), round(float(r["t_start"]) * 1000)),
                                (int(r["end"]), round(float(r["t_end"]) * 1000)))]
    assert [t for _, t in points] == [round(x * 1000) for s in sound.segments
                                      for x in (s.start, s.end)]

    again, back = Project.import_qdpx(path, tmp_path / "retour", coder="claire")
    try:
        assert back.recordings == 1
        assert list(again.documents()["name"]) == ["E01_fatima"]
        assert again.text("E01_fatima") == timed.text("E01_fatima")
        assert _codings(again) == _codings(timed)
        listed = again.media.list(check=True)
        assert listed[["document", "kind", "format", "copied", "status"]].values.tolist() == \
            [["E01_fatima", "audio", "wav", True, "présent"]]
        copy = Path(listed["path"].iloc[0])
        assert copy.parent == tmp_path / "retour" / "media" and "fatima" not in copy.name
        assert _sha(copy) == _sha(sound.path)
        new = again.media.timeline("E01_fatima")
        assert list(new["start"]) == list(timeline["start"])
        for column in ("t_start", "t_end"):  # measured times back, to the millisecond
            assert [round(x, 3) for x in new[column]] == \
                [round(float(x), 3) for x in timeline[column]]
        assert not new["interpolated"].any()
    finally:
        again.close()


def test_pseudonymised_export_carries_no_audio(demo: Project, tmp_path: Path,
                                               project_schema: xmlschema.XMLSchema) -> None:
    p = copy_project(demo, tmp_path / "demo")
    try:
        document = sorted(p.documents()["name"])[0]
        p.media.add(write_wav(tmp_path / "voix.wav"), document)
        path = tmp_path / "copil.qdpx"
        report = export_qdpx(p, path, pseudonymise=True)
        with zipfile.ZipFile(path) as zf:
            data = zf.read("project.qde")
            project_schema.validate(data.decode("utf-8"))
            assert not [n for n in zf.namelist() if n.endswith(".wav")]
        assert b"AudioSource" not in data
        assert report.recordings == 0 and report.recordings_skipped == 1
        assert any("une voix identifie une personne" in w for w in report.warnings)
    finally:
        p.close()


def test_a_missing_file_is_reported(project: Project, tmp_path: Path,
                                    project_schema: xmlschema.XMLSchema) -> None:
    wav = write_wav(tmp_path / "E01_fatima.wav")
    project.media.add(wav)
    wav.unlink()
    path = tmp_path / "export.qdpx"
    report = export_qdpx(project, path)
    assert report.recordings == 0 and report.recordings_skipped == 1
    assert any("introuvable" in w and "E01_fatima" in w for w in report.warnings)
    with zipfile.ZipFile(path) as zf:
        project_schema.validate(zf.read("project.qde").decode("utf-8"))


def test_a_present_wav_goes_into_the_archive_and_comes_back(project: Project,
                                                              tmp_path: Path) -> None:
    """Without espeak-ng: a silent WAV, a transcript without times (no SyncPoint)."""
    wav = write_wav(tmp_path / "E02_youssef.wav")
    project.media.add(wav)
    path = tmp_path / "export.qdpx"
    assert export_qdpx(project, path).recordings == 1
    again, back = Project.import_qdpx(path, tmp_path / "retour", coder="claire")
    try:
        assert back.recordings == 1
        listed = again.media.list(check=True)
        assert listed[["document", "status"]].values.tolist() == [["E02_youssef", "présent"]]
        assert _sha(Path(listed["path"].iloc[0])) == _sha(wav)
    finally:
        again.close()


def test_an_audio_member_past_the_limit_is_refused(project: Project, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project.media.add(write_wav(tmp_path / "E01_fatima.wav", seconds=2.0))
    path = tmp_path / "export.qdpx"
    export_qdpx(project, path)
    monkeypatch.setattr(media_xml, "MAX_MEDIA_BYTES", 10_000)
    target = tmp_path / "retour"
    with pytest.raises(ExchangeError, match="au-delà de la limite de 10000 octets"):
        Project.import_qdpx(path, target, coder="claire")
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".retour")]


def test_an_audio_source_without_text_source_becomes_a_document(tmp_path: Path) -> None:
    from tests.refi.builders import attrs, guid, project_xml

    audio, transcript = guid(), guid()
    text = ("Enquêtrice : Bonjour, comment allez-vous ?\nFatima : Je suis née à Tiznit.\n"
            "Enquêtrice : Et ensuite ?\nFatima : Je suis venue.\n")
    source = attrs(guid=audio, name="Entretien", path=f"internal://{audio}.wav")
    body = (f"<Sources><AudioSource {source}>"
            f"<Transcript {attrs(guid=transcript, name='Entretien')}>"
            f"<PlainTextContent>{text}</PlainTextContent>"
            f"<SyncPoint {attrs(guid=guid(), position=0, timeStamp=500)}/>"
            f"<SyncPoint {attrs(guid=guid(), position=43, timeStamp=1500)}/>"
            "</Transcript></AudioSource></Sources>")
    wav = write_wav(tmp_path / "son.wav", seconds=2.0)
    path = tmp_path / "audio.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", project_xml(body))
        zf.write(wav, f"sources/{audio}.wav")
    again, report = Project.import_qdpx(path, tmp_path / "retour", coder="claire")
    try:
        assert report.recordings == 1
        assert again.text("Entretien") == text
        times = again.media.timeline("Entretien")
        assert list(times["t_start"])[:2] == [0.5, 1.5]
        assert times["interpolated"].all()  # points at starts only: the ends are estimated

        assert again.media.list()["status"].tolist() == ["présent"]
    finally:
        again.close()


def test_room_for_media_does_not_raise_the_limit_of_texts(tmp_path: Path) -> None:
    """Recordings get their own allowance: texts read into memory keep theirs."""
    from workbench.refi.archive import SafeArchive

    path = tmp_path / "gros.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", b"<Project/>")
        zf.writestr("sources/a.txt", "x" * 5000)
    with SafeArchive(path, max_total=3000, max_media=10**9) as archive:
        assert archive.read("project.qde") == b"<Project/>"
        with pytest.raises(ExchangeError, match="textes de l'archive au-delà de 3000"):
            archive.read("sources/a.txt")


def test_import_into_postgresql_keeps_the_document_without_the_file(
        project: Project, tmp_path: Path, pg_url: str) -> None:
    project.media.add(write_wav(tmp_path / "E01_fatima.wav"))
    path = tmp_path / "export.qdpx"
    export_qdpx(project, path)
    again, report = Project.import_qdpx(path, pg_url, coder="claire")
    try:
        assert report.recordings == 0
        assert any("n'ont pas pu être copiés" in w and "PostgreSQL" in w
                   for w in report.warnings)
        assert sorted(again.documents()["name"]) == sorted(project.documents()["name"])
        assert again.media.list().empty
    finally:
        again.close()
