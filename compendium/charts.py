"""Charts of the Informe Ejecutivo as inline SVG, drawn here (no plotting library).

The same strings go into the PDF (WeasyPrint renders inline SVG as vectors) and into the public
edition page. Every chart carries ``role="img"``, a ``<title>`` and a ``<desc>`` that states the
numbers; the templates add a data table next to it for screen readers and for print.

Colours follow the Gobierno de México palette: guinda and verde pass WCAG AA on white; dorado
is never used for data.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from compendium.informe import MAP_CLASSES, ObjectiveCount, format_number, map_class

GUINDA = "#9B2247"
GUINDA_OSCURO = "#611232"
VERDE = "#1E5B4F"
GRID = "#D9D9D9"
TEXT = "#1A1A1A"
FONT = "Montserrat, 'Noto Sans', sans-serif"

BAR_COLOURS = {"total": GUINDA, "federal": VERDE, "state": GUINDA_OSCURO}
# Sequential classes for the map: 0, 1-3, 4-10, more than 10 (MAP_CLASSES).
MAP_FILLS = ["#F2F2F2", "#EBC7D2", "#C45C7E", GUINDA]
MAP_CREDIT = (
    "Mapa: «Map of Mexico» de Victor Cazanave (@svg-maps/mexico), basado en MapSVG, CC BY 4.0."
)

_CHART_TITLES = {
    "total": "Fichas por Objetivo del PMM: todos los actores",
    "federal": "Fichas por Objetivo del PMM: dependencias federales",
    "state": "Fichas por Objetivo del PMM: entidades federativas",
}


def chart_title(attr: str) -> str:
    return _(_CHART_TITLES[attr])


def _nice_step(maximum: int) -> int:
    """A round grid step giving about four lines up to ``maximum``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if maximum / step <= 5:
            return step
    return 10 ** len(str(maximum))


def objective_bar_chart(
    counts: Sequence[ObjectiveCount], *, attr: str = "total", chart_id: str = "grafica"
) -> SafeString:
    """Vertical bars of fichas per objective (1..23) with value labels and numbered axis."""
    width, height = 680, 280
    left, right, top, bottom = 34, 8, 22, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [getattr(c, attr) for c in counts]
    maximum = max(values, default=0) or 1
    step = _nice_step(maximum)
    scale_max = ((maximum + step - 1) // step) * step
    slot = plot_w / max(len(counts), 1)
    bar_w = slot * 0.68
    colour = BAR_COLOURS[attr]
    title = chart_title(attr)
    desc = "; ".join(
        _("Objetivo %(n)s: %(v)s") % {"n": c.number, "v": format_number(v)}
        for c, v in zip(counts, values, strict=True)
    )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'font-family="{FONT}" font-size="11">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}.</desc>',
    ]
    for tick in range(0, scale_max + 1, step):
        y = top + plot_h - plot_h * tick / scale_max
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
            f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{format_number(tick)}</text>"
        )
    for index, (count, value) in enumerate(zip(counts, values, strict=True)):
        x = left + slot * index + (slot - bar_w) / 2
        h = plot_h * value / scale_max
        y = top + plot_h - h
        centre = x + bar_w / 2
        if value:
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-weight="600" '
            f'fill="{TEXT}">{format_number(value)}</text>'
            f'<text x="{centre:.1f}" y="{top + plot_h + 15:.1f}" text-anchor="middle" '
            f'fill="{TEXT}">{count.number}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
        f'fill="{TEXT}">{escape(_("Objetivo del PMM"))}</text>'
        "</svg>"
    )
    return mark_safe("".join(parts))


@functools.cache
def _map_shapes() -> tuple[str, tuple[tuple[str, str, str], ...]]:
    path = Path(settings.BASE_DIR) / "static" / "vendor" / "mexico-map" / "mexico.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["viewBox"], tuple((s["inegi"], s["name"], s["path"]) for s in data["states"])


def map_legend(per_state: dict[str, int]) -> list[dict]:
    """Map classes with their colour and how many of the 32 states fall in each."""
    _viewbox, shapes = _map_shapes()
    states_in = [0] * len(MAP_CLASSES)
    for code, _name, _path in shapes:
        states_in[map_class(per_state.get(code, 0))] += 1
    return [
        {"label": _(label), "fill": MAP_FILLS[i], "states": states_in[i]}
        for i, (_low, _high, label) in enumerate(MAP_CLASSES)
    ]


def state_map(per_state: dict[str, int], *, map_id: str = "mapa") -> SafeString:
    """Choropleth of the 32 states by number of fichas, with its legend drawn in the SVG."""
    viewbox, shapes = _map_shapes()
    legend = map_legend(per_state)
    with_fichas = [(name, per_state[code]) for code, name, _p in shapes if per_state.get(code)]
    desc = _("%(n)s de 32 entidades con fichas. ") % {"n": len(with_fichas)} + "; ".join(
        f"{name}: {format_number(n)}" for name, n in with_fichas
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--map" id="{escape(map_id)}" '
        f'viewBox="{escape(viewbox)}" role="img" '
        f'aria-labelledby="{escape(map_id)}-t {escape(map_id)}-d" font-family="{FONT}">',
        f'<title id="{escape(map_id)}-t">{escape(_("Fichas por entidad federativa"))}</title>',
        f'<desc id="{escape(map_id)}-d">{escape(desc)}</desc>',
    ]
    for code, name, path in shapes:
        count = per_state.get(code, 0)
        label = _("%(state)s: %(n)s fichas") % {"state": name, "n": format_number(count)}
        parts.append(
            f'<path d="{escape(path)}" fill="{MAP_FILLS[map_class(count)]}" stroke="#FFFFFF" '
            f'stroke-width="0.8" data-inegi="{code}"><title>{escape(label)}</title></path>'
        )
    # Legend in the Pacific, below the Baja California peninsula.
    x, y = 24, 368
    parts.append(
        f'<text x="{x}" y="{y}" font-size="14" font-weight="600" fill="{TEXT}">'
        f"{escape(_('Fichas por entidad'))}</text>"
    )
    for i, item in enumerate(legend):
        row_y = y + 12 + i * 24
        states = _("%(n)s entidades") % {"n": item["states"]}
        parts.append(
            f'<rect x="{x}" y="{row_y}" width="22" height="16" fill="{item["fill"]}" '
            f'stroke="#8C8C8C" stroke-width="0.6"/>'
            f'<text x="{x + 30}" y="{row_y + 13}" font-size="13" fill="{TEXT}">'
            f"{escape(item['label'])} ({escape(states)})</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
