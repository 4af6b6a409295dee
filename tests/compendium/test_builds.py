"""Background PDF builds: drafts, published versions, atomic storage, failures.

tests/conftest.py switches TASKS to the ImmediateBackend, so ``request_build`` and ``publish``
run the task inline; the last test uses the database backend and its ``db_worker``.
"""

import datetime
import pathlib
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from compendium import builds
from compendium.editions import create_edicion
from compendium.models import BuildStatus, Document, PublicationBuild
from reporting.models import Ficha, FichaEvent, FichaEventKind, ObjetivoPMM
from tests import factories
from tests.pdf_text import page_texts as page_texts_of

pytestmark = pytest.mark.slow


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def edicion(db, ejercicio, coordinator, media):
    actor = factories.actor("INM", tipo="desconcentrado")
    for objective in (1, 7):
        factories.ficha(
            actor,
            ejercicio,
            status="aprobada",
            objetivo_asignado=ObjetivoPMM.objects.get(number=objective),
        )
    return create_edicion(ejercicio=ejercicio, by=coordinator)


def pdf_of(build: PublicationBuild) -> PdfReader:
    return PdfReader(pathlib.Path(default_storage.path(build.file.name)))


def test_draft_has_the_watermark_on_every_page(edicion, coordinator) -> None:
    build = builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator)
    build.refresh_from_db()
    assert (build.status, build.draft, build.version, build.published_at) == (
        BuildStatus.DONE,
        True,
        None,
        None,
    )
    assert (
        build.file.name == f"publicaciones/2024/borradores/compendio-2024-borrador-{build.pk}.pdf"
    )
    reader = pdf_of(build)
    assert build.pages == len(reader.pages) > 5
    # pypdf, not pdftotext: the rotated watermark is what is checked (pdftotext drops it).
    page_texts = [page.extract_text() for page in reader.pages]
    for page_text in page_texts:
        assert "Versión preliminar" in " ".join(page_text.split())
    # Tagged PDF with title and language; bookmarks: chapters, then their objectives.
    root = reader.trailer["/Root"]
    assert (reader.metadata.title, root["/Lang"], root["/MarkInfo"]["/Marked"]) == (
        "Compendio General 2024",
        "es-MX",
        True,
    )
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == [
        "Introducción",
        "Capítulo 1. Dependencias de la Administración Pública Federal",
        "Anexos",
    ]
    objectives = reader.outline[2]
    assert len(objectives) == 23 and objectives[0].title.startswith("Objetivo 1. Recopilar")
    # Page numbers start at the introduction: the índice points to page 1 for it.
    toc = next(page_text for page_text in page_texts if "Índice" in page_text)
    assert re.search(r"Introducción\s*\.+\s*1\b", toc)
    assert build.size == default_storage.size(build.file.name)
    assert build.seconds > 0 and build.progress == "" and build.error == ""
    # Drafts never mark fichas as published.
    assert not Ficha.objects.filter(published_at__isnull=False).exists()


def test_publish_freezes_versions_and_marks_fichas(edicion, coordinator) -> None:
    first = builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    first.refresh_from_db()
    assert (first.status, first.draft, first.version) == (BuildStatus.DONE, False, 1)
    assert first.file.name == "publicaciones/2024/compendio-2024-v1.pdf"
    assert all("preliminar" not in p.extract_text() for p in pdf_of(first).pages)
    fichas = Ficha.objects.filter(ejercicio=edicion.ejercicio).approved()
    assert {f.published_at for f in fichas} == {first.published_at}
    assert FichaEvent.objects.filter(kind=FichaEventKind.PUBLISHED).count() == 2
    # Publishing is about the document: the exercise stays open for the institutions.
    edicion.ejercicio.refresh_from_db()
    assert edicion.ejercicio.status == "abierto"
    path = pathlib.Path(default_storage.path(first.file.name))
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    # A correction: a new approved ficha, then a second version.
    factories.ficha(
        factories.actor("SRE", tipo="apf"),
        edicion.ejercicio,
        status="aprobada",
        objetivo_asignado=ObjetivoPMM.objects.get(number=3),
        nombre="Programa agregado en la corrección",
    )
    second = builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    second.refresh_from_db()
    assert (second.status, second.version) == (BuildStatus.DONE, 2)
    assert second.file.name == "publicaciones/2024/compendio-2024-v2.pdf"
    # Version 1 is untouched and still there.
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    text = " ".join(page_texts_of(default_storage.path(second.file.name)))
    assert "Programa agregado en la corrección" in " ".join(text.split())
    # The first publication date of the earlier fichas is kept.
    assert Ficha.objects.filter(published_at=first.published_at).count() == 2
    assert Ficha.objects.filter(published_at=second.published_at).count() == 1
    # Running a finished task again changes nothing (idempotent).
    assert builds.execute_build(first.pk) is None
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_failure_is_recorded_with_its_reason_and_frees_the_version(
    edicion, coordinator, monkeypatch, media
) -> None:
    def broken(html, *, target, draft, **kwargs):
        target.write_bytes(b"%PDF-1.7 half a file")
        raise OSError("disco lleno")

    monkeypatch.setattr(builds, "render_pdf", broken)
    failed = builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.version, failed.file.name) == (
        BuildStatus.FAILED,
        "OSError: disco lleno",
        None,
        "",
    )
    assert failed.finished_at is not None
    # Neither the half-written temporary file nor a final file is left behind.
    assert [p.name for p in pathlib.Path(media).rglob("*") if p.is_file()] == []
    assert not Ficha.objects.filter(published_at__isnull=False).exists()

    monkeypatch.undo()
    retried = builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    retried.refresh_from_db()
    assert (retried.status, retried.version) == (BuildStatus.DONE, 1)


def test_informe_draft_goes_through_the_same_builds(edicion, coordinator) -> None:
    build = builds.request_build(edicion, Document.INFORME, draft=True, by=coordinator)
    build.refresh_from_db()
    assert (build.status, build.error) == (BuildStatus.DONE, "")
    assert build.file.name == f"publicaciones/2024/borradores/informe-2024-borrador-{build.pk}.pdf"
    reader = pdf_of(build)
    assert build.pages == len(reader.pages)
    assert all("Versión preliminar" in p.extract_text() for p in reader.pages)


def test_store_atomically_replaces_in_one_step(media, tmp_path) -> None:
    name = "publicaciones/2024/prueba.pdf"
    final = pathlib.Path(default_storage.path(name))
    final.parent.mkdir(parents=True)
    final.write_bytes(b"old")
    staged = final.parent / ".tmp-nuevo.pdf"
    staged.write_bytes(b"new")
    inode = staged.stat().st_ino

    assert builds.store_atomically(name, staged) == name

    # Same directory: a rename, not a copy (readers see old or new, never half).
    assert (final.read_bytes(), final.stat().st_ino, staged.exists()) == (b"new", inode, False)
    elsewhere = tmp_path / "otro.pdf"
    elsewhere.write_bytes(b"newer")
    builds.store_atomically(name, elsewhere)
    assert final.read_bytes() == b"newer"
    assert sorted(p.name for p in final.parent.iterdir()) == ["prueba.pdf"]


def test_second_publish_while_one_runs_is_refused(edicion, coordinator) -> None:
    PublicationBuild.objects.create(
        edicion=edicion, document=Document.COMPENDIO, draft=False, version=1
    )
    with pytest.raises(builds.BuildRefused):
        builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    # A build abandoned by a crashed worker stops blocking after an hour.
    PublicationBuild.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert builds.publish(edicion, Document.COMPENDIO, by=coordinator).version == 1
    assert list(
        PublicationBuild.objects.order_by("pk").values_list("status", "version", "error")
    ) == [
        (
            BuildStatus.FAILED,
            None,
            "La generación se interrumpió (el proceso terminó antes de acabar).",
        ),
        (BuildStatus.DONE, 1, ""),
    ]


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_and_db_worker_builds(
    ejercicio, coordinator, media, settings
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django_tasks_db.models import DBTaskResult

    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    build = builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator)
    assert build.status == BuildStatus.QUEUED
    task = DBTaskResult.objects.get()
    assert (str(task.id), task.status, task.args_kwargs["args"]) == (
        build.task_id,
        "READY",
        [build.pk],
    )
    # A second click while it waits returns the same build.
    again = builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator)
    assert again.pk == build.pk and DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    build.refresh_from_db()
    task.refresh_from_db()
    assert (build.status, task.status) == (BuildStatus.DONE, "SUCCESSFUL")
    assert build.pages == len(pdf_of(build).pages)


# ---------------------------------------------------------------------------------------------
# One build of a document at a time (issue 17)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def queued_tasks(settings):
    """Requested builds stay queued: no task runs."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_second_request_while_the_first_is_queued_gives_one_build(
    edicion, coordinator, queued_tasks
) -> None:
    first = builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator)
    again = builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator)
    assert again.pk == first.pk
    with pytest.raises(builds.BuildRefused) as refused:
        builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    assert str(refused.value) == (
        "Ya se está generando un borrador de este documento; espere a que termine."
    )
    assert list(PublicationBuild.objects.values_list("document", "draft", "status")) == [
        (Document.COMPENDIO, True, BuildStatus.QUEUED)
    ]
    # The other document is not blocked.
    other = builds.request_build(edicion, Document.INFORME, draft=True, by=coordinator)
    assert other.pk != first.pk and PublicationBuild.objects.count() == 2


def test_draft_request_while_publishing_is_refused(edicion, coordinator, queued_tasks) -> None:
    published = builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    with pytest.raises(builds.BuildRefused) as refused:
        builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator)
    assert str(refused.value) == "Ya se está generando una versión publicada de este documento."
    assert list(PublicationBuild.objects.values_list("pk", flat=True)) == [published.pk]


def test_the_database_refuses_a_second_running_build(edicion) -> None:
    from django.db import IntegrityError, transaction

    PublicationBuild.objects.create(edicion=edicion, document=Document.COMPENDIO)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationBuild.objects.create(
            edicion=edicion, document=Document.COMPENDIO, draft=False, version=1
        )
    # Finished builds do not count.
    PublicationBuild.objects.update(status=BuildStatus.DONE)
    PublicationBuild.objects.create(edicion=edicion, document=Document.COMPENDIO)
    assert PublicationBuild.objects.count() == 2


def test_a_request_that_loses_the_race_is_refused(
    edicion, coordinator, queued_tasks, monkeypatch
) -> None:
    """A request that checked before the other's row existed: the insert is refused."""
    running = PublicationBuild.objects.create(edicion=edicion, document=Document.COMPENDIO)
    monkeypatch.setattr(builds, "_running", lambda edicion, document: None)
    for request in (
        lambda: builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator),
        lambda: builds.publish(edicion, Document.COMPENDIO, by=coordinator),
    ):
        with pytest.raises(builds.BuildRefused) as refused:
            request()
        assert str(refused.value) == (
            "Ya hay una generación en curso de este documento; espere a que termine."
        )
    assert list(PublicationBuild.objects.values_list("pk", flat=True)) == [running.pk]


def test_an_abandoned_draft_stops_blocking_after_an_hour(
    edicion, coordinator, queued_tasks
) -> None:
    old = PublicationBuild.objects.create(edicion=edicion, document=Document.COMPENDIO)
    PublicationBuild.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=59))
    assert builds.request_build(edicion, Document.COMPENDIO, draft=True, by=coordinator) == old
    PublicationBuild.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))

    new = builds.publish(edicion, Document.COMPENDIO, by=coordinator)

    assert list(PublicationBuild.objects.order_by("pk").values_list("pk", "status", "error")) == [
        (
            old.pk,
            BuildStatus.FAILED,
            "La generación se interrumpió (el proceso terminó antes de acabar).",
        ),
        (new.pk, BuildStatus.QUEUED, ""),
    ]


def _at_once(*jobs):
    """Run jobs at the same moment, each in its own thread (own database connection)."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects what happened
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("draft", [True, False])
@pytest.mark.parametrize("checked", [True, False], ids=["checked", "database-only"])
def test_simultaneous_requests_on_postgresql_make_one_build(
    ejercicio, coordinator, queued_tasks, monkeypatch, draft, checked
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Two simultaneous transactions need PostgreSQL (SQLite has one writer).")
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    if not checked:
        # No lock and no look first: only the constraint stands between the requests.
        monkeypatch.setattr(builds, "_running", lambda edicion, document: None)

    def request():
        return builds.request_build(edicion, Document.COMPENDIO, draft=draft, by=coordinator)

    results = _at_once(request, request, request)

    assert PublicationBuild.objects.count() == 1
    build = PublicationBuild.objects.get()
    made = [r for r in results if isinstance(r, PublicationBuild)]
    refused = [r for r in results if isinstance(r, builds.BuildRefused)]
    assert len(made) + len(refused) == 3, results
    assert {r.pk for r in made} == {build.pk}
    if checked:
        # A draft request while one waits gets that one; a second publication is refused.
        assert len(refused) == (0 if draft else 2)
    else:
        assert len(refused) == 2


def test_editions_page_says_why_a_draft_is_refused(client_coord, edicion, queued_tasks) -> None:
    from django.urls import reverse

    PublicationBuild.objects.create(
        edicion=edicion, document=Document.COMPENDIO, draft=False, version=1
    )
    url = reverse("compendium:build_request", args=[edicion.pk, "compendio"])
    response = client_coord.post(url, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Ya se está generando una versión publicada de este documento."
    ]
    assert PublicationBuild.objects.count() == 1
