"""What the public sees is what was published: each published version's frozen figures.

A published build stores the figures of the public edition page (``public_figures``), computed
from exactly the fichas that version printed; the page reads them and never the live fichas
(docs/publications.md §V2). Builds run for real here (``compendium.builds``, the HTML from
``compendium.documents``) except the HTML → PDF step, which writes a stand-in file: the PDF itself
is tested in test_builds.py.
"""

import ast
import json
import pathlib
import re
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compendium import builds
from compendium.editions import create_edicion
from compendium.informe import PublicFigures, public_figures
from compendium.models import BuildStatus, Document, PublicationBuild
from reporting import workflow
from reporting.models import Ficha, FichaStatus, ObjetivoPMM
from tests import factories

CONTACT = ("María Pérez López", "maria.perez@prueba.gob.mx", "Directora de Área", "55 4321 8765")
PAGE = reverse("compendium:public_edition", args=[2024])


@pytest.fixture
def printed(monkeypatch):
    """The HTML of every build, in order; the PDF step writes a small stand-in file."""
    html: list[str] = []

    def fake_pdf(source, *, target, draft, progress=None, **_options):
        html.append(source)
        target.write_bytes(b"%PDF-1.7 stand-in")
        return 3

    monkeypatch.setattr(builds, "render_pdf", fake_pdf)
    return html


def make_edition(ejercicio, coordinator):
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    nl = factories.actor("NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno de Nuevo León")
    for actor, objective, kind in ((inm, 15, "Talleres"), (inm, 7, ""), (nl, 15, "")):
        factories.ficha(
            actor,
            ejercicio,
            status=FichaStatus.APROBADA,
            objetivo_asignado_id=objective,
            num_acciones=5 if kind else None,
            tipo_acciones=kind,
            nombre=f"Programa publicado {actor.sigla} {objective}",
        )
    return create_edicion(ejercicio=ejercicio, by=coordinator)


@pytest.fixture
def edicion(db, ejercicio, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_edition(ejercicio, coordinator)


def publish(edicion, document, coordinator) -> PublicationBuild:
    build = builds.publish(edicion, document, by=coordinator)
    build.refresh_from_db()
    assert (build.status, build.error) == (BuildStatus.DONE, "")
    return build


def approve_new(ejercicio, coordinator, objective: int) -> Ficha:
    actor = factories.actor(tipo="apf")
    ficha = factories.ficha(actor, ejercicio, status=FichaStatus.EN_REVISION)
    return workflow.approve(
        ficha, by=coordinator, objective=ObjetivoPMM.objects.get(number=objective)
    )


def kinds(page_context) -> list[str]:
    return [kind.label for kind in page_context["data"].actions.kinds]


def test_later_changes_show_nothing_until_a_new_version_is_published(
    client, edicion, coordinator, printed
) -> None:
    ejercicio = edicion.ejercicio
    first = publish(edicion, Document.INFORME, coordinator)
    assert "Este informe se integra con 3 fichas técnicas aprobadas" in printed[-1]
    page = client.get(PAGE)
    assert page.context["source"] == first
    assert page.context["data"].participation.fichas == 3
    assert "3 programas, acciones y buenas prácticas de 2 instituciones" in page.content.decode()
    assert kinds(page.context) == ["Talleres"]

    # After publication: two new approvals, a reopened ficha, an edited name and kind of action.
    approve_new(ejercicio, coordinator, 1)
    approve_new(ejercicio, coordinator, 1)
    reopened = Ficha.objects.get(actor__sigla="NUEVO LEÓN")
    workflow.reopen(reopened, by=coordinator, reason="Corregir el objetivo.")
    edited = Ficha.objects.get(tipo_acciones="Talleres")
    Ficha.objects.filter(pk=edited.pk).update(
        nombre="Nombre corregido después de publicar", tipo_acciones="Cursos"
    )

    page = client.get(PAGE)
    html = page.content.decode()
    data = page.context["data"]
    assert (data.participation.fichas, data.participation.institutions) == (3, 2)
    assert data.participation.states == ["Nuevo León"]
    assert [(c.number, c.total) for c in data.counts if c.total] == [(7, 1), (15, 2)]
    assert kinds(page.context) == ["Talleres"]
    assert "3 programas, acciones y buenas prácticas de 2 instituciones" in html
    assert "Nuevo León" in html and "Cursos" not in html
    assert "Nombre corregido" not in html
    # The table beside the charts (their descriptions no longer list values, issue 11).
    row = re.search(r'<th scope="row">15\. .*?</tr>', html, re.S)
    assert row and row.group(0).endswith('<td class="num text-end">2</td></tr>')

    # Version 2 shows the fichas approved now: 4 (3 + 2 − 1 reopened), the new kind's name.
    second = publish(edicion, Document.INFORME, coordinator)
    assert "Este informe se integra con 4 fichas técnicas aprobadas" in printed[-1]
    page = client.get(PAGE)
    data = page.context["data"]
    assert page.context["source"] == second and second.version == 2
    assert data.participation.fichas == 4 and data.participation.states == []
    assert [(c.number, c.total) for c in data.counts if c.total] == [(1, 2), (7, 1), (15, 1)]
    assert kinds(page.context) == ["Cursos"]
    assert "Cifras del Informe Ejecutivo 2024, versión 2," in page.content.decode()
    # Version 1 keeps its own record.
    first.refresh_from_db()
    assert first.public_figures["participation"]["fichas"] == 3


def test_a_published_compendio_counts_exactly_the_fichas_it_printed(
    client, edicion, coordinator, printed, monkeypatch
) -> None:
    rendered: list[list[int]] = []
    render = builds.render_document

    def spy(*args, **kwargs):
        result = render(*args, **kwargs)
        rendered.append(result.ficha_ids)
        return result

    monkeypatch.setattr(builds, "render_document", spy)
    build = publish(edicion, Document.COMPENDIO, coordinator)
    approved = sorted(Ficha.objects.approved().values_list("pk", flat=True))
    assert sorted(rendered[-1]) == approved == build.public_figures["ficha_ids"]
    page = client.get(PAGE)
    assert page.context["source"] == build
    assert page.context["data"].participation.fichas == 3
    assert "Cifras del Compendio General 2024, versión 1," in page.content.decode()


def test_figures_count_only_the_given_fichas(edicion) -> None:
    ejercicio = edicion.ejercicio
    inm = sorted(Ficha.objects.filter(actor__sigla="INM").values_list("pk", flat=True))
    figures = public_figures(ejercicio, inm)
    assert (figures.participation.fichas, figures.participation.states) == (2, [])
    assert figures.ficha_ids == inm
    draft = factories.ficha(factories.actor(tipo="apf"), ejercicio)
    with pytest.raises(ValueError):
        public_figures(ejercicio, [*inm, draft.pk])


def test_drafts_keep_no_figures(edicion, coordinator, printed) -> None:
    build = builds.request_build(edicion, Document.INFORME, draft=True, by=coordinator)
    build.refresh_from_db()
    assert (build.status, build.public_figures) == (BuildStatus.DONE, None)


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int)


def test_the_record_is_plain_json_without_contact_data(edicion, coordinator, printed) -> None:
    focal = factories.user("enlace.publico@prueba.gob.mx", actor=Ficha.objects.first().actor)
    build = publish(edicion, Document.INFORME, coordinator)
    record = PublicationBuild.objects.get(pk=build.pk).public_figures
    assert _plain(record)
    assert json.loads(json.dumps(record)) == record
    assert PublicFigures.from_json(record).to_json() == record
    assert record["schema"] == 1
    assert {"period", "participation", "counts", "most", "fewest", "per_state"} <= set(record)
    text = json.dumps(record, ensure_ascii=False)
    people = (focal.email, coordinator.email, focal.get_full_name(), "De Prueba")
    for value in (*CONTACT, *people):
        assert value not in text, value
    for ficha in Ficha.objects.all():
        for name in Ficha.CONTACT_FIELDS:
            value = getattr(ficha, name)
            assert not value or str(value) not in text, name
    # Nor the content of the fichas: their names and texts are in the PDF, not in the record.
    assert "Programa publicado" not in text and "orientación jurídica" not in text


def test_an_unknown_schema_is_refused(edicion) -> None:
    record = public_figures(edicion.ejercicio).to_json()
    with pytest.raises(ValueError):
        PublicFigures.from_json({**record, "schema": 99})


def test_the_edition_page_reads_no_ficha(client, edicion, coordinator, printed) -> None:
    publish(edicion, Document.INFORME, coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reporting_ficha" not in tables and "reporting_reto" not in tables
    # And the view's module does not reach for the functions that count live fichas.
    source = pathlib.Path(django_settings.BASE_DIR, "compendium/views/public.py").read_text()
    names = {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not names & {"informe_context", "compute_informe", "load_fichas", "public_figures"}
    assert not names & {"Ficha", "Reto"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("one_snapshot", [True, False], ids=["one-snapshot", "without"])
def test_an_approval_during_the_build_is_in_neither_the_pdf_nor_the_record(
    ejercicio, coordinator, settings, tmp_path, printed, monkeypatch, one_snapshot
) -> None:
    """The HTML and the record are read in one snapshot: a ficha approved in between (by
    another connection, committed) is in neither. Without it the record would count it."""
    if connection.vendor != "postgresql":
        pytest.skip("Two simultaneous transactions need PostgreSQL (SQLite has one writer).")
    settings.MEDIA_ROOT = tmp_path
    edicion = make_edition(ejercicio, coordinator)
    render = builds.render_document

    def approve_meanwhile():
        try:
            factories.ficha(
                factories.actor(tipo="apf"),
                ejercicio,
                status=FichaStatus.APROBADA,
                objetivo_asignado_id=1,
            )
        finally:
            connections.close_all()

    def render_then_approve(*args, **kwargs):
        result = render(*args, **kwargs)
        other = threading.Thread(target=approve_meanwhile)
        other.start()
        other.join(30)
        return result

    monkeypatch.setattr(builds, "render_document", render_then_approve)
    if not one_snapshot:
        import contextlib

        monkeypatch.setattr(builds, "_one_read_snapshot", contextlib.nullcontext)

    build = publish(edicion, Document.INFORME, coordinator)

    assert Ficha.objects.approved().count() == 4  # the approval happened
    assert "Este informe se integra con 3 fichas técnicas aprobadas" in printed[-1]
    counted = build.public_figures["participation"]["fichas"]
    assert counted == (3 if one_snapshot else 4)
