"""Recordings of the interviews: the sound and video formats (`formats`), reading a file
(`files`: format checked, size and digest streamed, duration), the times of turns
(`timeline`) and the `recordings` table (`stored`). No widgets here: playing a recording
belongs to the user interface."""

from workbench.media.files import MediaFile, probe
from workbench.media.formats import FORMATS, SUFFIXES, MediaFormat, is_media, media_format
from workbench.media.timeline import fill_times, time_at

__all__ = ["FORMATS", "SUFFIXES", "MediaFile", "MediaFormat", "fill_times", "is_media",
           "media_format", "probe", "time_at"]
