"""A passage of a recording, ready to be heard: what ``p.play`` returns.

A notebook shows it as an HTML5 ``<audio>`` (or ``<video>``) element whose source is the
server's media route (`grants`) with a temporal media fragment (``#t=83.4,101``): the
browser starts at the turn's time and stops at its end, and seeks by range requests, so
hours of sound are never loaded whole nor sent through the kernel.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass


def clock(seconds: float) -> str:
    """A time as a researcher reads it: 1:23, 12:05, 1:02:03 (whole seconds)."""
    if not math.isfinite(seconds):
        return "?"
    total = max(0, int(seconds + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def fragment(start: float, end: float | None = None) -> str:
    """The temporal media fragment (W3C Media Fragments) of [start, end] in seconds."""
    first = f"{max(0.0, start):.3f}"
    return f"#t={first}" if end is None else f"#t={first},{max(start, end):.3f}"


NOT_SERVED = ("Ce noyau ne tourne pas sous un serveur qui diffuse les enregistrements : "
              "lancez JupyterLab avec `make lab` (qui charge l'extension "
              "workbench.media_server), puis rouvrez ce carnet.")


@dataclass(frozen=True)
class Playback:
    """One passage to hear: the document, a French label (« E03, tour 12 »), the media
    route's address, audio or video, its MIME type, the passage's times (s), whether a
    time was estimated, and whether this kernel's server streams recordings."""

    document: str
    label: str
    url: str
    kind: str
    mime: str
    start: float
    end: float
    interpolated: bool
    served: bool

    @property
    def src(self) -> str:
        """The element's source: the route and the passage's media fragment."""
        return self.url + fragment(self.start, self.end if math.isfinite(self.end) else None)

    def caption(self) -> str:
        """« E03, tour 12 : 1:23 – 1:41 (temps estimé) »."""
        rough = " (temps estimé)" if self.interpolated else ""
        return f"{self.label} : {clock(self.start)} – {clock(self.end)}{rough}"

    def __str__(self) -> str:
        return self.caption() if self.served else f"{self.caption()}\n{NOT_SERVED}"

    def _repr_html_(self) -> str:
        tag = "video" if self.kind == "video" else "audio"
        size = ' width="480"' if tag == "video" else ' style="width:100%;max-width:480px"'
        note = (f'<div style="color:#8a1b1b">{html.escape(NOT_SERVED)}</div>'
                if not self.served else "")
        return (f'<div class="wb-playback">'
                f'<div class="wb-playback-caption">{html.escape(self.caption())}</div>'
                f'<{tag} controls preload="metadata"{size} src="{html.escape(self.src)}" '
                f'data-start="{self.start:.3f}" data-end="{self.end:.3f}"></{tag}>'
                f'{note}</div>')
