"""The annual series 2018→latest: history plus every published edition (docs/series.md).

Two sources, never stored twice (docs/series.md §S1-S2):

* 2018-2022: ``HistoricalFigure``, the figures UPMRIP published in [DIAG], loaded by a data
  migration with their source and notes (2021: cells add up to 178, the printed total is 174);
* every published edition: counted from its public record (``PublishedProgram`` rows of the
  latest published Compendio version of the year), never from the live fichas. A year that
  exists both as history and as an edition uses the edition and says so.

A year's «acciones» is the sum of its per-objective counts (every acción has one PMM objective);
a printed total that differs is kept beside it with its note, never used for the sum. ODS figures
are «acciones con resultados» and overlap (one acción may serve several ODS); their total is the
number of distinct acciones (docs/series.md §S3).

The charts are inline SVG drawn by templates (``templates/compendium/series/charts/``), with
``role="img"``, a title and a description, like ``compendium.charts``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compendium import charts, english_names, public_record
from compendium.models import HistoricalFigure, PublicationBuild, PublishedProgram
from reporting.models import ODS, Ficha, ObjetivoPMM
from reporting.text import format_number

FIRST_YEAR = 2018
OBJECTIVES = range(1, 24)
ODS_NUMBERS = range(1, 18)
# Rises and falls shown per year: the largest ``RANKED`` of each, every tie with the last kept.
RANKED = 5
DRAFT_RANKED = 3

HISTORY = "historia"
EDITION = "edicion"
INFORME = "informe"

DIAG = "[DIAG]"
# Why ODS cells do not add up to the total (shown wherever ODS figures appear).
# Marked for the catalogue, translated where shown (docs/english-edition.md §E7).
ODS_OVERLAP_NOTE = gettext_noop(
    "Las cifras por ODS cuentan acciones con resultados; una misma acción puede alinearse a "
    "varios ODS, por lo que las cifras por ODS suman más que el total, que cuenta cada acción "
    "una sola vez."
)
NO_ODS_NOTE = gettext_noop("Sin alineación a los ODS registrada en la edición publicada.")
NO_SPLIT_NOTE = gettext_noop(
    "La fuente no desglosa las acciones de dependencias federales y de entidades."
)


@dataclass(frozen=True)
class YearFigures:
    """One year of the series: acciones per objective and per ODS, with sources and notes."""

    year: int
    origin: str  # HISTORY, EDITION or INFORME (the Informe being printed)
    source: str
    objectives: dict[int, int]  # 1..23 → acciones
    printed_total: int | None = None  # as printed by the source, when it prints one
    total_note: str = ""  # where the printed total disagrees with the cells
    cell_notes: dict[int, str] = field(default_factory=dict)  # objective → note
    ods: dict[int, int] | None = None  # 1..17 → acciones con resultados; None: not aligned
    ods_total: int | None = None  # distinct acciones con resultados
    ods_source: str = ""
    ods_total_note: str = ""
    ods_cell_notes: dict[int, str] = field(default_factory=dict)
    federal: int | None = None  # None: the source does not split them
    state: int | None = None
    # An edition that replaces the history of the same year: what the history said.
    replaces_history: int | None = None

    @property
    def total(self) -> int:
        return sum(self.objectives.values())

    @property
    def other(self) -> int | None:
        if self.federal is None or self.state is None:
            return None
        return self.total - self.federal - self.state

    @property
    def printed_differs(self) -> bool:
        return self.printed_total is not None and self.printed_total != self.total

    @property
    def notes(self) -> list[str]:
        """Every note of the year's acciones, the total's first."""
        notes = [self.total_note] if self.total_note else []
        notes += [
            _("Objetivo %(n)s: %(note)s") % {"n": n, "note": note}
            for n, note in sorted(self.cell_notes.items())
        ]
        if self.replaces_history is not None:
            notes.append(self.replacement_note)
        return notes

    @property
    def replacement_note(self) -> str:
        return _(
            "Este año figura también en %(diag)s (%(n)s acciones); se usan las cifras de la "
            "edición publicada."
        ) % {"diag": DIAG, "n": format_number(self.replaces_history or 0)}

    @property
    def ods_notes(self) -> list[str]:
        notes = [self.ods_total_note] if self.ods_total_note else []
        notes += [
            _("ODS %(n)s: %(note)s") % {"n": n, "note": note}
            for n, note in sorted(self.ods_cell_notes.items())
        ]
        return notes


# --- Loading ---------------------------------------------------------------------------------


def history() -> dict[int, YearFigures]:
    """The published figures 2018-2022 (``HistoricalFigure``), by year."""
    rows: dict[int, list[HistoricalFigure]] = {}
    for row in HistoricalFigure.objects.all():
        rows.setdefault(row.year, []).append(row)
    result = {}
    for year, figures in sorted(rows.items()):
        kind = HistoricalFigure.Kind
        objectives = {f.number: f.value for f in figures if f.kind == kind.OBJETIVO and f.number}
        ods = {f.number: f.value for f in figures if f.kind == kind.ODS and f.number}
        total = next((f for f in figures if f.kind == kind.TOTAL), None)
        ods_total = next((f for f in figures if f.kind == kind.TOTAL_ODS), None)
        source = next((f.source for f in figures if f.kind == kind.OBJETIVO), "")
        ods_source = next((f.source for f in figures if f.kind == kind.ODS), "")
        result[year] = YearFigures(
            year=year,
            origin=HISTORY,
            source=source,
            objectives={n: objectives.get(n, 0) for n in OBJECTIVES},
            printed_total=total.value if total else None,
            total_note=total.note if total else "",
            cell_notes={
                f.number: f.note for f in figures if f.kind == kind.OBJETIVO and f.note and f.number
            },
            ods={n: ods.get(n, 0) for n in ODS_NUMBERS} if ods else None,
            ods_total=ods_total.value if ods_total else None,
            ods_source=ods_source,
            ods_total_note=ods_total.note if ods_total else "",
            ods_cell_notes={
                f.number: f.note for f in figures if f.kind == kind.ODS and f.note and f.number
            },
        )
    return result


def published_builds() -> dict[int, PublicationBuild]:
    """Year → the latest published Compendio version, when it has a public record.

    ``compendium.public_record.current_compendio_builds`` decides which version is current; a
    version published before records were kept has no rows and does not count (its year keeps
    its history, if any).
    """
    builds = public_record.current_compendio_builds()
    with_rows = set(
        PublishedProgram.objects.filter(build__in=builds.values())
        .values_list("build_id", flat=True)
        .distinct()
    )
    return {year: b for year, b in builds.items() if b.pk in with_rows}


def edition_figures(build: PublicationBuild) -> YearFigures:
    """One year counted from the public record of one published version."""
    year = build.edicion.ejercicio.year
    programs = PublishedProgram.objects.filter(build=build)
    per_objective = dict(programs.values_list("objetivo_id").annotate(n=Count("pk")).order_by())
    split = programs.aggregate(
        federal=Count("pk", filter=Q(actor_type__is_federal=True)),
        state=Count("pk", filter=Q(actor_type__is_state=True)),
    )
    # ODS: acciones with results aligned to each ODS (docs/series.md §S3).
    with_results = programs.exclude(resultados="").filter(ods__isnull=False)
    per_ods: Counter[int] = Counter(
        dict(with_results.values_list("ods").annotate(n=Count("pk")).order_by())
    )
    ods_total = with_results.values("pk").distinct().count() if per_ods else None
    # The page's language: «28 de noviembre de 2023», «Nov. 28, 2023» (docs/english-edition.md §E7).
    published = timezone.localdate(build.published_at) if build.published_at else None
    date = formats.date_format(published, "DATE_FORMAT") if published else ""
    source = _(
        "Compendio General %(year)s, versión %(v)s publicada el %(date)s: registro público de "
        "sus programas"
    ) % {"year": year, "v": build.version, "date": date}
    return YearFigures(
        year=year,
        origin=EDITION,
        source=source,
        objectives={n: per_objective.get(n, 0) for n in OBJECTIVES},
        ods={n: per_ods.get(n, 0) for n in ODS_NUMBERS} if per_ods else None,
        ods_total=ods_total,
        ods_source=source if per_ods else "",
        federal=split["federal"],
        state=split["state"],
    )


def annual_series(*, until: int | None = None) -> list[YearFigures]:
    """Every year from 2018 to the latest published edition, oldest first.

    A published edition replaces the history of its year (``replaces_history`` keeps what the
    history said). ``until``: only years up to it.
    """
    years = history()
    for year, build in published_builds().items():
        figures = edition_figures(build)
        if year in years:
            old = years[year]
            figures = _replace(figures, replaces_history=old.total)
        years[year] = figures
    return [years[y] for y in sorted(years) if until is None or y <= until]


def _replace(figures: YearFigures, **changes: Any) -> YearFigures:
    from dataclasses import replace

    return replace(figures, **changes)


# --- Analysis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    number: int
    title: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    @property
    def delta_display(self) -> str:
        sign = "+" if self.delta > 0 else ("−" if self.delta < 0 else "")
        return sign + format_number(abs(self.delta))


def objective_titles() -> dict[int, str]:
    """In the active language (compendium/english_names.py)."""
    rows = ObjetivoPMM.objects.values_list("number", "title")
    return {n: english_names.objective(n, title) for n, title in rows}


def ods_names() -> dict[int, str]:
    rows = ODS.objects.values_list("number", "short_name")
    return {n: english_names.sdg(n, name) for n, name in rows}


def changes(
    previous: YearFigures, current: YearFigures, titles: dict[int, str] | None = None
) -> list[Change]:
    """Per objective, acciones in ``previous`` and ``current`` (all 23, in order)."""
    titles = titles if titles is not None else objective_titles()
    return [
        Change(n, titles.get(n, ""), previous.objectives[n], current.objectives[n])
        for n in OBJECTIVES
    ]


def largest(items: Sequence[Change], *, falls: bool = False, size: int = RANKED) -> list[Change]:
    """The largest rises (or falls), by size then objective number; ties with the last kept.

    Only objectives that actually rose (or fell) qualify.
    """
    pool = [c for c in items if (c.delta < 0 if falls else c.delta > 0)]
    pool.sort(key=lambda c: (-abs(c.delta), c.number))
    if len(pool) <= size:
        return pool
    boundary = abs(pool[size - 1].delta)
    return [c for c in pool if abs(c.delta) >= boundary]


def pairs(series: Sequence[YearFigures]) -> list[tuple[YearFigures, YearFigures]]:
    """Consecutive years of the series (previous, current)."""
    return list(zip(series, series[1:], strict=False))


# --- The Informe's «Evolución» paragraph ------------------------------------------------------


def _spanish_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + _("y") + " " + items[-1]


def _named(changes_: Iterable[Change]) -> str:
    return _spanish_list([f"{c.number} ({c.delta_display})" for c in changes_])


def evolution_draft(series: Sequence[YearFigures]) -> str:
    """The generated paragraph of «Evolución 2018-AAAA» (deterministic: same data, same text).

    Totals of every year (with the printed total where the source differs), the change from the
    previous year, and the objectives that rose and fell most (ties kept).
    """
    if not series:
        return ""
    last = series[-1]
    by_year = "; ".join(
        f"{y.year}, {format_number(y.total)}"
        + (
            _(" (total impreso en la fuente: %(p)s)") % {"p": format_number(y.printed_total)}
            if y.printed_differs and y.printed_total is not None
            else ""
        )
        for y in series
    )
    parts = [
        _("De %(first)s a %(last)s se reportaron %(n)s acciones alineadas al PMM: %(by_year)s.")
        % {
            "first": series[0].year,
            "last": last.year,
            "n": format_number(sum(y.total for y in series)),
            "by_year": by_year,
        }
    ]
    if len(series) >= 2:
        previous = series[-2]
        delta = last.total - previous.total
        if delta:
            percent = f"{abs(delta) * 100 / previous.total:,.1f}" if previous.total else ""
            parts.append(
                (
                    _(
                        "En %(year)s se reportaron %(n)s acciones, %(d)s más que en %(prev)s "
                        "(%(p)s), un aumento de %(pct)s %%."
                    )
                    if delta > 0
                    else _(
                        "En %(year)s se reportaron %(n)s acciones, %(d)s menos que en %(prev)s "
                        "(%(p)s), una disminución de %(pct)s %%."
                    )
                )
                % {
                    "year": last.year,
                    "n": format_number(last.total),
                    "d": format_number(abs(delta)),
                    "prev": previous.year,
                    "p": format_number(previous.total),
                    "pct": percent,
                }
            )
        else:
            parts.append(
                _("En %(year)s se reportaron %(n)s acciones, las mismas que en %(prev)s.")
                % {"year": last.year, "n": format_number(last.total), "prev": previous.year}
            )
        items = changes(previous, last, titles={})
        rises = largest(items, size=DRAFT_RANKED)
        falls = largest(items, falls=True, size=DRAFT_RANKED)
        if rises:
            parts.append(
                _("Los Objetivos del PMM que más crecieron respecto de %(prev)s fueron: %(list)s.")
                % {"prev": previous.year, "list": _named(rises)}
            )
        if falls:
            parts.append(_("Los que más disminuyeron fueron: %(list)s.") % {"list": _named(falls)})
        if not rises and not falls:
            parts.append(
                _("Ningún objetivo cambió respecto de %(prev)s.") % {"prev": previous.year}
            )
    return " ".join(parts)


def informe_series(edicion, counts) -> list[YearFigures]:
    """The series an Informe prints: published years before its own, then its own year counted
    from the fichas the Informe prints (``counts``: ``compendium.informe.ObjectiveCount``)."""
    year = edicion.ejercicio.year
    earlier = [y for y in annual_series(until=year - 1)]
    own = YearFigures(
        year=year,
        origin=INFORME,
        source=_("este Informe Ejecutivo %(year)s") % {"year": year},
        objectives={c.number: c.total for c in counts},
        federal=sum(c.federal for c in counts),
        state=sum(c.state for c in counts),
    )
    return [*earlier, own]


@dataclass(frozen=True)
class _Count:
    """One objective's approved fichas (the attributes of ``informe.ObjectiveCount`` used here)."""

    number: int
    total: int
    federal: int
    state: int


def evolution_draft_for(edicion) -> str:
    """The paragraph a blank text prints for ``edicion``, its own year counted from the
    exercise's approved fichas, as the Informe counts them (one query; for the edition form)."""
    rows = (
        Ficha.objects.filter(ejercicio=edicion.ejercicio)
        .approved()
        .values("objetivo_asignado")
        .annotate(
            total=Count("pk"),
            federal=Count("pk", filter=Q(actor__tipo__is_federal=True)),
            state=Count("pk", filter=Q(actor__tipo__is_state=True)),
        )
        .order_by()
    )
    found = {r["objetivo_asignado"]: r for r in rows}
    counts = [
        _Count(
            n, *(found[n][k] for k in ("total", "federal", "state")) if n in found else (0, 0, 0)
        )
        for n in OBJECTIVES
    ]
    return evolution_draft(informe_series(edicion, counts))


def informe_section(edicion, counts) -> dict | None:
    """Context of the Informe's «Evolución 2018-AAAA» (None when the edition leaves it out)."""
    if not edicion.evolucion_incluida:
        return None
    series = informe_series(edicion, counts)
    text = edicion.evolucion_texto.strip() or evolution_draft(series)
    return {
        "title": _("Evolución %(first)s-%(last)s")
        % {"first": series[0].year, "last": series[-1].year},
        "series": series,
        "chart": year_chart(series, chart_id="g-evolucion", highlight=edicion.ejercicio.year),
        "text": text,
        "generated": not edicion.evolucion_texto.strip(),
        "sources": sources(series),
    }


def sources(series: Sequence[YearFigures], *, ods: bool = False) -> list[dict]:
    """Each distinct source with the years it gives, in order of first year."""
    result: list[dict] = []
    for y in series:
        text = y.ods_source if ods else y.source
        if not text:
            continue
        match = next((s for s in result if s["source"] == text), None)
        if match:
            match["years"].append(y.year)
        else:
            result.append({"source": text, "years": [y.year]})
    for item in result:
        years = item["years"]
        item["label"] = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    return result


# --- Heat-map shading ------------------------------------------------------------------------

# Sequential guinda classes (lightest to darkest) and the text colour each needs: dark text on
# the three light ones (≥ 7:1), white on the two dark ones (≥ 5.7:1). Zero stays white.
HEAT = [
    ("#FFFFFF", charts.TEXT),
    ("#F6E3E9", charts.TEXT),
    ("#EBC7D2", charts.TEXT),
    ("#D98FA8", charts.TEXT),
    ("#B03A62", "#FFFFFF"),
    ("#611232", "#FFFFFF"),
]


def heat(value: int, maximum: int) -> dict[str, str | int]:
    """Background, text colour and class (0-5) of one cell; the number is always printed."""
    if value <= 0 or maximum <= 0:
        level = 0
    else:
        level = min(5, 1 + (value * 5 - 1) // maximum)
    background, ink = HEAT[level]
    return {"level": level, "bg": background, "fg": ink}


def heat_legend(maximum: int) -> list[dict]:
    """The classes as value ranges for ``maximum`` (shown under the table)."""
    legend = [{"label": "0", **dict(zip(("bg", "fg"), HEAT[0], strict=True))}]
    for level in range(1, 6):
        low = (maximum * (level - 1)) // 5 + 1
        high = (maximum * level) // 5
        if high < low:
            continue
        label = f"{low}" if low == high else f"{low}-{high}"
        legend.append({"label": label, "bg": HEAT[level][0], "fg": HEAT[level][1]})
    return legend


# --- Charts ----------------------------------------------------------------------------------

MAX_SLOT = 110
SERIES_COLOURS = {"total": charts.GUINDA, "federal": charts.VERDE, "state": charts.GUINDA_OSCURO}


def year_chart(
    series: Sequence[YearFigures],
    *,
    chart_id: str = "g-anual",
    kinds: Sequence[str] = ("total",),
    title: str = "",
    highlight: int | None = None,
) -> SafeString:
    """Bars per year; several ``kinds`` ("total", "federal", "state") side by side."""
    labels = {
        "total": _("Acciones"),
        "federal": _("Dependencias federales"),
        "state": _("Entidades federativas"),
    }
    values: list[list[int | None]] = []
    for y in series:
        row: list[int | None] = []
        for kind in kinds:
            row.append(y.total if kind == "total" else getattr(y, kind))
        values.append(row)
    width, height = 680, 260
    left, right, top, bottom = 40, 8, 24, 40
    legend_h = 22 if len(kinds) > 1 else 0
    plot_w, plot_h = width - left - right, height - top - bottom - legend_h
    maximum = max((v for row in values for v in row if v is not None), default=0) or 1
    step = charts._nice_step(maximum)
    scale_max = ((maximum + step - 1) // step) * step
    # At most ``MAX_SLOT`` per year, so that one or two years do not draw slabs.
    slot = min(plot_w / max(len(series), 1), MAX_SLOT * len(kinds))
    group_w = slot * 0.7
    bar_w = group_w / len(kinds)
    base = top + legend_h + plot_h
    ticks = [
        {
            "y": charts._c(base - plot_h * t / scale_max),
            "label_y": charts._c(base - plot_h * t / scale_max + 4),
            "label": format_number(t),
        }
        for t in range(0, scale_max + 1, step)
    ]
    groups = []
    for index, (y, row) in enumerate(zip(series, values, strict=True)):
        x0 = left + slot * index + (slot - group_w) / 2
        bars = []
        for k, (kind, value) in enumerate(zip(kinds, row, strict=True)):
            h = plot_h * (value or 0) / scale_max
            x = x0 + bar_w * k
            bars.append(
                {
                    "x": charts._c(x),
                    "y": charts._c(base - h),
                    "width": charts._c(bar_w * 0.92),
                    "height": charts._c(h),
                    "centre": charts._c(x + bar_w * 0.46),
                    "value_y": charts._c(base - h - 4),
                    "value": format_number(value) if value is not None else "n. d.",
                    "drawn": bool(value),
                    "colour": SERIES_COLOURS[kind],
                    "label": labels[kind],
                }
            )
        groups.append(
            {
                "year": y.year,
                "centre": charts._c(x0 + group_w / 2),
                "bars": bars,
                "strong": highlight == y.year,
                "marked": y.printed_differs,
            }
        )
    legend = (
        [
            {
                "x": left + i * 190,
                "text_x": left + i * 190 + 16,
                "colour": SERIES_COLOURS[k],
                "label": labels[k],
            }
            for i, k in enumerate(kinds)
        ]
        if len(kinds) > 1
        else []
    )
    context = {
        "chart_id": chart_id,
        "title": title or _("Acciones por año"),
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "tick_x": left - 5,
        "axis_y": charts._c(base),
        "year_y": charts._c(base + 16),
        "ticks": ticks,
        "groups": groups,
        "legend": legend,
        "legend_y": top - 6,
        "font": charts.FONT,
        "ink": charts.TEXT,
        "grid": charts.GRID,
    }
    return render_to_string("compendium/series/charts/years.svg", context)


def small_multiples(series: Sequence[YearFigures], titles: dict[int, str]) -> list[dict]:
    """One small bar chart per objective, all on the same scale (so sizes compare)."""
    maximum = max((y.objectives[n] for y in series for n in OBJECTIVES), default=0) or 1
    width, height, top, bottom = 168, 64, 12, 14
    plot_h = height - top - bottom
    slot = width / max(len(series), 1)
    result = []
    for n in OBJECTIVES:
        bars = []
        for i, y in enumerate(series):
            value = y.objectives[n]
            h = plot_h * value / maximum
            bars.append(
                {
                    "x": charts._c(slot * i + slot * 0.15),
                    "y": charts._c(top + plot_h - h),
                    "width": charts._c(slot * 0.7),
                    "height": charts._c(h),
                    "centre": charts._c(slot * i + slot / 2),
                    "value_y": charts._c(top + plot_h - h - 2),
                    "value": format_number(value),
                    "year": y.year,
                    "short_year": f"{y.year % 100:02d}",
                }
            )
        chart = render_to_string(
            "compendium/series/charts/small.svg",
            {
                "chart_id": f"g-objetivo-{n}",
                "number": n,
                "width": width,
                "height": height,
                "axis_y": top + plot_h,
                "year_y": height - 2,
                "bars": bars,
                "colour": charts.GUINDA,
                "font": charts.FONT,
                "ink": charts.TEXT,
            },
        )
        result.append({"number": n, "title": titles.get(n, ""), "chart": chart})
    return result
