"""Queries of the review desk: filters, accent-insensitive search, counts, constant query count."""

import cssselect2
import pytest
import tinyhtml5
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import options, review, workflow
from reporting.models import EntidadFederativa, FichaStatus, ObjetivoPMM
from reporting.views import review as review_views
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
    _desk_queries(client_coord)  # the first page of the session stores its activity
    few = _desk_queries(client_coord)
    for i in range(40):
        factories.ficha(actor_a if i % 2 else actor_b, ejercicio, propuestos=[3, 4])
    many = _desk_queries(client_coord)
    assert few == many
    # Small as well as constant (docs/load-test.md §L1): session, user and membership 3, the
    # exercise 1, the stamp of the five selects' rows 1 (their options are remembered), the
    # matches 1, the page's rows with their proposed objectives 1; the session is written back
    # only once a minute (reporting/idle.py ACTIVITY_RESOLUTION).
    assert many <= 7
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


def _desk_html(client, **params):
    response = client.get(reverse("reporting:bandeja"), params)
    assert response.status_code == 200
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    return response, root


def _text(element) -> str:
    return " ".join("".join(element.etree_element.itertext()).split())


def test_desk_shows_fifty_a_page_and_its_links_keep_every_filter(
    client_coord, ejercicio, actor_a, actor_b
):
    for i in range(1, 121):
        factories.ficha(actor_a if i % 2 else actor_b, ejercicio, nombre=f"Taller {i:03}")
    factories.ficha(actor_a, ejercicio, nombre="Otro programa")
    filters = {"q": "taller", "status": "borrador", "orden": "nombre"}

    response, root = _desk_html(client_coord, **filters, page=2)
    names = [f.nombre for f in response.context["page"].object_list]
    assert names == [f"Taller {i:03}" for i in range(51, 101)]
    assert _text(root.query("#resultados-titulo")) == "120 fichas"
    assert _text(root.query("#rango")) == "Se muestran de la 51 a la 100 (página 2 de 3)."
    # The status tabs count every page, not this one.
    assert response.context["total"] == 120
    assert dict((v, n) for v, _label, n in response.context["status_tabs"])["borrador"] == 120

    nav = root.query("nav#paginas")
    assert nav.etree_element.get("aria-label") == "Páginas de la bandeja"
    links = [(_text(a), a.etree_element.get("href")) for a in nav.query_all("a")]
    kept = "q=taller&status=borrador&orden=nombre"
    assert links == [
        ("Anterior", f"?{kept}&page=1"),
        ("1", f"?{kept}&page=1"),
        ("2", f"?{kept}&page=2"),
        ("3", f"?{kept}&page=3"),
        ("Siguiente", f"?{kept}&page=3"),
    ]
    current = [a for a in nav.query_all("a") if a.etree_element.get("aria-current")]
    assert [(_text(a), a.etree_element.get("aria-current")) for a in current] == [("2", "page")]

    last, _root = _desk_html(client_coord, **filters, page=3)
    assert [f.nombre for f in last.context["page"].object_list][-1] == "Taller 120"
    assert len(last.context["page"].object_list) == 20
    # A page past the end shows the last one; a malformed number, the first.
    assert _desk_html(client_coord, **filters, page=99)[0].context["page"].number == 3
    assert _desk_html(client_coord, **filters, page="x")[0].context["page"].number == 1


def test_desk_with_one_page_has_no_page_links(client_coord, ejercicio, actor_a):
    factories.ficha(actor_a, ejercicio)
    _response, root = _desk_html(client_coord)
    assert root.query("nav#paginas") is None
    assert root.query("#rango") is None


def test_desk_elides_page_links_of_a_long_list(client_coord, ejercicio, actor_a, monkeypatch):
    monkeypatch.setattr(review_views, "PAGE_SIZE", 2)
    for i in range(30):
        factories.ficha(actor_a, ejercicio, nombre=f"F{i:02}")
    _response, root = _desk_html(client_coord, orden="nombre", page=8)
    items = [_text(li) for li in root.query_all("nav#paginas li")]
    assert items == [
        *("Anterior", "1", "2", "…"),
        *("6", "7", "8", "9", "10"),
        *("…", "14", "15", "Siguiente"),
    ]
    ellipses = [li for li in root.query_all("nav#paginas li") if _text(li) == "…"]
    assert [li.etree_element.get("aria-hidden") for li in ellipses] == ["true", "true"]
    assert [li.query("a") for li in ellipses] == [None, None]


def test_desk_query_count_is_the_same_on_every_page(client_coord, ejercicio, actor_a, actor_b):
    for i in range(110):
        f = factories.ficha(actor_a if i % 2 else actor_b, ejercicio, propuestos=[1, 2])
        if i % 10 == 0:
            f.co_actors.add(actor_b)
    _desk_queries(client_coord)  # the first page of the session stores its activity
    first = _desk_queries(client_coord)
    assert _desk_queries(client_coord, page=2) == first
    assert _desk_queries(client_coord, page=3, orden="nombre", chapter=1) == first


def test_desk_institution_options_are_named_as_everywhere(
    client_coord, ejercicio, actor_a, actor_b
):
    """The desk reads the institutions as plain rows (reporting/options.py read_options):
    their options are still each institution's ``str``, in order, after the empty choice."""
    actor_a.sigla = actor_a.name  # an institution without a separate sigla
    actor_a.save()
    field = client_coord.get(reverse("reporting:bandeja")).context["form"].fields["actor"]
    expected = [(a.pk, str(a)) for a in field.queryset]
    assert list(field.choices)[1:] == expected
    assert (actor_a.pk, actor_a.name) in expected
    assert (actor_b.pk, f"{actor_b.name} ({actor_b.sigla})") in expected


def test_desk_options_are_remembered_but_never_stale(client_coord, ejercicio, actor_a, actor_b):
    """The selects' options come from the process's memory while their rows are unchanged
    (one query stamps them all), and a change to any row is on the next page."""
    options.clear_options()
    factories.ficha(actor_a, ejercicio)
    first = _desk_queries(client_coord)
    again = _desk_queries(client_coord)
    assert again < first  # the options were read once, then remembered

    def shown(name):
        form = client_coord.get(reverse("reporting:bandeja")).context["form"]
        return [str(label) for _value, label in form.fields[name].choices]

    actor_b.name = "Gobierno del Estado de Nuevo León, renombrado"
    actor_b.save()
    assert f"{actor_b.name} ({actor_b.sigla})" in shown("actor")
    objective = ObjetivoPMM.objects.get(number=7)
    objective.title = "Título corregido"
    objective.save()
    assert "7. Título corregido" in shown("objective")
    factories.ejercicio(2023)
    assert [label.split(" ")[0] for label in shown("anio")] == [
        str(ejercicio.year),
        "2023",
    ]
    assert _desk_queries(client_coord) == again


def test_desk_options_memory_is_bounded(client_coord, ejercicio, actor_a, monkeypatch):
    monkeypatch.setattr(options._options, "size", 3)
    options.clear_options()
    for i in range(4):
        actor_a.name = f"Instituto {i}"
        actor_a.save()
        client_coord.get(reverse("reporting:bandeja"))
    assert len(options._options) == 3


def test_desk_rows_are_escaped_and_link_each_ficha(client_coord, ejercicio, actor_a):
    """The rows are built in the view (_desk_rows_html): every value escaped, each link the
    ficha's own review page."""
    ficha = factories.ficha(actor_a, ejercicio, nombre="<script>alert(1)</script> & «niñas»")
    unnamed = factories.ficha(actor_a, ejercicio, nombre="", destacada=True)
    response, root = _desk_html(client_coord, orden="nombre")
    assert b"<script>alert(1)" not in response.content
    rows = {
        int(tr.etree_element.get("data-ficha")): tr for tr in root.query_all("#bandeja tbody tr")
    }
    link = rows[ficha.pk].query("a")
    assert _text(link) == "<script>alert(1)</script> & «niñas»"
    assert link.etree_element.get("href") == reverse("reporting:review_ficha", args=[ficha.pk])
    assert rows[unnamed.pk].query("a").etree_element.get("href") == reverse(
        "reporting:review_ficha", args=[unnamed.pk]
    )
    assert "(sin nombre) Destacada" in _text(rows[unnamed.pk])
    headers = [th.etree_element.get("aria-sort") for th in root.query_all("#bandeja thead th")]
    assert headers == [None, None, "ascending", None, None, None, None]
    sort_links = [a.etree_element.get("href") for a in root.query_all("#bandeja thead th a")]
    assert sort_links[2] == "?orden=-nombre"
    assert sort_links[0] == "?orden=institucion"


def _review_queries(client, ficha) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:review_ficha", args=[ficha.pk]))
    assert response.status_code == 200
    return len(queries)


def test_review_page_query_count_does_not_grow_with_retos(
    client_coord, ejercicio, actor_a, actor_b
):
    """Each reto's category select, the objectives, ejes, subtemas and ODS come from one stamp
    query and the process's memory; the ficha's lists are read once (reporting/views/review.py
    _render_review, docs/load-test.md §L1)."""
    one = factories.ficha(actor_a, ejercicio, retos=["Uno."], propuestos=[3])
    many = factories.ficha(
        actor_a, ejercicio, retos=["Uno.", "Dos.", "Tres.", "Cuatro."], propuestos=[1, 2, 3]
    )
    many.co_actors.add(actor_b)
    _review_queries(client_coord, one)  # the first page of the session stores its activity
    assert _review_queries(client_coord, many) == _review_queries(client_coord, one)
