"""The program explorer, program pages and edition dashboards (docs/open-data.md §R4-R6).

Public, read-only, and read only from the public record (``compendium.public_record``): what
a published Compendio version printed, never the live fichas, never contact data. Bad filter
values answer a page that explains them (status 400), never a 500; a number of queries per page
that does not grow with the number of programs.
"""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from compendium import charts, dashboards, english_names, public_record
from compendium.compendio import paragraphs
from compendium.models import Document, PublishedProgram
from compendium.public_record import PER_PAGE, ProgramFilters
from compendium.views import public
from reporting.text import format_number

# Labels of the filters, in the form's order.
FILTER_LABELS = {
    "anio": gettext_lazy("Año"),
    "objetivo": gettext_lazy("Objetivo del PMM"),
    "ods": gettext_lazy("Objetivo de Desarrollo Sostenible (ODS)"),
    "eje": gettext_lazy("Eje temático"),
    "capitulo": gettext_lazy("Capítulo del Compendio"),
    "institucion": gettext_lazy("Institución (sigla)"),
    "entidad": gettext_lazy("Entidad federativa"),
}
OTHER_LABELS = {"q": gettext_lazy("Búsqueda"), "page": gettext_lazy("Página")}
# Filters whose options stay Spanish (no English names exist): lang="es" on English pages
# (docs/english-edition.md §E7).
SPANISH_FACETS = {"eje", "institucion", "entidad"}


def _label(name: str) -> str:
    return str(FILTER_LABELS.get(name) or OTHER_LABELS.get(name) or name)


_BULLET_RE = re.compile(r"^\s*- ")


def text_blocks(text: str) -> list[dict]:
    """A record's plain text as paragraphs («p», lines) and bullet lists («ul», items)."""
    blocks = []
    for chunk in paragraphs(text):
        lines = chunk.split("\n")
        if all(_BULLET_RE.match(line) for line in lines):
            items = [(line.startswith((" ", "\t")), _BULLET_RE.sub("", line)) for line in lines]
            blocks.append({"kind": "ul", "items": items})
        else:
            blocks.append({"kind": "p", "lines": lines})
    return blocks


def figure_rows(figures: dict) -> list[tuple[str, str]]:
    """The structured figures reported, as (label, formatted value) rows."""
    rows = []
    actions = figures.get("num_acciones")
    if actions is not None:
        kind = figures.get("tipo_acciones") or ""
        rows.append((_("Acciones"), format_number(actions) + (f" ({kind})" if kind else "")))
    labels = {
        "personas_atendidas": _("Personas atendidas"),
        "mujeres": _("Mujeres"),
        "hombres": _("Hombres"),
        "otras_personas": _("Otras personas o sexo no especificado"),
    }
    for name, label in labels.items():
        if figures.get(name) is not None:
            rows.append((label, format_number(figures[name])))
    return rows


def _pdf_link(program: PublishedProgram) -> str:
    """The edition PDF of the program's version at its page («#page=N»); "" without a file."""
    build = program.build
    if not build.file:
        return ""
    url = reverse(
        "compendium:public_download", args=[program.year, Document.COMPENDIO, build.version]
    )
    # With a page: «?ver=1», shown inline so that the browser opens it there (views/public.py).
    return f"{url}?ver=1#page={program.page}" if program.page else url


def _options(items: list, lang: str = "") -> str:
    """The ``<option>`` elements of one facet, «label (count)», escaped by ``format_html``;
    each with ``lang`` when given (Spanish names on an English page).

    Built here rather than in the template: a facet can have a hundred values (institutions),
    and the template engine's per-node cost showed in the explorer's time (docs/open-data.md
    §R7).
    """
    return format_html_join(
        "\n",
        f'<option value="{{}}"{{}} lang="{lang}">{{}} ({{}})</option>'
        if lang
        else '<option value="{}"{}>{} ({})</option>',
        (
            (item.value, " selected" if item.selected else "", item.label, item.count)
            for item in items
        ),
    )


def _cards(rows) -> str:
    """The result list's ``<li>`` cards, escaped by ``format_html``: one template node per page
    instead of a dozen per card (docs/open-data.md §R7). Rows of ``program_list`` with their
    ``ods`` prefetched."""
    compendio = _("Compendio General %(year)s, programa %(n)s")
    objective = _("Objetivo %(n)s del PMM")
    ods_label = _("ODS")
    items = []
    for p in rows:
        meta = [
            compendio % {"year": p.year, "n": p.number},
            p.printed_sigla or p.sigla,
            objective % {"n": p.objetivo_id},
        ]
        ods = [str(o.number) for o in p.ods.all()]
        if ods:
            meta.append(f"{ods_label} {', '.join(ods)}")
        items.append(
            (reverse("compendium:program", args=[p.year, p.number]), p.nombre, " · ".join(meta))
        )
    return format_html_join(
        "\n",
        '<li class="border-bottom py-2"><h3 class="h6 mb-1"><a href="{}" lang="es">{}</a></h3>'
        '<p class="small mb-0 text-body-secondary">{}</p></li>',
        items,
    )


@require_safe
def programs(request: HttpRequest) -> HttpResponse:
    """«Programas publicados»: search and filters over every published edition, 20 per page."""
    filters = ProgramFilters.from_params(request.GET)
    errors = dict(filters.errors)
    # Facets, total and unknown values: cached per published record (docs/open-data.md §R7).
    summary = public_record.summary(filters)
    for name, message in summary.unknown.items():
        errors.setdefault(name, message)
    matching = public_record.program_list(filters).prefetch_related("ods")
    facets, total = summary.facets, summary.total
    paginator = Paginator(matching, PER_PAGE)
    # The facets' query counted the programs already: no COUNT query.
    paginator.__dict__["count"] = total
    page_obj = paginator.get_page(filters.page)
    notice = ""
    if filters.page > paginator.num_pages and paginator.count:
        notice = _("La página %(page)s no existe; se muestra la última (%(last)s).") % {
            "page": filters.page,
            "last": paginator.num_pages,
        }
    spanish = english_names.spanish_mark()
    active = [
        {
            "name": name,
            "lang": spanish if name in SPANISH_FACETS else "",
            "label": _label(name),
            "value": next((i.label for i in facets.get(name, []) if i.selected), value),
            "remove": filters.query_string(**{name: None if name != "q" else ""}),
        }
        for name, value in filters.active().items()
    ]
    context = {
        "filters": filters,
        "errors": errors,
        "error_list": [(name, _label(name), message) for name, message in errors.items()],
        "notice": notice,
        "facets": [
            (
                name,
                _label(name),
                _options(facets.get(name, []), spanish if name in SPANISH_FACETS else ""),
            )
            for name in FILTER_LABELS
        ],
        "active": active,
        "page_obj": page_obj,
        "cards": _cards(page_obj.object_list),
        "pages": {
            "previous": filters.query_string(page=page_obj.number - 1)
            if page_obj.has_previous()
            else "",
            "next": filters.query_string(page=page_obj.number + 1) if page_obj.has_next() else "",
            # «Página n» links (the elided range: the first, the last, two around the current).
            "numbers": [
                (n, filters.query_string(page=n))
                for n in paginator.get_elided_page_range(page_obj.number, on_each_side=2)
                if isinstance(n, int)
            ],
        },
        "max_q": public_record.MAX_QUERY_CHARS,
    }
    response = render(request, "compendium/explorer/programs.html", context)
    if errors:
        response.status_code = 400
    return response


@require_safe
def program(request: HttpRequest, anio: int, number: int) -> HttpResponse:
    """One published program's permanent page: its text as printed and its classification."""
    found = (
        PublishedProgram.objects.filter(year=anio, number=number)
        .select_related("build", "objetivo", "eje", "subtema", "entidad", "actor_type")
        .prefetch_related("ods", "alcance_entidades")
        .first()
    )
    if found is None:
        raise Http404
    heading = f"{found.printed_number}. {found.nombre} – {found.printed_sigla or found.sigla}."
    context = {
        "program": found,
        "heading": heading,
        "descripcion": text_blocks(found.descripcion),
        "resultados": text_blocks(found.resultados),
        "pdf_url": _pdf_link(found),
        "figures": figure_rows(found.figures or {}),
        "explore": {
            "objetivo": ProgramFilters(anio=anio, objetivo=found.objetivo_id).query_string(),
            "institucion": ProgramFilters(anio=anio, institucion=found.sigla).query_string(),
        },
    }
    return render(request, "compendium/explorer/program.html", context)


@require_safe
def dashboard(request: HttpRequest, year: int) -> HttpResponse:
    """The dashboards of one published edition, from its public record."""
    data = dashboards.dashboard(year)
    # Every published edition has a page, with its PDF or without (imported with --publish alone).
    edition_page = bool(public.published_editions(year=year, without_file=True))
    if data is None:
        if not edition_page:
            raise Http404
        # A version published before the record was kept, or an Informe alone.
        return render(request, "compendium/explorer/dashboard_none.html", {"year": year})
    context = {
        "year": year,
        "data": data,
        "chart_ods": dashboards.hbar_chart(
            data.by_ods, chart_id="g-ods", title=_("Programas por ODS")
        ),
        "chart_eje": dashboards.hbar_chart(
            data.by_eje,
            chart_id="g-ejes",
            title=_("Programas por eje temático"),
            colour=charts.VERDE,
        ),
        "chart_actor": dashboards.hbar_chart(
            data.by_actor_type, chart_id="g-actores", title=_("Programas por tipo de institución")
        ),
        "state_map": charts.state_map(data.per_state, map_id="mapa-programas"),
        "map_legend": charts.map_legend(data.per_state),
        "map_credit": charts.MAP_CREDIT,
        "states_with_programs": [s for s in data.by_state if s.total],
        "explorer": reverse("compendium:programs"),
        "edition_page": edition_page,
    }
    return render(request, "compendium/explorer/dashboard.html", context)
