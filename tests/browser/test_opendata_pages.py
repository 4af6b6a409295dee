"""The open data pages in Chromium: axe-core (WCAG 2.1 A/AA), reflow at 320 px, and no
Content-Security-Policy report (the JSON-LD blocks are data, not script).

Uses the browser suite's fixtures and its ``check_pages`` (tests/browser/), on one edition
published through the real record.
"""

import pytest

from tests.browser.test_accessibility import check_pages
from tests.compendium.published import publish_edition

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("Datos abiertos", "/datos/"),
    ("Diccionario de datos", "/datos/diccionario/"),
    ("Edición publicada con sus datos", "/publicaciones/2023/"),
]


def test_open_data_pages_pass_axe_and_reflow_without_csp_reports(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publish_edition(2023, programs=6, with_file=True)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    found = check_pages(page, PAGES, status=200)
    assert not found, "\n".join(found)
    assert not [m for m in console if "Content Security Policy" in m], console
    page.goto("/datos/")
    page.get_by_role("link", name="CSV 2023").click()  # the visually hidden year names the link
