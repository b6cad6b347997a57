"""Charts of the COPIL dashboard as plain HTML (bars as divs, heatmap as a table): a new
selection is drawn in milliseconds instead of the time a matplotlib PNG takes.

Pure functions: a DataFrame from `views.Selection` in, an HTML string out, every label
escaped. The look is in `ui/style.py` (classes `wb-hc-*`)."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping

import pandas as pd

from workbench.viz.figures import PALETTE, french_number, group_colours

NOTHING = "Aucune donnée pour cette sélection."
# matplotlib's "Blues" at 9 even steps, so the heatmap reads like the report figures
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
         "#08519c", "#08306b")
DARK_TEXT, LIGHT_TEXT = "#222222", "#ffffff"
# The class of the hidden text box a click on a bar or a cell writes to (`ui/charts.py`).
CHOICE_BOX = "wb-choix-graphique"
CHOICE_TARGET = "wb-cible-graphique"  # what the page scrolls to after a click
# What a click does: an HTML widget runs no <script>, but runs an element's own handler.
# The time goes first, so clicking the same bar twice is still a change.
_CLICK = (f"var i=document.querySelector('.{CHOICE_BOX} input');if(i){{i.value=Date.now()"
          "+'|'+this.dataset.choix;i.dispatchEvent(new Event('change',{bubbles:true}));"
          f"var t=document.querySelector('.{CHOICE_TARGET}');if(t)t.scrollIntoView();}}")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float) -> float:
    """0 for a missing value, the value otherwise."""
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) \
        else float(value)


def empty(text: str = NOTHING) -> str:
    """The sentence shown instead of a chart."""
    return f"<div class='wb-vide'>{_e(text)}</div>"


def _chart(title: str, body: str, caption: str = "", legend: str = "") -> str:
    parts = [f"<div class='wb-hc'><div class='wb-hc-titre'>{_e(title)}</div>", legend, body]
    if caption:
        parts.append(f"<div class='wb-hc-axe'>{_e(caption)}</div>")
    return "".join(parts) + "</div>"


def opens(code: str, by: str = "", group: str = "") -> str:
    """The attributes that make an element open the extracts of `code` (and of the
    persons whose `by` is `group`) when clicked or activated from the keyboard."""
    choice = _e(json.dumps([code, by, group], ensure_ascii=False))
    return (f" data-choix='{choice}' onclick=\"{_CLICK}\" role='button' tabindex='0' "
            f"onkeydown=\"if(event.key==='Enter'||event.key===' ')this.click()\"")


def read_choice(value: str) -> tuple[str, str, str] | None:
    """(code, attribute, group) from what a click wrote in the choice box, else None."""
    _, _, payload = value.partition("|")
    try:
        code, by, group = json.loads(payload)
    except (ValueError, TypeError):
        return None
    return str(code), str(by), str(group)


def _bar(width: float, colour: str, label: str, tooltip: str, action: str = "") -> str:
    return (f"<div class='wb-hc-piste' title='{_e(tooltip)}'{action}>"
            f"<div class='wb-barre' style='width:{width:.2f}%;background:{colour}'></div>"
            f"<span class='wb-hc-valeur'>{_e(label)}</span></div>")


def themes_bars(frequencies: pd.DataFrame, *, title: str, value: str = "cases",
                depth: int | None = None, clickable: bool = False) -> str:
    """Horizontal bars of a code frequency table (`Selection.frequencies`), biggest on
    top, widths in % of the biggest value. `depth`: only codes at that level (default:
    the level of the first row, as the dashboard charts one level). `clickable`: a bar
    opens the extracts of its theme (see `opens`)."""
    if not len(frequencies):
        return empty()
    if depth is None:
        depth = int(frequencies["depth"].iloc[0])
    table = frequencies[frequencies["depth"] == depth]
    table = table.sort_values([value, "name"], ascending=[False, True])
    values = [_number(v) for v in table[value]]
    top = max(values, default=0) or 1
    rows = []
    for code, name, v in zip(table["code"], table["name"], values, strict=True):
        text = french_number(v)
        action = opens(str(code)) if clickable and v else ""
        rows.append(f"<div class='wb-hc-ligne'{action}><div class='wb-hc-etiquette'>"
                    f"{_e(name)}</div>{_bar(100 * v / top, PALETTE[0], text, f'{name} : {text}')}"
                    "</div>")
    n_cases = frequencies.attrs.get("n_cases")
    caption = (f"Nombre de personnes ayant abordé le thème (sur {n_cases} personnes "
               "sélectionnées)" if n_cases else "Nombre de personnes ayant abordé le thème")
    return _chart(title, f"<div class='wb-hc-barres'>{''.join(rows)}</div>", caption)


def prevalence_bars(prevalence: pd.DataFrame, *, title: str,
                    labels: Mapping[str, str] | None = None, groups_label: str = "",
                    by: str = "", group_values: Mapping[str, str] | None = None) -> str:
    """Grouped bars (`Selection.prevalence`): for each theme, the % of each group's
    persons who raised it (width in % of 100), with the counts ("6/13") so small groups
    show as small. With `by` (the attribute grouped by) and `group_values` (group shown →
    its value), a bar opens the extracts of its theme and group."""
    if not len(prevalence):
        return empty()
    names = labels or {}
    codes = list(dict.fromkeys(prevalence["code"]))
    groups = list(dict.fromkeys(str(g) for g in prevalence["group"]))
    colours = dict(zip(groups, group_colours(groups), strict=True))
    cells = {(c, str(g)): (pct, coded, n) for c, g, pct, coded, n in zip(
        prevalence["code"], prevalence["group"], prevalence["pct"],
        prevalence["cases_coded"], prevalence["cases_in_group"], strict=True)}
    sizes = {g: int(max(_number(n) for (_, group), (_, _, n) in cells.items() if group == g))
             for g in groups}
    keys = "".join(f"<span class='wb-hc-cle'><span class='wb-hc-pastille' "
                   f"style='background:{colours[g]}'></span>{_e(g)} (n = {sizes[g]})</span>"
                   for g in groups)
    legend = (f"<div class='wb-hc-legende'>"
              f"{f'<b>{_e(groups_label)} :</b> ' if groups_label else ''}{keys}</div>")
    rows = []
    for code in codes:
        name = names.get(code, code)
        bars = []
        for group in groups:
            pct, coded, n = (_number(x) for x in cells.get((code, group), (0, 0, 0)))
            text = f"{french_number(pct)} % ({int(coded)}/{int(n)})"
            value = (group_values or {}).get(group)
            action = opens(str(code), by, value) if by and value is not None and coded else ""
            bars.append(_bar(min(pct, 100.0), colours[group], text,
                             f"{name}, {group} : {text}", action))
        rows.append(f"<div class='wb-hc-ligne wb-hc-groupe'><div class='wb-hc-etiquette'>"
                    f"{_e(name)}</div><div class='wb-hc-pistes'>{''.join(bars)}</div></div>")
    return _chart(title, f"<div class='wb-hc-barres'>{''.join(rows)}</div>",
                  "% des personnes du groupe ayant abordé le thème", legend)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def blue(share: float) -> str:
    """The colour of a cell at `share` (0 to 1) of the biggest value, on the Blues scale."""
    share = min(max(_number(share), 0.0), 1.0)
    position = share * (len(BLUES) - 1)
    low = min(int(position), len(BLUES) - 2)
    t = position - low
    a, b = _hex(BLUES[low]), _hex(BLUES[low + 1])
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _luminance(colour: str) -> float:
    """WCAG relative luminance."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(background: str) -> str:
    """Dark or white text, whichever reads better on `background`."""
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast(text, background))


def heatmap_table(table: pd.DataFrame, *, title: str, caption: str,
                  labels: Mapping[str, str] | None = None, corner: str = "Thème",
                  by: str = "", group_values: Mapping[str, str] | None = None) -> str:
    """A table (rows × columns of counts, `Selection.matrix`) as coloured cells with the
    counts written in; zero cells stay blank so the eye goes to what is there. With `by`
    (the attribute of the columns) and `group_values` (column → its value), a cell opens
    the extracts of its theme and value."""
    if table.empty:
        return empty()
    names = labels or {}
    values = table.to_numpy(dtype=float)
    finite = values[~pd.isna(values)]
    biggest = float(finite.max()) if finite.size else 0.0
    top = biggest if biggest > 0 else 1.0
    head = "".join(f"<th scope='col'>{_e(names.get(c, c))}</th>" for c in table.columns)
    rows = []
    for key, line in zip(table.index, values, strict=True):
        cells = []
        for column, v in zip(table.columns, line, strict=True):
            if pd.isna(v):
                cells.append("<td class='wb-hc-cellule'></td>")
                continue
            background = blue(v / top)
            text = french_number(v) if v else ""
            tooltip = f"{names.get(key, key)} × {names.get(column, column)} : {french_number(v)}"
            value = (group_values or {}).get(column)
            action = opens(str(key), by, value) if by and value is not None and v else ""
            cells.append(f"<td class='wb-hc-cellule' data-value='{v:g}'{action} "
                         f"title='{_e(tooltip)}' style='background:{background};"
                         f"color:{text_colour(background)}'>{text}</td>")
        rows.append(f"<tr><th scope='row'>{_e(names.get(key, key))}</th>{''.join(cells)}</tr>")
    scale = (f"<div class='wb-hc-echelle'><span>0</span><span class='wb-hc-degrade' "
             f"style='background:linear-gradient(to right,{','.join(BLUES)})'></span>"
             f"<span>{french_number(biggest)}</span><span class='wb-hc-echelle-texte'>"
             f"{_e(caption)}</span></div>")
    body = (f"<div class='wb-hc-defilement'><table class='wb-hc-matrice'><thead><tr>"
            f"<th scope='col' class='wb-hc-coin'>{_e(corner)}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>{scale}")
    return _chart(title, body)
