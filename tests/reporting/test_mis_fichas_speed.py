"""«Mis fichas» read with fewer statements (docs/load-test.md §L8): the exercise chosen among
the selector's exercises already read, the rows in one statement with what each row shows
worked out in the view, the carry-over check and the deleted drafts in one. What must hold:
the same exercise, rows, counts and links as the ORM's reading, and only the institution's
own fichas. Figures of time come from bench/form_page.py, never from a test.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import page_rows
from reporting.access import deleted_drafts_of, fichas_visible_to
from reporting.editing import RESTORE_WINDOW, delete_draft
from reporting.models import Ejercicio, EjercicioStatus, Ficha, FichaStatus
from reporting.views.fichas import _chosen
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("open_year", [2024, None])
def test_the_exercise_chosen_is_the_querysets(focal_a, open_year):
    for year, status in [
        (2022, EjercicioStatus.PREPARACION),
        (2023, EjercicioStatus.CERRADO),
        (2024, EjercicioStatus.ABIERTO if open_year == 2024 else EjercicioStatus.PUBLICADO),
        (2025, EjercicioStatus.PREPARACION),
    ]:
        factories.ejercicio(year, status)
    ejercicios = list(Ejercicio.objects.reportable().order_by("-year"))
    for anio in [None, "", "2023", "2024", "2025", "2019", "abc", "2022"]:
        try:
            expected = Ejercicio.objects.chosen(anio, user=focal_a)
        except Ejercicio.DoesNotExist:
            with pytest.raises(Ejercicio.DoesNotExist):
                _chosen(ejercicios, anio)
        else:
            assert _chosen(ejercicios, anio) == expected


def test_the_rows_and_counts_are_the_orms(client_a, focal_a, actor_a, actor_b, ejercicio):
    previous = factories.ejercicio(ejercicio.year - 1, EjercicioStatus.CERRADO)
    factories.ficha(actor_a, previous, nombre="Del año pasado")
    mine = [
        factories.ficha(actor_a, ejercicio, nombre="Borrador", updated_by=focal_a),
        factories.ficha(actor_a, ejercicio, nombre="", status=FichaStatus.OBSERVADA),
        factories.ficha(
            actor_a, ejercicio, nombre="Enviada <b>", status=FichaStatus.ENVIADA, updated_by=focal_a
        ),
    ]
    Ficha.objects.filter(pk=mine[1].pk).update(updated_by=None)
    gone = factories.ficha(actor_a, ejercicio, nombre="Eliminada")
    delete_draft(gone, by=focal_a)
    other = factories.ficha(actor_b, ejercicio, nombre="De otra institución")

    response = client_a.get(reverse("reporting:mis_fichas"))
    assert response.status_code == 200
    rows = response.context["fichas"]
    expected = list(
        fichas_visible_to(focal_a)
        .filter(ejercicio=ejercicio)
        .select_related("updated_by")
        .order_by("-updated_at", "pk")
    )
    assert [r.pk for r in rows] == [f.pk for f in expected]
    for row, ficha in zip(rows, expected, strict=True):
        assert row.name == str(ficha)
        assert row.status_label == ficha.get_status_display()
        assert row.updated_at == ficha.updated_at
        assert row.by_name == (ficha.updated_by.get_full_name() if ficha.updated_by else "")
        assert row.editable == ficha.is_editable_by_institution
        assert row.draft == (ficha.status == FichaStatus.BORRADOR)  # the «Eliminar» button
    assert other.pk not in [r.pk for r in rows]
    assert gone.pk not in [r.pk for r in rows]
    assert response.context["can_carry_over"] is True
    assert response.context["deleted_count"] == deleted_drafts_of(actor_a).count() == 1
    html = response.content.decode()
    assert "Enviada &lt;b&gt;" in html and "De otra institución" not in html
    assert f"Ficha sin nombre ({mine[1].pk})" in html


def test_the_counts_follow_the_window_and_the_previous_exercise(actor_a, ejercicio, focal_a):
    assert page_rows.carry_over_and_deleted(actor_a.pk, ejercicio.year, timezone.now()) == (
        False,
        0,
    )
    older = factories.ejercicio(ejercicio.year - 2, EjercicioStatus.CERRADO)
    factories.ficha(actor_a, older)
    # Only the exercise just before counts (the one in between has no ficha).
    factories.ejercicio(ejercicio.year - 1, EjercicioStatus.CERRADO)
    cutoff = timezone.now() - RESTORE_WINDOW
    assert page_rows.carry_over_and_deleted(actor_a.pk, ejercicio.year, cutoff) == (False, 0)
    draft = factories.ficha(actor_a, ejercicio)
    delete_draft(draft, by=focal_a)
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert page_rows.carry_over_and_deleted(actor_a.pk, ejercicio.year, cutoff) == (False, 1)
    assert page_rows.carry_over_and_deleted(actor_a.pk, ejercicio.year, later) == (False, 0)


def test_another_institutions_deleted_drafts_and_last_year_count_only_for_it(
    actor_a, actor_b, ejercicio, focal_a, focal_b, client_a
):
    # Only B had fichas last year and only B deleted a draft: A's counts stay at nothing
    # (the statement's actor condition, page_rows.carry_over_and_deleted).
    previous = factories.ejercicio(ejercicio.year - 1, EjercicioStatus.CERRADO)
    factories.ficha(actor_b, previous)
    gone = factories.ficha(actor_b, ejercicio, nombre="Borrada de B")
    delete_draft(gone, by=focal_b)
    factories.ficha(actor_b, ejercicio, nombre="Fila de B")
    cutoff = timezone.now() - RESTORE_WINDOW
    assert page_rows.carry_over_and_deleted(actor_a.pk, ejercicio.year, cutoff) == (False, 0)
    assert page_rows.carry_over_and_deleted(actor_b.pk, ejercicio.year, cutoff) == (True, 1)
    response = client_a.get(reverse("reporting:mis_fichas"))
    assert response.context["deleted_count"] == 0 and response.context["can_carry_over"] is False
    html = response.content.decode()
    assert "Fila de B" not in html and "Borrada de B" not in html


def test_a_year_in_other_digits_is_not_found(client_a, ejercicio):
    # «²».isdigit() is true, int("²") is not: a 404 as for any year without an exercise.
    assert client_a.get(reverse("reporting:mis_fichas") + "?anio=²").status_code == 404
