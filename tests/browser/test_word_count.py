"""The ficha form's JavaScript word counter counts like ``reporting.text.count_words``.

Both read tests/data/word_count_cases.json; tests/reporting/test_text.py checks the Python side.
"""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reporting.text import count_words
from tests import factories

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "js" / "ficha_form.js"
CASES = json.loads((ROOT / "tests" / "data" / "word_count_cases.json").read_text("utf-8"))


@pytest.fixture
def counter(browser):
    """A blank page running the real ficha_form.js (which exposes ``pmmCountWords``)."""
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    page.set_content('<!doctype html><html lang="es-MX"><meta charset="utf-8"><title>x</title>')
    page.add_script_tag(path=str(SCRIPT))
    yield lambda texts: page.evaluate("ts => ts.map(t => window.pmmCountWords(t))", texts)
    context.close()


def test_javascript_counter_matches_the_shared_table(counter):
    counted = counter([case["text"] for case in CASES])
    wrong = [
        {"text": case["text"], "words": case["words"], "javascript": n}
        for case, n in zip(CASES, counted, strict=True)
        if n != case["words"]
    ]
    assert wrong == []


def test_javascript_and_python_agree_beyond_the_table(counter):
    # Inputs built from the awkward pieces of the table, glued in ways it does not list.
    pieces = ["2,500", "S.R.E.", " — ", "co-", "’", "nin\u0303o", "\u00a0", "🎉", "_", "..."]
    texts = [a + b + c for a in pieces for b in pieces for c in pieces]
    assert counter(texts) == [count_words(t) for t in texts]


@pytest.mark.django_db(transaction=True)
def test_the_ficha_form_counter_uses_the_same_rule(page, login, actor_a, ejercicio):
    factories.user("enlace.palabras@prueba.gob.mx", actor=actor_a)
    login("enlace.palabras@prueba.gob.mx", factories.PASSWORD)
    page.goto(reverse("reporting:ficha_new"))
    # 5 words for a reader and for the server, though 7 pieces between spaces.
    text = "Talleres - ferias - 2,500 personas atendidas"
    page.get_by_label("Descripción del programa, acción o buena práctica").fill(text)
    expect(page.locator("#count_descripcion")).to_contain_text("5 de 180 palabras")
    assert page.evaluate("t => window.pmmCountWords(t)", text) == count_words(text) == 5
