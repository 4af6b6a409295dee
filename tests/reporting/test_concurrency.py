"""Lost updates are refused on PostgreSQL, with two real connections (threads).

SQLite ignores ``select_for_update``, so these tests only run on PostgreSQL (CI).
"""

import threading

import pytest
from django.db import connection, connections

from reporting import editing, review, workflow
from reporting.models import Ficha, FichaEvent, FichaEventKind, FichaStatus, ObjetivoPMM
from reporting.review_forms import EditorialForm

# tests/conftest.py reloads the reference data that the flush of a transactional test removes.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Lost-update tests need PostgreSQL (SQLite ignores SELECT … FOR UPDATE).")


def _edit(pk: int, loaded_version: int, user, **changes):
    """What the editorial view does with one POST, in this thread's own connection."""
    ficha = Ficha.objects.get(pk=pk)
    data = {
        "loaded_version": loaded_version,
        "nombre": ficha.nombre,
        "sigla_override": "",
        "objetivo_programa": ficha.objetivo_programa,
        "poblacion_objetivo": ficha.poblacion_objetivo,
        "descripcion": ficha.descripcion,
        "resultados": ficha.resultados,
        **changes,
    }
    form = EditorialForm(data, instance=ficha)
    assert form.is_valid(), form.errors
    return editing.save_ficha_form(form, by=user, expected_version=loaded_version, record_edit=True)


def _in_threads(*jobs):
    """Run jobs at once, each in its own thread (own database connection); collect results."""
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
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_second_of_two_concurrent_editorial_saves_is_refused(ficha_a, coordinator, focal_a):
    ficha = workflow.submit(ficha_a, by=focal_a)
    other = type(coordinator).objects.create_user("coord2@prueba.gob.mx", "x")
    loaded = ficha.version

    results = _in_threads(
        lambda: _edit(ficha.pk, loaded, coordinator, descripcion="Versión de la primera."),
        lambda: _edit(ficha.pk, loaded, other, descripcion="Versión de la segunda."),
    )

    saved = [r for r in results if isinstance(r, Ficha)]
    refused = [r for r in results if isinstance(r, editing.StaleFicha)]
    assert (len(saved), len(refused)) == (1, 1), results
    ficha.refresh_from_db()
    assert ficha.version == loaded + 1
    assert ficha.descripcion == saved[0].descripcion
    # The refusal shows what changed meanwhile: the winner's text against the loser's.
    change = refused[0].differences["descripcion"]
    assert change["new"] == ficha.descripcion
    assert change["old"] != ficha.descripcion
    assert FichaEvent.objects.filter(ficha=ficha, kind=FichaEventKind.EDIT).count() == 1


def test_edit_racing_an_approval(ficha_a, coordinator, focal_a):
    """A coordinator's approval and an editorial save from the same version: one wins."""
    ficha = workflow.submit(ficha_a, by=focal_a)
    loaded = ficha.version
    objective = ObjetivoPMM.objects.get(number=7)

    results = _in_threads(
        lambda: workflow.approve(
            Ficha.objects.get(pk=ficha.pk),
            by=coordinator,
            objective=objective,
            expected_version=loaded,
        ),
        lambda: _edit(ficha.pk, loaded, coordinator, nombre="Nombre corregido"),
    )

    ok = [r for r in results if isinstance(r, Ficha)]
    refused = [r for r in results if isinstance(r, workflow.TransitionError | editing.StaleFicha)]
    assert (len(ok), len(refused)) == (1, 1), results
    ficha.refresh_from_db()
    assert ficha.version == loaded + 1


def test_concurrent_classifications(ficha_a, coordinator):
    loaded = ficha_a.version

    def classify(destacada: bool):
        return review.classify_ficha(
            Ficha.objects.get(pk=ficha_a.pk),
            by=coordinator,
            expected_version=loaded,
            eje=None,
            subtema=None,
            ods=[],
            destacada=destacada,
            resumen_informe="",
            categorias={},
        )

    results = _in_threads(lambda: classify(True), lambda: classify(False))
    assert sorted(type(r).__name__ for r in results) == ["Ficha", "StaleFicha"]
    ficha_a.refresh_from_db()
    assert ficha_a.status == FichaStatus.BORRADOR
    assert ficha_a.version == loaded + 1
