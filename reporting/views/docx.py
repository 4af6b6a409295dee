"""Word in, Word out (docs/word.md §W4): the template, importing filled fichas, the export.

Every ficha is looked up through ``reporting.access`` (another institution's ficha is 404);
files are checked by ``reporting.docx_safety`` before anything reads them, read in memory and
never stored; drafts are written by ``reporting.docx_import`` through the form and
``editing.save_ficha_form``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reporting import invitations
from reporting.access import (
    AuthenticatedHttpRequest,
    fichas_visible_to,
    get_ficha_for_user,
    post_only,
    require_focal_point,
)
from reporting.docx_ficha import build_docx
from reporting.docx_forms import DOCX_TYPE, DocxImportForm
from reporting.docx_import import (
    NOTE_MAX_CHARS,
    clear_note,
    create_draft,
    ficha_word_problems,
    prepare,
    update_draft,
)
from reporting.docx_reader import read_docx
from reporting.docx_safety import MAX_FILE_BYTES, DocxRefused
from reporting.editing import StaleFicha
from reporting.models import Ejercicio, EjercicioStatus, Ficha, FichaStatus

TEMPLATE_CACHE_SECONDS = 3600


def _docx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _open_ejercicio() -> Ejercicio | None:
    return Ejercicio.objects.filter(status=EjercicioStatus.ABIERTO).order_by("-year").first()


def _read(upload: UploadedFile) -> bytes:
    """The file's bytes (at most 10 MB); the upload's temporary file is closed and removed."""
    try:
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise DocxRefused(
                _(
                    "El archivo pesa más de 10 MB. Reduzca el tamaño de las imágenes y súbalo "
                    "de nuevo."
                )
            )
        return upload.read(MAX_FILE_BYTES + 1)
    finally:
        upload.close()


@require_GET
def docx_template(request: HttpRequest) -> HttpResponse:
    """The empty ficha as a .docx, for anyone (it holds no data): «Mis fichas» and the help."""
    ejercicio = Ejercicio.objects.current()
    if ejercicio is None:
        year = timezone.localdate().year
        start, end = Ejercicio.default_period(year)
        ejercicio = Ejercicio(year=year, period_start=start, period_end=end)
    # Public and the same for everyone: built once an hour per year and language, so that
    # anonymous requests cannot make the server build it over and over.
    key = f"docx-template-{ejercicio.year}-{translation.get_language()}"
    content = cache.get(key)
    if not isinstance(content, bytes):
        content = build_docx(ejercicio)
        cache.set(key, content, TEMPLATE_CACHE_SECONDS)
    return _docx_response(content, f"ficha-tecnica-pmm-{ejercicio.year}.docx")


@login_required
@require_GET
def docx_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """«Descargar .docx»: a ficha the person may see, filled in the template (404 otherwise)."""
    ficha = get_ficha_for_user(request, pk)
    name = slugify(ficha.nombre)[:60] or "sin-nombre"
    return _docx_response(build_docx(ficha.ejercicio, ficha), f"ficha-{ficha.pk}-{name}.docx")


@login_required
def docx_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload one or more filled .docx: each a new draft, or one file updating a draft after a
    preview. Focal points import for their institution; coordinators choose the institution."""
    coordinator = request.user.is_coordinator
    actor = None if coordinator else require_focal_point(request)
    ejercicio = _open_ejercicio()
    drafts = None
    if actor is not None:
        drafts = (
            fichas_visible_to(request.user)
            .filter(ejercicio=ejercicio, status__in=FichaStatus.EDITABLE)
            .select_related("ejercicio", "actor")
            .order_by("nombre", "pk")
        )
    initial = {}
    if drafts is not None and request.GET.get("ficha", "").isdigit():
        initial["destino"] = drafts.filter(pk=int(request.GET["ficha"])).first()
    form = DocxImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        drafts=drafts,
        actors=coordinator,
        initial=initial,
    )
    context: dict = {"form": form, "ejercicio": ejercicio, "coordinator": coordinator}
    if request.method != "POST" or ejercicio is None or not form.is_valid():
        status = 400 if form.is_bound and form.errors else 200
        return render(request, "reporting/docx/import.html", context, status=status)

    files = form.cleaned_data["archivos"]
    target = form.cleaned_data.get("destino")
    if target is not None:
        return _preview(request, form, target, files[0])
    owner = form.cleaned_data["actor"] if coordinator else actor
    assert owner is not None  # a focal point's actor, or the coordinator's required choice
    contact = None if coordinator else invitations.contact_defaults(request.user)
    results = []
    for upload in files:
        try:
            parsed = read_docx(_read(upload), upload.name or "", ejercicio=ejercicio)
            ficha = create_draft(
                parsed, actor=owner, ejercicio=ejercicio, by=request.user, contact=contact
            )
        except DocxRefused as exc:
            results.append({"name": upload.name, "error": str(exc)})
        else:
            results.append(
                {
                    "name": upload.name,
                    "ficha": ficha,
                    "problems": ficha_word_problems(ficha),
                    "note": bool(ficha.texto_no_reconocido),
                }
            )
    context["results"] = results
    context["form"] = DocxImportForm(drafts=drafts, actors=coordinator)
    context["created"] = sum(1 for r in results if "ficha" in r)
    status = 200 if context["created"] else 400
    return render(request, "reporting/docx/import.html", context, status=status)


def _preview(
    request: AuthenticatedHttpRequest, form: DocxImportForm, ficha: Ficha, upload: UploadedFile
) -> HttpResponse:
    """Side by side: what the draft holds now and what the file would put there."""
    try:
        parsed = read_docx(_read(upload), upload.name or "", ejercicio=ficha.ejercicio)
        prepared = prepare(parsed, ficha)
    except DocxRefused as exc:
        form.add_error("archivos", f"{upload.name}: {exc}")
        context = {"form": form, "ejercicio": ficha.ejercicio, "coordinator": False}
        return render(request, "reporting/docx/import.html", context, status=400)
    context = {
        "ficha": ficha,
        "filename": upload.name,
        "changes": prepared.changes(ficha),
        "problems": prepared.word_problems(),
        "note": prepared.note,
        "fields": [(k, v) for k, values in prepared.data.lists() for v in values],
    }
    return render(request, "reporting/docx/preview.html", context)


@login_required
@post_only("reporting:docx_import")
def docx_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """«Aplicar los cambios» of the preview: the draft takes the file's values."""
    require_focal_point(request)
    ficha = get_ficha_for_user(request, pk, write=True)
    back = f"{reverse('reporting:docx_import')}?ficha={ficha.pk}"
    filename = request.POST.get("archivo", "")[:200]
    try:
        update_draft(
            ficha,
            request.POST,
            by=request.user,
            note=request.POST.get("texto_no_reconocido", "")[:NOTE_MAX_CHARS],
            filename=filename,
        )
    except StaleFicha:
        messages.error(
            request,
            _(
                "La ficha se guardó después de la vista previa, así que no se cambió nada. "
                "Suba de nuevo el archivo para comparar con lo más reciente."
            ),
        )
        return redirect(back)
    except DocxRefused as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(
        request, _("El borrador se actualizó con el archivo «%(file)s».") % {"file": filename}
    )
    return redirect("reporting:ficha_edit", ficha.pk)


@login_required
@post_only("reporting:ficha_edit")
def docx_note_clear(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """«Quitar la nota»: the person placed or discarded the text that was not recognised."""
    require_focal_point(request)
    ficha = get_ficha_for_user(request, pk, write=True)
    clear_note(ficha)
    messages.success(request, _("Se quitó la nota «Texto no reconocido»."))
    return redirect("reporting:ficha_edit", ficha.pk)
