"""A year of reporting in the browser, as UPMRIP runs it (issue 10, «Done means»).

The order a real coordinator follows, because only one exercise is open at a time
(reporting/exercises.py): while 2024 is still open she prepares 2025 on «Ejercicios» (created
«En preparación», dates proposed from 2024's; the page says 2024 must be closed first), closes
2024, opens 2025, and runs 2025:

1. from «Seguimiento» she invites a focal point for SRE, which has none («sin enlace»); that
   person opens the emailed link, sets a password, reports a ficha and sends it;
2. INM's focal point brings last year's ficha into 2025 («Traer fichas del ejercicio
   anterior»), adds this period's results and sends it;
3. she returns INM's ficha with an observation, approves SRE's, and publishes version 1 of the
   Compendio while INM's ficha is still «Observada» (the confirmation lists it);
4. publishing changes nothing for the institutions: INM corrects and resends its ficha;
5. she closes 2025 (the page counts the ficha still in progress); INM can only read it now.

Each person has their own browser context, as at their own desk. tests/conftest.py runs tasks
inline (emails land in Django's outbox, the PDF is built inside the publishing request) and
leaves coordinators' second factor off, as in the other browser tests.
"""

import datetime
import re

import pytest
from django.contrib.admin.models import ADDITION
from playwright.sync_api import Page, expect

from compendium.models import BuildStatus, PublicationBuild
from reporting import audit
from reporting.exercises import create_ejercicio
from reporting.models import (
    Ejercicio,
    EjercicioStatus,
    Ficha,
    FichaStatus,
    ObjetivoPMM,
    Role,
    User,
)
from tests import factories

# tests/conftest.py reloads the reference data that the flush of a transactional test removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

INM_PROGRAM = "Ventanilla de orientación a personas migrantes"
SRE_PROGRAM = "Protección consular a personas mexicanas en el exterior"
SRE_EMAIL = "enlace.sre@prueba.gob.mx"
SRE_PASSWORD = "una-clave-larga-y-segura-2025"
OBJECTIVE_14 = (
    "14. Mejorar la protección, asistencia y cooperación consulares a lo largo de todo el "
    "ciclo migratorio"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk(browser, live_server):
    """Another person's browser (own cookies), closed at the end of the test."""
    contexts = []

    def _desk() -> Page:
        context = browser.new_context(locale="es-MX", base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _desk
    for context in contexts:
        context.close()


def sign_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    page.goto("/cuentas/login/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_load_state()


def send_after_autosave(page: Page, field: str, text: str) -> None:
    """Type into a field, let the autosave on leaving it finish, then «Enviar a revisión».

    Clicking while the autosave is in flight would be refused as stale (see test_review.py).
    """
    box = page.locator(f"textarea[name={field}]")
    box.fill(text)
    box.blur()
    expect(page.locator("#estado-guardado")).to_contain_text("Guardado a las")
    page.wait_for_load_state("networkidle")
    page.locator("#enviar-revision:not([hidden])").click()
    expect(page.get_by_text("Ficha enviada a revisión").first).to_be_visible()


def test_a_reporting_year(page, login, desk, media, mailoutbox, actor_a, focal_a, coordinator):
    # Setup: 2024 open; INM (with its focal point) had a ficha approved in 2024; SRE has nobody.
    ejercicio_2024 = create_ejercicio(
        2024,
        status=EjercicioStatus.ABIERTO,
        opens_on=datetime.date(2024, 7, 1),
        closes_on=datetime.date(2024, 8, 30),
    )
    factories.ficha(
        actor_a,
        ejercicio_2024,
        nombre=INM_PROGRAM,
        status=FichaStatus.APROBADA,
        objetivo_asignado=ObjetivoPMM.objects.get(number=7),
    )
    sre = factories.actor("SRE", tipo="apf", name="Secretaría de Relaciones Exteriores")

    # --- The coordinator prepares 2025 while 2024 is open, closes 2024, opens 2025. ---------
    login(coordinator.email, factories.PASSWORD)
    page.get_by_role("link", name="Ejercicios").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ejercicios")
    page.get_by_role("link", name="Crear el ejercicio 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crear un ejercicio")
    expect(page.get_by_label("Año del ejercicio")).to_have_value("2025")
    expect(page.get_by_label("Inicio del periodo de reporte")).to_have_value("2024-06-01")
    expect(page.get_by_label("Fin del periodo de reporte")).to_have_value("2025-06-30")
    expect(page.get_by_label("Apertura de la recepción")).to_have_value("2025-07-01")
    expect(page.get_by_label("Cierre de la recepción")).to_have_value("2025-08-30")
    page.get_by_role("button", name="Crear el ejercicio").click()
    expect(page.get_by_text("Se creó el ejercicio 2025, en preparación")).to_be_visible()
    expect(page.locator("#estado-ejercicio")).to_have_text("En preparación")
    expect(page.get_by_text("El ejercicio 2024 está abierto: sólo puede haber uno")).to_be_visible()
    expect(page.get_by_role("button", name="Abrir el ejercicio")).to_have_count(0)

    page.get_by_role("navigation", name="Ruta de navegación").get_by_role(
        "link", name="Ejercicios"
    ).click()
    page.locator("#ejercicios").get_by_role("link", name="2024", exact=True).click()
    expect(page.locator("#cerrar-aviso")).to_contain_text("No hay fichas en proceso")
    page.get_by_label("Confirmo que quiero cerrar el ejercicio").check()
    page.get_by_role("button", name="Cerrar el ejercicio").click()
    expect(page.get_by_text("El ejercicio 2024 está cerrado")).to_be_visible()
    expect(page.locator("#estado-ejercicio")).to_have_text("Cerrado")

    page.get_by_role("navigation", name="Ruta de navegación").get_by_role(
        "link", name="Ejercicios"
    ).click()
    page.locator("#ejercicios").get_by_role("link", name="2025", exact=True).click()
    # SRE reported nothing in 2024: it is invited from the tracker, not when opening.
    expect(
        page.get_by_label(re.compile("Invitar a las instituciones del ejercicio 2024"))
    ).not_to_be_checked()
    page.get_by_role("button", name="Abrir el ejercicio").click()
    expect(page.get_by_text("El ejercicio 2025 está abierto")).to_be_visible()
    expect(page.locator("#estado-ejercicio")).to_have_text("Abierto")

    # --- Invitation from the tracker row of an institution without a focal point. -----------
    page.get_by_role("link", name="Seguimiento por institución").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Seguimiento por institución · Ejercicio 2025"
    )
    sre_row = page.locator(f"#seguimiento tr[data-actor='{sre.pk}']")
    expect(sre_row).to_contain_text("sin enlace")
    sre_row.get_by_role("link", name=re.compile("^Invitar")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitar a una persona enlace")
    expect(page.get_by_label("Institución")).to_have_value(str(sre.pk))
    page.get_by_label("Correo electrónico").fill(SRE_EMAIL)
    page.get_by_label("Nombre(s)").fill("Lucía")
    page.get_by_label("Apellidos").fill("Ramírez Soto")
    page.get_by_role("button", name="Enviar invitación").click()
    expect(page.get_by_text(f"Se envió la invitación a {SRE_EMAIL}")).to_be_visible()
    [invitation] = [m for m in mailoutbox if m.to == [SRE_EMAIL]]
    link = re.search(r"/fichas/invitacion/\S+/", invitation.body)
    assert link, invitation.body

    # --- SRE's focal point accepts, reports a ficha and sends it. -----------------------------
    sre_page = desk()
    sre_page.goto(link.group(0))
    expect(sre_page.get_by_role("heading", level=1)).to_have_text("Bienvenida, bienvenido")
    sre_page.locator("input[name=new_password1]").fill(SRE_PASSWORD)
    sre_page.locator("input[name=new_password2]").fill(SRE_PASSWORD)
    sre_page.get_by_role("button", name="Guardar contraseña y entrar").click()
    expect(sre_page.get_by_role("heading", name="Mis fichas")).to_be_visible()
    expect(sre_page.get_by_text("Su contraseña quedó guardada")).to_be_visible()
    expect(sre_page.get_by_text("Secretaría de Relaciones Exteriores")).to_be_visible()

    sre_page.get_by_role("link", name="Nueva ficha").click()
    expect(sre_page.get_by_label("Nombre", exact=True)).to_have_value("Lucía Ramírez Soto")
    sre_page.get_by_label("NOMBRE DEL PROGRAMA").fill(SRE_PROGRAM)
    sre_page.get_by_label(OBJECTIVE_14).check()
    sre_page.get_by_label("1. Objetivo del programa (en qué consiste)").fill(
        "Asistir a personas mexicanas en el exterior en situación de vulnerabilidad."
    )
    sre_page.get_by_label("2. A quién va dirigido el programa o acción (población objetivo)").fill(
        "Personas mexicanas en el exterior y sus familias."
    )
    sre_page.get_by_label("Descripción del programa, acción o buena práctica").fill(
        "La red consular brinda orientación jurídica y apoyo para el retorno."
    )
    sre_page.get_by_label("En el extranjero (p. ej. consulados)").check()
    sre_page.locator("#id_personas_atendidas").fill("3200")
    sre_page.locator("#id_mujeres").fill("1700")
    sre_page.locator("#id_hombres").fill("1500")
    sre_page.locator("#id_retos-0-texto").fill("Alta demanda de citas en los consulados.")
    sre_page.get_by_role("button", name="Guardar borrador").click()
    expect(sre_page.get_by_text("Borrador guardado")).to_be_visible()
    sre_page.locator("#enviar-revision:not([hidden])").click()
    expect(sre_page.get_by_text("Ficha enviada a revisión").first).to_be_visible()
    sre_ficha = Ficha.objects.get(actor=sre)
    assert (sre_ficha.status, sre_ficha.ejercicio.year) == (FichaStatus.ENVIADA, 2025)

    # --- INM's focal point brings last year's ficha forward, adds results, sends it. ----------
    inm_page = desk()
    sign_in(inm_page, focal_a.email)
    expect(inm_page.get_by_role("heading", name="Mis fichas")).to_be_visible()
    expect(inm_page.get_by_text("Ejercicio 2025 · Periodo de reporte")).to_be_visible()
    inm_page.get_by_role("link", name="Traer fichas del ejercicio anterior").click()
    inm_page.get_by_label(INM_PROGRAM).check()
    inm_page.get_by_role("button", name="Traer como borradores").click()
    expect(inm_page.get_by_text("Se creó 1 borrador. Actualice sus resultados.")).to_be_visible()
    inm_page.get_by_role("link", name=INM_PROGRAM, exact=True).click()
    send_after_autosave(
        inm_page, "resultados", "Se brindaron 980 orientaciones en el periodo 2024-2025."
    )
    inm_ficha = Ficha.objects.get(actor=actor_a, ejercicio__year=2025)
    assert inm_ficha.status == FichaStatus.ENVIADA

    # --- The coordinator returns INM's ficha and approves SRE's. ----------------------------
    page.goto("/fichas/revision/?anio=2025")
    page.get_by_role("link", name=INM_PROGRAM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INM_PROGRAM)
    page.get_by_label("Observación general").fill("Indique cuántas orientaciones fueron a mujeres.")
    page.get_by_role("button", name="Devolver con observaciones").click()
    expect(page.locator("#estado")).to_have_text("Observada")

    page.goto("/fichas/revision/?anio=2025")
    page.get_by_role("link", name=SRE_PROGRAM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SRE_PROGRAM)
    expect(page.get_by_label("Objetivo del PMM asignado")).to_have_value("14")
    page.get_by_role("button", name="Aprobar", exact=True).click()
    expect(page.locator("#estado")).to_have_text("Aprobada")

    # --- She publishes the Compendio while INM's ficha is «Observada». ----------------------
    page.get_by_role("link", name="Ediciones").click()
    page.get_by_role("link", name="Crear la edición 2025").click()
    page.get_by_role("button", name="Crear la edición").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compendio General 2025")
    expect(page.get_by_text("Publicar no cambia el ejercicio (ahora «Abierto»)")).to_be_visible()
    warning = page.locator("#aviso-en-proceso")
    expect(warning).to_contain_text("1 ficha de este ejercicio sigue en proceso (sin aprobar)")
    warning.get_by_text("Ver cuáles").click()
    in_progress = warning.locator(f"tr[data-ficha='{inm_ficha.pk}']")
    expect(in_progress).to_contain_text(actor_a.name)
    expect(in_progress).to_contain_text(INM_PROGRAM)
    expect(in_progress).to_contain_text("Observada")
    expect(warning.locator("tbody tr")).to_have_count(1)
    compendio = page.locator("#documento-compendio")
    compendio.get_by_label(re.compile("Confirmo que esta versión")).check()
    # The tests' tasks run inside the request: the click waits for the whole PDF build.
    compendio.get_by_role("button", name="Publicar").click(timeout=120_000)
    published = compendio.locator(".versiones-publicadas")
    expect(
        published.get_by_role("link", name=re.compile(r"^Versión 1, publicada el"))
    ).to_be_visible(timeout=60_000)
    expect(compendio).not_to_contain_text("Todavía no hay versiones publicadas")

    # --- Publishing changed nothing for INM: it corrects and resends. ------------------------
    inm_page.goto("/fichas/")
    expect(inm_page.get_by_text("El ejercicio está cerrado")).to_have_count(0)
    inm_row = inm_page.get_by_role("row", name=re.compile(INM_PROGRAM))
    expect(inm_row).to_contain_text("Observada")
    inm_row.get_by_role("link", name=INM_PROGRAM, exact=True).click()
    expect(
        inm_page.get_by_text("Indique cuántas orientaciones fueron a mujeres.").first
    ).to_be_visible()
    send_after_autosave(
        inm_page,
        "resultados",
        "Se brindaron 980 orientaciones en el periodo 2024-2025: 510 a mujeres y 470 a hombres.",
    )
    inm_ficha.refresh_from_db()
    assert inm_ficha.status == FichaStatus.ENVIADA
    assert Ejercicio.objects.get(year=2025).status == EjercicioStatus.ABIERTO

    # --- The coordinator closes the year; INM can only read its ficha. -----------------------
    page.get_by_role("link", name="Ejercicios").click()
    page.locator("#ejercicios").get_by_role("link", name="2025", exact=True).click()
    expect(page.locator("#cerrar-aviso")).to_contain_text("Hay 1 ficha en proceso (sin aprobar)")
    expect(page.locator(f"#fichas-en-proceso tr[data-ficha='{inm_ficha.pk}']")).to_contain_text(
        "Enviada"
    )
    page.get_by_label("Confirmo que quiero cerrar el ejercicio").check()
    page.get_by_role("button", name="Cerrar el ejercicio").click()
    expect(page.get_by_text("El ejercicio 2025 está cerrado")).to_be_visible()
    expect(page.locator("#estado-ejercicio")).to_have_text("Cerrado")

    inm_page.goto(f"/fichas/{inm_ficha.pk}/")
    expect(inm_page.locator("#solo-lectura")).to_contain_text(
        "El ejercicio está cerrado: puede consultar la ficha, pero ya no editarla."
    )
    expect(inm_page.locator("#ficha-form")).to_have_count(0)

    # --- The database agrees. ------------------------------------------------------------------
    ejercicio_2025 = Ejercicio.objects.get(year=2025)
    ejercicio_2024.refresh_from_db()
    assert (ejercicio_2024.status, ejercicio_2025.status) == (
        EjercicioStatus.CERRADO,
        EjercicioStatus.CERRADO,
    )
    assert (ejercicio_2025.opens_on, ejercicio_2025.closes_on) == (
        datetime.date(2025, 7, 1),
        datetime.date(2025, 8, 30),
    )
    inm_ficha.refresh_from_db()
    sre_ficha.refresh_from_db()
    assert inm_ficha.status == FichaStatus.ENVIADA
    assert inm_ficha.copied_from is not None and inm_ficha.copied_from.ejercicio == ejercicio_2024
    assert inm_ficha.published_at is None
    assert (sre_ficha.status, sre_ficha.objetivo_asignado_id) == (FichaStatus.APROBADA, 14)
    assert sre_ficha.published_at is not None
    sre_user = User.objects.get(email=SRE_EMAIL)
    assert (sre_user.membership.role, sre_user.membership.actor) == (Role.ENLACE, sre)
    assert list(
        PublicationBuild.objects.filter(draft=False).values_list(
            "edicion__ejercicio__year", "document", "version", "status"
        )
    ) == [(2025, "compendio", 1, BuildStatus.DONE)]
    # Created, opened, closed: publishing wrote nothing on the exercise.
    history = audit.history_of(ejercicio_2025)
    assert len(history) == 3 and history[0].action_flag == ADDITION
    assert [entry.user_id for entry in history] == [coordinator.pk] * 3
    assert "año: «» → «2025»." in history[0].change_message
    assert "categorías de retos copiadas del ejercicio 2024" in history[0].change_message
    assert history[1].change_message == "estado: «En preparación» → «Abierto»."
    assert history[2].change_message == "estado: «Abierto» → «Cerrado»."
    [closed_2024] = audit.history_of(ejercicio_2024)
    assert closed_2024.change_message == "estado: «Abierto» → «Cerrado»."
