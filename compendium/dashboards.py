"""The dashboards of a published edition, counted from its public record (docs/open-data.md §R6).

Programs by ODS (17), by eje temático and subtema, the Objetivo del PMM × ODS matrix, by state
and by actor type: each a small table of counts made by a fixed number of GROUP BY queries over
``PublishedProgram`` (never the live fichas), and a horizontal bar chart drawn as SVG by
``templates/compendium/charts/hbar.svg`` with the same accessible approach as
``compendium.charts`` (``role="img"``, title, a description that states the numbers; the page
adds the data table).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from compendium import charts, english_names
from compendium.models import PublishedProgram
from reporting.models import ODS, ActorType, EjeTematico, EntidadFederativa, ObjetivoPMM, Subtema
from reporting.text import format_number

LABEL_CHARS = 46


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    # Where the explorer lists these programs (a query string), if it can.
    query: str = ""
    # «es» for a label that stays Spanish on an English page (eje, subtema), else ""
    # (english_names.spanish_mark, docs/english-edition.md §E7).
    lang: str = ""


@dataclass
class Matrix:
    """Objetivo del PMM (rows) × ODS (columns) counts; ``cells[objective][ods]``."""

    objectives: list[ObjetivoPMM]
    ods: list[ODS]
    cells: dict[int, dict[int, int]]
    row_totals: dict[int, int] = field(default_factory=dict)

    def rows(self) -> list[tuple[ObjetivoPMM, list[tuple[int, int]], int]]:
        return [
            (
                objective,
                [
                    (o.number, self.cells.get(objective.number, {}).get(o.number, 0))
                    for o in self.ods
                ],
                self.row_totals.get(objective.number, 0),
            )
            for objective in self.objectives
        ]


@dataclass
class SubtemaGroup:
    eje: Row
    subtemas: list[Row]


@dataclass
class StateRow:
    code: str
    name: str
    reporting: int  # programs of the state's government
    scope: int  # programs whose scope includes the state
    total: int  # either


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def hbar_chart(rows: list[Row], *, chart_id: str, title: str, colour: str = charts.GUINDA):
    """Horizontal bars, one per row, label at the left and the value at the bar's end."""
    width, left, right, top, row_h = 680, 300, 44, 8, 22
    maximum = max((r.count for r in rows), default=0) or 1
    plot_w = width - left - right
    bars = []
    for index, row in enumerate(rows):
        y = top + index * row_h
        w = plot_w * row.count / maximum
        bars.append(
            {
                "label": _label(row.label),
                "full": row.label,
                "lang": row.lang,
                "value": format_number(row.count),
                "y": f"{y + 3:.1f}",
                "text_y": f"{y + 15:.1f}",
                "width": f"{w:.1f}",
                "drawn": bool(row.count),
                "value_x": f"{left + w + 4:.1f}",
            }
        )
    context = {
        "chart_id": chart_id,
        "title": title,
        "width": width,
        "height": top * 2 + row_h * max(len(rows), 1),
        "left": left,
        "label_x": left - 6,
        "bar_h": row_h - 6,
        "bars": bars,
        # The description lists the labels: Spanish as a whole when every label is.
        "desc_lang": rows[0].lang if rows and all(r.lang == rows[0].lang for r in rows) else "",
        "colour": colour,
        "font": charts.FONT,
        "ink": charts.TEXT,
    }
    return SafeString(render_to_string("compendium/charts/hbar.svg", context))


def _grouped(programs, column: str) -> dict:
    rows = programs.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n")
    return dict(rows)


@dataclass
class Dashboard:
    year: int
    total: int
    by_ods: list[Row]
    by_eje: list[Row]
    subtemas: list[SubtemaGroup]
    unclassified_eje: int
    programs_with_ods: int
    matrix: Matrix
    by_state: list[StateRow]
    by_actor_type: list[Row]

    @property
    def per_state(self) -> dict[str, int]:
        return {s.code: s.total for s in self.by_state}


def dashboard(year: int) -> Dashboard | None:
    """The counts of ``year``'s public record; None when the year has none. 11 queries."""
    programs = PublishedProgram.objects.filter(year=year)
    total = programs.count()
    if not total:
        return None
    through = PublishedProgram.ods.through.objects.filter(publishedprogram__year=year)
    ods_counts = _grouped(through, "ods_id")
    ods = list(ODS.objects.all())
    by_ods = [
        Row(
            str(o.number),
            f"{o.number}. {english_names.sdg(o.number, o.short_name)}",
            ods_counts.get(o.number, 0),
            f"?anio={year}&ods={o.number}",
        )
        for o in ods
    ]
    programs_with_ods = through.order_by().values("publishedprogram_id").distinct().count()
    eje_counts = _grouped(programs, "eje_id")
    subtema_counts = _grouped(programs, "subtema_id")
    ejes = list(EjeTematico.objects.all())
    subtemas = list(Subtema.objects.all())
    spanish = english_names.spanish_mark()  # ejes and subtemas have no English names
    by_eje = [
        Row(
            str(e.number),
            f"{e.number}. {e.name}",
            eje_counts.get(e.number, 0),
            f"?anio={year}&eje={e.number}",
            spanish,
        )
        for e in ejes
    ]
    groups = [
        SubtemaGroup(
            eje=row,
            subtemas=[
                Row(str(s.pk), s.name, subtema_counts.get(s.pk, 0), lang=spanish)
                for s in subtemas
                if s.eje_id == int(row.key)
            ],
        )
        for row in by_eje
    ]
    pairs = (
        through.order_by()
        .values_list("publishedprogram__objetivo_id", "ods_id")
        .annotate(n=Count("pk"))
    )
    cells: dict[int, dict[int, int]] = {}
    for objective, ods_number, n in pairs:
        cells.setdefault(objective, {})[ods_number] = n
    matrix = Matrix(
        objectives=list(ObjetivoPMM.objects.all()),
        ods=ods,
        cells=cells,
        row_totals=_grouped(programs, "objetivo_id"),
    )
    reporting = Counter(code for code in programs.values_list("entidad_id", flat=True) if code)
    scope: Counter = Counter()
    either: Counter = Counter()
    for codes in programs.order_by().values_list("state_codes", flat=True):
        either.update(c for c in codes.split("|") if c)
    for code in PublishedProgram.alcance_entidades.through.objects.filter(
        publishedprogram__year=year
    ).values_list("entidadfederativa_id", flat=True):
        scope[code] += 1
    by_state = [
        StateRow(
            e.inegi_code, e.name, reporting[e.inegi_code], scope[e.inegi_code], either[e.inegi_code]
        )
        for e in EntidadFederativa.objects.order_by("name")
    ]
    type_counts = _grouped(programs, "actor_type_id")
    by_actor_type = [
        Row(t.code, english_names.actor_type(t.code, t.name), type_counts.get(t.code, 0))
        for t in ActorType.objects.order_by("chapter", "code")
        if type_counts.get(t.code)
    ]
    return Dashboard(
        year=year,
        total=total,
        by_ods=by_ods,
        by_eje=by_eje,
        subtemas=groups,
        unclassified_eje=total - sum(r.count for r in by_eje),
        programs_with_ods=programs_with_ods,
        matrix=matrix,
        by_state=by_state,
        by_actor_type=by_actor_type,
    )
