"""UPMRIP's review: the desk, the follow-up per institution and the review of one ficha."""

from functools import partial
from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.forms import Form, ModelChoiceField
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context
from django.template.defaulttags import querystring
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reporting import editing, notifications, options, review, workflow
from reporting.access import (
    AuthenticatedHttpRequest,
    coordinator_required,
    get_ficha_for_user,
    post_only,
)
from reporting.models import (
    Actor,
    Ejercicio,
    Ficha,
    FichaStatus,
    ObjetivoPMM,
    Subtema,
)
from reporting.review_forms import (
    ApproveForm,
    BlockOrderForm,
    ChapterChoiceField,
    ClassificationForm,
    DeskFilterForm,
    EditorialForm,
    FollowUpFilterForm,
    ReminderForm,
    ReopenForm,
    RetoTextFormSet,
    ReturnForm,
)
from reporting.text import WORD_LIMIT

PAGE_SIZE = 50
STATUS_LABELS = dict(FichaStatus.choices)


def _chosen_ejercicio(request: AuthenticatedHttpRequest) -> tuple[Ejercicio, QueryDict]:
    """The exercise of ``?anio=`` (else the current one) and the query with ``anio`` filled in.

    The filter form is bound to that query, so its selector shows the exercise on display.
    """
    try:
        ejercicio = Ejercicio.objects.chosen(request.GET.get("anio"), user=request.user)
    except Ejercicio.DoesNotExist:
        raise Http404(_("No existe ese ejercicio.")) from None
    if ejercicio is None:
        raise Http404(_("Todavía no hay ejercicios."))
    query = request.GET.copy()
    query["anio"] = str(ejercicio.year)
    return ejercicio, query


def _sort_headers(request: AuthenticatedHttpRequest, orden: str) -> SafeString:
    """The desk table's ``<th>`` cells: a link that sorts by the column, then the other way.

    Built here rather than by six template includes (docs/load-test.md §L1).
    """
    cells = []
    for key, label in (
        ("institucion", _("Institución")),
        ("capitulo", _("Capítulo")),
        ("nombre", _("Programa")),
        ("", _("Objetivo(s) propuesto(s)")),
        ("objetivo", _("Objetivo asignado")),
        ("estado", _("Estado")),
        ("cambio", _("Último cambio")),
    ):
        if not key:
            cells.append(format_html('<th scope="col">{}</th>', label))
            continue
        desc = f"-{key}"
        sort, mark = "", ""
        if orden == key:
            sort, mark, target = ' aria-sort="ascending"', " ▲", desc
        elif orden == desc:
            sort, mark, target = ' aria-sort="descending"', " ▼", key
        else:
            target = key
        # The template tag's function: with a mapping given it does not read the context.
        href = querystring(cast(Context, None), request.GET, orden=target, page=None)
        cells.append(
            format_html(
                '<th scope="col"{}>\n  <a href="{}">{}{}</a>\n</th>',
                mark_safe(sort),  # noqa: S308 -- one of two constant strings above
                href,
                label,
                mark,
            )
        )
    return mark_safe("\n      ".join(cells))  # noqa: S308 -- each cell built by format_html


def _desk_rows_html(rows: list[review.DeskRow]) -> SafeString:
    """The desk's ``<tr>`` rows, escaped by ``format_html``: one template node instead of some
    fifteen per row (templates/reporting/review/bandeja.html; docs/load-test.md §L1).

    The ficha's link is ``reverse``'s for the first row with the pk put in its place: the same
    string for every pk (``reporting:review_ficha`` takes only the pk).
    """
    no_name = _("(sin nombre)")
    badge = format_html(' <span class="badge text-bg-warning">{}</span>', _("Destacada"))
    statuses = {value: str(label) for value, label in STATUS_LABELS.items()}
    url_of = _ficha_url_maker()
    # Cells that repeat across rows (an objective, a user) are escaped once per page.
    objectives: dict[tuple[int, str], str] = {}
    users: dict[str, str] = {}
    items = []
    for row in rows:
        changed = timezone.localtime(row.updated_at)
        objective = "—"
        if row.objective_number:
            key = (row.objective_number, row.objective_title)
            if key not in objectives:
                objectives[key] = format_html('<abbr title="{}">{}</abbr>', key[1], key[0])
            objective = objectives[key]
        by = ""
        if row.updated_by:
            if row.updated_by not in users:
                users[row.updated_by] = format_html(
                    '<br><span class="small text-body-secondary">{}</span>', row.updated_by
                )
            by = users[row.updated_by]
        items.append(
            (
                row.pk,
                row.actor_name,
                row.sigla,
                row.chapter,
                url_of(row.pk),
                row.nombre or no_name,
                badge if row.destacada else "",
                ", ".join(map(str, row.proposed_numbers)) or "—",
                objective,
                statuses[row.status],
                changed.isoformat(),
                changed.strftime("%d/%m/%Y %H:%M"),
                by,
            )
        )
    return format_html_join(
        "\n",
        '    <tr data-ficha="{}">\n'
        '      <td><abbr title="{}">{}</abbr></td>\n'
        "      <td>{}</td>\n"
        '      <td><a href="{}">{}</a>{}</td>\n'
        "      <td>{}</td>\n"
        "      <td>{}</td>\n"
        '      <td><span class="badge text-bg-secondary status-badge">{}</span></td>\n'
        '      <td><time datetime="{}">{}</time>{}</td>\n'
        "    </tr>",
        items,
    )


def _ficha_url_maker():
    """``pk -> reverse("reporting:review_ficha", args=[pk])``, with one ``reverse`` per page."""
    sample = 123456789
    prefix, _sep, suffix = reverse("reporting:review_ficha", args=[sample]).partition(str(sample))
    return lambda pk: f"{prefix}{pk}{suffix}"


SELECTS = ("anio", "actor", "entidad", "objective")


@coordinator_required
def bandeja(request: AuthenticatedHttpRequest) -> HttpResponse:
    ejercicio, query = _chosen_ejercicio(request)
    # The institution list: active ones and those with a ficha in this exercise, not every
    # institution that ever reported (docs/load-test.md §L1).
    in_year = Ficha.objects.filter(ejercicio=ejercicio)
    co_actors = Ficha.co_actors.through.objects.filter(ficha__in=in_year).values("actor_id")
    actors = Actor.objects.filter(
        Q(active=True) | Q(pk__in=in_year.values("actor")) | Q(pk__in=co_actors)
    ).order_by("name")
    fields = DeskFilterForm.base_fields
    selects = {
        name: cast(QuerySet, cast(ModelChoiceField, fields[name]).queryset) for name in SELECTS
    }
    selects["actor"] = actors
    chapter_rows = ChapterChoiceField.rows()
    # One query stamps the rows of every select; options of a known stamp are not read again.
    stamps: list[str | None] = options.stamps([chapter_rows, *selects.values()]) or [None] * (
        len(selects) + 1
    )
    chapters = options.remembered(("chapters",), stamps[0], lambda: list(chapter_rows))
    form = DeskFilterForm(query, ejercicio=ejercicio, chapters=chapters)
    for (name, objects), stamp in zip(selects.items(), stamps[1:], strict=True):
        field = cast(ModelChoiceField, form.fields[name])
        field.queryset = objects
        field.choices = options.remembered(
            options.field_key(field), stamp, partial(options.read_options, field)
        )
    filters = form.filters(ejercicio)
    # One query finds the matches and counts them per status; then the page's rows only.
    found = review.desk(filters)
    counts = found.counts
    page = Paginator(found.ids, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = review.desk_rows(list(page.object_list))
    page.object_list = rows  # type: ignore[assignment]
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows_html": _desk_rows_html(rows),
        "sort_headers": _sort_headers(request, filters.orden),
        # «1 2 3 … 9 10»: a long year stays one row of links.
        "page_links": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "total": counts["total"],
        "status_tabs": [(value, label, counts[value]) for value, label in FichaStatus.choices],
    }
    return render(request, "reporting/review/bandeja.html", context)


@coordinator_required
def seguimiento(request: AuthenticatedHttpRequest) -> HttpResponse:
    ejercicio, query = _chosen_ejercicio(request)
    form = FollowUpFilterForm(query)
    data = form.cleaned_data if form.is_valid() else {}
    actors = review.follow_up(
        ejercicio, chapter=data.get("chapter"), only_missing=data.get("sin_envios", False)
    )
    context = {"form": form, "ejercicio": ejercicio, "actors": actors}
    return render(request, "reporting/review/seguimiento.html", context)


@coordinator_required
@post_only("reporting:seguimiento")
def send_reminders(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reporting:seguimiento")
    ejercicio = form.cleaned_data["ejercicio"]
    n = notifications.remind_institutions(
        ejercicio=ejercicio, actors=form.cleaned_data["actors"], by=request.user
    )
    messages.success(
        request,
        ngettext(
            "Se envió el recordatorio a %(n)s institución.",
            "Se envió el recordatorio a %(n)s instituciones.",
            n,
        )
        % {"n": n},
    )
    return redirect(f"{reverse('reporting:seguimiento')}?anio={ejercicio.year}")


# ---------------------------------------------------------------------------------------------
# One ficha
# ---------------------------------------------------------------------------------------------


def _remember_selects(*forms: Form) -> None:
    """The model selects of ``forms`` (objective, eje, subtema, ODS, the retos' categories)
    get their options as the desk's do: one query stamps them all, known ones are not read
    again (each read was a server-side cursor: DECLARE, FETCH, CLOSE; docs/load-test.md §L1).
    Validation still asks each field's queryset."""
    fields = [
        field
        for form in forms
        for field in form.fields.values()
        if isinstance(field, ModelChoiceField)
    ]
    distinct: dict[tuple, QuerySet] = {}
    for field in fields:
        objects = cast(QuerySet, field.queryset)
        sql, params = objects.query.sql_with_params()
        distinct.setdefault((sql, tuple(map(str, params))), objects)
    stamps = options.stamps(list(distinct.values()))
    by_sql = dict(zip(distinct, stamps, strict=True)) if stamps is not None else {}
    # Without stamps (SQLite) each distinct select is still read once per page, not once per
    # reto row.
    read: dict[tuple, list] = {}
    for field in fields:
        sql, params = cast(QuerySet, field.queryset).query.sql_with_params()
        rows = (sql, tuple(map(str, params)))
        key = (*options.field_key(field), rows)
        if key not in read:
            read[key] = options.remembered(
                options.field_key(field), by_sql.get(rows), partial(options.read_options, field)
            )
        field.choices = read[key]


def _render_review(
    request: AuthenticatedHttpRequest, ficha: Ficha, *, status: int = 200, **forms
) -> HttpResponse:
    """The ficha as sent, its history and the coordinator panel (forms may carry errors)."""
    initial = {"loaded_version": ficha.version}
    # The forms and the page's template read these lists: once each (docs/load-test.md §L1).
    prefetch_related_objects([ficha], "objetivos_propuestos", "ods", "co_actors", "entidades")
    history = review.ficha_history(ficha)
    returns = [event for event in history if event.to_status == FichaStatus.OBSERVADA]
    latest_return = returns[-1] if returns else None  # the history runs oldest first
    approve_form = forms.get("approve_form") or ApproveForm(ficha=ficha)
    classify_form = forms.get("classify_form") or ClassificationForm(ficha=ficha)
    _remember_selects(approve_form, classify_form)
    context = {
        "ficha": ficha,
        "history": history,
        "observaciones": list(latest_return.observaciones.all()) if latest_return else [],
        "return_form": forms.get("return_form") or ReturnForm(initial=initial),
        "approve_form": approve_form,
        "reopen_form": forms.get("reopen_form") or ReopenForm(initial=initial),
        "classify_form": classify_form,
        "stale": forms.get("stale"),
        "actions": workflow.allowed_actions(ficha, request.user),
        # static/js/subtemas.js offers only the subtemas of the chosen eje; the form checks too.
        "subtema_ejes": dict(Subtema.objects.values_list("pk", "eje_id")),
    }
    return render(request, "reporting/review/ficha.html", context, status=status)


@coordinator_required
def review_ficha(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_review(request, get_ficha_for_user(request, pk))


@coordinator_required
@post_only("reporting:review_ficha")
def review_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    try:
        workflow.start_review(ficha, by=request.user)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La ficha quedó en revisión."))
    return redirect("reporting:review_ficha", pk=ficha.pk)


@coordinator_required
@post_only("reporting:review_ficha")
def review_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_review(request, ficha, return_form=form, status=400)
    try:
        workflow.return_for_changes(
            ficha,
            by=request.user,
            note=form.cleaned_data["note"],
            field_notes=form.field_notes(),
            expected_version=form.cleaned_data["loaded_version"],
        )
    except workflow.TransitionError as error:
        form.add_error(None, str(error))
        return _render_review(request, ficha, return_form=form, status=409)
    messages.success(request, _("La ficha se devolvió a la institución con sus observaciones."))
    return redirect("reporting:review_ficha", pk=ficha.pk)


@coordinator_required
@post_only("reporting:review_ficha")
def review_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    form = ApproveForm(request.POST, ficha=ficha)
    if not form.is_valid():
        return _render_review(request, ficha, approve_form=form, status=400)
    try:
        workflow.approve(
            ficha,
            by=request.user,
            objective=form.cleaned_data["objective"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["loaded_version"],
        )
    except workflow.TransitionError as error:
        form.add_error(None, str(error))
        return _render_review(request, ficha, approve_form=form, status=409)
    messages.success(request, _("La ficha fue aprobada."))
    return redirect("reporting:review_ficha", pk=ficha.pk)


@coordinator_required
@post_only("reporting:review_ficha")
def review_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_review(request, ficha, reopen_form=form, status=400)
    try:
        workflow.reopen(
            ficha,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["loaded_version"],
        )
    except workflow.TransitionError as error:
        form.add_error(None, str(error))
        return _render_review(request, ficha, reopen_form=form, status=409)
    messages.success(request, _("La ficha se reabrió y está de nuevo en revisión."))
    return redirect("reporting:review_ficha", pk=ficha.pk)


@coordinator_required
@post_only("reporting:review_ficha")
def review_classify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    form = ClassificationForm(request.POST, ficha=ficha)
    if not form.is_valid():
        return _render_review(request, ficha, classify_form=form, status=400)
    data = form.cleaned_data
    try:
        review.classify_ficha(
            ficha,
            by=request.user,
            expected_version=data["loaded_version"],
            eje=data["eje"],
            subtema=data["subtema"],
            ods=data["ods"],
            destacada=data["destacada"],
            resumen_informe=data["resumen_informe"],
            categorias=form.categorias(),
            resumen_informe_en=data["resumen_informe_en"],
        )
    except editing.StaleFicha as stale:
        return _render_review(request, ficha, classify_form=form, stale=stale, status=409)
    messages.success(request, _("Se guardó la clasificación."))
    return redirect("reporting:review_ficha", pk=ficha.pk)


@coordinator_required
def review_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    form = EditorialForm(request.POST or None, instance=ficha)
    formset = RetoTextFormSet(request.POST or None, instance=ficha, prefix="retos")
    stale = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            editing.save_ficha_form(
                form,
                by=request.user,
                expected_version=form.cleaned_data["loaded_version"],
                formsets=[formset],
                record_edit=True,
                note=form.cleaned_data["edit_note"],
            )
        except editing.StaleFicha as error:
            stale = error
        else:
            # The institution sees the change in its history and gets an email (issue 10).
            notifications.ficha_edited(ficha.pk)
            messages.success(request, _("Se guardaron las correcciones editoriales."))
            return redirect("reporting:review_ficha", pk=ficha.pk)
    context: dict[str, object] = {"ficha": ficha, "form": form, "formset": formset, "stale": stale}
    context["word_limit"] = WORD_LIMIT
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render(request, "reporting/review/ficha_edit.html", context, status=status)


@coordinator_required
def review_reorder(
    request: AuthenticatedHttpRequest, year: int, chapter: int, objective: int
) -> HttpResponse:
    ejercicio = get_object_or_404(Ejercicio, year=year)
    objetivo = get_object_or_404(ObjetivoPMM, number=objective)
    block: review.Block = {"ejercicio": ejercicio, "chapter": chapter, "objective": objetivo}
    fichas = review.order_block(**block)
    form = BlockOrderForm(request.POST or None, fichas=fichas)
    if request.method == "POST" and form.is_valid():
        n = review.save_block_order(**block, positions=form.positions(), by=request.user)
        message = ngettext(
            "Orden guardado (cambió %(n)s ficha).", "Orden guardado (cambiaron %(n)s fichas).", n
        )
        messages.success(request, message % {"n": n})
        return redirect(request.path)
    context = {"form": form, **block}
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/review/orden.html", context, status=status)
