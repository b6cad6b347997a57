"""Reading recordings (`media.formats`, `media.files`): the extension checked against the
file's first bytes, size and digest streamed, duration read by mutagen; hostile files
refused in French or read safely (empty, truncated, an archive renamed .wav, a header
announcing gigabytes)."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest
from media_fixtures import needs_format, needs_tools, synthesise, write_wav

from workbench.errors import MediaError
from workbench.media import formats
from workbench.media.files import digest, probe
from workbench.media.formats import container_of, is_media, media_format


def test_extensions_name_formats_and_kinds() -> None:
    assert [media_format(f"a.{e}").kind for e in ("wav", "mp3", "m4a", "ogg")] == ["audio"] * 4
    assert media_format("E01.MP4").kind == "video" and media_format("x.webm").kind == "video"
    assert media_format("E01.vtt") is None and not is_media("E01.TextGrid")
    assert is_media(Path("E01.WAV"))


@pytest.mark.parametrize(("head", "container"), [
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wave"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", "mpeg"),
    (b"\xff\xfb\x90\x64\x00\x00", "mpeg"),  # MPEG-1 layer III frame
    (b"\xff\xf1\x50\x80\x00\x00", None),  # AAC ADTS: layer bits 00, not MPEG audio
    (b"\x00\x00\x00\x20ftypM4A \x00\x00", "isobmff"),
    (b"OggS\x00\x02\x00\x00", "ogg"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "ebml"),
    (b"PK\x03\x04\x14\x00", None),
    (b"", None),
])
def test_containers_by_their_signature(head: bytes, container: str | None) -> None:
    assert container_of(head) == container


def test_a_wav_is_read_with_its_duration_size_and_digest(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "E01.wav", seconds=2.5)
    found = probe(path)
    data = path.read_bytes()
    assert (found.size, found.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert found.duration == pytest.approx(2.5)
    assert (found.kind, found.format.extension, found.warnings) == ("audio", "wav", [])


def test_the_digest_is_streamed_in_chunks(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_wav(tmp_path / "long.wav", seconds=3.0)
    monkeypatch.setattr("workbench.media.files.CHUNK", 4096)
    reads: list[int] = []
    size, sha = digest(path, progress=reads.append)
    assert sha == hashlib.sha256(path.read_bytes()).hexdigest() and size == sum(reads)
    assert len(reads) > 10 and max(reads) <= 4096  # never the whole file at once


@needs_tools
@pytest.mark.parametrize("extension", [
    "ogg", pytest.param("mp3", marks=needs_format("mp3"))])
def test_compressed_recordings_have_a_duration(tmp_path: Path, extension: str) -> None:
    made = synthesise(tmp_path, "E02", extension=extension)
    found = probe(made.path)
    assert found.duration == pytest.approx(made.duration, abs=0.2)
    assert found.warnings == []


# -- hostile files ---------------------------------------------------------------------------
def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vide.wav").write_bytes(b"")
    with pytest.raises(MediaError, match=r"vide\.wav : le fichier est vide \(0 octet\)"):
        probe(tmp_path / "vide.wav")


def test_a_few_bytes_are_refused_as_truncated(tmp_path: Path) -> None:
    (tmp_path / "bout.wav").write_bytes(b"RIFF\x00\x01")
    with pytest.raises(MediaError, match=r"6 octet.* tronqué"):
        probe(tmp_path / "bout.wav")


def test_a_zip_named_wav_is_refused(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "E01.wav", "w") as archive:
        archive.writestr("mot.txt", "pas un son")
    with pytest.raises(MediaError, match=r"son nom annonce un son WAV .*son contenu est une "
                                         r"archive ZIP"):
        probe(tmp_path / "E01.wav")


def test_a_recording_under_another_extension_is_refused_with_the_right_name(
        tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "E01.mp3")
    with pytest.raises(MediaError, match=r"son contenu est un son WAV.*Renommez-le en \.wav"):
        probe(wav)


def test_a_transcript_renamed_is_refused(tmp_path: Path) -> None:
    (tmp_path / "E01.ogg").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOui\n")
    with pytest.raises(MediaError, match="des sous-titres WebVTT"):
        probe(tmp_path / "E01.ogg")


@pytest.mark.parametrize("name", ["E01.flac", "E01", "E01.txt"])
def test_other_extensions_are_refused(tmp_path: Path, name: str) -> None:
    write_wav(tmp_path / name)
    with pytest.raises(MediaError, match="n'est pas un format d'enregistrement pris en charge "
                                         r"\(\.wav, \.mp3, \.m4a, \.ogg, \.mp4, \.webm\)"):
        probe(tmp_path / name)


def test_a_folder_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dossier.wav").mkdir()
    with pytest.raises(MediaError, match="ce n'est pas un fichier"):
        probe(tmp_path / "dossier.wav")
    with pytest.raises(MediaError, match="fichier introuvable"):
        probe(tmp_path / "absent.wav")


def test_a_truncated_wav_gets_the_duration_of_the_sound_it_holds(tmp_path: Path) -> None:
    whole = write_wav(tmp_path / "entier.wav", seconds=4.0).read_bytes()
    cut = tmp_path / "coupe.wav"
    cut.write_bytes(whole[:44 + 8000 * 2])  # the header says 4 s, the file holds 1 s
    found = probe(cut)
    assert found.duration == pytest.approx(1.0, abs=0.01)
    assert "l'en-tête annonce 64000 octets de son, le fichier n'en contient que 16000" \
        in found.warnings[0]


def test_a_header_announcing_gigabytes_is_read_safely(tmp_path: Path) -> None:
    data = bytearray(write_wav(tmp_path / "petit.wav", seconds=0.5).read_bytes())
    data[4:8] = struct.pack("<I", 0xFFFFFFF0)  # RIFF size
    data[40:44] = struct.pack("<I", 0xFFFFFF00)  # data chunk: 4 GiB of sound announced
    liar = tmp_path / "menteur.wav"
    liar.write_bytes(bytes(data))
    found = probe(liar)
    assert found.size == len(data)
    assert found.duration == pytest.approx(0.5, abs=0.01)
    assert found.warnings and "copie interrompue" in found.warnings[0]


def test_an_mp4_whose_box_claims_exabytes_attaches_without_a_duration(tmp_path: Path) -> None:
    ftyp = struct.pack(">I", 20) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isom"
    moov = struct.pack(">I", 1) + b"moov" + struct.pack(">Q", 2 ** 62) + b"\x00" * 64
    path = tmp_path / "E01.mp4"
    path.write_bytes(ftyp + moov)
    found = probe(path)
    assert found.kind == "video" and found.duration is None
    assert "durée inconnue" in found.warnings[0] and "MP4" in found.warnings[0]


def test_a_damaged_ogg_attaches_without_a_duration(tmp_path: Path) -> None:
    path = tmp_path / "E01.ogg"
    path.write_bytes(b"OggS" + b"\x00" * 200)
    found = probe(path)
    assert found.duration is None and "n'a pas pu être lu comme Ogg" in found.warnings[0]


def test_a_webm_attaches_without_a_duration(tmp_path: Path) -> None:
    path = tmp_path / "E01.webm"
    path.write_bytes(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 100)
    found = probe(path)
    assert (found.kind, found.duration) == ("video", None)
    assert "WebM" in found.warnings[0]


def test_every_format_has_a_french_container_name() -> None:
    assert {f.container for f in formats.FORMATS.values()} == set(formats.CONTAINERS)
