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


def seconds(value: object) -> float | None:
    """A time in seconds as a finite float, or None (missing, NaN, not a number)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def media_element(kind: str, url: str, start: float, end: float | None, *, preload: str,
                  width: int, label: str = "", css_class: str = "") -> str:
    """An HTML5 ``<audio>`` (``<video>`` for a video) with the browser's controls whose
    source is `url` with the passage's fragment, so it starts at `start` and pauses at
    `end`; the bounds are also data attributes. `preload`: "metadata", or "none" for a
    list of players that load nothing until played; `width` in pixels (narrower only
    when the page is); `label`: its accessible name."""
    tag = "video" if kind == "video" else "audio"
    size = f'width="{width}"' if tag == "video" else f'style="width:{width}px;max-width:100%"'
    css = f' class="{html.escape(css_class)}"' if css_class else ""
    named = f' aria-label="{html.escape(label)}" title="{html.escape(label)}"' if label else ""
    bounds = f'data-start="{start:.3f}"' + (f' data-end="{end:.3f}"' if end is not None else "")
    return (f'<{tag}{css} controls preload="{preload}" {size} '
            f'src="{html.escape(url + fragment(start, end))}" {bounds}{named}></{tag}>')


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
        return self.url + fragment(self.start, seconds(self.end))

    def caption(self) -> str:
        """« E03, tour 12 : 1:23 – 1:41 (temps estimé) »."""
        rough = " (temps estimé)" if self.interpolated else ""
        return f"{self.label} : {clock(self.start)} – {clock(self.end)}{rough}"

    def __str__(self) -> str:
        return self.caption() if self.served else f"{self.caption()}\n{NOT_SERVED}"

    def _repr_html_(self) -> str:
        note = (f'<div style="color:#8a1b1b">{html.escape(NOT_SERVED)}</div>'
                if not self.served else "")
        player = media_element(self.kind, self.url, self.start, seconds(self.end),
                               preload="metadata", width=480)
        return (f'<div class="wb-playback">'
                f'<div class="wb-playback-caption">{html.escape(self.caption())}</div>'
                f'{player}{note}</div>')
