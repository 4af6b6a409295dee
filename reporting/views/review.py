"""UPMRIP's review: the desk, the follow-up per institution and the review of one ficha."""

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reporting import editing, notifications, review, workflow
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
    Observacion,
    Subtema,
)
from reporting.review_forms import (
    ApproveForm,
    BlockOrderForm,
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


_DEFAULT_LABEL = ModelChoiceField.label_from_instance


def _read_options(field: ModelChoiceField) -> None:
    """A model select's options read in one plain query, labelled by the field as usual.

    Django's model choice list counts its rows and then reads them through a server-side cursor
    (DECLARE, FETCH, CLOSE) each time it is read; the desk's four selects cost eight queries
    and more round trips (docs/load-test.md §L1). Validation still asks the field's queryset.
    """
    options = [("", field.empty_label)] if field.empty_label is not None else []
    key = field.to_field_name or "pk"
    objects = cast(QuerySet, field.queryset)
    if objects.model is Actor and type(field).label_from_instance is _DEFAULT_LABEL:
        # Some 300 institutions: plain rows, not model instances (6 ms less per page at 10
        # years of data, docs/load-test.md §L1); the labels are ``str(actor)``'s.
        rows = objects.values_list(key, "name", "sigla")
        options += [(value, Actor.label(name, sigla)) for value, name, sigla in rows]
    else:
        options += [(getattr(obj, key), field.label_from_instance(obj)) for obj in objects]
    field.choices = options


def _desk_row(row: review.DeskRow) -> dict[str, object]:
    """What one row of the desk prints, as plain values (templates/reporting/review/bandeja.html).

    The template's per-row lookups, ``{% url %}``, date filters and lazy labels were about half
    of the page's rendering time for 50 rows (docs/load-test.md §L1).
    """
    changed = timezone.localtime(row.updated_at)
    return {
        "pk": row.pk,
        "url": reverse("reporting:review_ficha", args=[row.pk]),
        "actor_name": row.actor_name,
        "sigla": row.sigla,
        "chapter": row.chapter,
        "nombre": row.nombre or _("(sin nombre)"),
        "destacada": row.destacada,
        "proposed": ", ".join(map(str, row.proposed_numbers)) or "—",
        "objective_number": row.objective_number,
        "objective_title": row.objective_title,
        "status": STATUS_LABELS[row.status],
        "changed_iso": changed.isoformat(),
        "changed": changed.strftime("%d/%m/%Y %H:%M"),
        "changed_by": row.updated_by,
    }


@coordinator_required
def bandeja(request: AuthenticatedHttpRequest) -> HttpResponse:
    ejercicio, query = _chosen_ejercicio(request)
    form = DeskFilterForm(query)
    # The institution list: active ones and those with a ficha in this exercise, not every
    # institution that ever reported (docs/load-test.md §L1).
    in_year = Ficha.objects.filter(ejercicio=ejercicio)
    co_actors = Ficha.co_actors.through.objects.filter(ficha__in=in_year).values("actor_id")
    cast(ModelChoiceField, form.fields["actor"]).queryset = Actor.objects.filter(
        Q(active=True) | Q(pk__in=in_year.values("actor")) | Q(pk__in=co_actors)
    ).order_by("name")
    for name in ("anio", "actor", "entidad", "objective"):
        _read_options(cast(ModelChoiceField, form.fields[name]))
    filters = form.filters(ejercicio)
    # One query finds the matches and counts them per status; then the page's rows only.
    found = review.desk(filters)
    counts = found.counts
    page = Paginator(found.ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = review.desk_rows(list(page.object_list))  # type: ignore[assignment]
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [_desk_row(row) for row in cast(list[review.DeskRow], page.object_list)],
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


def _render_review(
    request: AuthenticatedHttpRequest, ficha: Ficha, *, status: int = 200, **forms
) -> HttpResponse:
    """The ficha as sent, its history and the coordinator panel (forms may carry errors)."""
    initial = {"loaded_version": ficha.version}
    latest_return = ficha.events.filter(to_status=FichaStatus.OBSERVADA).order_by("-at").first()
    context = {
        "ficha": ficha,
        "history": review.ficha_history(ficha),
        "observaciones": Observacion.objects.filter(event=latest_return) if latest_return else [],
        "return_form": forms.get("return_form") or ReturnForm(initial=initial),
        "approve_form": forms.get("approve_form") or ApproveForm(ficha=ficha),
        "reopen_form": forms.get("reopen_form") or ReopenForm(initial=initial),
        "classify_form": forms.get("classify_form") or ClassificationForm(ficha=ficha),
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
