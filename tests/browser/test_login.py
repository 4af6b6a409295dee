import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_logs_in_and_out(page, login, actor_a):
    factories.user("enlace.login@prueba.gob.mx", actor=actor_a)
    login("enlace.login@prueba.gob.mx", factories.PASSWORD)
    assert page.locator("html").get_attribute("lang") == "es-MX"
    page.get_by_role("button", name="Cerrar sesión").click()
    assert page.get_by_role("link", name="Iniciar sesión").first.is_visible()


def test_wrong_password_shows_an_error_in_spanish(page, login, actor_a):
    factories.user("enlace.login2@prueba.gob.mx", actor=actor_a)
    login("enlace.login2@prueba.gob.mx", "no-es-la-contraseña")
    assert page.get_by_role("alert").first.is_visible()
