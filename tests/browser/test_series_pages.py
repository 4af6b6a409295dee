"""The series pages in Chromium: axe-core (WCAG 2.1 A/AA), reflow at 320 px, named scrollers.

Uses the browser suite's fixtures and its ``check_pages`` (tests/browser/), on the history
plus one edition published through the real record (docs/series.md §S4).
"""

import importlib

import pytest
from django.apps import apps

from compendium.models import HistoricalFigure
from tests.browser.test_accessibility import check_pages
from tests.compendium.published import publish_edition

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("Serie anual", "/series/"),
    ("Serie por objetivo", "/series/objetivos/"),
    ("Serie por ODS", "/series/ods/"),
]


def test_series_pages_pass_axe_and_reflow(page):
    if not HistoricalFigure.objects.exists():  # flushed by an earlier transactional test
        importlib.import_module("compendium.migrations.0008_series_history").load(apps, None)
    publish_edition(2023, programs=12)
    found = check_pages(page, PAGES, status=200)
    assert not found, "\n".join(found)
    # The heat map is drawn: a shaded cell keeps its class colour over Bootstrap's table.
    page.goto("/series/objetivos/")
    dark = page.locator("#tabla-objetivos-anio td.heat-5").first
    assert dark.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(97, 18, 50)"
