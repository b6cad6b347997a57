"""The look of the COPIL apps: one style sheet and the page header, in French."""

from __future__ import annotations

import html

import ipywidgets as widgets

CSS = """
<style>
.wb-app { max-width: 1180px; margin: 0 auto; font-size: 14px; color: #222; }
.wb-app h1 { font-size: 26px; margin: 4px 0 2px 0; color: #1b6f8a; }
.wb-app h2 { font-size: 18px; margin: 18px 0 6px 0; color: #333;
             border-bottom: 1px solid #d8e2e6; padding-bottom: 3px; }
.wb-note { color: #555; font-size: 13px; }
.wb-filtres { background: #f4f7f8; border: 1px solid #dde6ea; border-radius: 6px;
              padding: 8px 10px; }
.wb-filtres .widget-dropdown select, .wb-filtres input { font-size: 13px; }
.wb-count { border: 1px solid #d8e2e6; border-radius: 6px; padding: 8px 14px;
            background: #fbfcfd; min-width: 150px; }
.wb-count-value { font-size: 26px; font-weight: 600; color: #1b6f8a; display: block;
                  line-height: 1.2; }
.wb-count-label { font-size: 13px; color: #444; }
.wb-graphique img { max-width: 100%; height: auto; }
.wb-vide { color: #777; font-style: italic; padding: 12px 0; }
table.wb-table { border-collapse: collapse; width: 100%; font-size: 13px; line-height: 1.4; }
table.wb-table th { text-align: left; background: #eef3f5; padding: 5px 6px;
                    border-bottom: 1px solid #c9d5da; white-space: nowrap; }
table.wb-table td { padding: 5px 6px; border-bottom: 1px solid #edf1f3;
                    vertical-align: top; }
table.wb-table td.wb-ref { white-space: nowrap; font-family: monospace; }
table.wb-kwic td.wb-kwic-gauche { text-align: right; color: #444; width: 42%; }
table.wb-kwic td.wb-kwic-mot { font-weight: 700; color: #b3475d; text-align: center;
                               white-space: nowrap; }
table.wb-kwic td.wb-kwic-droite { color: #444; width: 42%; }
.wb-erreur { color: #8a1b1b; background: #fbeeee; border: 1px solid #e4bcbc;
             border-radius: 6px; padding: 10px 14px; }
</style>
"""


def header(intro: str) -> widgets.HTML:
    """The style sheet and a line saying what is shown (the title is the notebook's)."""
    return widgets.HTML(f"{CSS}<p class='wb-note'>{html.escape(intro)}</p>")


def heading(text: str) -> widgets.HTML:
    """A section title."""
    return widgets.HTML(f"<h2>{html.escape(text)}</h2>")


def error_message(text: str) -> widgets.HTML:
    """A message a COPIL member can read instead of a traceback."""
    box = widgets.HTML(f"{CSS}<div class='wb-erreur'><b>L'application ne peut pas "
                       f"s'ouvrir.</b><br>{html.escape(text)}</div>")
    box.add_class("wb-app")
    return box
