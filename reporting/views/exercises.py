"""UPMRIP's «Ejercicios»: create, open, extend, close and reopen the annual exercises.

Each write view takes a POST (a GET is sent back to the exercise's page), validates a form from
``reporting/exercise_forms.py`` and calls one function of ``reporting/exercises.py``, which
locks the row, checks the change and audits it (docs/workflow.md §W10).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from reporting import audit, exercises, invitations
from reporting.access import AuthenticatedHttpRequest, coordinator_required
from reporting.exercise_forms import (
    CategoryFormSet,
    CloseForm,
    DeadlineForm,
    EjercicioForm,
    OpenForm,
    ReopenForm,
    category_initial,
    category_rows,
)
from reporting.models import Ejercicio


def _ejercicio(year: int) -> Ejercicio:
    return get_object_or_404(Ejercicio.objects.with_counts(), year=year)


def _back(ejercicio: Ejercicio) -> HttpResponse:
    # 303: after a POST (or a GET of a POST-only address) the browser loads the page.
    response = redirect("reporting:exercise_detail", year=ejercicio.year)
    response.status_code = 303
    return response


def _render_detail(
    request: AuthenticatedHttpRequest, ejercicio: Ejercicio, *, status: int = 200, **forms
) -> HttpResponse:
    """The exercise, its fichas in progress, the allowed actions and its history."""
    context = {
        "ejercicio": ejercicio,
        "actions": exercises.allowed_actions(ejercicio),
        "other_open": exercises.other_open(ejercicio),
        "in_progress": list(exercises.fichas_in_progress(ejercicio)),
        "history": audit.history_of(ejercicio),
        "open_form": OpenForm(previous=exercises.previous_ejercicio(ejercicio.year)),
        "deadline_form": forms.get("deadline_form") or DeadlineForm(ejercicio=ejercicio),
        "close_form": forms.get("close_form") or CloseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
    }
    return render(request, "reporting/exercises/exercise_detail.html", context, status=status)


@coordinator_required
@require_GET
def exercise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    ejercicios = Ejercicio.objects.with_counts().order_by("-year")
    context = {"ejercicios": ejercicios, "next_year": EjercicioForm.initial_for_next()["year"]}
    return render(request, "reporting/exercises/exercise_list.html", context)


@coordinator_required
def exercise_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EjercicioForm(request.POST or None, initial=EjercicioForm.initial_for_next())
    if request.method == "POST" and form.is_valid():
        try:
            ejercicio = exercises.create_next_ejercicio(by=request.user, **form.cleaned_data)
        except exercises.ExerciseRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _(
                    "Se creó el ejercicio %(year)s, en preparación: ábralo cuando deba "
                    "recibir fichas."
                )
                % {"year": ejercicio.year},
            )
            return _back(ejercicio)
    status = 400 if request.method == "POST" else 200
    newest = Ejercicio.objects.order_by("-year").first()
    context = {
        "form": form,
        "newest": newest,
        "n_categories": newest.challenge_categories.count() if newest else 0,
    }
    return render(request, "reporting/exercises/exercise_form.html", context, status=status)


@coordinator_required
@require_GET
def exercise_detail(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    return _render_detail(request, _ejercicio(year))


@coordinator_required
def exercise_open(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    ejercicio = _ejercicio(year)
    if request.method != "POST":
        return _back(ejercicio)
    previous = exercises.previous_ejercicio(ejercicio.year)
    form = OpenForm(request.POST, previous=previous)
    invite = form.is_valid() and form.cleaned_data.get("invite", False)
    try:
        exercises.open_ejercicio(ejercicio, by=request.user)
    except exercises.ExerciseRefused as refused:
        messages.error(request, str(refused))
        return _back(ejercicio)
    messages.success(
        request,
        _("El ejercicio %(year)s está abierto: las instituciones ya pueden capturar fichas.")
        % {"year": ejercicio.year},
    )
    if invite and previous is not None:
        _invite_previous_year(request, previous)
    return _back(ejercicio)


def _invite_previous_year(request: AuthenticatedHttpRequest, previous: Ejercicio) -> None:
    """Invite last year's institutions left without a focal point; say what happened."""
    report = invitations.invite_previous_year(previous, by=request.user)
    sent = len(report.to_invite) if report.done else 0
    messages.info(
        request,
        ngettext(
            "Se envió %(n)s invitación a instituciones del ejercicio %(year)s sin enlace.",
            "Se enviaron %(n)s invitaciones a instituciones del ejercicio %(year)s sin enlace.",
            sent,
        )
        % {"n": sent, "year": previous.year},
    )
    if report.errors:
        problems = "; ".join(
            f"{row.actor.sigla if row.actor else row.row.sigla}: {' '.join(row.notes)}"
            for row in report.errors
        )
        messages.warning(request, _("No se pudo invitar a: %(list)s") % {"list": problems})


@coordinator_required
def exercise_extend(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    ejercicio = _ejercicio(year)
    if request.method != "POST":
        return _back(ejercicio)
    form = DeadlineForm(request.POST, ejercicio=ejercicio)
    if not form.is_valid():
        return _render_detail(request, ejercicio, status=400, deadline_form=form)
    try:
        exercises.extend_deadline(ejercicio, by=request.user, **form.cleaned_data)
    except exercises.ExerciseRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Se cambió la fecha de cierre."))
    return _back(ejercicio)


@coordinator_required
def exercise_close(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    ejercicio = _ejercicio(year)
    if request.method != "POST":
        return _back(ejercicio)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, ejercicio, status=400, close_form=form)
    try:
        exercises.close_ejercicio(ejercicio, by=request.user)
    except exercises.ExerciseRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _(
                "El ejercicio %(year)s está cerrado: las instituciones ya no pueden editar "
                "ni enviar fichas."
            )
            % {"year": ejercicio.year},
        )
    return _back(ejercicio)


@coordinator_required
def exercise_reopen(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    ejercicio = _ejercicio(year)
    if request.method != "POST":
        return _back(ejercicio)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, ejercicio, status=400, reopen_form=form)
    try:
        exercises.reopen_ejercicio(ejercicio, by=request.user, **form.cleaned_data)
    except exercises.ExerciseRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("El ejercicio %(year)s está abierto de nuevo.") % {"year": year}
        )
    return _back(ejercicio)


@coordinator_required
def exercise_categories(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The exercise's own challenge categories: rename, define, reorder, add, delete."""
    ejercicio = _ejercicio(year)
    formset = CategoryFormSet(
        request.POST or None, initial=category_initial(ejercicio), prefix="categorias"
    )
    if request.method == "POST" and formset.is_valid():
        try:
            exercises.save_challenge_categories(ejercicio, category_rows(formset), by=request.user)
        except exercises.ExerciseRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Se guardaron las categorías de retos."))
            return _back(ejercicio)
    status = 400 if request.method == "POST" else 200
    context = {"ejercicio": ejercicio, "formset": formset}
    return render(request, "reporting/exercises/exercise_categories.html", context, status=status)
