"""Reading a recording: its format (extension checked against its first bytes), size and
SHA-256 (streamed in chunks, the file is never read whole into memory) and duration
(mutagen, pure Python, imported only here).

A file the workbench cannot use is refused with a French `MediaError` naming it: missing,
not a file, empty, unreadable, an unknown extension, or content that is not what the
extension says (an archive renamed .wav). A file mutagen cannot read is still usable: its
duration is None and `MediaFile.warnings` says why; a WAV whose header announces more
sound than the file holds (a copy cut short) gets the duration of what is there.
"""

from __future__ import annotations

import hashlib
import math
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from workbench.errors import MediaError
from workbench.media.formats import (
    CONTAINERS,
    FORMATS,
    HEAD_BYTES,
    MediaFormat,
    container_of,
    describe,
    media_format,
)

CHUNK = 1 << 20  # bytes read at a time to hash or copy
_RIFF_CHUNKS = 64  # chunks of a WAV header looked at before giving up on its data chunk


@dataclass
class MediaFile:
    """What a recording is: where, which format, how big, its digest and duration."""

    path: Path
    format: MediaFormat
    size: int
    sha256: str
    mtime: float
    duration: float | None
    warnings: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """"audio" or "video"."""
        return self.format.kind


def supported_list() -> str:
    """The supported extensions, for messages (« .wav, .mp3, … »)."""
    return ", ".join(f".{e}" for e in FORMATS)


def check_format(path: Path) -> MediaFormat:
    """The format of `path` by its extension, checked against its first bytes; a French
    MediaError when the file is missing, empty, unreadable or not what it says."""
    fmt = media_format(path)
    if fmt is None:
        raise MediaError(f"{path.name} : « {path.suffix or '(sans extension)'} » n'est pas un "
                         f"format d'enregistrement pris en charge ({supported_list()}).")
    if not path.exists():
        raise MediaError(f"{path} : fichier introuvable ; vérifiez le chemin.")
    if not path.is_file():
        raise MediaError(f"{path} : ce n'est pas un fichier (un dossier ?) ; donnez le chemin "
                         "du fichier son ou vidéo.")
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise MediaError(f"{path.name} : lecture impossible ({exc.strerror or exc}) ; "
                         "vérifiez les droits sur le fichier.") from exc
    if not head:
        raise MediaError(f"{path.name} : le fichier est vide (0 octet) ; l'enregistrement "
                         "a-t-il été copié en entier ?")
    found = container_of(head)
    if found != fmt.container:
        hint = ""
        if found is not None:
            others = [f".{f.extension}" for f in FORMATS.values() if f.container == found]
            hint = f" Renommez-le en {' ou '.join(others)} s'il s'agit bien de cela."
        raise MediaError(f"{path.name} : son nom annonce {CONTAINERS[fmt.container]}, mais "
                         f"son contenu est {describe(head)} ; rien n'a été enregistré.{hint}")
    return fmt


def digest(path: Path, *, out: BinaryIO | None = None,
           progress: Callable[[int], object] | None = None) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of a file read in chunks of `CHUNK` bytes; each chunk
    is also written to `out` when given (a copy made while hashing) and its length passed
    to `progress`."""
    sha, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
            if progress is not None:
                progress(len(chunk))
    return size, sha.hexdigest()


def probe(path: str | Path) -> MediaFile:
    """Read a recording: format (checked), size, SHA-256, modification time, duration.

    Raises MediaError (in French, naming the file) when it cannot be used at all.
    """
    path = Path(path).expanduser()
    fmt = check_format(path)
    try:
        size, sha = digest(path)
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise MediaError(f"{path.name} : lecture impossible ({exc.strerror or exc}) ; "
                         "vérifiez les droits sur le fichier.") from exc
    if size == 0:
        raise MediaError(f"{path.name} : le fichier est vide (0 octet) ; l'enregistrement "
                         "a-t-il été copié en entier ?")
    warnings: list[str] = []
    duration = read_duration(path, fmt, warnings)
    if fmt.container == "wave" and duration is not None:
        duration = _cut_short(path, size, duration, warnings)
    return MediaFile(path=path, format=fmt, size=size, sha256=sha, mtime=mtime,
                     duration=duration, warnings=warnings)


def read_duration(path: Path, fmt: MediaFormat, warnings: list[str]) -> float | None:
    """The duration in seconds read by mutagen, or None with a French warning appended."""
    unknown = (f"{path.name} : durée inconnue (le fichier est gardé ; la minutation des "
               "tours sans temps ne pourra pas s'appuyer sur elle)")
    if fmt.container == "ebml":
        warnings.append(f"{unknown} : la durée d'un fichier WebM n'est pas lue par cette "
                        "version du workbench.")
        return None
    try:
        length = _mutagen_length(path, fmt)
    except Exception as exc:  # mutagen raises many kinds on damaged files: none is fatal here
        warnings.append(f"{unknown} : le fichier n'a pas pu être lu comme {fmt.label} "
                        f"({type(exc).__name__}: {exc}) ; il est peut-être abîmé ou tronqué.")
        return None
    if length is None or not math.isfinite(length) or length <= 0:
        warnings.append(f"{unknown} : son en-tête n'indique pas de durée utilisable.")
        return None
    return float(length)


def _mutagen_length(path: Path, fmt: MediaFormat) -> float | None:
    """mutagen's `info.length` for the container of `fmt` (its own parser, not a guess)."""
    import mutagen
    from mutagen.mp3 import MP3
    from mutagen.mp4 import MP4
    from mutagen.wave import WAVE

    if fmt.container == "wave":
        audio: mutagen.FileType | None = WAVE(path)
    elif fmt.container == "mpeg":
        audio = MP3(path)
    elif fmt.container == "isobmff":
        audio = MP4(path)
    else:  # ogg: Vorbis, Opus, FLAC, Speex or Theora inside
        from mutagen.oggflac import OggFLAC
        from mutagen.oggopus import OggOpus
        from mutagen.oggspeex import OggSpeex
        from mutagen.oggtheora import OggTheora
        from mutagen.oggvorbis import OggVorbis

        audio = mutagen.File(path, options=[OggVorbis, OggOpus, OggFLAC, OggSpeex, OggTheora])
    if audio is None or audio.info is None:
        raise ValueError("aucun flux reconnu")
    length = getattr(audio.info, "length", None)
    return float(length) if length is not None else None


def _cut_short(path: Path, size: int, duration: float, warnings: list[str]) -> float:
    """The duration of the sound a WAV file holds when its header announces more (a copy
    cut short, or a header that lies): scaled to the bytes of its data chunk present."""
    data = _wave_data_chunk(path)
    if data is None:
        return duration
    offset, declared = data
    present = max(0, size - offset)
    if declared <= present or declared == 0:
        return duration
    kept = duration * present / declared
    warnings.append(f"{path.name} : l'en-tête annonce {declared} octets de son, le fichier "
                    f"n'en contient que {present} (copie interrompue ?) ; la durée retenue est "
                    f"celle du son présent, {kept:.1f} s au lieu de {duration:.1f} s.")
    return kept


def _wave_data_chunk(path: Path) -> tuple[int, int] | None:
    """(offset of the sound data, size its chunk header declares) of a RIFF/WAVE file, by
    walking at most `_RIFF_CHUNKS` chunk headers (seeking, never reading a chunk's body)."""
    try:
        with path.open("rb") as handle:
            if handle.read(12)[:4] != b"RIFF":
                return None  # RF64 / BW64 declare their sizes elsewhere
            end = os.fstat(handle.fileno()).st_size
            position = 12
            for _ in range(_RIFF_CHUNKS):
                header = handle.read(8)
                if len(header) < 8:
                    return None
                name, length = header[:4], struct.unpack("<I", header[4:])[0]
                if name == b"data":
                    return position + 8, length
                position += 8 + length + (length & 1)
                if position >= end:
                    return None
                handle.seek(position)
    except OSError:
        return None
    return None
