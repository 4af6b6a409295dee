"""The ficha form page's per-process memory (docs/load-test.md §L2c): the objectives' and
entidades' lists remembered under a stamp of their rows, each field's block remembered with its
field. What must hold: reference data changed in the database shows on the very next page, a
page from memory is the page rendered afresh, and a page runs the same queries either way.
Figures of time come from bench/form_page.py, never from a test.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import options, workflow
from reporting.models import EntidadFederativa, ObjetivoPMM
from reporting.templatetags import ficha_fields, fixed_urls
from reporting.views import fichas as fichas_views
from tests import factories
from tests.reporting.test_fichas_views import form_data

pytestmark = pytest.mark.django_db


def forget() -> None:
    """A process that has seen nothing yet: no remembered fields, blocks, lists or texts."""
    ficha_fields.clear()
    options.clear_options()
    fixed_urls.forget_constant_texts()
    fichas_views._js_texts_script.cache_clear()


def page(client, path: str, data=None) -> str:
    """The page's HTML without what changes on every request (the CSRF token)."""
    response = client.post(path, data) if data is not None else client.get(path)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    html = re.sub(r'csrfmiddlewaretoken" value="[^"]+"', 'csrfmiddlewaretoken" value=""', html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)


@pytest.fixture
def draft(actor_a, ejercicio):
    return factories.ficha(actor_a, ejercicio, retos=["Reto uno.", "Reto dos."])


@pytest.fixture
def returned(draft, focal_a, coordinator):
    workflow.submit(draft, by=focal_a)
    workflow.return_for_changes(
        draft,
        by=coordinator,
        note="Revise.",
        field_notes={"nombre": "El nombre oficial.", "entidades": "Falta <Sonora>."},
    )
    return draft


def test_a_renamed_objective_and_a_new_entidad_show_on_the_next_page(client_a, draft):
    path = reverse("reporting:ficha_edit", args=[draft.pk])
    page(client_a, path)  # remembered: the lists and every field
    ObjetivoPMM.objects.filter(number=7).update(title="Título cambiado en la base")
    EntidadFederativa.objects.create(inegi_code="99", name="Entidad Nueva", printed_name="NUEVA")
    html = page(client_a, path)
    assert "7. Título cambiado en la base" in html
    assert 'value="99"' in html and "Entidad Nueva" in html
    EntidadFederativa.objects.filter(inegi_code="99").delete()
    assert "Entidad Nueva" not in page(client_a, path)


@pytest.mark.parametrize("kind", ["draft", "returned", "new", "failed save"])
def test_a_page_from_memory_is_the_page_rendered_afresh(request, client_a, kind):
    if kind == "new":
        request.getfixturevalue("ejercicio")  # open: a new ficha goes to it
        path, data = reverse("reporting:ficha_new"), None
    else:
        ficha = request.getfixturevalue("returned" if kind == "returned" else "draft")
        path, data = reverse("reporting:ficha_edit", args=[ficha.pk]), None
        if kind == "failed save":
            data = form_data(ficha, num_acciones="abc", nombre="Lo <b>tecleado</b> & más")
    forget()
    fresh = page(client_a, path, data)
    remembered = page(client_a, path, data)
    assert remembered == fresh
    if kind == "failed save":
        assert "Lo &lt;b&gt;tecleado&lt;/b&gt; &amp; más" in fresh
        assert 'aria-invalid="true"' in fresh
    if kind == "returned":
        assert 'id="obs_entidades"' in fresh and "Falta &lt;Sonora&gt;." in fresh


def test_the_lists_are_read_once_and_the_fields_cost_no_query(client_a, returned):
    path = reverse("reporting:ficha_edit", args=[returned.pk])

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            page(client_a, path)
        # The session's first write happens on the first request only.
        return [q["sql"] for q in captured if "django_session" not in q["sql"]]

    whole_table = 'FROM "reporting_objetivopmm" ORDER BY'
    forget()
    cold = statements()
    warm = statements()
    # A process that never saw the lists reads them once; then one statement stamps both.
    assert sum(whole_table in sql and "md5" not in sql for sql in cold) == 1
    assert len(cold) == len(warm) + 2
    assert sum("md5(string_agg" in sql for sql in warm) == 1
    assert not any(whole_table in sql and "md5" not in sql for sql in warm)
    # Fields rendered afresh or from memory: the same queries.
    ficha_fields.clear()
    assert len(statements()) == len(warm)


def test_the_sql_of_a_filtered_list_is_never_taken_for_the_whole_table():
    whole = options._sql(ObjetivoPMM.objects.all())
    assert options._sql(ObjetivoPMM.objects.all()) is whole  # built once
    some = options._sql(ObjetivoPMM.objects.filter(number__lte=3))
    assert some != whole and "WHERE" in some[0]
    assert options._sql(ObjetivoPMM.objects.order_by("-number")) != whole
    assert options._sql(ObjetivoPMM.objects.all()[:3]) != whole


def _history_by_the_orm(ficha) -> list[dict]:
    """The history's rows as the ORM read them before page_rows (docs/load-test.md §L2b)."""
    from django.db.models import Q

    from reporting.access import upmrip_users
    from reporting.models import FichaEventKind, Observacion, User

    events = [
        dict(row)
        for row in ficha.events.filter(
            Q(kind__in=[FichaEventKind.CREATED, FichaEventKind.TRANSITION])
            | Q(kind=FichaEventKind.EDIT, by__in=User.objects.filter(upmrip_users()))
            | Q(kind=FichaEventKind.EDIT, changes__has_key="deleted_at")
        )
        .order_by("at", "pk")
        .values(
            "pk",
            "kind",
            "at",
            "from_status",
            "to_status",
            "note",
            "changes",
            "by__first_name",
            "by__last_name",
        )
    ]
    for event in events:
        event["observaciones"] = (
            [
                dict(o)
                for o in Observacion.objects.filter(event_id=event["pk"])
                .order_by("created_at", "pk")
                .values("field", "texto")
            ]
            if event["kind"] == FichaEventKind.TRANSITION
            else []
        )
    return events


def test_the_history_in_one_statement_is_the_orms(returned, focal_a, coordinator):
    """page_rows.history_rows: creation, status changes with their observations (general and
    per field), UPMRIP's corrections (a coordinator's, a superuser's), the draft deleted and
    restored; left out: the institution's own recorded corrections and the other kinds."""
    from reporting import audit, editing, page_rows
    from reporting.models import FichaEventKind, FichaStatus, User

    # A superuser without a UPMRIP membership is UPMRIP too (access.upmrip_users).
    admin = User.objects.create_superuser(email="super@upmrip.gob.mx", password="x")
    audit.record_event(
        returned,
        FichaEventKind.EDIT,
        by=coordinator,
        note="Ortografía.",
        changes={"nombre": {"label": "Nombre", "old": "a", "new": "b"}},
    )
    audit.record_event(
        returned,
        FichaEventKind.EDIT,
        by=focal_a,
        changes={"unidad": {"label": "Unidad", "old": "x", "new": "y"}},
    )
    audit.record_event(returned, FichaEventKind.CLASSIFY, by=coordinator)
    audit.record_event(returned, FichaEventKind.EDIT, by=admin, changes={})
    workflow.submit(returned, by=focal_a)
    workflow.return_for_changes(
        returned, by=coordinator, note="Otra vez.", field_notes={"resultados": "Cifras."}
    )
    returned.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        rows = page_rows.history_rows(returned.pk)
    assert len(captured) == 1
    assert rows == _history_by_the_orm(returned)
    kinds = [e["kind"] for e in rows]
    assert FichaEventKind.CLASSIFY not in kinds
    assert kinds.count(FichaEventKind.EDIT) == 2
    assert any(o["field"] == "" for e in rows for o in e["observaciones"])  # the general note
    # A draft deleted and restored: both events are the institution's and shown.
    draft = factories.ficha(returned.actor, returned.ejercicio)
    assert draft.status == FichaStatus.BORRADOR
    editing.restore_draft(editing.delete_draft(draft, by=focal_a), by=focal_a)
    rows = page_rows.history_rows(draft.pk)
    assert rows == _history_by_the_orm(draft)
    assert sum("deleted_at" in e["changes"] for e in rows) == 2


def test_constant_text_is_rendered_once_per_language_and_refuses_anything_else():
    """{% constant_text %} (docs/load-test.md §L8): only text and literal translations, so
    what it remembers depends on nothing but the language."""
    from django.template import TemplateSyntaxError, engines
    from django.utils import translation

    engine = engines["django"]
    source = (
        "{% load i18n fixed_urls %}{% constant_text %}<b>{% translate 'Mis fichas' %}"
        "</b>{% endconstant_text %}"
    )
    fixed = engine.from_string(source)
    with translation.override("en"):
        english = fixed.render({})
    with translation.override("es-mx"):
        spanish = fixed.render({})
    assert spanish == "<b>Mis fichas</b>"
    assert english != spanish and english.startswith("<b>")
    with translation.override("en"):
        assert fixed.render({}) == english
    for inside in [
        "{{ ficha }}",
        "{% translate texto %}",
        "{% translate 'Ver' as t %}",
        "{% translate 'Ver'|upper %}",
        "{% if x %}a{% endif %}",
        "{% url 'home' %}",
    ]:
        with pytest.raises(TemplateSyntaxError):
            engine.from_string(
                "{% load i18n fixed_urls %}{% constant_text %}" + inside + "{% endconstant_text %}"
            )


def test_the_history_escapes_every_value(returned, coordinator):
    """ficha_history (docs/load-test.md §L8) writes the history without the template engine:
    notes, labels, observations and corrections typed by people are escaped, line breaks kept."""
    from reporting import audit
    from reporting.models import FichaEventKind
    from reporting.views.fichas import _history

    audit.record_event(
        returned,
        FichaEventKind.EDIT,
        by=coordinator,
        note="<script>uno</script>\ndos",
        changes={"nombre": {"label": "<i>Nombre</i>", "old": "a\n<b>", "new": ""}},
    )
    html = ficha_fields.ficha_history(_history(returned))
    assert "<script>" not in html and "<i>" not in html and "<b>" not in html
    assert "&lt;script&gt;uno&lt;/script&gt;<br>dos" in html
    assert "Cambió «&lt;i&gt;Nombre&lt;/i&gt;»" in html
    assert "<dd>a<br>&lt;b&gt;</dd>" in html and "<dd>—</dd>" in html
    assert "Falta &lt;Sonora&gt;." in html  # an observation, from the fixture
    assert ficha_fields.ficha_history([]).count("Todavía no hay movimientos.") == 1
