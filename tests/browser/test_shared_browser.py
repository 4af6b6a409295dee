"""Two accounts on one browser: unsaved text of one is never offered to the other (issue 17).

The probe: a focal point of STPS was offered INM's unsaved program name and contact data,
because a new ficha's local backup used one key for every account.
"""

import json
import time

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def _backup(data: list[list[str]]) -> str:
    return json.dumps({"version": "1", "at": int(time.time() * 1000), "data": data})


def test_a_new_fichas_backup_belongs_to_its_account(page, login, actor_a, actor_b, ejercicio):
    inm = factories.user("enlace.inm@prueba.gob.mx", actor=actor_a)
    other = factories.user("enlace.otra@prueba.gob.mx", actor=actor_b)
    unsaved = [["nombre", "Programa sin guardar del INM"], ["contacto_nombre", "Ana Privada"]]

    login(inm.email, factories.PASSWORD)
    page.goto("/fichas/nueva/")
    # What INM's page would have left behind, under INM's key, and under the old shared key.
    page.evaluate(
        "([mine, legacy]) => { localStorage.setItem(mine[0], mine[1]);"
        " localStorage.setItem(legacy[0], legacy[1]); }",
        [[f"pmm:{inm.pk}:ficha:nueva", _backup(unsaved)], ["pmm:ficha:nueva", _backup(unsaved)]],
    )

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state()
    login(other.email, factories.PASSWORD)
    page.goto("/fichas/nueva/")
    expect(page.locator("#recuperacion")).to_be_hidden()
    expect(page.get_by_label("NOMBRE DEL PROGRAMA")).to_have_value("")
    keys = page.evaluate("() => Object.keys(localStorage)")
    assert "pmm:ficha:nueva" not in keys  # the ownerless backup is dropped, never offered

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state()
    login(inm.email, factories.PASSWORD)
    page.goto("/fichas/nueva/")
    expect(page.locator("#recuperacion")).to_be_visible()
