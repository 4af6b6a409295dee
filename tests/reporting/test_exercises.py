"""The exercise lifecycle (docs/workflow.md §W10): domain functions, the «Ejercicios» pages and
which exercise a page shows (``?anio=``)."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, CHANGE
from django.urls import reverse

from reporting import audit, exercises
from reporting.exercises import ExerciseRefused
from reporting.models import (
    ChallengeCategory,
    Ejercicio,
    EjercicioStatus,
    FichaStatus,
    ObjetivoPMM,
)
from tests import factories

pytestmark = pytest.mark.django_db

S = EjercicioStatus


def url(name: str, *args) -> str:
    return reverse(f"reporting:{name}", args=args)


def history(ejercicio: Ejercicio) -> list[tuple[int, str, str]]:
    return [(e.action_flag, e.user.email, e.change_message) for e in audit.history_of(ejercicio)]


@pytest.fixture
def preparing(ejercicio):
    """Exercise 2025 «en preparación», created from 2024 (which is open)."""
    return factories.ejercicio(2025, status=S.PREPARACION)


# --- Creating the next exercise --------------------------------------------------------------


def test_create_next_copies_last_years_categories_and_is_audited(ejercicio, coordinator):
    ChallengeCategory.objects.filter(ejercicio=ejercicio).delete()
    ChallengeCategory.objects.create(ejercicio=ejercicio, name="Presupuesto", position=2)
    ChallengeCategory.objects.create(
        ejercicio=ejercicio, name="Coordinación", definition="Entre órdenes.", position=1
    )
    created = exercises.create_next_ejercicio(
        year=2025,
        period_start=datetime.date(2024, 6, 1),
        period_end=datetime.date(2025, 6, 30),
        opens_on=datetime.date(2025, 7, 1),
        closes_on=datetime.date(2025, 8, 31),
        by=coordinator,
    )
    assert (created.year, created.status) == (2025, S.PREPARACION)
    assert [(c.name, c.definition, c.position) for c in created.challenge_categories.all()] == [
        ("Coordinación", "Entre órdenes.", 1),
        ("Presupuesto", "", 2),
    ]
    # Last year's categories are untouched: each year edits its own.
    assert ejercicio.challenge_categories.count() == 2
    ((flag, who, message),) = history(created)
    assert (flag, who) == (ADDITION, "coordinacion@prueba.gob.mx")
    assert "año: «» → «2025»." in message
    assert "cierre de la recepción: «» → «31 de agosto de 2025»." in message
    assert "2 categorías de retos copiadas del ejercicio 2024." in message


def test_create_next_carries_the_categories_keywords(ejercicio, coordinator):
    # The suggestion keywords a coordination wrote last year (docs/informe-workspace.md §W5)
    # come with the categories; blank ones stay blank (the built-in list of a default one).
    ChallengeCategory.objects.filter(ejercicio=ejercicio).delete()
    ChallengeCategory.objects.create(
        ejercicio=ejercicio, name="Presupuesto", position=1, keywords="presupuest, recursos"
    )
    ChallengeCategory.objects.create(ejercicio=ejercicio, name="Otros", position=2)
    created = exercises.create_next_ejercicio(
        year=2025,
        period_start=datetime.date(2024, 6, 1),
        period_end=datetime.date(2025, 6, 30),
        opens_on=None,
        closes_on=None,
        by=coordinator,
    )
    assert [(c.name, c.keywords) for c in created.challenge_categories.all()] == [
        ("Presupuesto", "presupuest, recursos"),
        ("Otros", ""),
    ]
    # Edited per year: changing the new year's keywords leaves last year's alone.
    created.challenge_categories.filter(name="Presupuesto").update(keywords="fondos")
    assert ejercicio.challenge_categories.get(name="Presupuesto").keywords == (
        "presupuest, recursos"
    )


def test_first_exercise_gets_the_default_categories(coordinator):
    created = exercises.create_next_ejercicio(
        year=2030,
        period_start=datetime.date(2029, 6, 1),
        period_end=datetime.date(2030, 6, 30),
        opens_on=None,
        closes_on=None,
        by=coordinator,
    )
    assert created.challenge_categories.count() == 11


def test_create_next_refuses_an_existing_year_and_bad_dates(ejercicio, coordinator):
    common = {"opens_on": None, "closes_on": None, "by": coordinator}
    with pytest.raises(ExerciseRefused, match="Ya existe el ejercicio 2024."):
        exercises.create_next_ejercicio(
            year=2024,
            period_start=datetime.date(2023, 6, 1),
            period_end=datetime.date(2024, 6, 30),
            **common,
        )
    with pytest.raises(ExerciseRefused, match="periodo"):
        exercises.create_next_ejercicio(
            year=2025,
            period_start=datetime.date(2025, 6, 30),
            period_end=datetime.date(2024, 6, 1),
            **common,
        )
    assert list(Ejercicio.objects.values_list("year", flat=True)) == [2024]


# --- State changes -------------------------------------------------------------------------


def test_open_close_reopen_each_lock_check_and_audit(preparing, ejercicio, coordinator):
    exercises.close_ejercicio(ejercicio, by=coordinator)
    exercises.open_ejercicio(preparing, by=coordinator)
    preparing.refresh_from_db()
    assert preparing.status == S.ABIERTO
    assert history(preparing)[-1] == (
        CHANGE,
        "coordinacion@prueba.gob.mx",
        "estado: «En preparación» → «Abierto».",
    )
    exercises.close_ejercicio(preparing, by=coordinator)
    exercises.reopen_ejercicio(
        preparing, by=coordinator, reason="  Una institución pidió prórroga. "
    )
    preparing.refresh_from_db()
    assert preparing.status == S.ABIERTO
    assert [m for _f, _w, m in history(preparing)] == [
        "estado: «En preparación» → «Abierto».",
        "estado: «Abierto» → «Cerrado».",
        "estado: «Cerrado» → «Abierto».\nUna institución pidió prórroga.",
    ]


def test_only_one_exercise_is_open_at_a_time(preparing, ejercicio, coordinator):
    assert "open" not in exercises.allowed_actions(preparing)
    with pytest.raises(ExerciseRefused, match="El ejercicio 2024 está abierto"):
        exercises.open_ejercicio(preparing, by=coordinator)
    preparing.refresh_from_db()
    assert preparing.status == S.PREPARACION
    assert history(preparing) == []


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.ABIERTO, "open"),
        (S.CERRADO, "close"),
        (S.PREPARACION, "close"),
        (S.ABIERTO, "reopen"),
        (S.PREPARACION, "reopen"),
    ],
)
def test_changes_not_in_the_table_are_refused(coordinator, status, action):
    ejercicio = factories.ejercicio(2024, status=status)
    call = {
        "open": lambda: exercises.open_ejercicio(ejercicio, by=coordinator),
        "close": lambda: exercises.close_ejercicio(ejercicio, by=coordinator),
        "reopen": lambda: exercises.reopen_ejercicio(ejercicio, by=coordinator, reason="x"),
    }[action]
    assert action not in exercises.allowed_actions(ejercicio)
    with pytest.raises(ExerciseRefused, match="No es posible pasar el ejercicio 2024"):
        call()
    ejercicio.refresh_from_db()
    assert ejercicio.status == status
    assert history(ejercicio) == []


def test_reopen_needs_a_reason(coordinator):
    ejercicio = factories.ejercicio(2024, status=S.CERRADO)
    with pytest.raises(ExerciseRefused, match="Indique el motivo"):
        exercises.reopen_ejercicio(ejercicio, by=coordinator, reason="   ")
    ejercicio.refresh_from_db()
    assert ejercicio.status == S.CERRADO


def test_extend_deadline_moves_the_date_later_only(ejercicio, coordinator):
    Ejercicio.objects.filter(pk=ejercicio.pk).update(
        opens_on=datetime.date(2024, 7, 1), closes_on=datetime.date(2024, 8, 31)
    )
    ejercicio.refresh_from_db()
    exercises.extend_deadline(
        ejercicio, closes_on=datetime.date(2024, 9, 15), by=coordinator, note="Sismo."
    )
    ejercicio.refresh_from_db()
    assert ejercicio.closes_on == datetime.date(2024, 9, 15)
    assert history(ejercicio)[-1][2] == (
        "cierre de la recepción: «31 de agosto de 2024» → «15 de septiembre de 2024».\nSismo."
    )
    with pytest.raises(ExerciseRefused, match="posterior a la actual"):
        exercises.extend_deadline(ejercicio, closes_on=datetime.date(2024, 9, 1), by=coordinator)
    exercises.close_ejercicio(ejercicio, by=coordinator)
    with pytest.raises(ExerciseRefused, match="reábralo"):
        exercises.extend_deadline(ejercicio, closes_on=datetime.date(2024, 12, 1), by=coordinator)
    ejercicio.refresh_from_db()
    assert ejercicio.closes_on == datetime.date(2024, 9, 15)


def test_fichas_in_progress_are_those_not_approved(ejercicio, actor_a, actor_b):
    factories.ficha(
        actor_a,
        ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado=ObjetivoPMM.objects.get(number=1),
    )
    draft = factories.ficha(actor_b, ejercicio, nombre="Borrador")
    sent = factories.ficha(actor_a, ejercicio, nombre="Enviada", status=FichaStatus.ENVIADA)
    assert list(exercises.fichas_in_progress(ejercicio)) == [draft, sent]
    counted = Ejercicio.objects.with_counts().get()
    assert (counted.n_fichas, counted.n_aprobadas, counted.n_en_proceso, counted.n_actores) == (
        3,
        1,
        2,
        2,
    )


# --- Pages ---------------------------------------------------------------------------------


def test_list_shows_state_dates_and_counts(client_coord, ejercicio, preparing, actor_a):
    factories.ficha(actor_a, ejercicio)
    response = client_coord.get(url("exercises"))
    html = response.content.decode()
    assert response.status_code == 200
    rows = [(e.year, e.status, e.n_fichas, e.n_en_proceso) for e in response.context["ejercicios"]]
    assert rows == [(2025, S.PREPARACION, 0, 0), (2024, S.ABIERTO, 1, 1)]
    assert "Crear el ejercicio 2026" in html
    assert f'href="{url("exercise_detail", 2025)}"' in html


def test_coordinators_navigation_links_to_the_exercises(client_coord, client_a, ejercicio):
    link = f'href="{url("exercises")}"'
    assert link in client_coord.get(url("bandeja")).content.decode()
    assert link not in client_a.get(url("mis_fichas")).content.decode()


def test_create_page_proposes_next_year_and_creates_it(client_coord, ejercicio, coordinator):
    Ejercicio.objects.filter(pk=ejercicio.pk).update(
        opens_on=datetime.date(2024, 7, 3), closes_on=datetime.date(2024, 8, 31)
    )
    response = client_coord.get(url("exercise_create"))
    form = response.context["form"]
    assert form["year"].value() == 2025
    assert form["period_start"].value() == datetime.date(2024, 6, 1)
    assert form["closes_on"].value() == datetime.date(2025, 8, 31)
    assert "las categorías de retos se copian del ejercicio anterior" in (
        response.content.decode().lower()
    )

    data = {
        "year": "2025",
        "period_start": "2024-06-01",
        "period_end": "2025-06-30",
        "opens_on": "2025-07-03",
        "closes_on": "2025-08-31",
    }
    response = client_coord.post(url("exercise_create"), data)
    assert response.status_code == 303
    assert response["Location"] == url("exercise_detail", 2025)
    created = Ejercicio.objects.get(year=2025)
    assert (created.status, created.closes_on) == (S.PREPARACION, datetime.date(2025, 8, 31))
    assert created.challenge_categories.count() == 11
    assert history(created)[0][:2] == (ADDITION, "coordinacion@prueba.gob.mx")


def test_create_page_shows_errors_in_a_summary_and_keeps_input(client_coord, ejercicio):
    data = {
        "year": "2024",
        "period_start": "2024-06-30",
        "period_end": "2024-06-01",
        "closes_on": "31/02/2025",
    }
    response = client_coord.post(url("exercise_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="resumen-errores"' in html
    assert "Ya existe el ejercicio 2024." in html
    assert "Debe ser posterior al inicio del periodo." in html
    assert "Escriba una fecha válida" in html
    assert Ejercicio.objects.count() == 1


def test_detail_offers_only_the_allowed_actions(client_coord, ejercicio, preparing):
    html = client_coord.get(url("exercise_detail", 2024)).content.decode()
    assert url("exercise_close", 2024) in html and url("exercise_extend", 2024) in html
    assert url("exercise_open", 2024) not in html and url("exercise_reopen", 2024) not in html

    html = client_coord.get(url("exercise_detail", 2025)).content.decode()
    assert url("exercise_open", 2025) not in html  # 2024 is open
    assert "El ejercicio 2024 está abierto" in html


def test_open_view_opens_and_is_audited(client_coord, ejercicio, preparing, coordinator):
    exercises.close_ejercicio(ejercicio, by=coordinator)
    response = client_coord.post(url("exercise_open", 2025))
    assert response.status_code == 303
    assert response["Location"] == url("exercise_detail", 2025)
    preparing.refresh_from_db()
    assert preparing.status == S.ABIERTO
    assert history(preparing)[-1][2] == "estado: «En preparación» → «Abierto»."
    page = client_coord.get(response["Location"]).content.decode()
    assert "El ejercicio 2025 está abierto" in page
    assert "estado: «En preparación» → «Abierto»." in page


def test_open_view_can_invite_last_years_institutions_without_focal_point(
    client_coord,
    ejercicio,
    preparing,
    actor_a,
    actor_b,
    focal_b,
    coordinator,
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from reporting.models import Membership

    factories.ficha(
        actor_a, ejercicio, contacto_nombre="Rosa Díaz", contacto_correo="rosa@prueba.gob.mx"
    )
    factories.ficha(actor_b, ejercicio, contacto_correo="otra@prueba.gob.mx")  # has focal_b
    exercises.close_ejercicio(ejercicio, by=coordinator)
    page = client_coord.get(url("exercise_detail", 2025)).content.decode()
    assert "Invitar a las instituciones del ejercicio 2024 que no tienen persona enlace" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(url("exercise_open", 2025), {"invite": "on"}, follow=True)
    html = response.content.decode()
    assert "Se envió 1 invitación a instituciones del ejercicio 2024 sin enlace." in html
    preparing.refresh_from_db()
    assert preparing.status == S.ABIERTO
    assert Membership.objects.get(user__email="rosa@prueba.gob.mx").actor == actor_a
    assert not Membership.objects.filter(user__email="otra@prueba.gob.mx").exists()
    assert [m.to for m in mail.outbox] == [["rosa@prueba.gob.mx"]]


def test_open_view_invites_nobody_unless_asked(client_coord, ejercicio, preparing, actor_a):
    from reporting.models import Membership

    factories.ficha(actor_a, ejercicio, contacto_correo="rosa@prueba.gob.mx")
    exercises.close_ejercicio(ejercicio, by=None)
    client_coord.post(url("exercise_open", 2025))
    assert not Membership.objects.filter(user__email="rosa@prueba.gob.mx").exists()


def test_open_view_refusal_is_a_message(client_coord, ejercicio, preparing):
    response = client_coord.post(url("exercise_open", 2025), follow=True)
    assert "ciérrelo antes de abrir otro" in response.content.decode()
    preparing.refresh_from_db()
    assert preparing.status == S.PREPARACION


def test_close_view_shows_fichas_in_progress_and_needs_confirmation(
    client_coord, ejercicio, actor_a
):
    factories.ficha(actor_a, ejercicio, nombre="Programa sin enviar")
    page = client_coord.get(url("exercise_detail", 2024)).content.decode()
    assert "Hay 1 ficha en proceso (sin aprobar)." in page
    table = page.split('id="fichas-en-proceso"')[1].split("</table>")[0]
    assert "Programa sin enviar" in table and "Instituto Nacional de Migración" in table

    response = client_coord.post(url("exercise_close", 2024), {})
    assert response.status_code == 400
    assert "Marque la casilla para confirmar el cierre." in response.content.decode()
    ejercicio.refresh_from_db()
    assert ejercicio.status == S.ABIERTO

    response = client_coord.post(url("exercise_close", 2024), {"confirm": "on"})
    assert response.status_code == 303
    ejercicio.refresh_from_db()
    assert ejercicio.status == S.CERRADO
    assert history(ejercicio)[-1][2] == "estado: «Abierto» → «Cerrado»."


def test_reopen_view_requires_a_reason(client_coord, coordinator):
    ejercicio = factories.ejercicio(2024, status=S.CERRADO)
    response = client_coord.post(url("exercise_reopen", 2024), {"reason": ""})
    assert response.status_code == 400
    assert "Indique el motivo para reabrir el ejercicio." in response.content.decode()
    response = client_coord.post(url("exercise_reopen", 2024), {"reason": "Faltó el IMSS."})
    assert response.status_code == 303
    ejercicio.refresh_from_db()
    assert ejercicio.status == S.ABIERTO
    assert history(ejercicio)[-1][2] == "estado: «Cerrado» → «Abierto».\nFaltó el IMSS."


def test_extend_view_validates_and_saves(client_coord, ejercicio):
    Ejercicio.objects.filter(pk=ejercicio.pk).update(closes_on=datetime.date(2024, 8, 31))
    response = client_coord.post(url("exercise_extend", 2024), {"closes_on": "2024-08-01"})
    assert response.status_code == 400
    assert (
        "Debe ser posterior al cierre actual (31 de agosto de 2024)." in response.content.decode()
    )
    response = client_coord.post(
        url("exercise_extend", 2024), {"closes_on": "2024-09-30", "note": "Prórroga general."}
    )
    assert response.status_code == 303
    ejercicio.refresh_from_db()
    assert ejercicio.closes_on == datetime.date(2024, 9, 30)
    assert history(ejercicio)[-1][2].endswith("Prórroga general.")


@pytest.mark.parametrize(
    "name", ["exercise_open", "exercise_extend", "exercise_close", "exercise_reopen"]
)
def test_write_views_send_a_get_to_the_exercise_page(client_coord, preparing, name):
    response = client_coord.get(url(name, 2025))
    assert response.status_code == 303
    assert response["Location"] == url("exercise_detail", 2025)
    preparing.refresh_from_db()
    assert preparing.status == S.PREPARACION
    assert history(preparing) == []


def _all_urls() -> list[tuple[str, str]]:
    return [
        ("get", url("exercises")),
        ("get", url("exercise_create")),
        ("post", url("exercise_create")),
        ("get", url("exercise_detail", 2025)),
        ("post", url("exercise_open", 2025)),
        ("post", url("exercise_extend", 2025)),
        ("post", url("exercise_close", 2025)),
        ("post", url("exercise_reopen", 2025)),
        ("get", url("exercise_close", 2025)),
    ]


def test_focal_points_get_404_and_change_nothing(client_a, preparing):
    for method, address in _all_urls():
        data = {"year": "2026", "reason": "x", "confirm": "on", "closes_on": "2026-01-01"}
        kwargs = {"data": data} if method == "post" else {}
        assert getattr(client_a, method)(address, **kwargs).status_code == 404, address
    preparing.refresh_from_db()
    assert preparing.status == S.PREPARACION
    assert list(Ejercicio.objects.values_list("year", flat=True)) == [2025, 2024]


def test_anonymous_goes_to_login(client, preparing):
    for method, address in _all_urls():
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login") + "?next="), address


def test_unknown_exercise_is_404(client_coord, ejercicio):
    assert client_coord.get(url("exercise_detail", 1999)).status_code == 404
    assert client_coord.post(url("exercise_open", 1999)).status_code == 404


# --- Which exercise a page shows -------------------------------------------------------------


def test_current_is_the_open_one_never_one_in_preparation(ejercicio, coordinator):
    factories.ejercicio(2025, status=S.PREPARACION)
    assert Ejercicio.objects.current() == ejercicio
    exercises.close_ejercicio(ejercicio, by=coordinator)
    # No open exercise: the most recent one that is not in preparation.
    assert Ejercicio.objects.current() == ejercicio
    factories.ejercicio(2023, status=S.CERRADO)
    assert Ejercicio.objects.current() == ejercicio


def test_mis_fichas_never_switches_to_an_exercise_in_preparation(
    client_a, actor_a, ejercicio, preparing, coordinator
):
    factories.ficha(actor_a, ejercicio, nombre="Programa 2024")
    exercises.close_ejercicio(ejercicio, by=coordinator)
    response = client_a.get(url("mis_fichas"))
    assert response.context["ejercicio"] == ejercicio
    assert "Programa 2024" in response.content.decode()
    # Nor when asked for it: a year in preparation does not exist for institutions.
    assert client_a.get(url("mis_fichas"), {"anio": "2025"}).status_code == 404
    assert list(response.context["ejercicios"]) == [ejercicio]


def test_mis_fichas_selector_shows_another_year(client_a, actor_a, ejercicio):
    old = factories.ejercicio(2023, status=S.CERRADO)
    factories.ficha(actor_a, old, nombre="Programa de 2023")
    factories.ficha(actor_a, ejercicio, nombre="Programa de 2024")
    html = client_a.get(url("mis_fichas")).content.decode()
    assert "Programa de 2024" in html and "Programa de 2023" not in html
    assert '<select class="form-select" name="anio" id="selector-anio">' in html
    assert '<option value="2024" selected>2024 · Abierto</option>' in html

    response = client_a.get(url("mis_fichas"), {"anio": "2023"})
    html = response.content.decode()
    assert response.context["ejercicio"] == old
    assert "Programa de 2023" in html and "Programa de 2024" not in html
    assert client_a.get(url("mis_fichas"), {"anio": "1999"}).status_code == 404
    assert client_a.get(url("mis_fichas"), {"anio": "dos mil"}).status_code == 404


def test_desk_and_tracker_default_to_the_open_exercise_and_choose_by_year(
    client_coord, actor_a, ejercicio, preparing
):
    old = factories.ejercicio(2023, status=S.CERRADO)
    factories.ficha(actor_a, old, nombre="Programa de 2023")
    factories.ficha(actor_a, ejercicio, nombre="Programa de 2024")

    response = client_coord.get(url("bandeja"))
    assert response.context["filters"].ejercicio == ejercicio
    assert response.context["total"] == 1
    html = response.content.decode()
    assert "Bandeja de revisión · Ejercicio 2024" in html
    assert '<option value="2024" selected>2024 · Abierto</option>' in html
    assert f'href="{url("seguimiento")}?anio=2024"' in html

    response = client_coord.get(url("bandeja"), {"anio": "2023", "status": "borrador"})
    assert response.context["filters"].ejercicio == old
    assert [f.nombre for f in response.context["page"].object_list] == ["Programa de 2023"]
    # Coordinators may look at an exercise in preparation, by choice only.
    assert client_coord.get(url("bandeja"), {"anio": "2025"}).context["total"] == 0
    assert client_coord.get(url("bandeja"), {"anio": "1999"}).status_code == 404

    response = client_coord.get(url("seguimiento"))
    assert response.context["ejercicio"] == ejercicio
    response = client_coord.get(url("seguimiento"), {"anio": "2023"})
    assert response.context["ejercicio"] == old
    assert "Seguimiento por institución · Ejercicio 2023" in response.content.decode()


def test_desk_shows_a_new_exercise_in_preparation_only_when_it_is_the_only_one(client_coord):
    factories.ejercicio(2025, status=S.PREPARACION)
    response = client_coord.get(url("bandeja"))
    assert response.status_code == 200
    assert response.context["filters"].ejercicio.year == 2025


# --- Challenge categories of one exercise ----------------------------------------------------


def _categories(ejercicio: Ejercicio) -> list[tuple[str, str]]:
    return [(c.name, c.definition) for c in ejercicio.challenge_categories.order_by("position")]


@pytest.fixture
def three(ejercicio):
    ejercicio.challenge_categories.all().delete()
    return [
        ChallengeCategory.objects.create(ejercicio=ejercicio, name=name, position=i)
        for i, name in enumerate(["Presupuesto", "Personal", "Coordinación"], start=1)
    ]


def test_categories_are_renamed_swapped_reordered_added_and_deleted(
    ejercicio, three, actor_a, coordinator
):
    from reporting.exercises import CategoryRow
    from reporting.models import Reto

    presupuesto, personal, coordinacion = three
    ficha = factories.ficha(actor_a, ejercicio, retos=["Falta de dinero.", "Falta de gente."])
    reto_1, reto_2 = ficha.retos.order_by("position")
    Reto.objects.filter(pk=reto_1.pk).update(categoria=presupuesto)
    Reto.objects.filter(pk=reto_2.pk).update(categoria=coordinacion)
    other_year = factories.ejercicio(2023, status=S.CERRADO)
    before_other = _categories(other_year)

    exercises.save_challenge_categories(
        ejercicio,
        [
            # Swap two names (unique per exercise) and define one.
            CategoryRow(personal.pk, "Presupuesto", "Dinero asignado."),
            CategoryRow(presupuesto.pk, "Personal"),
            CategoryRow(None, "Tecnología", "Sistemas y equipo."),
            CategoryRow(coordinacion.pk, "Coordinación", delete=True),
        ],
        by=coordinator,
    )
    assert _categories(ejercicio) == [
        ("Presupuesto", "Dinero asignado."),
        ("Personal", ""),
        ("Tecnología", "Sistemas y equipo."),
    ]
    reto_1.refresh_from_db()
    reto_2.refresh_from_db()
    # A reto keeps its category row (now called «Personal»); the deleted one leaves none.
    assert (reto_1.categoria_id, reto_2.categoria_id) == (presupuesto.pk, None)
    assert _categories(other_year) == before_other
    message = history(ejercicio)[-1][2]
    assert "Categoría eliminada: «Coordinación» → «»." in message
    assert "Categoría: «Presupuesto» → «Personal»." in message
    assert "Categoría nueva: «» → «Tecnología»." in message
    assert "Definición de «Presupuesto»: «» → «Dinero asignado.»." in message
    assert "Orden de las categorías: «Presupuesto; Personal; Coordinación»" in message


def test_categories_refuse_repeated_names_and_foreign_rows(ejercicio, three, coordinator):
    from reporting.exercises import CategoryRow

    other = factories.ejercicio(2023, status=S.CERRADO).challenge_categories.first()
    with pytest.raises(ExerciseRefused, match="repetidas: Personal"):
        exercises.save_challenge_categories(
            ejercicio,
            [CategoryRow(three[0].pk, "Personal"), CategoryRow(None, "Personal")],
            by=coordinator,
        )
    with pytest.raises(ExerciseRefused, match="no es de este ejercicio"):
        exercises.save_challenge_categories(
            ejercicio, [CategoryRow(other.pk, "Mía")], by=coordinator
        )
    assert [n for n, _d in _categories(ejercicio)] == ["Presupuesto", "Personal", "Coordinación"]


def _category_post(rows: list[tuple[object, str, str, str, bool]], extra: int = 0) -> dict:
    data = {
        "categorias-TOTAL_FORMS": str(len(rows) + extra),
        "categorias-INITIAL_FORMS": str(sum(1 for r in rows if r[0])),
        "categorias-MIN_NUM_FORMS": "0",
        "categorias-MAX_NUM_FORMS": "1000",
    }
    for i, (pk, order, name, definition, delete) in enumerate(rows):
        data[f"categorias-{i}-id"] = str(pk or "")
        data[f"categorias-{i}-ORDER"] = order
        data[f"categorias-{i}-name"] = name
        data[f"categorias-{i}-definition"] = definition
        if delete:
            data[f"categorias-{i}-DELETE"] = "on"
    return data


def test_categories_page_edits_the_exercise_list(client_coord, ejercicio, three):
    presupuesto, personal, coordinacion = three
    page = client_coord.get(url("exercise_categories", 2024))
    assert page.status_code == 200
    assert 'value="Presupuesto"' in page.content.decode()
    detail = client_coord.get(url("exercise_detail", 2024)).content.decode()
    assert f'href="{url("exercise_categories", 2024)}">3 categorías de retos' in detail

    data = _category_post(
        [
            (presupuesto.pk, "2", "Presupuesto", "", False),
            (personal.pk, "1", "Personal", "Plazas y capacitación.", False),
            (coordinacion.pk, "3", "Coordinación", "", True),
            (None, "4", "Tecnología", "", False),
            (None, "", "", "", False),  # an empty extra row is ignored
        ]
    )
    response = client_coord.post(url("exercise_categories", 2024), data)
    assert response.status_code == 303
    assert _categories(ejercicio) == [
        ("Personal", "Plazas y capacitación."),
        ("Presupuesto", ""),
        ("Tecnología", ""),
    ]


def test_categories_page_shows_errors_and_changes_nothing(client_coord, ejercicio, three):
    data = _category_post(
        [
            (three[0].pk, "1", "Personal", "", False),
            (three[1].pk, "2", "Personal", "", False),
            (three[2].pk, "3", "", "", False),
        ]
    )
    response = client_coord.post(url("exercise_categories", 2024), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="resumen-errores"' in html
    assert "Fila 3 · Nombre: Este campo es obligatorio." in html
    assert [n for n, _d in _categories(ejercicio)] == ["Presupuesto", "Personal", "Coordinación"]

    data = _category_post([(three[0].pk, "1", "Personal", "", False)])
    response = client_coord.post(url("exercise_categories", 2024), data)
    assert "Hay categorías repetidas: Personal." in response.content.decode()


def test_categories_page_is_404_for_focal_points(client_a, ejercicio, three):
    assert client_a.get(url("exercise_categories", 2024)).status_code == 404
    data = _category_post([(three[0].pk, "1", "Otro", "", False)])
    assert client_a.post(url("exercise_categories", 2024), data).status_code == 404
    assert _categories(ejercicio)[0] == ("Presupuesto", "")
