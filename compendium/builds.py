"""PDF builds of an edition's documents: drafts and published (frozen) versions.

``request_build`` and ``publish`` create a ``PublicationBuild`` row and queue the task
``run_build``; the task renders the HTML of the document (``compendium.documents``, the same
path as the ``build_*`` commands), turns it into a PDF through
``compendium.documents.write_document_pdf`` (the Compendio in parallel parts, reusing the
parts of the document's last build: docs/performance.md §F3-F5) and stores it through Django's
storage API: the PDF is written under a temporary name next to its final place and moved there
atomically, so a crash never leaves a half-written file behind a published link. A published
version is never rebuilt or overwritten; a correction is a new version and the earlier ones stay
available.

One build of a document runs at a time, draft or published: the database refuses a second
queued or building row (constraint ``build_one_active_per_document``), and a build abandoned
for an hour is marked failed before a new one is inserted, in the same transaction.
"""

import contextlib
import datetime
import logging
import os
import pathlib
import tempfile
import time
from collections.abc import Callable, Iterator

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium import public_record
from compendium.documents import cache_scope, render_document, write_document_pdf
from compendium.informe import public_figures
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting import audit, workflow
from reporting.models import User

logger = logging.getLogger(__name__)

ACTIVE = (BuildStatus.QUEUED, BuildStatus.BUILDING)


class BuildRefused(Exception):
    """A build that cannot be requested now; the message is for the user (Spanish)."""


def file_name(build: PublicationBuild) -> str:
    year = build.edicion.ejercicio.year
    if build.draft:
        return f"publicaciones/{year}/borradores/{build.document}-{year}-borrador-{build.pk}.pdf"
    return f"publicaciones/{year}/{build.document}-{year}-v{build.version}.pdf"


# A build still queued or building after this long lost its worker (a crash, a restart):
# it no longer blocks a new request. The 2023 Compendio takes well under a minute.
STALE_AFTER = datetime.timedelta(hours=1)


def _running(edicion: Edicion, document: str) -> PublicationBuild | None:
    """Lock the edition, mark the document's abandoned builds failed, return the one running.

    Call inside a transaction, before inserting a build: an abandoned build must stop
    blocking before the database judges the new one. A failed publication gives its version
    number back.
    """
    Edicion.objects.select_for_update().filter(pk=edicion.pk).first()
    now = timezone.now()
    active = PublicationBuild.objects.filter(edicion=edicion, document=document, status__in=ACTIVE)
    active.filter(created_at__lt=now - STALE_AFTER).update(
        status=BuildStatus.FAILED,
        version=None,
        finished_at=now,
        error=_("La generación se interrumpió (el proceso terminó antes de acabar)."),
    )
    return active.first()


def _refusal(running: PublicationBuild) -> BuildRefused:
    if running.draft:
        return BuildRefused(
            _("Ya se está generando un borrador de este documento; espere a que termine.")
        )
    return BuildRefused(_("Ya se está generando una versión publicada de este documento."))


def _insert(**fields) -> PublicationBuild:
    """Create a queued build; the database refuses a second running build of the document."""
    try:
        with transaction.atomic():
            return PublicationBuild.objects.create(
                progress=_("En espera de un proceso disponible"), **fields
            )
    except IntegrityError:
        raise BuildRefused(
            _("Ya hay una generación en curso de este documento; espere a que termine.")
        ) from None


def request_build(edicion: Edicion, document: str, *, draft: bool, by: User) -> PublicationBuild:
    """Queue a build of ``document``; a draft request while one is queued returns that one.

    Raises ``BuildRefused`` while a published version of the document is being built.
    Side effects: abandoned builds of the document marked failed, one PublicationBuild row
    (status «queued»), one task in the queue. Published versions go through ``publish``.
    """
    if not draft:
        return publish(edicion, document, by=by)
    with transaction.atomic():
        running = _running(edicion, document)
        if running is not None and running.draft:
            return running
        if running is not None:
            raise _refusal(running)
        build = _insert(edicion=edicion, document=document, draft=True, requested_by=by)
    return _enqueue(build)


def publish(edicion: Edicion, document: str, *, by: User, reason: str = "") -> PublicationBuild:
    """Queue the final build of ``document`` as the next published version.

    ``reason``: why it is published despite blocking findings of the pre-publication check
    (the editions view asks for it); recorded in the edition's history with the version
    (docs/pre-publication-check.md §K4).

    The version number is the previous maximum + 1 (the edition row is locked while it is
    chosen). Raises ``BuildRefused`` while another build of the document runs. Side effects:
    abandoned builds of the document marked failed, one PublicationBuild row, one task. When
    the task succeeds the version gets its ``published_at`` and, for the Compendio, the
    printed fichas theirs.
    """
    with transaction.atomic():
        running = _running(edicion, document)
        if running is not None:
            raise _refusal(running)
        last = PublicationBuild.objects.filter(
            edicion=edicion, document=document, draft=False
        ).aggregate(v=Max("version"))["v"]
        build = _insert(
            edicion=edicion,
            document=document,
            draft=False,
            version=(last or 0) + 1,
            requested_by=by,
        )
        if reason.strip():
            audit.record_change(
                edicion,
                by=by,
                changes={},
                note=_(
                    "Publicación de «%(doc)s», versión %(v)s, con hallazgos bloqueantes de la "
                    "revisión previa. Motivo: %(reason)s"
                )
                % {
                    "doc": build.get_document_display(),
                    "v": build.version,
                    "reason": reason.strip(),
                },
            )
    return _enqueue(build)


def _enqueue(build: PublicationBuild) -> PublicationBuild:
    result = run_build.enqueue(build.pk)
    PublicationBuild.objects.filter(pk=build.pk, task_id="").update(task_id=str(result.id)[:64])
    build.refresh_from_db()
    return build


def _set(build: PublicationBuild, **fields) -> None:
    for name, value in fields.items():
        setattr(build, name, value)
    build.save(update_fields=list(fields))


def _claim(build_id: int) -> PublicationBuild | None:
    """Mark the build as building, unless it is finished already (the task is idempotent)."""
    with transaction.atomic():
        build = (
            PublicationBuild.objects.select_for_update()
            .select_related("edicion__ejercicio")
            .filter(pk=build_id)
            .first()
        )
        # Done and failed are final: a finished task run again changes nothing.
        if build is None or build.status not in ACTIVE:
            return None
        _set(
            build,
            status=BuildStatus.BUILDING,
            started_at=timezone.now(),
            error="",
            progress=_("Reuniendo las fichas aprobadas"),
        )
    return build


def store_atomically(name: str, source: pathlib.Path) -> str:
    """Put the file ``source`` at ``name`` in the default storage; return the stored name.

    On a local file system the file is moved with ``os.replace`` from a temporary name in the
    same directory, so readers see either the old file or the complete new one. Other storages
    save the object in one call.
    """
    try:
        final = pathlib.Path(default_storage.path(name))
    except NotImplementedError:
        with source.open("rb") as fh:
            return default_storage.save(name, File(fh, name=os.path.basename(name)))
    final.parent.mkdir(parents=True, exist_ok=True)
    if source.parent != final.parent:
        fd, staged_name = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=".pdf")
        os.close(fd)
        staged = pathlib.Path(staged_name)
        try:
            with source.open("rb") as src, staged.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(staged, final)
        finally:
            staged.unlink(missing_ok=True)
    else:
        os.replace(source, final)
    return name


def _scratch_path(name: str) -> pathlib.Path:
    """A temporary file next to the final place when the storage is local, else in /tmp."""
    try:
        folder = pathlib.Path(default_storage.path(name)).parent
        folder.mkdir(parents=True, exist_ok=True)
    except NotImplementedError:
        folder = None
    fd, path = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    os.close(fd)
    return pathlib.Path(path)


def _published_elsewhere(build: PublicationBuild, name: str) -> bool:
    return (
        PublicationBuild.objects.filter(file=name, status=BuildStatus.DONE)
        .exclude(pk=build.pk)
        .exists()
    )


def _mark_published(build: PublicationBuild, ficha_ids: list[int], by: User | None) -> None:
    """A published Compendio: its fichas get their first publication date and event.

    The exercise is left as it is: publishing a document never changes whether institutions
    may report (docs/workflow.md §W10); fichas still in progress are simply not in it.
    """
    note = _("Publicada en %(doc)s, versión %(v)s.") % {
        "doc": build.get_document_display(),
        "v": build.version,
    }
    # Set just before this call, in the same transaction, for every published version.
    assert build.published_at is not None
    workflow.mark_published(ficha_ids, by=by, at=build.published_at, note=note)


@contextlib.contextmanager
def _one_read_snapshot() -> Iterator[None]:
    """Every read inside the block sees the database as of one moment (on PostgreSQL).

    A version's HTML and its public figures are computed from the same rows, even while
    coordinators approve, reopen or edit fichas: on PostgreSQL the block is a REPEATABLE READ
    transaction, which blocks neither readers nor writers. Inside a caller's transaction (the
    tests) and on SQLite (development only, where a transaction would hold the write lock for
    the whole render) it is a plain block.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _public_figures(build: PublicationBuild, ficha_ids: list[int]) -> dict:
    """The public page's figures of a published version, over exactly the fichas it printed.

    A Compendio: the fichas its render returned; the Informe: the approved fichas it counted
    (read in the same snapshot as its render). Plain JSON data without contact data.
    """
    ids = ficha_ids if build.document == Document.COMPENDIO else None
    return public_figures(build.edicion.ejercicio, ids).to_json()


def _has_record(build: PublicationBuild) -> bool:
    """A published Compendio version freezes its programs as the public record."""
    return not build.draft and build.document == Document.COMPENDIO


def render_pdf(
    html: str,
    *,
    target: pathlib.Path,
    draft: bool,
    progress: Callable[[str], None] | None = None,
    document: str = Document.COMPENDIO,
    scope: str | None = None,
) -> int:
    """The PDF step of a build (tests replace it): ``write_document_pdf``; returns the pages."""
    return write_document_pdf(
        document, html, target=target, draft=draft, scope=scope, progress=progress
    )


def execute_build(build_id: int) -> PublicationBuild | None:
    """Build one PDF (the body of the task, callable directly by scripts and tests).

    Side effects: the build row goes queued → building → done (file, size, pages, seconds)
    or failed (with the reason); the file is stored atomically; a published Compendio marks
    its fichas as published; a published version stores the figures of the public page
    (``public_figures``), computed with its HTML. A finished build is left untouched.
    """
    build = _claim(build_id)
    if build is None:
        return None
    started = time.monotonic()
    scratch = None
    try:
        with _one_read_snapshot():
            rendered = render_document(build.edicion, build.document, draft=build.draft)
            html, ficha_ids = rendered.html, rendered.ficha_ids
            figures = None if build.draft else _public_figures(build, ficha_ids)
            # The public record's texts, read in the render's snapshot (docs/open-data.md §R1).
            printed = public_record.collect(ficha_ids) if _has_record(build) else None
        name = file_name(build)
        if not build.draft and _published_elsewhere(build, name):
            raise RuntimeError(_("Ya existe un archivo publicado con ese nombre."))
        scratch = _scratch_path(name)
        pages = render_pdf(
            html,
            target=scratch,
            draft=build.draft,
            progress=lambda text: _set(build, progress=text),
            document=build.document,
            scope=cache_scope(build.edicion, build.document, draft=build.draft),
        )
        _set(build, progress=_("Guardando el archivo"))
        size = scratch.stat().st_size
        stored = store_atomically(name, scratch)
        with transaction.atomic():
            _set(
                build,
                status=BuildStatus.DONE,
                file=stored,
                size=size,
                pages=pages,
                seconds=round(time.monotonic() - started, 1),
                finished_at=timezone.now(),
                progress="",
                published_at=None if build.draft else timezone.now(),
                public_figures=figures,
            )
            if not build.draft and build.document == Document.COMPENDIO:
                _mark_published(build, ficha_ids, build.requested_by)
            if _has_record(build):
                public_record.freeze(build, ficha_ids, printed=printed)
    except Exception as error:  # noqa: BLE001 - any failure is recorded for the coordinator
        logger.exception("PDF build %s failed", build_id)
        fields = dict(
            status=BuildStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            progress="",
            finished_at=timezone.now(),
            seconds=round(time.monotonic() - started, 1),
        )
        if not build.draft:
            # A failed publication does not consume its version number.
            fields["version"] = None
        _set(build, **fields)
    finally:
        if scratch is not None:
            scratch.unlink(missing_ok=True)
    return build


@task
def run_build(build_id: int) -> None:
    """Background task: build the PDF of one PublicationBuild (see ``execute_build``)."""
    execute_build(build_id)
