"""The English public pages in Chromium (docs/english-edition.md §E7): axe-core (WCAG 2.1 A/AA)
on the English home, explorer and one dashboard, and the language switch from the keyboard.

One published edition through the real record; the browser suite's fixtures and its
``check_pages`` (tests/browser/).
"""

import pytest

from tests.browser.test_accessibility import check_pages
from tests.compendium.published import publish_edition

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("Home (English)", "/en/"),
    ("Explorer (English)", "/en/programas/?anio=2023"),
    ("Dashboard (English)", "/en/publicaciones/2023/tablero/"),
]


def test_english_pages_pass_axe_and_switch_language(page):
    publish_edition(2023, programs=12)
    found = check_pages(page, PAGES, status=200, lang="en")
    assert not found, "\n".join(found)
    # The switch is a link in the header, reached with Tab, named for screen readers in
    # Spanish, that opens the same page (and query) in Spanish.
    page.goto("/en/programas/?anio=2023")
    switch = page.get_by_role("link", name="Esta página en Español")
    assert switch.get_attribute("hreflang") == "es-MX"
    switch.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/programas/?anio=2023")
    assert page.locator("html").get_attribute("lang") == "es-MX"
    assert page.get_by_role("link", name="This page in English").get_attribute("href") == (
        "/en/programas/?anio=2023"
    )
