"""The institutions' side: «Mis fichas», the ficha form, autosave, sending, copies.

Every lookup goes through ``reporting.access``; saving goes through
``reporting.editing.save_ficha_form`` (optimistic locking) and sending through
``reporting.workflow.submit``. A save that cannot go through re-renders what the person typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reporting import workflow
from reporting.access import (
    AuthenticatedHttpRequest,
    fichas_visible_to,
    get_ficha_for_user,
    require_focal_point,
)
from reporting.carry_over import carry_over_fichas, duplicate_ficha
from reporting.editing import StaleFicha, save_ficha_form
from reporting.forms import CarryOverForm, FichaForm, RetoFormSet
from reporting.models import (
    Ejercicio,
    EjercicioStatus,
    Ficha,
    FichaEventKind,
    FichaStatus,
)
from reporting.text import WORD_LIMIT, count_words

# Messages of static/js/ficha_form.js, translated here and handed over with json_script.
JS_TEXTS = {
    "words": gettext_lazy("{n} de {limit} palabras en la sección «{section}»."),
    "wordsOver": gettext_lazy("Sobran {extra}: resuma el texto antes de enviar la ficha."),
    "wordsOverAnnounce": gettext_lazy("La sección «{section}» pasa de {limit} palabras."),
    "retoMoved": gettext_lazy("Reto movido."),
    "retoRemoved": gettext_lazy("Reto quitado. Se borrará al guardar."),
    "saving": gettext_lazy("Guardando…"),
    "savedAt": gettext_lazy("Guardado a las {hora}"),
    "invalid": gettext_lazy(
        "No se guardó: corrija los datos señalados. Su texto sigue en esta página y en este "
        "navegador."
    ),
    "keptLocally": gettext_lazy("Su texto sigue en esta página y en este navegador."),
    "sessionExpired": gettext_lazy(
        "No se guardó: su sesión terminó. Su texto sigue guardado en este navegador. Inicie "
        "sesión en otra pestaña y vuelva aquí, o recargue esta página y pulse «Recuperar el texto»."
    ),
    "csrfFailed": gettext_lazy(
        "No se guardó: la página caducó por seguridad. Su texto sigue guardado en este "
        "navegador: recargue la página y pulse «Recuperar el texto»."
    ),
    "serverFailed": gettext_lazy(
        "No se guardó por un error del servidor. Su texto sigue en esta página; se intentará de "
        "nuevo en 30 segundos."
    ),
    "networkFailed": gettext_lazy(
        "No se guardó: no hay conexión. Su texto sigue en esta página y en este navegador; se "
        "intentará de nuevo en 30 segundos."
    ),
    "recoverDetail": gettext_lazy(
        "Este navegador guardó a las {hora} cambios que no llegaron al servidor."
    ),
    "recoverNewer": gettext_lazy(
        "Atención: la ficha se guardó después (quizá en otra pestaña); compare antes de guardar."
    ),
    "recovered": gettext_lazy("Texto recuperado. Guardando…"),
    "discarded": gettext_lazy("Se descartó el texto guardado en el navegador."),
}


# ---------------------------------------------------------------------------------------------
# Page building (private to this module)
# ---------------------------------------------------------------------------------------------


def _bind(request: HttpRequest, ficha: Ficha, *, submitting: bool = False):
    data = request.POST if request.method == "POST" else None
    formset = RetoFormSet(data, instance=ficha, prefix="retos")
    form = FichaForm(
        data,
        instance=ficha,
        ejercicio=ficha.ejercicio,
        retos_formset=formset,
        submitting=submitting,
    )
    return form, formset


def _posted_version(request: HttpRequest, ficha: Ficha) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return ficha.version


def _latest_observaciones(ficha: Ficha) -> list:
    if ficha.status != FichaStatus.OBSERVADA:
        return []
    event = (
        ficha.events.filter(kind=FichaEventKind.TRANSITION, to_status=FichaStatus.OBSERVADA)
        .order_by("-at", "-pk")
        .first()
    )
    return list(event.observaciones.all()) if event else []


def _history(ficha: Ficha) -> list:
    return list(
        ficha.events.filter(kind__in=[FichaEventKind.CREATED, FichaEventKind.TRANSITION])
        .select_related("by")
        .order_by("at", "pk")
    )


def _error_summary(form: FichaForm, formset) -> list[dict]:
    items = [{"href": "#contenido", "label": "", "message": e} for e in form.non_field_errors()]
    # In the order of the page, so the summary reads like the form.
    for name in (n for n in form.fields if n in form.errors):
        errors = form.errors[name]
        bound = form[name]
        href = f"#{bound.auto_id}_0" if bound.field.widget.use_fieldset else f"#{bound.auto_id}"
        items += [{"href": href, "label": bound.label, "message": e} for e in errors]
    if formset.is_bound:
        for sub in formset.forms:
            for name, errors in sub.errors.items():
                href = f"#{sub[name].auto_id}" if name in sub.fields else "#retos"
                items += [{"href": href, "label": _("Reto"), "message": e} for e in errors]
        items += [
            {"href": "#retos", "label": _("Retos"), "message": e} for e in formset.non_form_errors()
        ]
    return items


def _render_form(
    request: HttpRequest,
    ficha: Ficha,
    form: FichaForm,
    formset,
    *,
    stale: StaleFicha | None = None,
    status: int = 200,
) -> HttpResponse:
    observaciones = _latest_observaciones(ficha)
    by_field: dict[str, list] = {}
    for obs in observaciones:
        by_field.setdefault(obs.field, []).append(obs)
    form.link_descriptions(set(by_field))
    retos_words = sum(
        count_words(f["texto"].value() or "") for f in formset.forms if f["texto"].value()
    )
    context = {
        "ficha": ficha,
        "form": form,
        "formset": formset,
        "ejercicio": form.ejercicio,
        "version": stale.current.version if stale else ficha.version,
        "stale": stale,
        "errors": _error_summary(form, formset) if form.is_bound else [],
        "observaciones_generales": by_field.pop("", []),
        "observaciones": by_field,
        "observaciones_otras": [
            o for name, obs in by_field.items() if name not in form.fields for o in obs
        ],
        "history": _history(ficha) if ficha.pk else [],
        "word_limit": WORD_LIMIT,
        "retos_words": retos_words,
        "js_texts": JS_TEXTS,
    }
    return render(request, "reporting/ficha_form.html", context, status=status)


def _render_detail(request: HttpRequest, ficha: Ficha) -> HttpResponse:
    """The ficha read-only (templates/reporting/_ficha_read.html, shared with the review page)."""
    context = {
        "ficha": ficha,
        "history": _history(ficha),
    }
    return render(request, "reporting/ficha_detail.html", context)


def _open_ejercicio_for_new() -> Ejercicio:
    ejercicio = Ejercicio.objects.filter(status=EjercicioStatus.ABIERTO).order_by("-year").first()
    if ejercicio is None:
        raise PermissionDenied(_("No hay un ejercicio abierto: no es posible crear fichas."))
    return ejercicio


def _save(request: AuthenticatedHttpRequest, form, formset, ficha: Ficha):
    """Save a bound, valid form; returns the ficha or the ``StaleFicha`` raised."""
    try:
        return save_ficha_form(
            form,
            by=request.user,
            expected_version=_posted_version(request, ficha),
            formsets=[formset],
            # Corrections after a return are audited, so reviewers see what was fixed.
            record_edit=ficha.status == FichaStatus.OBSERVADA,
        ), None
    except StaleFicha as exc:
        return None, exc


def _autosave_response(request: AuthenticatedHttpRequest, ficha: Ficha) -> JsonResponse:
    """Answer of an autosave (or of the first save of a new ficha) for ficha_form.js."""
    form, formset = _bind(request, ficha)
    if not (form.is_valid() and formset.is_valid()):
        return JsonResponse({"ok": False, "errors": _error_summary(form, formset)}, status=400)
    saved, stale = _save(request, form, formset, ficha)
    if stale is not None:
        message = _(
            "Otra persona guardó esta ficha mientras usted escribía. Sus cambios no se "
            "perdieron: siguen en esta página. Pulse «Guardar borrador» para compararlos."
        )
        return JsonResponse(
            {"ok": False, "stale": True, "version": stale.current.version, "message": message},
            status=409,
        )
    retos = [
        {"prefix": f.prefix, "id": f.instance.pk if f.instance.pk else None} for f in formset.forms
    ]
    return JsonResponse(
        {
            "ok": True,
            "id": saved.pk,
            "version": saved.version,
            "saved_at": timezone.localtime(saved.updated_at).strftime("%H:%M"),
            "edit_url": reverse("reporting:ficha_edit", args=[saved.pk]),
            "autosave_url": reverse("reporting:ficha_autosave", args=[saved.pk]),
            "submit_url": reverse("reporting:ficha_submit", args=[saved.pk]),
            "retos": retos,
        }
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Autosave") == "1"


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


@login_required
def mis_fichas(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_coordinator:
        return redirect("home")
    actor = require_focal_point(request)
    ejercicio = Ejercicio.objects.current()
    fichas = (
        fichas_visible_to(request.user)
        .filter(ejercicio=ejercicio)
        .select_related("updated_by")
        .order_by("-updated_at", "pk")
    )
    previous = ejercicio and Ejercicio.objects.filter(year__lt=ejercicio.year).first()
    context = {
        "actor": actor,
        "ejercicio": ejercicio,
        "fichas": fichas,
        "pending": sum(1 for f in fichas if f.status in FichaStatus.EDITABLE),
        "days_left": ejercicio.days_left() if ejercicio else None,
        "can_carry_over": bool(
            ejercicio
            and ejercicio.is_open
            and previous
            and previous.fichas.filter(actor=actor).exists()
        ),
    }
    return render(request, "reporting/mis_fichas.html", context)


@login_required
def ficha_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = require_focal_point(request)
    ficha = Ficha(actor=actor, ejercicio=_open_ejercicio_for_new())
    if request.method == "POST" and _wants_json(request):
        return _autosave_response(request, ficha)
    form, formset = _bind(request, ficha)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved, _stale = _save(request, form, formset, ficha)
        messages.success(request, _("Borrador guardado."))
        return redirect("reporting:ficha_edit", saved.pk)
    return _render_form(request, ficha, form, formset)


@login_required
def ficha_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=request.method == "POST")
    if request.user.is_coordinator:
        try:
            return redirect("reporting:review_ficha", ficha.pk)
        except NoReverseMatch:
            return _render_detail(request, ficha)
    if not ficha.is_editable_by_institution:
        return _render_detail(request, ficha)
    form, formset = _bind(request, ficha)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved, stale = _save(request, form, formset, ficha)
        if stale is not None:
            return _render_form(request, ficha, form, formset, stale=stale, status=409)
        messages.success(request, _("Borrador guardado a las %(hora)s.") % {"hora": _now()})
        return redirect("reporting:ficha_edit", saved.pk)
    return _render_form(request, ficha, form, formset)


@login_required
@require_POST
def ficha_autosave(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    ficha = get_ficha_for_user(request, pk)
    if request.user.is_coordinator or not ficha.is_editable_by_institution:
        message = _("Esta ficha ya no se puede editar (fue enviada o el ejercicio cerró).")
        return JsonResponse({"ok": False, "readonly": True, "message": message}, status=403)
    return _autosave_response(request, ficha)


@login_required
@require_POST
def ficha_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    if "version" not in request.POST:
        messages.warning(request, _("Revise la ficha y use «Enviar a revisión» al final."))
        return redirect("reporting:ficha_edit", ficha.pk)
    form, formset = _bind(request, ficha, submitting=True)
    if not (form.is_valid() and formset.is_valid()):
        return _render_form(request, ficha, form, formset, status=400)
    saved, stale = _save(request, form, formset, ficha)
    if stale is not None:
        return _render_form(request, ficha, form, formset, stale=stale, status=409)
    try:
        workflow.submit(saved, by=request.user)
    except workflow.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:ficha_edit", saved.pk)
    messages.success(request, _("Ficha enviada a revisión. La UPMRIP le avisará por correo."))
    return redirect("reporting:ficha_edit", saved.pk)


@login_required
@require_POST
def ficha_duplicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_focal_point(request)
    ficha = get_ficha_for_user(request, pk)
    if not ficha.ejercicio.is_open:
        raise PermissionDenied(_("El ejercicio de esta ficha está cerrado."))
    copy = duplicate_ficha(ficha, by=request.user)
    messages.success(
        request, _("Se creó una copia como borrador. Cambie el componente o el objetivo.")
    )
    return redirect("reporting:ficha_edit", copy.pk)


@login_required
def carry_over(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = require_focal_point(request)
    ejercicio = _open_ejercicio_for_new()
    previous = Ejercicio.objects.filter(year__lt=ejercicio.year).order_by("-year").first()
    queryset = fichas_visible_to(request.user).filter(
        Q(ejercicio=previous) if previous else Q(pk__in=[])
    )
    form = CarryOverForm(request.POST or None, queryset=queryset)
    if request.method == "POST" and form.is_valid():
        ids = [f.pk for f in form.cleaned_data["fichas"]]
        # The choices are fichas of ``previous``: a valid form means there is one.
        assert previous is not None
        copies = carry_over_fichas(
            actor, from_ejercicio=previous, to_ejercicio=ejercicio, by=request.user, ids=ids
        )
        messages.success(
            request,
            _("Se crearon %(n)s borradores. Actualice sus resultados.") % {"n": len(copies)},
        )
        return redirect("reporting:mis_fichas")
    context = {"form": form, "ejercicio": ejercicio, "previous": previous}
    return render(request, "reporting/ficha_carry_over.html", context)


def _now() -> str:
    return timezone.localtime().strftime("%H:%M")
