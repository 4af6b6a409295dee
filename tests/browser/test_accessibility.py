"""axe-core (WCAG 2.1 A and AA) and reflow at 320 CSS px on every distinct page and state of the
app (issue 11, docs/accessibility.md).

The demonstration data (``reporting.demo.load_demo``: two exercises, fichas in every status,
every role) is loaded ONCE for the module, committed, served by the module's own live server and
flushed when the module is done (pytest-django's ``live_server`` would make every test
transactional, and each would load the demo again). Each persona's test walks its pages and
collects every violation, so one failure lists all pages at once: page, rule id, impact and the
CSS targets of the offending nodes. axe-core comes bundled with ``axe-playwright-python``:
nothing is downloaded at test time.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting.demo import COORDINATOR, DEMO_PASSWORD, DEMO_YEAR, PREVIOUS_YEAR, load_demo
from reporting.models import Ejercicio, Ficha, FichaStatus, User
from tests.browser.test_reflow import OVERFLOW
from tests.reference import ensure_reference_data

# Not transactional: the module's fixture commits the demo once; each test only reads it here
# (what the browser does goes through the live server's own connection and is committed).
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
# A table wider than its page scrolls inside a container that keyboard users can reach and
# that says what it holds: role=region, tabindex=0 and a name (docs/accessibility.md §R1).
UNNAMED_SCROLLERS = """() => [...document.querySelectorAll('main .table-responsive')].filter(el => {
  const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  const name = (el.getAttribute('aria-label') || '') + ids.map(
    id => (document.getElementById(id) || {}).textContent || '').join('');
  return el.getAttribute('role') !== 'region' || el.tabIndex !== 0 || !name.trim();
}).map(el => (el.querySelector('table') || el).id || el.className)"""
# English left on a page: Django's and import-export's strings without a Spanish translation,
# and dates in English («29 Nov 2026», «November 29, 2026»).
ENGLISH = re.compile(
    r"\b(?:Today|Yesterday|Tomorrow|Select all|This exporter|Choose a Date|Midnight|Noon)\b"
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    r"|\b(?:January|February|March|April|June|July|August|September|October|November|December)\b"
)
FOCAL_POINT = "enlace.inm@demo.gob.mx"
ADMINISTRATOR = "admin@demo.gob.mx"

# axe-core's script (550 KB) goes into each page of a test's browser context as an init script,
# compiled by the browser as the page loads, instead of being sent with each check
# (``Axe.run`` evaluates the whole script every time): 0.17 s less a page (docs/testing.md §T3).
AXE_SCRIPT = Axe().axe_script
# The demo's coordinator and administrator have a second factor: their backup codes.
codes: dict[str, list[str]] = {}


def sign_in(page: Page, login, email: str) -> list[str]:
    """Password, then (coordinators, administrators) a backup code; axe on the code step."""
    login(email, DEMO_PASSWORD)
    if "/cuentas/verificacion/" not in page.url:
        return []
    found = violations(page, "Verificación en dos pasos")
    page.get_by_label("Código").fill(codes[email].pop())
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_load_state()
    assert "/cuentas/verificacion/" not in page.url, f"second step refused for {email}"
    return found


def violations(page: Page, label: str) -> list[str]:
    """One line per violation of ``page`` as it is now: page, rule, impact, node targets; and
    a line if, at 320 CSS px, the page scrolls sideways (WCAG 1.4.10 reflow)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)  # a page of a context without the init script (other modules)
    result = page.evaluate("options => axe.run(options)", AXE_OPTIONS)  # as Axe.run does
    viewport = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    wide = page.evaluate(OVERFLOW)
    if viewport:
        page.set_viewport_size(viewport)
    reflow = [f"{label} ({page.url}): wider than 320 px {wide}"] if wide else []
    scrollers = page.evaluate(UNNAMED_SCROLLERS)
    if scrollers:
        reflow.append(f"{label} ({page.url}): scroll container not a named region {scrollers}")
    english = ENGLISH.findall(page.locator("body").inner_text())
    if english:
        reflow.append(f"{label} ({page.url}): English text {english[:5]}")
    return reflow + [
        f"{label} ({page.url}): {v['id']} [{v.get('impact')}] "
        + ", ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:8])
        + (f" … and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else "")
        for v in result["violations"]
    ]


def check_pages(
    page: Page, pages: list[tuple[str, str]], *, status: int | None = None, lang: str | None = None
) -> list[str]:
    """axe on each page; a page that redirects elsewhere or fails is an error, not a pass.
    ``status``: the exact status each page must answer; ``lang``: its ``<html lang>``."""
    found = []
    for label, url in pages:
        response = page.goto(url)
        assert response is not None and response.status < 500, f"{label}: {url} answered 5xx"
        if status is not None:
            assert response.status == status, f"{label}: {url} answered {response.status}"
        assert urlsplit(page.url).path == urlsplit(url).path, f"{label}: {url} ended at {page.url}"
        if lang is not None:
            assert page.locator("html").get_attribute("lang") == lang, f"{label}: {url}"
        found += violations(page, label)
    return found


def report(found: list[str]) -> str:
    return f"{len(found)} WCAG 2.1 A/AA violations or reflow failures:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """A live server for this module only (see the module's docstring)."""
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.fixture(scope="module")
def demo_data(server, django_db_blocker, tmp_path_factory):
    """The demo and a published 2023 edition, committed once; every table flushed afterwards."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/conftest.py
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=hashers),
    ):
        ensure_reference_data()  # a transactional test may have flushed it
        demo_accounts = load_demo()
        codes.update({email: backup for email, (_, backup) in demo_accounts.second_factor.items()})
        fichas = {
            status: Ficha.objects.filter(ejercicio__year=DEMO_YEAR, status=status).order_by("pk")[0]
            for status in FichaStatus.values
        }
        edicion = _published_edition()
        yield {"fichas": fichas, "edicion": edicion}
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_data):
    return demo_data["fichas"]


@pytest.fixture
def page(browser, server):
    """The conftest's ``page`` (and so ``login``) on this module's server."""
    context = browser.new_context(locale="es-MX", base_url=server.url)
    context.set_default_timeout(15_000)
    context.add_init_script(AXE_SCRIPT)
    yield context.new_page()
    context.close()


def _published_edition() -> Edicion:
    """The 2023 Compendio, published (a stored file: no PDF is built here), and its fichas."""
    edicion = Edicion.objects.create(
        ejercicio_id=Ficha.objects.filter(ejercicio__year=PREVIOUS_YEAR)[0].ejercicio_id,
        title=f"Compendio General {PREVIOUS_YEAR}",
        date_line="Ciudad de México.",
    )
    content = b"%PDF-1.7 prueba"
    build = PublicationBuild(
        edicion=edicion,
        document=Document.COMPENDIO,
        draft=False,
        status=BuildStatus.DONE,
        version=1,
        pages=3,
        size=len(content),
        published_at=timezone.now() - datetime.timedelta(days=30),
    )
    build.file.save(f"compendio-{PREVIOUS_YEAR}-1.pdf", ContentFile(content))
    Ficha.objects.filter(ejercicio__year=PREVIOUS_YEAR, status=FichaStatus.APROBADA).update(
        published_at=build.published_at
    )
    return edicion


def test_public_and_sign_in_pages(page: Page, demo):
    found = check_pages(
        page,
        [
            ("Inicio", "/"),
            ("Publicaciones", "/publicaciones/"),
            ("Edición publicada", f"/publicaciones/{PREVIOUS_YEAR}/"),
            ("Aviso de privacidad", "/aviso-de-privacidad/"),
            ("Declaración de accesibilidad", "/accesibilidad/"),
            ("Página no encontrada", "/no-existe/"),
            ("Iniciar sesión", "/cuentas/login/"),
            ("Recuperar contraseña", "/cuentas/password_reset/"),
            ("Recuperación solicitada", "/cuentas/password_reset/done/"),
            ("Enlace de recuperación inválido", "/cuentas/reset/MQ/enlace-invalido/"),
            ("Recuperación terminada", "/cuentas/reset/done/"),
            ("Invitación inválida", "/fichas/invitacion/MQ/enlace-invalido/"),
        ],
    )
    # Browsers ask for /favicon.ico whatever the page links: it answers (a redirect to the SVG).
    icon = page.request.get("/favicon.ico")
    assert (icon.status, icon.headers["content-type"]) == (200, "image/svg+xml")

    # The login page with errors.
    page.goto("/cuentas/login/")
    page.get_by_label("Correo electrónico").fill("nadie@demo.gob.mx")
    page.get_by_label("Contraseña").fill("equivocada")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator("#resumen-errores")).to_be_visible(timeout=15_000)
    found += violations(page, "Iniciar sesión con errores")
    assert not found, report(found)


def test_focal_point_pages(page: Page, login, demo):
    user = User.objects.get(email=FOCAL_POINT)
    own = Ficha.objects.filter(actor__memberships__user=user, ejercicio__year=DEMO_YEAR)
    draft = own.filter(status__in=FichaStatus.EDITABLE).first() or demo[FichaStatus.BORRADOR]
    sent = own.exclude(status__in=FichaStatus.EDITABLE).first()
    login(FOCAL_POINT, DEMO_PASSWORD)
    pages = [
        ("Mis fichas", "/fichas/"),
        ("Ficha nueva (vacía)", "/fichas/nueva/"),
        ("Ficha editable", f"/fichas/{draft.pk}/"),
        ("Duplicar ficha", f"/fichas/{draft.pk}/duplicar/"),
        ("Eliminar ficha", f"/fichas/{draft.pk}/eliminar/"),
        ("Ficha para imprimir", f"/fichas/{draft.pk}/imprimir/"),
        ("Fichas eliminadas", "/fichas/eliminadas/"),
        ("Traer del ejercicio anterior", "/fichas/traer-del-ejercicio-anterior/"),
        ("Seguridad de la cuenta", "/cuentas/seguridad/"),
        ("Cambiar contraseña", "/cuentas/password_change/"),
    ]
    if sent:
        pages.append(("Ficha enviada (solo lectura)", f"/fichas/{sent.pk}/"))
    found = check_pages(page, pages)

    # The ficha form with errors: sent to review with its name left empty.
    page.goto(f"/fichas/{draft.pk}/")
    page.locator("[name=nombre]").fill("")
    page.locator("#enviar-revision:not([hidden])").click()
    # Generous: the submission first waits for the autosave that leaving the field started.
    expect(page.locator("#resumen-errores")).to_be_visible(timeout=15_000)
    found += violations(page, "Ficha con errores")
    assert not found, report(found)


def test_coordinator_pages(page: Page, login, demo, demo_data):
    edicion = demo_data["edicion"]
    found = sign_in(page, login, COORDINATOR)
    approved = demo[FichaStatus.APROBADA]
    order = (
        f"/fichas/revision/{DEMO_YEAR}/orden/{approved.actor.tipo.chapter}/"
        f"{approved.objetivo_asignado.number}/"
    )
    pages = [
        ("Bandeja de revisión", "/fichas/revision/"),
        ("Seguimiento", "/fichas/revision/seguimiento/"),
        *[
            (f"Revisión de una ficha {status}", f"/fichas/revision/{ficha.pk}/")
            for status, ficha in demo.items()
        ],
        ("Corrección editorial", f"/fichas/revision/{approved.pk}/editar/"),
        ("Orden dentro de un objetivo", order),
        ("Invitaciones", "/fichas/invitaciones/"),
        ("Importar invitaciones", "/fichas/invitaciones/importar/"),
        ("Ejercicios", "/fichas/ejercicios/"),
        ("Ejercicio nuevo", "/fichas/ejercicios/nuevo/"),
        ("Ejercicio", f"/fichas/ejercicios/{DEMO_YEAR}/"),
        ("Ejercicio cerrado", f"/fichas/ejercicios/{PREVIOUS_YEAR}/"),
        ("Categorías de retos", f"/fichas/ejercicios/{DEMO_YEAR}/categorias/"),
        ("Ediciones", "/ediciones/"),
        ("Edición nueva", f"/ediciones/{DEMO_YEAR}/nueva/"),
        ("Edición", f"/ediciones/{edicion.pk}/"),
    ]
    found += check_pages(page, pages)

    # A refused return (no observation at all) shows the review page's error summary.
    page.goto(f"/fichas/revision/{demo[FichaStatus.ENVIADA].pk}/")
    page.get_by_role("button", name="Tomar para revisión").click()
    page.get_by_role("button", name="Devolver con observaciones").click()
    page.wait_for_load_state()
    found += violations(page, "Revisión con errores")
    assert not found, report(found)


def test_admin_ficha_pages(page: Page, login, demo):
    assert User.objects.get(email=ADMINISTRATOR).is_superuser
    exercise = Ejercicio.objects.get(year=DEMO_YEAR)
    found = sign_in(page, login, ADMINISTRATOR)
    found += check_pages(
        page,
        [
            ("Administración", "/admin/"),
            ("Administración: fichas", "/admin/reporting/ficha/"),
            (
                "Administración: una ficha",
                f"/admin/reporting/ficha/{demo[FichaStatus.APROBADA].pk}/change/",
            ),
            (
                "Administración: historial de una ficha",
                f"/admin/reporting/ficha/{demo[FichaStatus.APROBADA].pk}/history/",
            ),
            ("Administración: exportar fichas", "/admin/reporting/ficha/export/"),
            ("Administración: un ejercicio", f"/admin/reporting/ejercicio/{exercise.pk}/change/"),
        ],
    )
    # The date widgets speak Spanish, day first (locale/es_MX/LC_MESSAGES/djangojs.po).
    today = page.locator(".datetimeshortcuts a").first
    assert re.fullmatch(
        r"Hoy \(\d{1,2} de [a-z]+ de \d{4}\)", today.get_attribute("aria-label") or ""
    ), today.get_attribute("aria-label")
    page.locator(".datetimeshortcuts button").first.click()
    caption = (page.locator(".calendarbox caption").first.text_content() or "").strip()
    assert re.fullmatch(r"[a-z]+ \d{4}", caption), caption
    assert not found, report(found)
