"""Queries of the review desk: filters, accent-insensitive search, counts, constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import review, workflow
from reporting.models import EntidadFederativa, FichaStatus, ObjetivoPMM
from tests import factories


def _names(filters):
    return sorted(f.nombre for f in review.desk_fichas(filters))


def test_fold():
    assert review.fold("Atención a NIÑAS, niños y Ü") == "atencion a ninas, ninos y u"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("ninos", ["Atención a niñas y NIÑOS"]),
        ("NIÑOS", ["Atención a niñas y NIÑOS"]),
        ("atencion", ["Atención a niñas y NIÑOS"]),
        ("ACCIÓN", ["Programa migrante"]),  # found in the description
        ("jurídica", ["Programa migrante"]),  # found in the results
        ("programa migrante", ["Programa migrante"]),  # every word, any order of fields
        ("migrante accion", ["Programa migrante"]),
        ("100%", []),  # LIKE wildcards are literal
        ("", ["Atención a niñas y NIÑOS", "Programa migrante"]),
    ],
)
def test_search_ignores_case_and_accents(query, expected, actor_a, ejercicio):
    factories.ficha(
        actor_a, ejercicio, nombre="Atención a niñas y NIÑOS", descripcion="", resultados=""
    )
    factories.ficha(
        actor_a,
        ejercicio,
        nombre="Programa migrante",
        descripcion="Acción conjunta.",
        resultados="Asesoría JURÍDICA.",
    )
    assert _names(review.DeskFilters(ejercicio=ejercicio, q=query)) == expected


def test_filters(ejercicio, actor_a, actor_b, focal_a, coordinator):
    co = factories.actor("SRE", name="Secretaría de Relaciones Exteriores")
    joint = factories.ficha(actor_a, ejercicio, nombre="Conjunta", propuestos=[3, 7])
    joint.co_actors.add(co)
    reached = factories.ficha(
        actor_a, ejercicio, nombre="En Chiapas", propuestos=[1], destacada=True
    )
    reached.entidades.add(EntidadFederativa.objects.get(inegi_code="07"))
    factories.ficha(actor_b, ejercicio, nombre="Nuevo León", propuestos=[2])
    approved = workflow.submit(factories.ficha(actor_a, ejercicio, nombre="Aprobada"), by=focal_a)
    workflow.approve(approved, by=coordinator, objective=ObjetivoPMM.objects.get(number=16))
    factories.ficha(actor_a, factories.ejercicio(2023), nombre="Otro año")

    F = review.DeskFilters
    assert _names(F(ejercicio=ejercicio)) == ["Aprobada", "Conjunta", "En Chiapas", "Nuevo León"]
    assert _names(F(ejercicio=ejercicio, status=FichaStatus.APROBADA)) == ["Aprobada"]
    assert _names(F(ejercicio=ejercicio, chapter=2)) == ["Nuevo León"]
    assert _names(F(ejercicio=ejercicio, actor=co)) == ["Conjunta"]
    assert _names(F(ejercicio=ejercicio, actor=actor_b)) == ["Nuevo León"]
    chiapas = EntidadFederativa.objects.get(inegi_code="07")
    nl = EntidadFederativa.objects.get(inegi_code="19")
    assert _names(F(ejercicio=ejercicio, entidad=chiapas)) == ["En Chiapas"]
    assert _names(F(ejercicio=ejercicio, entidad=nl)) == ["Nuevo León"]
    objective = ObjetivoPMM.objects.get
    assert _names(F(ejercicio=ejercicio, objective=objective(number=3))) == ["Conjunta"]
    # Proposed 7 (the factory default) or assigned 16.
    assert _names(F(ejercicio=ejercicio, objective=objective(number=16))) == ["Aprobada"]
    assert _names(F(ejercicio=ejercicio, objective=objective(number=7))) == ["Aprobada", "Conjunta"]
    assert _names(F(ejercicio=ejercicio, destacada=True)) == ["En Chiapas"]
    assert _names(F(ejercicio=ejercicio, destacada=False)) == ["Aprobada", "Conjunta", "Nuevo León"]

    counts = review.status_counts(F(ejercicio=ejercicio, status=FichaStatus.APROBADA, chapter=1))
    assert counts == {
        "borrador": 2,
        "enviada": 0,
        "en_revision": 0,
        "observada": 0,
        "aprobada": 1,
        "total": 3,
    }


def test_sorting(ejercicio, actor_a, actor_b):
    factories.ficha(actor_a, ejercicio, nombre="Zeta")
    factories.ficha(actor_b, ejercicio, nombre="Alfa")
    F = review.DeskFilters
    assert [f.nombre for f in review.desk_fichas(F(ejercicio=ejercicio, orden="nombre"))] == [
        "Alfa",
        "Zeta",
    ]
    assert [f.nombre for f in review.desk_fichas(F(ejercicio=ejercicio, orden="-nombre"))] == [
        "Zeta",
        "Alfa",
    ]
    # «Gobierno del Estado de Nuevo León» sorts before «Instituto Nacional de Migración».
    assert [f.nombre for f in review.desk_fichas(F(ejercicio=ejercicio, orden="institucion"))] == [
        "Alfa",
        "Zeta",
    ]


def _desk_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:bandeja"), params)
    assert response.status_code == 200
    return len(queries)


def test_desk_query_count_does_not_grow_with_fichas(client_coord, ejercicio, actor_a, actor_b):
    for _i in range(3):
        f = factories.ficha(actor_a, ejercicio, propuestos=[1, 2])
        f.co_actors.add(actor_b)
    few = _desk_queries(client_coord)
    for i in range(40):
        factories.ficha(actor_a if i % 2 else actor_b, ejercicio, propuestos=[3, 4])
    many = _desk_queries(client_coord)
    assert few == many
    # Filters add no queries (an empty result even saves the page query).
    assert _desk_queries(client_coord, q="programa", chapter=1, page=1) == many


def test_follow_up_is_one_query(ejercicio, actor_a, actor_b, focal_a, focal_a2):
    factories.ficha(actor_a, ejercicio)
    factories.ficha(actor_a, ejercicio)
    with CaptureQueriesContext(connection) as queries:
        rows = {
            a.sigla: (a.n_borrador, a.n_total, a.n_sent, a.n_focal)
            for a in review.follow_up(ejercicio)
        }
    assert len(queries) == 1
    assert rows == {"INM": (2, 2, 0, 2), "NUEVO LEÓN": (0, 0, 0, 0)}
