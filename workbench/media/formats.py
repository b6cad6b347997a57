"""The sound and video formats a recording may have, told by extension and checked by
the first bytes of the file (its container's signature).

Only the container is checked (RIFF/WAVE, MPEG audio, ISO base media, Ogg, EBML): enough
to refuse a file whose name lies (an archive renamed .wav, a video renamed .mp3) before
anything is stored; what the container holds is mutagen's job (`probe.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MediaFormat:
    """One format: its extension (without the dot), kind and container."""

    extension: str
    kind: str  # "audio" | "video"
    container: str  # one of CONTAINERS
    label: str  # its name for the researcher
    mime: str  # the Content-Type a browser plays it by


# The containers, named for messages.
CONTAINERS = {
    "wave": "un son WAV (RIFF/WAVE)",
    "mpeg": "un son MP3 (MPEG)",
    "isobmff": "un fichier MP4 / M4A (ISO)",
    "ogg": "un son Ogg",
    "ebml": "un fichier WebM / Matroska (EBML)",
}

FORMATS: dict[str, MediaFormat] = {f.extension: f for f in (
    MediaFormat("wav", "audio", "wave", "WAV", "audio/wav"),
    MediaFormat("mp3", "audio", "mpeg", "MP3", "audio/mpeg"),
    MediaFormat("m4a", "audio", "isobmff", "M4A", "audio/mp4"),
    MediaFormat("ogg", "audio", "ogg", "Ogg", "audio/ogg"),
    MediaFormat("mp4", "video", "isobmff", "MP4", "video/mp4"),
    MediaFormat("webm", "video", "ebml", "WebM", "video/webm"),
)}
SUFFIXES: tuple[str, ...] = tuple(f".{e}" for e in FORMATS)

# Bytes read to recognise a container (an ID3 tag's header, an MP4 file's ftyp box).
HEAD_BYTES = 16

# Signatures of files that are often mistaken for a recording, named in the refusal.
_OTHER = (
    (b"PK\x03\x04", "une archive ZIP (ou un document Word, Excel, OpenDocument)"),
    (b"%PDF", "un document PDF"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"Rar!", "une archive RAR"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"fLaC", "un son FLAC (format non pris en charge : convertissez-le en WAV ou MP3)"),
    (b"FORM", "un son AIFF (format non pris en charge : convertissez-le en WAV)"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"<?xml", "un fichier XML (une transcription ?)"),
    (b"WEBVTT", "des sous-titres WebVTT (une transcription ?)"),
    (b"\xef\xbb\xbfWEBVTT", "des sous-titres WebVTT (une transcription ?)"),
)


def media_format(path: str | Path) -> MediaFormat | None:
    """The format a file's extension announces (case-insensitive), or None."""
    return FORMATS.get(Path(path).suffix.lower().lstrip("."))


def is_media(path: str | Path) -> bool:
    """Whether the file's extension is one of a recording (wav, mp3, m4a, ogg, mp4, webm)."""
    return media_format(path) is not None


def _mpeg_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a version other than "reserved", a layer
    I, II or III (layer bits 00 is AAC's ADTS, not MPEG audio) and a usable bitrate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    return version != 0b01 and layer != 0 and bitrate != 0b1111


def container_of(head: bytes) -> str | None:
    """The container whose signature `head` (the file's first bytes) starts with, or None."""
    if len(head) >= 12 and head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "wave"
    if head[:3] == b"ID3" or _mpeg_frame(head):
        return "mpeg"
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return "isobmff"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "ebml"
    return None


def describe(head: bytes) -> str:
    """What the first bytes of a file look like, in French, for a refusal."""
    container = container_of(head)
    if container is not None:
        return CONTAINERS[container]
    for signature, label in _OTHER:
        if head.startswith(signature):
            return label
    if len(head) < HEAD_BYTES:
        return f"un fichier de {len(head)} octet(s) seulement, tronqué"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return "du texte"
    return "un contenu d'un type inconnu"
