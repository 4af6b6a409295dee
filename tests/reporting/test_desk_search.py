"""The desk's one-scan search (issue 18, docs/load-test.md §L1): ``review.desk`` answers what
``desk_fichas`` and ``status_counts`` answer, the PostgreSQL query reads the stored folded text of
migration 0010 through the exercise's index, and the institution list is this exercise's."""

import pytest
from django.db import connection
from django.urls import reverse

from reporting import review, workflow
from reporting.models import Ficha
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_data(actor_a, actor_b, focal_a, ejercicio):
    factories.ficha(actor_a, ejercicio, nombre="Atención a NIÑAS y niños en tránsito")
    sent = factories.ficha(actor_b, ejercicio, nombre="Niñez migrante", resultados="Éxito.")
    workflow.submit(factories.ficha(actor_a, ejercicio, nombre="Otro programa"), by=focal_a)
    older = factories.ejercicio(2019)
    factories.ficha(actor_a, older, nombre="Niños de otro año")
    return sent


@pytest.mark.parametrize(
    "q, status, orden",
    [
        ("", "", "-cambio"),
        ("ninos", "", "nombre"),
        ("NIÑ", "borrador", "-nombre"),
        ("exito nInEz", "", "institucion"),
        ("atencion transito", "", "cambio"),
        ("zzyzx", "", "-cambio"),
    ],
)
def test_desk_answers_as_the_queryset_and_the_counts(desk_data, ejercicio, q, status, orden):
    filters = review.DeskFilters(ejercicio=ejercicio, q=q, status=status, orden=orden)
    found = review.desk(filters)
    assert found.ids == [f.pk for f in review.desk_fichas(filters)]
    assert found.counts == review.status_counts(filters)
    rows = review.desk_rows(found.ids)
    assert [f.pk for f in rows] == found.ids
    # Only this exercise: the 2019 ficha never matches.
    assert all(f.ejercicio_id == ejercicio.pk for f in rows)


def test_one_query_for_matches_and_counts(desk_data, ejercicio, django_assert_num_queries):
    filters = review.DeskFilters(ejercicio=ejercicio, q="NIÑ")
    with django_assert_num_queries(1):
        found = review.desk(filters)
    assert found.counts["total"] == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the column is PostgreSQL's")
def test_search_reads_the_stored_folded_text_of_one_exercise(desk_data, ejercicio):
    fichas = review.search_fichas(Ficha.objects.filter(ejercicio=ejercicio), "migrante")
    sql = str(fichas.query)
    assert '"reporting_ficha"."texto_busqueda"' in sql and "pmm_fold(" not in sql
    with connection.cursor() as cursor:
        # The exercise's index, then the stored text: no plan that rechecks every year's fichas
        # (a tiny table is read sequentially; forbidding that leaves the index). Without the
        # model's ordering (by actor name: a join, whose plan could reach the fichas through the
        # actor's index instead, depending on when autovacuum last analysed the tiny tables),
        # and with fresh statistics, so the plan does not depend on the machine's timing.
        cursor.execute("ANALYZE reporting_ficha")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = fichas.order_by().explain()
    assert "Index Cond: (ejercicio_id = " in plan and "pmm_fold" not in plan
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM reporting_ficha WHERE texto_busqueda IS DISTINCT FROM "
            "pmm_fold(nombre || ' ' || descripcion || ' ' || resultados)"
        )
        assert cursor.fetchone()[0] == 0


def test_the_search_sees_a_saved_change_at_once(desk_data, ejercicio):
    # PostgreSQL recomputes the generated column on every write (migration 0010).
    filters = review.DeskFilters(ejercicio=ejercicio, q="ÁRBOL")
    assert review.desk(filters).ids == []
    desk_data.resultados = "Plantamos un árbol."
    desk_data.save()
    assert review.desk(filters).ids == [desk_data.pk]
    # As a subquery the ficha's table has another alias; the column follows it.
    inner = review.search_fichas(Ficha.objects.filter(ejercicio=ejercicio), "arbol")
    assert list(Ficha.objects.filter(pk__in=inner.values("pk"))) == [desk_data]


def test_institution_list_is_active_or_reporting_this_year(client_coord, ejercicio, actor_a):
    gone = factories.actor("VIEJA", active=False)
    back = factories.actor("REGRESA", active=False)
    factories.ficha(gone, factories.ejercicio(2019))
    factories.ficha(back, ejercicio)
    response = client_coord.get(reverse("reporting:bandeja"), {"anio": ejercicio.year})
    offered = set(response.context["form"].fields["actor"].queryset)
    assert actor_a in offered and back in offered and gone not in offered
