"""UPMRIP's editions page: the texts of each edition, draft builds and published versions."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from compendium import builds, checks, editions
from compendium.forms import EdicionForm
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting.access import AuthenticatedHttpRequest, coordinator_required, post_only
from reporting.exercises import fichas_in_progress
from reporting.models import Ejercicio


def _document(value: str) -> str:
    if value not in Document.values:
        raise Http404
    return value


def _edition_url(edicion: Edicion | int, document: str) -> str:
    pk = edicion.pk if isinstance(edicion, Edicion) else edicion
    return reverse("compendium:edition_edit", args=[pk]) + f"#documento-{document}"


def _document_page(request: AuthenticatedHttpRequest, pk: int, document: str) -> str:
    """Where a GET of a POST-only address goes: the document's panel on the edition page."""
    return _edition_url(pk, document)


def _panel(rows: list[PublicationBuild], document: str) -> dict:
    """One document's state, from its builds newest first: latest draft, latest publication
    attempt, published versions, and the build still running (which the page polls).

    The page and the polled fragment render the same panel, so the «published versions» list
    changes together with the status of the version being published.
    """
    mine = [b for b in rows if b.document == document]
    draft = next((b for b in mine if b.draft), None)
    publication = next((b for b in mine if not b.draft), None)
    running = [b for b in (publication, draft) if b is not None and b.status in builds.ACTIVE]
    return {
        "document": document,
        "label": Document(document).label,
        "draft": draft,
        "publication": publication,
        "published": [b for b in mine if not b.draft and b.status == BuildStatus.DONE],
        "running": running[0] if running else None,
    }


def _panels(edicion: Edicion) -> list[dict]:
    rows = list(edicion.builds.order_by("-created_at"))
    return [_panel(rows, value) for value in Document.values]


@coordinator_required
@require_GET
def edition_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    ejercicios = Ejercicio.objects.select_related("edicion").order_by("-year")
    rows = [(e, getattr(e, "edicion", None)) for e in ejercicios]
    return render(request, "compendium/editions/edition_list.html", {"rows": rows})


@coordinator_required
def edition_create(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    ejercicio = get_object_or_404(Ejercicio, year=year)
    if Edicion.objects.filter(ejercicio=ejercicio).exists():
        return redirect("compendium:edition_edit", pk=ejercicio.edicion.pk)
    form = EdicionForm(request.POST or None, initial=editions.default_texts(ejercicio))
    if request.method == "POST" and form.is_valid():
        edicion = editions.create_edicion(ejercicio=ejercicio, by=request.user, **form.cleaned_data)
        messages.success(request, _("Se creó la edición «%(t)s».") % {"t": edicion.title})
        return redirect("compendium:edition_edit", pk=edicion.pk)
    context = {"form": form, "ejercicio": ejercicio}
    return render(request, "compendium/editions/edition_form.html", context)


@coordinator_required
def edition_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    edicion = get_object_or_404(Edicion.objects.select_related("ejercicio"), pk=pk)
    # No ``instance``: validating must not change the edition; update_edicion writes.
    form = EdicionForm(request.POST or None, initial=editions.form_initial(edicion))
    if request.method == "POST" and form.is_valid():
        editions.update_edicion(edicion, by=request.user, **form.cleaned_data)
        messages.success(request, _("Se guardaron los textos de la edición."))
        return redirect("compendium:edition_edit", pk=edicion.pk)
    # Only the blocking kinds, checked afresh on every load (never a stored verdict): the counts
    # this page shows; the warnings are on the check page (docs/pre-publication-check.md §K1).
    report = checks.check_edition(edicion.ejercicio, blocking_only=True)
    panels = _panels(edicion)
    for panel in panels:
        # Publishing with blocking findings asks for a reason (docs/pre-publication-check.md).
        panel["blocking"] = len(report.blocking_for(panel["document"]))
    context = {
        "form": form,
        "edicion": edicion,
        "panels": panels,
        "blocking": len(report.blocking),
        # Not approved yet, so in no version published now (the exercise stays as it is).
        "in_progress": list(fichas_in_progress(edicion.ejercicio)),
    }
    return render(request, "compendium/editions/edition_edit.html", context)


@coordinator_required
@require_GET
def edition_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The pre-publication check of the edition's exercise (compendium/checks.py)."""
    edicion = get_object_or_404(Edicion.objects.select_related("ejercicio"), pk=pk)
    report = checks.check_edition(edicion.ejercicio)
    context = {
        "edicion": edicion,
        "report": report,
        "blocking": {d.label: len(report.blocking_for(d.value)) for d in Document},
    }
    return render(request, "compendium/editions/edition_check.html", context)


@coordinator_required
@post_only(_document_page)
def build_request(request: AuthenticatedHttpRequest, pk: int, document: str) -> HttpResponse:
    edicion = get_object_or_404(Edicion, pk=pk)
    try:
        builds.request_build(edicion, _document(document), draft=True, by=request.user)
    except builds.BuildRefused as error:
        messages.error(request, str(error))
    else:
        messages.info(request, _("Se solicitó el borrador; el avance se muestra abajo."))
    return redirect(_edition_url(edicion, document))


@coordinator_required
@post_only(_document_page)
def build_publish(request: AuthenticatedHttpRequest, pk: int, document: str) -> HttpResponse:
    edicion = get_object_or_404(Edicion, pk=pk)
    document = _document(document)
    if request.POST.get("confirmar") != "1":
        # A published version is public and permanent: publishing takes an explicit yes.
        messages.error(request, _("Marque la casilla de confirmación para publicar."))
        return redirect(_edition_url(edicion, document))
    # The pre-publication check (docs/pre-publication-check.md §K4), the full one, run now (not
    # the page's counts): blocking findings ask for a written reason, which the publish step
    # records in the edition's history.
    blocking = checks.check_edition(edicion.ejercicio).blocking_for(document)
    reason = request.POST.get("motivo", "").strip() if blocking else ""
    if blocking and not reason:
        messages.error(
            request,
            ngettext(
                "La revisión previa tiene %(n)s hallazgo que bloquea la publicación: "
                "corríjalo o escriba el motivo para publicar de todos modos.",
                "La revisión previa tiene %(n)s hallazgos que bloquean la publicación: "
                "corríjalos o escriba el motivo para publicar de todos modos.",
                len(blocking),
            )
            % {"n": len(blocking)},
        )
        return redirect(_edition_url(edicion, document))
    try:
        build = builds.publish(edicion, document, by=request.user, reason=reason)
    except builds.BuildRefused as error:
        messages.error(request, str(error))
    else:
        messages.info(
            request, _("Se está generando la versión %(v)s para publicar.") % {"v": build.version}
        )
    return redirect(_edition_url(edicion, document))


@coordinator_required
@require_GET
def build_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    build = get_object_or_404(PublicationBuild.objects.select_related("edicion"), pk=pk)
    rows = list(build.edicion.builds.filter(document=build.document).order_by("-created_at"))
    context = {"edicion": build.edicion, "panel": _panel(rows, build.document)}
    return render(request, "compendium/editions/edition_edit.html#panel_status", context)


@coordinator_required
@require_GET
def build_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    build = get_object_or_404(PublicationBuild, pk=pk, status=BuildStatus.DONE)
    if not build.file:
        raise Http404
    year = build.edicion.ejercicio.year
    suffix = "borrador" if build.draft else f"v{build.version}"
    name = f"{build.get_document_display()} {year} {suffix}.pdf".replace(" ", "-")
    try:
        handle = build.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf")
