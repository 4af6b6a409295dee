"""The public series pages (2018→latest) and their open data (docs/series.md §S4-S6).

Everything comes from ``compendium.series.annual_series``: history as published in [DIAG] and
the public record of each published edition; nothing here reads a ficha.
"""

import csv
import io
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from compendium import series as s

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"
PUBLISHER = "Unidad de Política Migratoria, Registro e Identidad de Personas (UPMRIP), SEGOB"


def _footnotes(rows: list[s.YearFigures], *, ods: bool = False) -> list[dict]:
    """Numbered notes of the years (each year's notes, in order), for «*n» markers."""
    notes: list[dict] = []
    for y in rows:
        for text in y.ods_notes if ods else y.notes:
            notes.append({"year": y.year, "number": len(notes) + 1, "text": text})
    return notes


def _common(series: list[s.YearFigures]) -> dict:
    first, last = (series[0].year, series[-1].year) if series else (s.FIRST_YEAR, s.FIRST_YEAR)
    return {
        "series": series,
        "first_year": first,
        "last_year": last,
        "sources": s.sources(series),
        "downloads": DOWNLOADS,
    }


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    series = s.annual_series()
    split = [y for y in series if y.year >= 2022]
    has_split = any(y.federal is not None for y in split)
    context = {
        **_common(series),
        "notes": _footnotes(series),
        "chart": s.year_chart(series, chart_id="g-anual"),
        "split": split,
        "has_split": has_split,
        "split_chart": s.year_chart(
            [y for y in split if y.federal is not None],
            chart_id="g-federal-estatal",
            kinds=("federal", "state"),
            title=_("Acciones de dependencias federales y de entidades federativas"),
        )
        if has_split
        else "",
        "no_split_note": _(s.NO_SPLIT_NOTE),
    }
    return render(request, "compendium/series/overview.html", context)


@require_safe
def objectives(request: HttpRequest) -> HttpResponse:
    series = s.annual_series()
    titles = s.objective_titles()
    maximum = max((y.objectives[n] for y in series for n in s.OBJECTIVES), default=0)
    rows = [
        {
            "number": n,
            "title": titles.get(n, ""),
            "cells": [
                {
                    "value": y.objectives[n],
                    "note": y.cell_notes.get(n, ""),
                    **s.heat(y.objectives[n], maximum),
                }
                for y in series
            ],
        }
        for n in s.OBJECTIVES
    ]
    pairs = s.pairs(series)
    years = [current.year for _previous, current in pairs]
    try:
        chosen = int(request.GET.get("anio", years[-1] if years else 0))
    except ValueError:
        chosen = years[-1] if years else 0
    if years and chosen not in years:
        raise Http404
    change = None
    if years:
        previous, current = next(p for p in pairs if p[1].year == chosen)
        items = s.changes(previous, current, titles)
        change = {
            "previous": previous,
            "current": current,
            "items": items,
            "rises": s.largest(items),
            "falls": s.largest(items, falls=True),
            "size": s.RANKED,
        }
    context = {
        **_common(series),
        "notes": _footnotes(series),
        "rows": rows,
        "legend": s.heat_legend(maximum),
        "multiples": s.small_multiples(series, titles),
        "change": change,
        "change_years": years,
    }
    return render(request, "compendium/series/objectives.html", context)


@require_safe
def ods(request: HttpRequest) -> HttpResponse:
    series = s.annual_series()
    aligned = [y for y in series if y.ods is not None]
    names = s.ods_names()
    maximum = max((y.ods[n] for y in aligned if y.ods for n in s.ODS_NUMBERS), default=0)
    rows = [
        {
            "number": n,
            "name": names.get(n, ""),
            "cells": [
                {
                    "value": y.ods[n] if y.ods else 0,
                    "note": y.ods_cell_notes.get(n, ""),
                    **s.heat(y.ods[n] if y.ods else 0, maximum),
                }
                for y in aligned
            ],
        }
        for n in s.ODS_NUMBERS
    ]
    context = {
        **_common(series),
        "aligned": aligned,
        "not_aligned": [y for y in series if y.ods is None],
        "rows": rows,
        "legend": s.heat_legend(maximum),
        "notes": _footnotes(series, ods=True),
        "ods_sources": s.sources(series, ods=True),
        "overlap_note": _(s.ODS_OVERLAP_NOTE),
        "no_ods_note": _(s.NO_ODS_NOTE),
        "chart": _ods_chart(aligned),
    }
    return render(request, "compendium/series/ods.html", context)


def _ods_chart(aligned: list[s.YearFigures]):
    """Distinct acciones con resultados per year, drawn with the year chart."""
    totals = [
        s.YearFigures(year=y.year, origin=y.origin, source="", objectives={1: y.ods_total or 0})
        for y in aligned
    ]
    return s.year_chart(totals, chart_id="g-ods", title=_("Acciones con resultados por año"))


# --- Open data -------------------------------------------------------------------------------

DOWNLOADS = (
    ("compendium:series_objectives_csv", "serie-anual.csv"),
    ("compendium:series_objectives_json", "serie-anual.json"),
    ("compendium:series_ods_csv", "serie-anual-ods.csv"),
    ("compendium:series_ods_json", "serie-anual-ods.json"),
)


def objective_rows(series: list[s.YearFigures]) -> list[tuple[int, int, int]]:
    """(anio, objetivo, acciones): one row per year and objective, every year of the series."""
    return [(y.year, n, y.objectives[n]) for y in series for n in s.OBJECTIVES]


def ods_rows(series: list[s.YearFigures]) -> list[tuple[int, int, int]]:
    """(anio, ods, acciones_con_resultados): years with an ODS alignment only."""
    return [(y.year, n, y.ods[n]) for y in series if y.ods is not None for n in s.ODS_NUMBERS]


def _csv(header: tuple[str, ...], rows: list[tuple[int, int, int]], name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _json(data: dict, name: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type=JSON_TYPE)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_safe
def objectives_csv(request: HttpRequest) -> HttpResponse:
    series = s.annual_series()
    return _csv(("anio", "objetivo", "acciones"), objective_rows(series), "serie-anual.csv")


@require_safe
def ods_csv(request: HttpRequest) -> HttpResponse:
    series = s.annual_series()
    return _csv(("anio", "ods", "acciones_con_resultados"), ods_rows(series), "serie-anual-ods.csv")


def _meta(request: HttpRequest, title: str, csv_name: str, page: str) -> dict:
    return {
        "titulo": title,
        "editor": PUBLISHER,
        "pagina": request.build_absolute_uri(reverse(page)),
        "csv": request.build_absolute_uri(reverse(csv_name)),
    }


def objectives_data(series: list[s.YearFigures]) -> list[dict]:
    return [
        {
            "anio": y.year,
            "acciones": y.total,
            "total_impreso": y.printed_total,
            "origen": y.origin,
            "fuente": y.source,
            "notas": y.notes,
            "dependencias_federales": y.federal,
            "entidades_federativas": y.state,
            "objetivos": [
                {"objetivo": n, "acciones": y.objectives[n], "nota": y.cell_notes.get(n, "")}
                for n in s.OBJECTIVES
            ],
        }
        for y in series
    ]


@require_safe
def objectives_json(request: HttpRequest) -> HttpResponse:
    series = s.annual_series()
    data = {
        **_meta(
            request,
            _("Acciones por Objetivo del PMM y año"),
            "compendium:series_objectives_csv",
            "compendium:series_objectives",
        ),
        "descripcion": _(
            "Programas, acciones y buenas prácticas reportados cada año, por Objetivo del PMM. "
            "«acciones» del año es la suma de sus objetivos; «total_impreso» es el total que "
            "imprime la fuente, cuando lo imprime (puede diferir: véanse las notas)."
        ),
        "fuentes": [{"anios": x["label"], "fuente": x["source"]} for x in s.sources(series)],
        "anios": objectives_data(series),
    }
    return _json(data, "serie-anual.json")


@require_safe
def ods_json(request: HttpRequest) -> HttpResponse:
    series = s.annual_series()
    data = {
        **_meta(
            request,
            _("Acciones con resultados por ODS y año"),
            "compendium:series_ods_csv",
            "compendium:series_ods",
        ),
        "descripcion": _(s.ODS_OVERLAP_NOTE),
        "fuentes": [
            {"anios": x["label"], "fuente": x["source"]} for x in s.sources(series, ods=True)
        ],
        "anios_sin_alineacion": [y.year for y in series if y.ods is None],
        "anios": [
            {
                "anio": y.year,
                "acciones_con_resultados": y.ods_total,
                "origen": y.origin,
                "fuente": y.ods_source,
                "notas": y.ods_notes,
                "ods": [
                    {
                        "ods": n,
                        "acciones_con_resultados": y.ods[n],
                        "nota": y.ods_cell_notes.get(n, ""),
                    }
                    for n in s.ODS_NUMBERS
                ],
            }
            for y in series
            if y.ods is not None
        ],
    }
    return _json(data, "serie-anual-ods.json")
