"""The institutions' side: «Mis fichas», the ficha form, autosave, sending, copies, deleting
drafts (and restoring them), downloads and the printable page.

Every lookup goes through ``reporting.access``; saving goes through
``reporting.editing.save_ficha_form`` (optimistic locking) and sending through
``reporting.workflow.submit``. A save that cannot go through re-renders what the person typed.
"""

import functools
from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reporting import invitations, page_rows, workflow
from reporting.access import (
    AuthenticatedHttpRequest,
    deleted_drafts_of,
    fichas_visible_to,
    get_deleted_draft_for_user,
    get_ficha_for_user,
    post_only,
    require_focal_point,
)
from reporting.carry_over import carry_over_fichas, duplicate_ficha
from reporting.downloads import fichas_workbook
from reporting.editing import (
    RESTORE_WINDOW,
    DraftRefused,
    StaleFicha,
    delete_draft,
    restore_draft,
    save_ficha_form,
)
from reporting.forms import CarryOverForm, FichaForm, RetoFormSet
from reporting.models import (
    Ejercicio,
    EjercicioStatus,
    Ficha,
    FichaEventKind,
    FichaStatus,
)
from reporting.text import WORD_LIMIT, count_words, field_label

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


@functools.cache
def _js_texts_script(language: str | None) -> SafeString:
    """``JS_TEXTS`` as ``{{ …|json_script:"ficha-textos" }}`` writes them, once per language
    (``language`` is the key: the lazy texts follow the active one; docs/load-test.md §L8)."""
    return json_script(JS_TEXTS, "ficha-textos")


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


# A version that no ficha has: a save without a readable version is a conflict (409, the
# person's text kept and the differences shown), never a silent overwrite.
NO_VERSION = -1


def _posted_version(request: HttpRequest, ficha: Ficha) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return NO_VERSION


def _latest_observaciones(ficha: Ficha, history: list[dict]) -> list[dict]:
    """The observations of the last return («observada»), from the history already read."""
    if ficha.status != FichaStatus.OBSERVADA:
        return []
    returns = [
        e
        for e in history
        if e["kind"] == FichaEventKind.TRANSITION and e["to_status"] == FichaStatus.OBSERVADA
    ]
    return returns[-1]["observaciones"] if returns else []


def _history(ficha: Ficha) -> list[dict]:
    """The history the institution reads: creation, status changes (with the observations),
    UPMRIP's editorial corrections and the deleting or restoring of the draft.

    The institution's own recorded corrections are left out: autosave writes one every 30
    seconds while the ficha is «observada», and the reviewers are the ones who need them.

    Plain values (docs/load-test.md §L2b), events and their observations in one statement
    prepared once per process (``page_rows.history_rows``, docs/load-test.md §L8).
    """
    events = page_rows.history_rows(ficha.pk)
    status = dict(FichaStatus.choices)
    for event in events:
        # Read by the ficha_history tag: the label of each observed field, not its code name.
        event["observed"] = [
            {"label": field_label(o["field"]), "texto": o["texto"]}
            for o in event["observaciones"]
            if o["field"]
        ]
        event["editorial"] = (
            event["kind"] == FichaEventKind.EDIT and "deleted_at" not in event["changes"]
        )
        event["from_label"] = status.get(event["from_status"], event["from_status"])
        event["to_label"] = status.get(event["to_status"], event["to_status"])
        # As User.get_full_name; no name (a deleted account) shows nothing.
        first, last = event.pop("by__first_name") or "", event.pop("by__last_name") or ""
        event["by_name"] = f"{first} {last}".strip()
    return events


def _field_focus_id(form: FichaForm, name: str) -> str:
    """The id of the control to focus for a field (the first box of a list of checkboxes)."""
    if name == "retos":
        return "id_retos-0-texto"
    bound = form[name]
    return f"{bound.auto_id}_0" if bound.field.widget.use_fieldset else bound.auto_id


def _observation_summary(form: FichaForm, by_field: dict[str, list]) -> list[dict]:
    """Observed fields in the order of the page, each linking to its note beside the field.

    The retos section sits between the results and the contact block.
    """
    order = [n for n in form.fields if not n.startswith("contacto_")]
    order += ["retos", *(n for n in form.fields if n.startswith("contacto_"))]
    return [
        {
            "name": name,
            "label": field_label(name),
            "focus": _field_focus_id(form, name),
            "textos": [o["texto"] for o in by_field[name]],
        }
        for name in order
        if name in by_field
    ]


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


def _page_version(request: HttpRequest, ficha: Ficha, form: FichaForm, stale) -> int:
    """The version the page sends back with the next save."""
    if stale is not None:
        return stale.current.version  # the differences were shown: save over the stored one
    if form.is_bound and ficha.pk:
        # A refused save keeps the version the person started from: the stored one may be
        # newer (someone saved meanwhile), and the next save must then be refused.
        return _posted_version(request, ficha)
    return ficha.version


def _render_form(
    request: HttpRequest,
    ficha: Ficha,
    form: FichaForm,
    formset,
    *,
    stale: StaleFicha | None = None,
    status: int = 200,
) -> HttpResponse:
    history = _history(ficha) if ficha.pk else []
    by_field: dict[str, list] = {}
    for obs in _latest_observaciones(ficha, history):
        by_field.setdefault(obs["field"], []).append(obs)
    form.link_descriptions(set(by_field))
    retos_words = sum(
        count_words(f["texto"].value() or "") for f in formset.forms if f["texto"].value()
    )
    context = {
        "ficha": ficha,
        "form": form,
        "formset": formset,
        "ejercicio": form.ejercicio,
        "version": _page_version(request, ficha, form, stale),
        "stale": stale,
        "errors": _error_summary(form, formset) if form.is_bound else [],
        "observaciones_generales": by_field.pop("", []),
        "observaciones": by_field,
        "observaciones_campos": _observation_summary(form, by_field),
        # Observations on a field the form no longer has: shown in the box with their label.
        "observaciones_otras": [
            {"label": field_label(name), "texto": o["texto"]}
            for name, obs in by_field.items()
            if name not in form.fields and name != "retos"
            for o in obs
        ],
        "history": history,
        "word_limit": WORD_LIMIT,
        "retos_words": retos_words,
        "js_texts_script": _js_texts_script(get_language()),
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


def _save(request: AuthenticatedHttpRequest, form, formset, ficha: Ficha, *, locked: bool = False):
    """Save a bound, valid form; returns the ficha or the ``StaleFicha`` raised.

    ``locked``: ``ficha`` was read ``FOR UPDATE`` in the transaction under way (its version is
    the stored one; the form changes only its own fields)."""
    try:
        return save_ficha_form(
            form,
            by=request.user,
            expected_version=_posted_version(request, ficha),
            formsets=[formset],
            # Corrections after a return are audited, so reviewers see what was fixed.
            record_edit=ficha.status == FichaStatus.OBSERVADA,
            locked_version=ficha.version if locked else None,
        ), None
    except StaleFicha as exc:
        return None, exc


def _autosave_response(
    request: AuthenticatedHttpRequest, ficha: Ficha, *, locked: bool = False
) -> JsonResponse:
    """Answer of an autosave (or of the first save of a new ficha) for ficha_form.js."""
    form, formset = _bind(request, ficha)
    if not (form.is_valid() and formset.is_valid()):
        return JsonResponse({"ok": False, "errors": _error_summary(form, formset)}, status=400)
    saved, stale = _save(request, form, formset, ficha, locked=locked)
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


def _chosen(ejercicios: list[Ejercicio], anio: str | None) -> Ejercicio | None:
    """``Ejercicio.objects.chosen(anio, user=…)`` for a focal point, among ``ejercicios`` (the
    reportable ones, newest first) already read: the year ``anio``, else the open one, else
    the newest. ``Ejercicio.DoesNotExist`` for a year that is not among them."""
    if anio:
        digits = anio.isascii() and anio.isdigit()  # as Ejercicio.objects.chosen
        found = [e for e in ejercicios if digits and e.year == int(anio)]
        if not found:
            raise Ejercicio.DoesNotExist(anio)
        return found[0]
    return next((e for e in ejercicios if e.is_open), ejercicios[0] if ejercicios else None)


def _ficha_rows(actor, ejercicio: Ejercicio) -> list[page_rows.FichaRow]:
    """The rows of «Mis fichas» (page_rows.ficha_rows), with what each row shows worked out
    here instead of in the template's conditions (docs/load-test.md §L8)."""
    labels = dict(FichaStatus.choices)
    rows = []
    for pk, nombre, status, updated_at, first, last in page_rows.ficha_rows(actor.pk, ejercicio):
        rows.append(
            page_rows.FichaRow(
                pk=pk,
                # As Ficha.__str__ and User.get_full_name.
                name=nombre or _("Ficha sin nombre (%(pk)s)") % {"pk": pk},
                status=status,
                status_label=str(labels.get(status, status)),
                updated_at=updated_at,
                by_name=f"{first or ''} {last or ''}".strip(),
                editable=status in FichaStatus.EDITABLE and ejercicio.is_open,
                draft=status == FichaStatus.BORRADOR,
            )
        )
    return rows


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
    # The exercises of the selector, read once; the one shown is chosen among them
    # (``_chosen``: Ejercicio.objects.chosen for a focal point). ``?anio=`` chooses another
    # year; never one «en preparación» (404, as for any other).
    ejercicios = list(Ejercicio.objects.reportable().order_by("-year"))
    try:
        ejercicio = _chosen(ejercicios, request.GET.get("anio"))
    except Ejercicio.DoesNotExist:
        raise Http404 from None
    fichas = _ficha_rows(actor, ejercicio) if ejercicio else []
    can_carry_over, deleted_count = False, 0
    if ejercicio is not None:
        # «Traer fichas del ejercicio anterior» (only while this one is open) and «Fichas
        # eliminadas»: one statement (docs/load-test.md §L8).
        previous, deleted_count = page_rows.carry_over_and_deleted(
            actor.pk, ejercicio.year, timezone.now() - RESTORE_WINDOW
        )
        can_carry_over = ejercicio.is_open and previous
    else:
        deleted_count = deleted_drafts_of(actor).count()
    context = {
        "actor": actor,
        "ejercicio": ejercicio,
        "ejercicios": ejercicios,
        "fichas": fichas,
        "pending": sum(1 for f in fichas if f.status in FichaStatus.EDITABLE),
        "days_left": ejercicio.days_left() if ejercicio else None,
        "can_carry_over": can_carry_over,
        "deleted_count": deleted_count,
    }
    return render(request, "reporting/mis_fichas.html", context)


@login_required
def ficha_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = require_focal_point(request)
    # The contact block starts with the person's own data (from their invitation).
    contact = invitations.contact_defaults(request.user)
    ficha = Ficha(actor=actor, ejercicio=_open_ejercicio_for_new(), **contact)
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
    posted = request.method == "POST"
    stale = None
    # A save reads the ficha once, locked, in one transaction (docs/load-test.md §L7).
    with transaction.atomic() if posted else nullcontext():
        ficha = get_ficha_for_user(request, pk, write=posted, lock=posted)
        if request.user.is_coordinator:
            try:
                return redirect("reporting:review_ficha", ficha.pk)
            except NoReverseMatch:
                return _render_detail(request, ficha)
        if not ficha.is_editable_by_institution:
            return _render_detail(request, ficha)
        form, formset = _bind(request, ficha)
        if posted and form.is_valid() and formset.is_valid():
            saved, stale = _save(request, form, formset, ficha, locked=True)
            if stale is None:
                messages.success(request, _("Borrador guardado a las %(hora)s.") % {"hora": _now()})
                return redirect("reporting:ficha_edit", saved.pk)
    # Rendered after the transaction: a page never holds the row's lock.
    if stale is not None:
        return _render_form(request, ficha, form, formset, stale=stale, status=409)
    return _render_form(request, ficha, form, formset)


@login_required
@post_only("reporting:ficha_edit")
@transaction.atomic
def ficha_autosave(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    # Read once, locked: the access check, the version check and the save's row
    # (docs/load-test.md §L7).
    ficha = get_ficha_for_user(request, pk, lock=True)
    if request.user.is_coordinator or not ficha.is_editable_by_institution:
        message = _("Esta ficha ya no se puede editar (fue enviada o el ejercicio cerró).")
        return JsonResponse({"ok": False, "readonly": True, "message": message}, status=403)
    return _autosave_response(request, ficha, locked=True)


@login_required
@post_only("reporting:ficha_edit")
def ficha_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk, write=True)
    # Checked before the form is bound or saved: only the institution's focal point may send,
    # and a refused request must store nothing (a coordinator edits on the editorial page).
    if "submit" not in workflow.allowed_actions(ficha, request.user):
        raise PermissionDenied(_("Sólo el enlace de la institución puede enviar la ficha."))
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
def ficha_duplicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """«Duplicar»: a confirmation page (GET), then the copy (POST), a draft the person edits."""
    require_focal_point(request)
    ficha = get_ficha_for_user(request, pk)
    if not ficha.ejercicio.is_open:
        raise PermissionDenied(_("El ejercicio de esta ficha está cerrado."))
    if request.method != "POST":
        return render(request, "reporting/ficha_duplicate.html", {"ficha": ficha})
    copy = duplicate_ficha(ficha, by=request.user)
    messages.success(
        request, _("Se creó una copia como borrador. Cambie el componente o el objetivo.")
    )
    return redirect("reporting:ficha_edit", copy.pk)


@login_required
def ficha_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Delete a draft: a confirmation page (GET), then the soft delete (POST).

    A ficha that went to UPMRIP can never be deleted: the page says so, with 403.
    """
    require_focal_point(request)
    ficha = get_ficha_for_user(request, pk)
    refused = None
    if ficha.status != FichaStatus.BORRADOR:
        refused = _("Sólo se puede eliminar un borrador. Esta ficha ya se envió a la UPMRIP.")
    elif not ficha.ejercicio.is_open:
        refused = _("El ejercicio está cerrado: ya no se pueden eliminar fichas.")
    elif request.method == "POST":
        try:
            delete_draft(ficha, by=request.user)
        except DraftRefused as exc:
            refused = str(exc)
        else:
            message = _(
                "Se eliminó el borrador «%(nombre)s». Puede restaurarlo durante 30 días en "
                "«Fichas eliminadas»."
            )
            messages.success(request, message % {"nombre": ficha})
            return redirect("reporting:mis_fichas")
    context = {"ficha": ficha, "refused": refused, "days": RESTORE_WINDOW.days}
    return render(request, "reporting/ficha_delete.html", context, status=403 if refused else 200)


@login_required
@require_GET
def fichas_deleted(request: AuthenticatedHttpRequest) -> HttpResponse:
    """«Fichas eliminadas»: the institution's drafts deleted less than 30 days ago."""
    actor = require_focal_point(request)
    fichas = deleted_drafts_of(actor).select_related("ejercicio").order_by("-deleted_at", "pk")
    rows = [
        # With the day the purge removes it for good (manage.py purge_deleted_fichas).
        {"ficha": f, "purge_on": (f.deleted_at or timezone.now()) + RESTORE_WINDOW}
        for f in fichas
    ]
    context = {"actor": actor, "rows": rows, "days": RESTORE_WINDOW.days}
    return render(request, "reporting/ficha_deleted_list.html", context)


@login_required
@post_only("reporting:fichas_deleted")
def ficha_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_deleted_draft_for_user(request, pk)
    try:
        restored = restore_draft(ficha, by=request.user)
    except DraftRefused as exc:
        messages.error(request, str(exc))
        return redirect("reporting:fichas_deleted")
    messages.success(request, _("Se restauró el borrador «%(nombre)s».") % {"nombre": restored})
    return redirect("reporting:ficha_edit", restored.pk)


@login_required
@require_GET
def fichas_download(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The institution's fichas of one exercise as a spreadsheet (reporting/downloads.py)."""
    actor = require_focal_point(request)
    ejercicio = get_object_or_404(Ejercicio, year=year)
    fichas = (
        fichas_visible_to(request.user)
        .filter(ejercicio=ejercicio)
        .select_related("ejercicio", "actor", "objetivo_asignado")
        .order_by("nombre", "pk")
    )
    if not fichas.exists():
        raise Http404
    content = fichas_workbook(fichas, title=f"{actor.sigla} {year}")
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"fichas-{slugify(actor.sigla) or actor.pk}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def ficha_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The whole ficha on one printable page, for the institution's internal sign-off.

    The PDF of the same content is compendium's (``compendium:ficha_pdf``): reporting never
    builds PDFs.
    """
    ficha = get_ficha_for_user(request, pk)
    return render(request, "reporting/ficha_print.html", {"ficha": ficha, "printed": _today()})


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
            ngettext(
                "Se creó %(n)s borrador. Actualice sus resultados.",
                "Se crearon %(n)s borradores. Actualice sus resultados.",
                len(copies),
            )
            % {"n": len(copies)},
        )
        return redirect("reporting:mis_fichas")
    context = {"form": form, "ejercicio": ejercicio, "previous": previous}
    return render(request, "reporting/ficha_carry_over.html", context)


def _now() -> str:
    return timezone.localtime().strftime("%H:%M")


def _today() -> str:
    return timezone.localtime().strftime("%d/%m/%Y %H:%M")
