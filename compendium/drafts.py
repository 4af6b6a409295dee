"""Generated drafts of the Informe's typed texts: preamble, the three chart analyses, conclusions.

Deterministic templates over the figures the Informe prints (``compendium.informe``), no
network and no model: the same figures always give the same words, so a coordinator can read a
draft as a checked summary and edit it. A draft is offered in the Informe workspace until a
coordinator saves the text; it is never printed by itself (docs/informe-workspace.md §W3).

What the drafts say, and the rules they follow:

* They count «acciones», as the editions do (seed 004: «el número de acciones por cada
  objetivo»): one approved ficha is one acción.
* Totals; the change from the previous edition when one exists (``previous_figures``: the
  published series of ``compendium.series``, or an earlier exercise's approved fichas); the
  objectives with most and fewest acciones, ties never cut (``informe.rank_objectives``) and
  objectives with none named apart; federal against state; and how many acciones report the
  structured figures (people, by sex, actions).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compendium import series
from compendium.informe import (
    TOTAL_STATES,
    CategoryCount,
    InformeData,
    ObjectiveCount,
    _spanish_list,
    rank_objectives,
)
from reporting.models import Ejercicio, Ficha
from reporting.text import format_number

# The Edicion fields that get a generated draft, in the Informe's order.
DRAFT_FIELDS = (
    "preambulo",
    "analisis_general",
    "analisis_federal",
    "analisis_estatal",
    "conclusiones",
)
# Objectives named in the prose of the federal and state analyses (the tables show five).
SHORT_RANKING = 3


@dataclasses.dataclass(frozen=True)
class Previous:
    """The previous edition's acciones, total and per objective (federal and state as well)."""

    year: int
    total: int
    by_objective: dict[int, int]
    federal: int | None = None
    state: int | None = None


def previous_figures(ejercicio: Ejercicio) -> Previous | None:
    """The previous edition's acciones; None without one.

    The most recent earlier year of either kind: the published series (a published edition's
    public record, else UPMRIP's published totals 2018-2022, ``compendium.series``, federal and
    state only where the source splits them) or an earlier exercise with approved fichas that
    was never published. A year in both is taken from the series (what was published).
    """
    published = series.annual_series(until=ejercicio.year - 1)
    latest = published[-1] if published else None
    earlier = (
        Ficha.objects.approved()
        .filter(ejercicio__year__lt=ejercicio.year)
        .order_by("-ejercicio__year")
        .values_list("ejercicio__year", flat=True)
        .first()
    )
    if latest is not None and (earlier is None or latest.year >= earlier):
        return Previous(
            latest.year,
            latest.total,
            {n: v for n, v in latest.objectives.items() if v},
            latest.federal,
            latest.state,
        )
    if earlier is None:
        return None
    rows = (
        Ficha.objects.approved()
        .filter(ejercicio__year=earlier)
        .values("objetivo_asignado", "actor__tipo__is_federal", "actor__tipo__is_state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_objective: dict[int, int] = {}
    federal = state = 0
    for row in rows:
        number = row["objetivo_asignado"]
        by_objective[number] = by_objective.get(number, 0) + row["n"]
        federal += row["n"] if row["actor__tipo__is_federal"] else 0
        state += row["n"] if row["actor__tipo__is_state"] else 0
    return Previous(earlier, sum(by_objective.values()), by_objective, federal, state)


# --- Phrases -------------------------------------------------------------------------------


def acciones(n: int) -> str:
    """«1 acción», «1,245 acciones»."""
    return ngettext("%(n)s acción", "%(n)s acciones", n) % {"n": format_number(n)}


def percent(part: int, whole: int) -> str:
    """«48.3%» of ``whole`` (one decimal; «0%» of nothing)."""
    if not whole:
        return "0%"
    value = f"{100 * part / whole:.1f}".removesuffix(".0")
    return f"{value}%"


def numbers(items: Sequence[int]) -> str:
    return _spanish_list([str(n) for n in items])


def objectives_phrase(rows: Sequence[tuple[int, int]]) -> str:
    """(objective, count) pairs, already ranked, as prose; equal counts stay together:
    «el objetivo 15 (48 acciones), el 7 (43 acciones) y los objetivos 2 y 9 (4 acciones cada
    uno)»."""
    groups: list[tuple[int, list[int]]] = []
    for number, count in rows:
        if groups and groups[-1][0] == count:
            groups[-1][1].append(number)
        else:
            groups.append((count, [number]))
    parts = []
    for index, (count, members) in enumerate(groups):
        if len(members) == 1:
            template = _("el objetivo %(n)s (%(c)s)") if index == 0 else _("el %(n)s (%(c)s)")
            parts.append(template % {"n": members[0], "c": acciones(count)})
        else:
            parts.append(
                _("los objetivos %(n)s (%(c)s cada uno)")
                % {"n": numbers(members), "c": acciones(count)}
            )
    return _spanish_list(parts)


def _ranked(counts: Sequence[ObjectiveCount], attr: str, *, fewest: bool, size: int):
    """The ranking of ``attr`` (total, federal or state) over objectives with at least one."""
    pool = [
        ObjectiveCount(c.number, c.title, getattr(c, attr), 0, 0)
        for c in counts
        if getattr(c, attr) > 0
    ]
    return rank_objectives(pool, fewest=fewest, size=size)


def _ranking_sentence(table, size: int) -> str:
    if len(table.rows) <= size:
        return ""
    return " " + _(
        "Se mencionan %(shown)s objetivos y no %(size)s porque el empate en el último lugar no "
        "se rompe."
    ) % {"shown": len(table.rows), "size": size}


def _zeros_sentence(counts: Sequence[ObjectiveCount], attr: str, who: str) -> str:
    empty = [c.number for c in counts if getattr(c, attr) == 0]
    if not empty:
        return _("%(who)s reportaron acciones en los 23 objetivos.") % {"who": who}
    return ngettext(
        "%(who)s no reportaron acciones en el objetivo %(n)s.",
        "%(who)s no reportaron acciones en los objetivos %(n)s.",
        len(empty),
    ) % {"who": who, "n": numbers(empty)}


def _change_sentence(current: int, previous: Previous | None, before: int | None = None) -> str:
    """«Respecto de 2022 (346 acciones), el total aumentó en 10 (2.9%).»; "" without one."""
    if previous is None:
        return ""
    before = previous.total if before is None else before
    values = {
        "year": previous.year,
        "before": acciones(before),
        "d": format_number(abs(current - before)),
        "p": percent(abs(current - before), before),
    }
    if current > before:
        return (
            _("Respecto de %(year)s (%(before)s), el número de acciones aumentó en %(d)s (%(p)s).")
            % values
        )
    if current < before:
        return (
            _(
                "Respecto de %(year)s (%(before)s), el número de acciones disminuyó en %(d)s "
                "(%(p)s)."
            )
            % values
        )
    return _("Es el mismo número que en %(year)s.") % values


def _largest_changes(counts: Sequence[ObjectiveCount], previous: Previous) -> str:
    """The objectives that grew and shrank most since the previous edition, ties together."""
    deltas = [(c.number, c.total - previous.by_objective.get(c.number, 0)) for c in counts]
    sentences = []
    up = max(d for _n, d in deltas)
    down = min(d for _n, d in deltas)
    if up > 0:
        members = [n for n, d in deltas if d == up]
        sentences.append(
            ngettext(
                "el mayor aumento, de %(d)s, fue en el objetivo %(n)s",
                "el mayor aumento, de %(d)s, fue en los objetivos %(n)s",
                len(members),
            )
            % {"d": acciones(up), "n": numbers(members)}
        )
    if down < 0:
        members = [n for n, d in deltas if d == down]
        sentences.append(
            ngettext(
                "la mayor disminución, de %(d)s, fue en el objetivo %(n)s",
                "la mayor disminución, de %(d)s, fue en los objetivos %(n)s",
                len(members),
            )
            % {"d": acciones(-down), "n": numbers(members)}
        )
    if not sentences:
        return ""
    text = "; ".join(sentences)
    return _("Por objetivo, %(changes)s.") % {"changes": text}


# --- The five texts ------------------------------------------------------------------------


def _total(data: InformeData) -> int:
    return sum(c.total for c in data.counts)


def preambulo(data: InformeData, previous: Previous | None, period: str) -> str:
    year = data.ejercicio.year
    total = _total(data)
    p = data.participation
    others = total - data.federal_total - data.state_total
    parts = [
        _("%(n)s de dependencias federales") % {"n": acciones(data.federal_total)},
        _("%(n)s de entidades federativas") % {"n": acciones(data.state_total)},
    ]
    if others:
        parts.append(_("%(n)s de otros actores") % {"n": acciones(others)})
    paragraphs = [
        _(
            "El Informe Ejecutivo %(year)s presenta la síntesis de los programas, acciones y "
            "buenas prácticas que las instituciones reportaron a la Unidad de Política "
            "Migratoria, Registro e Identidad de Personas sobre la implementación de los 23 "
            "Objetivos del Pacto Mundial para una Migración Segura, Ordenada y Regular en "
            "México, en el periodo de %(period)s."
        )
        % {"year": year, "period": period},
        " ".join(
            s
            for s in (
                _("Esta edición integra %(n)s, reportadas por %(m)s: %(parts)s.")
                % {
                    "n": acciones(total),
                    "m": ngettext("%(m)s institución", "%(m)s instituciones", p.institutions)
                    % {"m": format_number(p.institutions)},
                    "parts": _spanish_list(parts),
                },
                _("Participaron %(s)s de las %(t)s entidades federativas.")
                % {"s": p.states_count, "t": TOTAL_STATES},
                _change_sentence(total, previous),
            )
            if s
        ),
        _(
            "El documento cuenta las acciones por Objetivo del PMM, señala los objetivos con más "
            "y con menos acciones, presenta las acciones que mejor ejemplifican cada objetivo, "
            "agrupa por categoría los retos que las instituciones identificaron y cierra con "
            "las conclusiones."
        ),
    ]
    return "\n\n".join(paragraphs)


def analisis_general(data: InformeData, previous: Previous | None) -> str:
    total = _total(data)
    if not total:
        return _("En este ejercicio no hay acciones aprobadas: la gráfica 1 no muestra valores.")
    with_any = sum(1 for c in data.counts if c.total)
    most = _ranked(data.counts, "total", fewest=False, size=5)
    fewest = _ranked(data.counts, "total", fewest=True, size=5)
    top = sum(r.count for r in most.rows)
    opening = _(
        "La gráfica 1 muestra las %(n)s reportadas por todos los actores, distribuidas en "
        "%(k)s de los 23 Objetivos del PMM."
    ) % {"n": acciones(total), "k": with_any}
    counts = {c.total for c in data.counts if c.total}
    if len(counts) == 1:
        # Every objective with acciones has as many: «most» and «fewest» would be one list.
        sentences = [
            opening,
            ngettext(
                "El objetivo con acciones tiene %(c)s.",
                "Los %(k)s objetivos con acciones tienen el mismo número: %(c)s cada uno.",
                with_any,
            )
            % {"k": with_any, "c": acciones(counts.pop())},
        ]
    else:
        sentences = [
            opening,
            _("Los objetivos con más acciones son %(list)s; juntos suman %(p)s del total.")
            % {
                "list": objectives_phrase([(r.number, r.count) for r in most.rows]),
                "p": percent(top, total),
            }
            + _ranking_sentence(most, 5),
            _("Los objetivos con menos acciones son %(list)s.")
            % {"list": objectives_phrase([(r.number, r.count) for r in fewest.rows])}
            + _ranking_sentence(fewest, 5),
        ]
    sentences.append(_zeros_sentence(data.counts, "total", _("Las instituciones")))
    if previous is not None:
        sentences.append(_change_sentence(total, previous))
        sentences.append(_largest_changes(data.counts, previous))
    return " ".join(s for s in sentences if s)


def _partial_analysis(
    data: InformeData, previous: Previous | None, attr: str, chart: int, who: str
) -> str:
    total = _total(data)
    own = sum(getattr(c, attr) for c in data.counts)
    other = data.state_total if attr == "federal" else data.federal_total
    if not own:
        return _(
            "%(who)s no reportaron acciones en este ejercicio: la gráfica %(g)s no muestra valores."
        ) % {
            "who": who,
            "g": chart,
        }
    with_any = sum(1 for c in data.counts if getattr(c, attr))
    most = _ranked(data.counts, attr, fewest=False, size=SHORT_RANKING)
    sentences = [
        _(
            "La gráfica %(g)s muestra las %(n)s de %(whom)s, %(p)s del total, en %(k)s de los "
            "23 objetivos."
        )
        % {
            "g": chart,
            "n": acciones(own),
            "whom": who[0].lower() + who[1:],
            "p": percent(own, total),
            "k": with_any,
        },
        _("Sus objetivos con más acciones son %(list)s.")
        % {"list": objectives_phrase([(r.number, r.count) for r in most.rows])}
        + _ranking_sentence(most, SHORT_RANKING),
        _zeros_sentence(data.counts, attr, who),
    ]
    other_who = (
        _("las entidades federativas") if attr == "federal" else _("las dependencias federales")
    )
    if own > other:
        comparison = _("Son más que las %(n)s de %(other)s.")
    elif own < other:
        comparison = _("Son menos que las %(n)s de %(other)s.")
    else:
        comparison = _("Son tantas como las de %(other)s (%(n)s).")
    sentences.append(comparison % {"n": acciones(other), "other": other_who})
    if attr == "state":
        sentences.append(_states_sentence(data))
    before = getattr(previous, attr, None) if previous is not None else None
    if previous is not None and before is not None:
        sentences.append(_change_sentence(own, previous, before))
    return " ".join(s for s in sentences if s)


def _states_sentence(data: InformeData) -> str:
    names = {e.inegi_code: e.name for e in data.participation.states}
    if not data.per_state:
        return ""
    top = max(data.per_state.values())
    leaders = sorted(names.get(code, code) for code, n in data.per_state.items() if n == top)
    return ngettext(
        "Participaron %(s)s de las %(t)s entidades; la que más acciones reportó es %(who)s "
        "(%(n)s).",
        "Participaron %(s)s de las %(t)s entidades; las que más acciones reportaron son %(who)s "
        "(%(n)s cada una).",
        len(leaders),
    ) % {
        "s": data.participation.states_count,
        "t": TOTAL_STATES,
        "who": _spanish_list(leaders),
        "n": acciones(top),
    }


def analisis_federal(data: InformeData, previous: Previous | None) -> str:
    return _partial_analysis(data, previous, "federal", 2, _("Las dependencias federales"))


def analisis_estatal(data: InformeData, previous: Previous | None) -> str:
    return _partial_analysis(data, previous, "state", 3, _("Las entidades federativas"))


def _challenges_sentence(challenges: Sequence[CategoryCount]) -> str:
    total = sum(c.total for c in challenges)
    if not total:
        return _("Las instituciones no reportaron retos.")
    named = [
        c for c in challenges if c.rank == 1 and c.total and c.name != _("Sin categoría asignada")
    ]
    uncategorised = sum(c.total for c in challenges if c.name == _("Sin categoría asignada"))
    sentences = [
        ngettext(
            "Las instituciones identificaron %(n)s reto.",
            "Las instituciones identificaron %(n)s retos.",
            total,
        )
        % {"n": format_number(total)}
    ]
    if named:
        quoted = _spanish_list([f"«{c.name}»" for c in named])
        sentences.append(
            ngettext(
                "La categoría con más retos es %(names)s (%(n)s).",
                "Las categorías con más retos son %(names)s (%(n)s cada una).",
                len(named),
            )
            % {"names": quoted, "n": format_number(named[0].total)}
        )
    if uncategorised:
        sentences.append(
            ngettext(
                "De ellos, %(n)s aún no tiene categoría asignada.",
                "De ellos, %(n)s aún no tienen categoría asignada.",
                uncategorised,
            )
            % {"n": format_number(uncategorised)}
        )
    return " ".join(sentences)


def _coverage_sentence(data: InformeData) -> str:
    total = _total(data)
    reported = {f.key: f.reported_in for f in data.figures}
    return _(
        "De las %(n)s, el número de personas atendidas se reporta en %(people)s (%(p)s); el de "
        "mujeres, en %(women)s; el de hombres, en %(men)s, y un número de acciones realizadas, "
        "en %(actions)s."
    ) % {
        "n": acciones(total),
        "people": format_number(reported.get("personas_atendidas", 0)),
        "p": percent(reported.get("personas_atendidas", 0), total),
        "women": format_number(reported.get("mujeres", 0)),
        "men": format_number(reported.get("hombres", 0)),
        "actions": format_number(data.actions.reported_in),
    }


def conclusiones(data: InformeData, previous: Previous | None) -> str:
    total = _total(data)
    year = data.ejercicio.year
    if not total:
        return _("En %(year)s no se aprobaron acciones; no hay resultados que concluir.") % {
            "year": year
        }
    with_any = sum(1 for c in data.counts if c.total)
    most = _ranked(data.counts, "total", fewest=False, size=SHORT_RANKING)
    others = total - data.federal_total - data.state_total
    first = " ".join(
        s
        for s in (
            _("En %(year)s, %(m)s reportaron %(n)s alineadas a %(k)s de los 23 Objetivos del PMM.")
            % {
                "year": year,
                "m": ngettext(
                    "%(m)s institución", "%(m)s instituciones", data.participation.institutions
                )
                % {"m": format_number(data.participation.institutions)},
                "n": acciones(total),
                "k": with_any,
            },
            _change_sentence(total, previous),
        )
        if s
    )
    empty = [c.number for c in data.counts if c.total == 0]
    concentration = _("Las acciones se concentran en %(list)s.") % {
        "list": objectives_phrase([(r.number, r.count) for r in most.rows])
    }
    if empty:
        concentration += " " + ngettext(
            "El objetivo %(n)s no tiene acciones reportadas.",
            "Los objetivos %(n)s no tienen acciones reportadas.",
            len(empty),
        ) % {"n": numbers(empty)}
    split = _(
        "Las dependencias federales aportaron %(f)s (%(pf)s) y las entidades federativas %(s)s "
        "(%(ps)s)"
    ) % {
        "f": acciones(data.federal_total),
        "pf": percent(data.federal_total, total),
        "s": acciones(data.state_total),
        "ps": percent(data.state_total, total),
    }
    if others:
        split += _("; otros actores aportaron %(o)s.") % {"o": acciones(others)}
    else:
        split += "."
    return "\n\n".join(
        [
            first,
            concentration + " " + split,
            _challenges_sentence(data.challenges),
            _coverage_sentence(data),
        ]
    )


def draft_texts(data: InformeData, previous: Previous | None, period: str) -> dict[str, str]:
    """The five drafts, by Edicion field name (``DRAFT_FIELDS``)."""
    return {
        "preambulo": preambulo(data, previous, period),
        "analisis_general": analisis_general(data, previous),
        "analisis_federal": analisis_federal(data, previous),
        "analisis_estatal": analisis_estatal(data, previous),
        "conclusiones": conclusiones(data, previous),
    }
