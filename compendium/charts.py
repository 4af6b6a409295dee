"""Charts of the Informe Ejecutivo as inline SVG (no plotting library).

This module computes the geometry; the markup lives in ``templates/compendium/charts/*.svg`` and is
rendered with autoescaping, like every other template. The same SVG goes into the PDF (WeasyPrint
renders inline SVG as vectors) and into the public edition page. Every chart carries
``role="img"``, a ``<title>`` and a ``<desc>`` that states the numbers; the templates add a data
table next to it for screen readers and for print.

Colours follow the Gobierno de México palette: guinda and verde pass WCAG AA on white; dorado
is never used for data.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reporting.text import format_number

GUINDA = "#9B2247"
GUINDA_OSCURO = "#611232"
VERDE = "#1E5B4F"
GRID = "#D9D9D9"
TEXT = "#1A1A1A"
FONT = "Montserrat, 'Noto Sans', sans-serif"

BAR_COLOURS = {"total": GUINDA, "federal": VERDE, "state": GUINDA_OSCURO}

# (lowest count, highest count or None, label): the classes of [004]'s 2022 map.
MAP_CLASSES: list[tuple[int, int | None, str]] = [
    (0, 0, gettext_noop("Sin fichas")),
    (1, 3, gettext_noop("Entre 1 y 3")),
    (4, 10, gettext_noop("Entre 4 y 10")),
    (11, None, gettext_noop("Más de 10")),
]
# Fills of those classes. Neighbouring classes differ by at least 3:1 (WCAG 1.4.11): white,
# pink (3.5:1 against white), dark guinda (3.6:1 against the pink); four steps of 3:1 do not fit
# between white and black, so «Más de 10» is the dark guinda hatched with white (the pattern
# «mapa-trama» defined in templates/compendium/charts/map.svg). State borders are grey, 4.5:1
# against white. Before: #F2F2F2, #EBC7D2, #C45C7E, guinda: 1.4:1 to 2.6:1 (docs/accessibility.md
# §C2).
MAP_FILLS = ["#FFFFFF", "#C96B8A", GUINDA_OSCURO, "url(#mapa-trama)"]
# Translated where printed (``_(MAP_CREDIT)``).
MAP_CREDIT = gettext_noop(
    "Mapa: «Map of Mexico» de Victor Cazanave (@svg-maps/mexico), basado en MapSVG, CC BY 4.0."
)

_CHART_TITLES = {
    "total": gettext_noop("Fichas por Objetivo del PMM: todos los actores"),
    "federal": gettext_noop("Fichas por Objetivo del PMM: dependencias federales"),
    "state": gettext_noop("Fichas por Objetivo del PMM: entidades federativas"),
}


class ObjectiveCounts(Protocol):
    """One objective's counts (``compendium.informe.ObjectiveCount``): ``number`` and one
    attribute per kind of actor, named by ``objective_bar_chart``'s ``attr``."""

    @property
    def number(self) -> int: ...


def chart_title(attr: str) -> str:
    return _(_CHART_TITLES[attr])


def map_class(count: int) -> int:
    """Index in ``MAP_CLASSES`` of a state's number of fichas."""
    for index, (low, high, _label) in enumerate(MAP_CLASSES):
        if count >= low and (high is None or count <= high):
            return index
    raise ValueError(count)


def _nice_step(maximum: int) -> int:
    """A round grid step giving about four lines up to ``maximum``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if maximum / step <= 5:
            return step
    return 10 ** len(str(maximum))


def _c(value: float) -> str:
    """A coordinate as the SVG prints it (one decimal)."""
    return f"{value:.1f}"


def objective_bar_chart(
    counts: Sequence[ObjectiveCounts], *, attr: str = "total", chart_id: str = "grafica"
) -> SafeString:
    """Vertical bars of fichas per objective (1..23) with value labels and numbered axis."""
    width, height = 680, 280
    left, right, top, bottom = 34, 8, 22, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    values: list[int] = [getattr(c, attr) for c in counts]
    maximum = max(values, default=0) or 1
    step = _nice_step(maximum)
    scale_max = ((maximum + step - 1) // step) * step
    slot = plot_w / max(len(counts), 1)
    bar_w = slot * 0.68
    ticks = []
    for tick in range(0, scale_max + 1, step):
        y = top + plot_h - plot_h * tick / scale_max
        ticks.append({"y": _c(y), "label_y": _c(y + 4), "label": format_number(tick)})
    bars = []
    for index, (count, value) in enumerate(zip(counts, values, strict=True)):
        x = left + slot * index + (slot - bar_w) / 2
        h = plot_h * value / scale_max
        y = top + plot_h - h
        bars.append(
            {
                "number": count.number,
                "value": format_number(value),
                "drawn": bool(value),
                "x": _c(x),
                "y": _c(y),
                "width": _c(bar_w),
                "height": _c(h),
                "centre": _c(x + bar_w / 2),
                "value_y": _c(y - 4),
            }
        )
    context = {
        "chart_id": chart_id,
        "title": chart_title(attr),
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "tick_x": left - 5,
        "axis_y": top + plot_h,
        "number_y": _c(top + plot_h + 15),
        "axis_label_x": _c(left + plot_w / 2),
        "axis_label_y": height - 6,
        "colour": BAR_COLOURS[attr],
        "ticks": ticks,
        "bars": bars,
        "font": FONT,
        "ink": TEXT,
        "grid": GRID,
    }
    return render_to_string("compendium/charts/bar.svg", context)


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
    states = [
        {
            "code": code,
            "name": name,
            "path": path,
            "count": format_number(per_state.get(code, 0)),
            "fill": MAP_FILLS[map_class(per_state.get(code, 0))],
        }
        for code, name, path in shapes
    ]
    # Legend in the Pacific, below the Baja California peninsula.
    x, y = 24, 368
    legend = [
        {**item, "y": y + 12 + i * 24, "text_y": y + 12 + i * 24 + 13}
        for i, item in enumerate(map_legend(per_state))
    ]
    context = {
        "map_id": map_id,
        "viewbox": viewbox,
        "states": states,
        "with_fichas": [s for s in states if per_state.get(s["code"])],
        "legend": legend,
        "legend_x": x,
        "legend_y": y,
        "legend_text_x": x + 30,
        "font": FONT,
        "ink": TEXT,
    }
    return render_to_string("compendium/charts/map.svg", context)
