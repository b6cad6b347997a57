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
.wb-hc { font-size: 12px; line-height: 1.3; padding: 0 14px 4px 0; color: #333; }
.wb-hc-titre { font-weight: 600; font-size: 14px; margin: 4px 0 8px 0; }
.wb-hc-barres { display: flex; flex-direction: column; gap: 4px; }
.wb-hc-ligne { display: flex; align-items: center; gap: 8px; }
.wb-hc-groupe { margin-bottom: 3px; }
.wb-hc-etiquette { flex: 0 0 36%; text-align: right; overflow-wrap: anywhere; }
.wb-hc-pistes { flex: 1 1 auto; display: flex; flex-direction: column; gap: 2px;
                min-width: 0; }
.wb-hc-piste { flex: 1 1 auto; display: flex; align-items: center; height: 16px;
               min-width: 0; margin-right: 7.5em; }
.wb-hc-groupe .wb-hc-piste { height: 12px; }
[data-choix] { cursor: pointer; }
.wb-snapshot { background: #fff4d6; border: 1px solid #e5c46b; color: #5c4400; border-radius: 4px;
               padding: 8px 14px; margin: 0 0 12px; }
[data-choix]:hover, [data-choix]:focus { outline: 2px solid #1b6f8a; outline-offset: 1px; }
.wb-barre { flex: none; height: 100%; min-width: 1px; border-radius: 0 2px 2px 0; }
.wb-hc-valeur { flex: none; white-space: nowrap; padding-left: 4px; font-size: 11px;
                color: #444; }
.wb-hc-axe { margin: 8px 0 0 calc(36% + 8px); color: #555; }
.wb-hc-legende { margin: 0 0 8px 0; }
.wb-hc-cle { margin-right: 14px; white-space: nowrap; }
.wb-hc-pastille { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
                  border-radius: 2px; vertical-align: middle; }
.wb-hc-defilement { overflow-x: auto; max-width: 100%; }
table.wb-hc-matrice { border-collapse: separate; border-spacing: 2px; font-size: 12px; }
table.wb-hc-matrice th { padding: 3px 6px; font-weight: 600; }
table.wb-hc-matrice thead th { vertical-align: bottom; text-align: center; min-width: 4.5em;
                               max-width: 10em; }
table.wb-hc-matrice thead th.wb-hc-coin { text-align: right; }
table.wb-hc-matrice tbody th { text-align: right; font-weight: normal; max-width: 24em; }
table.wb-hc-matrice td { text-align: center; padding: 4px 6px; min-width: 4.5em;
                         font-variant-numeric: tabular-nums; }
.wb-hc-echelle { display: flex; align-items: center; gap: 6px; margin-top: 8px;
                 color: #555; }
.wb-hc-degrade { display: inline-block; width: 140px; height: 10px; border: 1px solid #ccc; }
.wb-hc-echelle-texte { margin-left: 8px; }
.wb-vide { color: #777; font-style: italic; padding: 12px 0; }
table.wb-table { border-collapse: collapse; width: 100%; font-size: 13px; line-height: 1.4; }
table.wb-table th { text-align: left; background: #eef3f5; padding: 5px 6px;
                    border-bottom: 1px solid #c9d5da; white-space: nowrap; }
table.wb-table td { padding: 5px 6px; border-bottom: 1px solid #edf1f3;
                    vertical-align: top; }
table.wb-table td.wb-ref { white-space: nowrap; font-family: monospace; }
audio.wb-ecoute-lecteur { height: 32px; }
table.wb-kwic td.wb-kwic-gauche { text-align: right; color: #444; width: 42%; }
table.wb-kwic td.wb-kwic-mot { font-weight: 700; color: #b3475d; text-align: center;
                               white-space: nowrap; }
table.wb-kwic td.wb-kwic-droite { color: #444; width: 42%; }
.wb-explication { background: #f4f7f8; border-left: 4px solid #1b6f8a;
                  padding: 8px 12px; color: #333; }
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


def error_message(text: str, *, title: str = "L'application ne peut pas s'ouvrir."
                  ) -> widgets.HTML:
    """A message a COPIL member can read instead of a traceback."""
    head = f"<b>{html.escape(title, quote=False)}</b><br>" if title else ""
    box = widgets.HTML(f"{CSS}<div class='wb-erreur'>{head}{html.escape(text)}</div>")
    box.add_class("wb-app")
    return box


def lower_first(label: str) -> str:
    """« Région de résidence » → « région de résidence » inside a sentence; a label in
    capitals (an acronym, « ARR./VILLE ») stays as it is."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]
