"""The Informe workspace (compendium/views/workspace.py, docs/informe-workspace.md)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compendium import informe, workspace
from compendium.editions import create_edicion
from reporting.models import FichaEvent, FichaEventKind, FichaStatus, Reto
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def edicion(ejercicio, coordinator):
    return create_edicion(ejercicio=ejercicio, by=coordinator)


@pytest.fixture
def fichas(ejercicio, actor_a, actor_b):
    """Objective 1: two INM fichas (retos about budget and staff); objective 2: NUEVO LEÓN."""
    a1 = factories.ficha(
        actor_a,
        ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=1,
        nombre="Registro de personas",
        retos=["Falta de presupuesto para operar.", "Poco personal capacitado."],
    )
    a2 = factories.ficha(
        actor_a, ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=1, retos=[]
    )
    b = factories.ficha(
        actor_b,
        ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=2,
        retos=["Un reto sin palabras conocidas."],
    )
    return a1, a2, b


def _states(client, edicion) -> dict[str, str]:
    response = client.get(reverse("compendium:informe_workspace", args=[edicion.pk]))
    assert response.status_code == 200
    return {s.key: s.state for s in response.context["sections"]}


def test_workspace_lists_every_section_with_its_state(client_coord, edicion, fichas) -> None:
    states = _states(client_coord, edicion)
    assert list(states)[:3] == ["creditos", "preambulo", "conformacion"]
    assert states["preambulo"] == workspace.INCOMPLETE
    assert states["conformacion"] == workspace.COMPLETE
    assert states["analisis_federal"] == workspace.INCOMPLETE
    assert states["destacadas"] == workspace.INCOMPLETE
    assert states["retos"] == workspace.INCOMPLETE
    assert states["anexos"] == workspace.COMPLETE  # the default categories are defined
    assert states["evolucion"] == workspace.INCOMPLETE  # included, its paragraph generated
    body = client_coord.get(reverse("compendium:informe_workspace", args=[edicion.pk])).content
    assert reverse("compendium:informe_retos", args=[edicion.pk]).encode() in body
    assert b"<caption>" in body and b'scope="row"' in body


def test_states_follow_the_work(client_coord, coordinator, edicion, fichas) -> None:
    a1, a2, b = fichas
    workspace.save_texts(
        edicion,
        by=coordinator,
        preambulo="Texto.",
        informe_credits="Créditos.",
        criterio_destacadas="Criterio.",
    )
    for ficha in (a1, b):
        ficha.destacada = True
        ficha.save()
    Reto.objects.filter(ficha__in=fichas).update(
        categoria=edicion.ejercicio.challenge_categories.first()
    )
    type(edicion).objects.filter(pk=edicion.pk).update(evolucion_incluida=False)
    states = _states(client_coord, edicion)
    assert states["evolucion"] == workspace.NOT_APPLICABLE
    assert states["preambulo"] == states["creditos"] == workspace.COMPLETE
    assert states["destacadas"] == states["retos"] == workspace.COMPLETE


def test_not_applicable_sections(client_coord, edicion, actor_a) -> None:
    factories.ficha(
        actor_a, edicion.ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=3, retos=[]
    )
    states = _states(client_coord, edicion)
    assert states["analisis_estatal"] == workspace.NOT_APPLICABLE  # no state acciones
    assert states["retos"] == workspace.NOT_APPLICABLE  # no retos
    assert states["analisis_federal"] == workspace.INCOMPLETE


def test_text_page_offers_the_draft_until_saved(client_coord, edicion, fichas) -> None:
    url = reverse("compendium:informe_text", args=[edicion.pk, "analisis_general"])
    response = client_coord.get(url)
    body = response.content.decode()
    assert 'id="aviso-borrador"' in body and "borrador sin guardar" in body
    draft = response.context["draft"]
    assert draft.startswith("La gráfica 1 muestra las 3 acciones")
    assert response.context["form"]["text"].value() == draft
    edicion.refresh_from_db()
    assert edicion.analisis_general == ""  # showing a draft saves nothing

    response = client_coord.post(url, {"text": draft + " Revisado."})
    assert response.status_code == 302
    edicion.refresh_from_db()
    assert edicion.analisis_general == draft + " Revisado."
    response = client_coord.get(url)
    assert not response.context["showing_draft"]
    assert 'id="borrador"' in response.content.decode()  # the current draft, to compare
    assert client_coord.get(url + "?borrador=1").context["form"]["text"].value() == draft


def test_text_page_keeps_input_on_error(client_coord, edicion) -> None:
    url = reverse("compendium:informe_text", args=[edicion.pk, "analisis_estatal"])
    long_text = "palabra " * 700  # over the 5,000 characters of a chart analysis
    response = client_coord.post(url, {"text": long_text})
    assert response.status_code == 400
    assert 'id="resumen-errores"' in response.content.decode()
    assert response.context["form"]["text"].value() == long_text
    edicion.refresh_from_db()
    assert edicion.analisis_estatal == ""


def test_unknown_text_is_404(client_coord, edicion) -> None:
    url = reverse("compendium:informe_text", args=[edicion.pk, "title"])
    assert client_coord.get(url).status_code == 404


def test_credits_are_saved_and_printed(client_coord, edicion) -> None:
    url = reverse("compendium:informe_credits", args=[edicion.pk])
    form = client_coord.get(url).context["form"]
    assert form["informe_credits"].value().startswith("D.R. 2024 © Informe Ejecutivo 2024.")
    html = informe.render_informe_html(edicion, draft=True)
    assert "D.R. 2024 © Informe Ejecutivo 2024." in html
    assert "LUISA MARÍA ALCALDE LUJÁN" in html  # the Compendio's authorities by default

    bad = {"informe_credits": "Créditos propios.", "informe_authorities": "A | b | c"}
    response = client_coord.post(url, bad)
    assert response.status_code == 400
    assert "Créditos propios." in response.content.decode()
    ok = {"informe_credits": "Créditos propios.", "informe_authorities": "Ana Pérez | Titular"}
    assert client_coord.post(url, ok).status_code == 302
    edicion.refresh_from_db()
    html = informe.render_informe_html(edicion, draft=True)
    assert "Créditos propios." in html and "ANA PÉREZ" in html and "Titular" in html


def test_highlights_per_objective(client_coord, coordinator, edicion, fichas) -> None:
    a1, a2, _b = fichas
    index = client_coord.get(reverse("compendium:informe_highlights", args=[edicion.pk]))
    assert index.context["form"]["criterio_destacadas"].value() == workspace.DEFAULT_CRITERION
    url = reverse("compendium:informe_highlights_objective", args=[edicion.pk, 1])
    page = client_coord.get(url)
    assert {r["ficha"].pk for r in page.context["rows"]} == {a1.pk, a2.pk}
    body = page.content.decode()
    assert f'<label class="form-check-label fw-semibold" for="destacada-{a1.pk}">' in body
    loaded = page.context["form"]["cargadas"].value()
    response = client_coord.post(url, {"destacadas": [a1.pk], "cargadas": loaded, "siguiente": 2})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "compendium:informe_highlights_objective", args=[edicion.pk, 2]
    )
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert a1.destacada and not a2.destacada
    (event,) = FichaEvent.objects.filter(ficha=a1, kind=FichaEventKind.CLASSIFY)
    assert event.changes["destacada"]["new"] == "Sí"
    # The Informe prints it under objective 1.
    data = informe.compute_informe(edicion.ejercicio)
    assert [h.name for h in data.highlights[0].highlights] == ["Registro de personas"]


def test_highlight_changed_meanwhile_is_kept(client_coord, edicion, fichas) -> None:
    a1, a2, _b = fichas
    url = reverse("compendium:informe_highlights_objective", args=[edicion.pk, 1])
    loaded = client_coord.get(url).context["form"]["cargadas"].value()
    type(a2).objects.filter(pk=a2.pk).update(destacada=True)  # somebody else
    response = client_coord.post(url, {"destacadas": [a1.pk], "cargadas": loaded})
    assert response.status_code == 302 and response["Location"] == url
    a2.refresh_from_db()
    assert a2.destacada


def _row_data(page) -> dict:
    """The bulk form as the page renders it (every row's chosen, loaded and suggested value)."""
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["filtro"] = page.context["filtro"]
    if page.context["page"]:
        data["pagina"] = page.context["page"].number
    return data


def test_retos_table_suggests_and_saves_a_batch(client_coord, edicion, fichas) -> None:
    a1, _a2, b = fichas
    url = reverse("compendium:informe_retos", args=[edicion.pk])
    page = client_coord.get(url + "?filtro=sin-categoria")
    rows = page.context["rows"]
    assert [r.reto.texto for r in rows] == [
        "Falta de presupuesto para operar.",
        "Poco personal capacitado.",
        "Un reto sin palabras conocidas.",
    ]
    budget = edicion.ejercicio.challenge_categories.get(
        name="Recursos presupuestales y financieros"
    )
    people = edicion.ejercicio.challenge_categories.get(name="Recursos humanos y capacitación")
    assert rows[0].suggestion.category_id == budget.pk
    assert rows[1].suggestion.matched == ("personal", "capacita")
    assert rows[2].suggestion is None
    body = page.content.decode()
    assert "Sugerencia: «Recursos presupuestales y financieros» (palabras: presupuest)" in body
    # The coordinator accepts the first suggestion, overrides nothing, leaves the third empty.
    data = _row_data(page)
    r1, r2 = a1.retos.order_by("position")
    data[f"cat-{r2.pk}"] = ""  # pending
    response = client_coord.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("?filtro=sin-categoria")
    assert Reto.objects.get(pk=r1.pk).categoria == budget
    assert Reto.objects.get(pk=r2.pk).categoria is None
    event = FichaEvent.objects.get(ficha=a1, kind=FichaEventKind.CLASSIFY)
    assert "(sugerencia aceptada)" in event.changes[f"reto_{r1.pk}"]["label"]
    # The filter now shows the two left; overriding the suggestion is recorded plainly.
    page = client_coord.get(response["Location"])
    assert len(page.context["rows"]) == 2
    data = _row_data(page)
    data[f"cat-{r2.pk}"] = str(budget.pk)
    assert client_coord.post(url, data).status_code == 302
    assert Reto.objects.get(pk=r2.pk).categoria == budget
    assert people.retos.count() == 0


def test_retos_in_batches(client_coord, edicion, actor_a, settings, monkeypatch) -> None:
    monkeypatch.setattr(workspace, "RETOS_PER_PAGE", 2)
    factories.ficha(
        actor_a,
        edicion.ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=4,
        retos=["Uno.", "Dos.", "Tres.", "Cuatro.", "Cinco."],
    )
    url = reverse("compendium:informe_retos", args=[edicion.pk])
    first = client_coord.get(url)
    assert first.context["page"].paginator.num_pages == 3
    assert [r.reto.texto for r in first.context["rows"]] == ["Uno.", "Dos."]
    third = client_coord.get(url + "?pagina=3")
    assert [r.reto.texto for r in third.context["rows"]] == ["Cinco."]
    category = edicion.ejercicio.challenge_categories.first()
    data = _row_data(third)
    (row,) = third.context["rows"]
    data[f"cat-{row.reto.pk}"] = str(category.pk)
    response = client_coord.post(url, data)
    assert response["Location"].endswith("?filtro=todos&pagina=3")
    assert list(Reto.objects.filter(categoria=category).values_list("texto", flat=True)) == [
        "Cinco."
    ]


def test_retos_refused_batch_keeps_every_choice(client_coord, edicion, fichas) -> None:
    url = reverse("compendium:informe_retos", args=[edicion.pk])
    page = client_coord.get(url)
    data = _row_data(page)
    rows = page.context["rows"]
    category = edicion.ejercicio.challenge_categories.last()
    data[f"cat-{rows[2].reto.pk}"] = str(category.pk)
    data[f"cat-{rows[0].reto.pk}"] = "999999"  # not a category: refused
    response = client_coord.post(url, data)
    assert response.status_code == 400
    assert 'id="resumen-errores"' in response.content.decode()
    form = response.context["form"]
    assert form[f"cat-{rows[2].reto.pk}"].value() == str(category.pk)
    assert Reto.objects.filter(categoria__isnull=False).count() == 0


def test_keyword_rules_page(client_coord, edicion, fichas) -> None:
    url = reverse("compendium:informe_retos_rules", args=[edicion.pk])
    page = client_coord.get(url)
    body = page.content.decode()
    assert "Vacío: se usan las predeterminadas: presupuest" in body
    budget = edicion.ejercicio.challenge_categories.get(
        name="Recursos presupuestales y financieros"
    )
    data = {name: page.context["form"][name].value() or "" for name in page.context["form"].fields}
    data[f"kw-{budget.pk}"] = "operar"
    assert client_coord.post(url, data).status_code == 302
    retos = client_coord.get(reverse("compendium:informe_retos", args=[edicion.pk]))
    first = retos.context["rows"][0]
    assert first.suggestion.category_id == budget.pk and first.suggestion.matched == ("operar",)


URLS = [
    ("informe_workspace", []),
    ("informe_text", ["preambulo"]),
    ("informe_credits", []),
    ("informe_highlights", []),
    ("informe_highlights_objective", [1]),
    ("informe_retos", []),
    ("informe_retos_rules", []),
]


@pytest.mark.parametrize("name,extra", URLS)
def test_coordinators_only(name, extra, edicion, fichas, client_a) -> None:
    url = reverse(f"compendium:{name}", args=[edicion.pk, *extra])
    assert client_a.get(url).status_code == 404  # a focal point: the page does not exist
    assert client_a.post(url, {}).status_code in (404, 405)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/cuentas/login/" in anonymous["Location"]


def test_retos_category_deleted_meanwhile_is_a_conflict(client_coord, edicion, fichas) -> None:
    url = reverse("compendium:informe_retos", args=[edicion.pk])
    first = client_coord.get(url).context["rows"][0].reto
    budget = edicion.ejercicio.challenge_categories.get(
        name="Recursos presupuestales y financieros"
    )
    Reto.objects.filter(pk=first.pk).update(categoria=budget)
    page = client_coord.get(url)
    data = _row_data(page)
    other = edicion.ejercicio.challenge_categories.get(name="Otros")
    data[f"cat-{first.pk}"] = str(other.pk)
    budget.delete()  # somebody deletes the category the page was loaded with
    response = client_coord.post(url, data)
    assert response.status_code == 302
    assert Reto.objects.get(pk=first.pk).categoria is None  # left as it now is


def test_pages_read_the_same_figures_in_a_fixed_number_of_queries(
    client_coord, edicion, fichas, actor_a, ejercicio
) -> None:
    # The overview and the highlights page read ``workspace.informe_summary``: the same counts,
    # figures, highlights and sections as the whole Informe (compute_informe).
    fichas[0].destacada = True
    fichas[0].save(update_fields=["destacada"])
    data, summary = informe.compute_informe(ejercicio), workspace.informe_summary(ejercicio)
    assert (summary.counts, summary.figures, summary.highlights) == (
        data.counts,
        data.figures,
        data.highlights,
    )
    assert workspace.sections(edicion, summary, 1, 3) == workspace.sections(edicion, data, 1, 3)

    def queries(name: str, *args) -> int:
        url = reverse(name, args=[edicion.pk, *args])
        client_coord.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client_coord.get(url).status_code == 200
        return len(captured)

    pages = [
        ("compendium:informe_workspace",),
        ("compendium:informe_highlights",),
        ("compendium:informe_highlights_objective", 1),
        ("compendium:informe_retos",),
    ]
    before = [queries(*page) for page in pages]
    # More fichas and co-actors in objective 1: no query per ficha (printed_sigla, actors).
    for _ in range(3):
        more = factories.ficha(
            actor_a, ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=1
        )
        more.co_actors.add(fichas[2].actor)
    assert [queries(*page) for page in pages] == before


def test_text_drafts_equal_the_whole_informe_s_and_count_only_ones_read_counts(
    edicion, fichas, ejercicio, django_assert_max_num_queries
) -> None:
    """The text page's draft (``workspace.text_draft``) is the whole Informe's draft, in Spanish
    and in English; the count-only drafts are made from the counts per objective alone
    (docs/informe-workspace.md)."""
    from django.utils import translation

    from compendium import drafts

    for language in ("es-mx", "en"):
        with translation.override(language):
            whole = workspace.drafts_for(edicion, informe.compute_informe(ejercicio))
            for field in drafts.DRAFT_FIELDS:
                assert workspace.text_draft(edicion, field) == whole[field], (language, field)
    counts = workspace.objective_counts(ejercicio)
    assert counts.counts == informe.compute_informe(ejercicio).counts
    with django_assert_max_num_queries(6):
        workspace.text_draft(edicion, "analisis_federal")
