"""The public pages in English under /en/ (docs/english-edition.md §E7).

One published edition (``publish_edition``) and the series history for the module, rolled back
at the end. Every public English page is rendered and its visible text (attributes read by
screen readers included), less the elements in ``lang="es"`` (program texts and names,
institutions, states: Spanish by design), must contain no Spanish word and no Spanish accent: a
string left outside the catalogue, or a translation missing from it, shows up here.
"""

import functools
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from compendium import charts, opendata
from compendium.models import HistoricalFigure, PublishedProgram
from reporting import reference
from reporting.models import Actor, EjeTematico, EntidadFederativa, Subtema
from tests.compendium._module_db import module_transaction
from tests.compendium.published import publish_edition
from tests.compendium.test_english_informe import SPANISH_WORDS, _VisibleEnglish

YEAR = 2023

# The public pages in English: (path, expected status).
PAGES = [
    ("/en/", 200),
    ("/en/publicaciones/", 200),
    (f"/en/publicaciones/{YEAR}/", 200),
    (f"/en/publicaciones/{YEAR}/tablero/", 200),
    ("/en/programas/", 200),
    (f"/en/programas/?anio={YEAR}&objetivo=7&q=migrantes", 200),
    ("/en/programas/?anio=abc&ods=99&page=x", 400),
    (f"/en/programas/{YEAR}/1/", 200),
    ("/en/series/", 200),
    ("/en/series/objetivos/", 200),
    ("/en/series/ods/", 200),
    ("/en/datos/", 200),
    ("/en/datos/diccionario/", 200),
    ("/en/aviso-de-privacidad/", 200),
    ("/en/accesibilidad/", 200),
]
# Letters that no English sentence uses (names carrying them are in lang="es").
SPANISH_LETTERS = re.compile(r"[áéíóúñÁÉÍÓÚÑ¿¡]")


class _VisiblePage(_VisibleEnglish):
    """Visible text of a page, with the attributes a screen reader announces and the <title>;
    <script>, <style> and <code> (column names, identifiers) left out, elements in Spanish
    (``lang="es"``, ``lang="es-MX"``) skipped."""

    SKIP = {"style", "script", "code"}
    READ = ("aria-label", "alt", "title", "placeholder")

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        spanish = (values.get("lang") or "").startswith("es")
        inside_skipped = bool(self.stack) and self.stack[-1]
        if tag not in self.VOID:
            self.stack.append(tag in self.SKIP or spanish or inside_skipped)
        if not (spanish or inside_skipped):
            self.chunks += [v for name, v in attrs if name in self.READ and v]


def spanish_names() -> set[str]:
    """What stays Spanish by design: programs, institutions, states, ejes and subtemas (no
    English exists), the series' notes and sources as the source wrote them."""
    names: set[str] = set()
    for row in PublishedProgram.objects.values_list(
        "nombre", "institution", "sigla", "printed_sigla"
    ):
        names.update(row)
    names.update(Actor.objects.values_list("name", flat=True))
    names.update(EntidadFederativa.objects.values_list("name", flat=True))
    names.update(name for row in reference.ENTIDADES for name in row[1:])  # printed names too
    names.update(name for _code, name, _path in charts._map_shapes()[1])  # the map's names
    names.update(EjeTematico.objects.values_list("name", flat=True))
    names.update(Subtema.objects.values_list("name", flat=True))
    for row in HistoricalFigure.objects.values_list("note", "source"):
        names.update(row)
    return {n for n in names if n}


CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
_PO_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.M)


def _po_text(quoted: str) -> str:
    return "".join(
        line[1:-1].replace('\\"', '"').replace("\\n", "\n") for line in quoted.splitlines()
    )


@functools.cache
def catalogue_sources() -> re.Pattern:
    """The Spanish source texts of the catalogue (pieces between placeholders, 4 characters
    or more) whose translation differs: one of them on an English page is a string shown
    untranslated, whether its translation is missing or was never written."""
    pieces = set()
    for match in _PO_ENTRY.finditer(CATALOGUE.read_text(encoding="utf-8")):
        source, translated = _po_text(match[1]), _po_text(match[2])
        if not source or source == translated:
            continue
        for piece in re.split(r"%\(\w+\)s|%s|\n", source):
            piece = piece.strip(" .,:;·()«»")
            if len(piece) >= 4 and piece not in translated:
                pieces.add(piece)
    alternatives = "|".join(re.escape(p) for p in sorted(pieces, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def spanish_left(html: str, names: set[str]) -> list[str]:
    """The Spanish words and accented words left in the visible English text, once the
    Spanish ``names`` are taken out."""
    parser = _VisiblePage()
    parser.feed(html)
    found = set()
    ordered = sorted(names, key=len, reverse=True)
    for chunk in parser.chunks:
        for name in ordered:
            if name in chunk:
                chunk = chunk.replace(name, " ")
        for source in catalogue_sources().findall(chunk):
            found.add(f"«{source}» untranslated ← «{chunk[:80]}»")
        for word in re.findall(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]+", chunk):
            if word.lower() in SPANISH_WORDS or SPANISH_LETTERS.search(word):
                found.add(f"{word} ← «{chunk[:80]}»")
    return sorted(found)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_transaction(django_db_blocker, tmp_path_factory.mktemp("media")):
        publish_edition(YEAR, programs=12)
        yield


@pytest.fixture
def english_world(world, db):
    return {"names": spanish_names()}


@pytest.fixture
def client(world, db):
    return Client()


@pytest.fixture(scope="module")
def english(world, django_db_blocker) -> dict[str, tuple[int, str]]:
    """Each English page rendered once: path → (status, HTML)."""
    with django_db_blocker.unblock():
        client = Client()
        pages = {}
        for path, _status in PAGES:
            response = client.get(path)
            pages[path] = (response.status_code, response.content.decode())
        return pages


@pytest.mark.parametrize("path,status", PAGES)
def test_no_spanish_on_an_english_page(english, english_world, path, status) -> None:
    got, html = english[path]
    assert got == status, path
    assert '<html lang="en">' in html
    left = spanish_left(html, english_world["names"])
    assert not left, "\n".join([path, *left])


@pytest.mark.parametrize("path,status", PAGES)
def test_every_english_page_switches_to_the_same_spanish_page(english, db, path, status) -> None:
    html = english[path][1]
    spanish = path.removeprefix("/en").replace("&", "&amp;")
    assert f'<a class="link-light" href="{spanish}" hreflang="es-MX" lang="es-MX">' in html
    assert f'<link rel="alternate" hreflang="es-MX" href="http://testserver{spanish}">' in html
    assert (
        f'<link rel="alternate" hreflang="en" href="http://testserver{path.replace("&", "&amp;")}">'
        in html
    )


def test_a_spanish_page_links_its_english_page(client) -> None:
    html = client.get("/programas/?anio=2023&q=ni%C3%B1as").content.decode()
    assert '<html lang="es-MX">' in html
    assert (
        '<a class="link-light" href="/en/programas/?anio=2023&amp;q=ni%C3%B1as" hreflang="en" '
        'lang="en"><span class="visually-hidden">This page in </span>English</a>'
    ) in html
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/en/programas/?anio=2023&amp;q=ni%C3%B1as">'
        in html
    )


def test_the_language_comes_only_from_the_path(client, client_coord) -> None:
    """An English browser or a language cookie never turns a Spanish page English."""
    client.cookies["django_language"] = "en"
    for url in ("/", "/programas/", reverse("login")):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="es-MX">' in html, url
    client_coord.cookies["django_language"] = "en"
    response = client_coord.get(reverse("compendium:editions"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es-MX">' in html and "Ediciones" in html
    assert 'hreflang="en"' not in html  # app pages: no switch


@pytest.mark.parametrize(
    "path",
    ["/en/fichas/", "/en/ediciones/", "/en/admin/", "/en/cuentas/login/", "/en/api/v1/ediciones"],
)
def test_app_pages_have_no_english_address(client, client_coord, path) -> None:
    assert client.get(path).status_code == 404
    assert client_coord.get(path).status_code == 404


def test_english_pages_link_english_pages_and_the_same_files(english, db) -> None:
    html = english[f"/en/publicaciones/{YEAR}/"][1]
    assert f'href="/en/publicaciones/{YEAR}/tablero/"' in html
    assert f'href="/en/programas/?anio={YEAR}"' in html
    home = english["/en/"][1]
    assert 'href="/en/publicaciones/"' in home
    catalogue = english["/en/datos/"][1]
    assert (
        'href="/datos/programas.csv"' in catalogue and 'href="/en/datos/diccionario/"' in catalogue
    )


def test_names_from_reference_data_in_english(english, db) -> None:
    dashboard = english[f"/en/publicaciones/{YEAR}/tablero/"][1]
    assert "No poverty" in dashboard or "Reduced inequalities" in dashboard
    program = english[f"/en/programas/{YEAR}/1/"][1]
    with translation.override("en"):
        assert reverse("compendium:program", args=[YEAR, 1]) == f"/en/programas/{YEAR}/1/"
    assert "Objective" in program


def test_the_explorer_says_it_searches_spanish_text(english, db) -> None:
    html = english["/en/programas/"][1]
    assert "in Spanish" in html


def test_document_names_in_english() -> None:
    """The documents' names (model choices) shown on the English edition pages."""
    from compendium.models import Document

    with translation.override("en"):
        assert [str(d.label) for d in Document] == [
            "Compendio General",
            "Executive Report",
            "Executive Report (English)",
        ]


def test_english_names_come_from_the_reference_tables(db) -> None:
    """The pages read the same English fields as the English Informe, so a correction by a
    later data migration reaches both (compendium/english_names.py)."""
    from compendium import english_names
    from reporting.models import ObjetivoPMM

    ObjetivoPMM.objects.filter(number=15).update(title_en="A corrected title")
    english_names._names.clear()
    try:
        with translation.override("en"):
            assert english_names.objective(15, "Spanish") == "A corrected title"
        assert english_names.objective(15, "Spanish") == "Spanish"
    finally:
        english_names._names.clear()


class _ChartAndOptionLabels(HTMLParser):
    """The text of every ``<option>``, of every table header cell (``<th>``) and of every
    ``<text>``, ``<desc>`` and ``<title>`` inside an ``<svg>``, each with whether it is inside an
    element in ``lang="es"``."""

    VOID = _VisibleEnglish.VOID

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # per open element: (tag, in Spanish)
        self.labels: list[tuple[str, bool, str]] = []  # (tag, in Spanish, text)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        spanish = (dict(attrs).get("lang") or "").startswith("es")
        self.stack.append((tag, spanish or bool(self.stack and self.stack[-1][1])))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not (self.stack and data.strip()):
            return
        tag, spanish = self.stack[-1]
        in_svg = any(t == "svg" for t, _ in self.stack)
        if tag == "option" or (in_svg and tag in {"text", "desc", "title"}):
            self.labels.append((tag, spanish, data.strip()))
        elif any(t == "th" for t, _ in self.stack):
            self.labels.append(("th", spanish, data.strip()))


def chart_and_option_labels(html: str) -> list[tuple[str, bool, str]]:
    parser = _ChartAndOptionLabels()
    parser.feed(html)
    return parser.labels


def test_spanish_labels_in_charts_and_options_are_marked(english, db) -> None:
    """Ejes, subtemas, states and institutions have no English names: inside the SVG charts
    (bar labels, descriptions, the map's tooltips) and the explorer's ``<option>``s they carry
    ``lang="es"`` on English pages (docs/english-edition.md §E7). The other text checks take
    those names out before looking for Spanish, so only this test sees a lost mark."""
    # Chart labels are cut at 46 characters (dashboards.LABEL_CHARS): compare the first 40.
    names = {n[:40] for n in EjeTematico.objects.values_list("name", flat=True)}
    names |= {n[:40] for n in Subtema.objects.values_list("name", flat=True)}
    names |= set(EntidadFederativa.objects.values_list("name", flat=True))
    names |= {name for _code, name, _path in charts._map_shapes()[1]}  # the map's names
    names |= set(PublishedProgram.objects.values_list("sigla", flat=True))
    unmarked, marked = [], Counter()
    for path, _status in PAGES:
        for tag, spanish, text in chart_and_option_labels(english[path][1]):
            if any(name in text for name in names):
                if spanish:
                    marked[path, tag] += 1
                else:
                    unmarked.append(f"{path}: <{tag}> «{text[:80]}»")
    assert not unmarked, "\n".join(unmarked)
    # Not vacuous: the dashboard's eje bars and description, the map's 32 tooltips, the
    # explorer's eje, institution and state options were all seen, marked.
    dashboard = f"/en/publicaciones/{YEAR}/tablero/"
    assert marked[dashboard, "text"] == EjeTematico.objects.count()
    assert marked[dashboard, "desc"] == 1
    assert marked[dashboard, "title"] == 32
    assert marked[f"/en/publicaciones/{YEAR}/", "title"] == 32
    siglas = PublishedProgram.objects.values("sigla").distinct().count()
    assert marked["/en/programas/", "option"] > EjeTematico.objects.count() + siglas
    # The dashboard's tables: every eje row and the states with programs, in their headers.
    assert marked[dashboard, "th"] >= EjeTematico.objects.count() + 1


def test_the_explorers_applied_state_filter_is_marked(english, db) -> None:
    """The «filters applied» badge of a state (or eje, institution) shows its Spanish name in
    ``lang="es"`` on the English explorer, and the Spanish explorer's badge has no mark."""
    state = EntidadFederativa.objects.filter(name__contains=" ").order_by("inegi_code").first()
    assert state is not None  # «Baja California», «Ciudad de México»…
    client = Client()
    html = client.get(f"/en/programas/?entidad={state.inegi_code}").content.decode()
    assert f'<span lang="es">{state.name}</span></span>' in html
    spanish = client.get(f"/programas/?entidad={state.inegi_code}").content.decode()
    assert f": {state.name}</span>" in spanish and f'<span lang="es">{state.name}' not in spanish


def test_spanish_pages_carry_no_spanish_mark_in_charts_and_options(client) -> None:
    """On a Spanish page the ``<html lang="es-MX">`` says it: no ``lang`` of their own."""
    for path in (f"/publicaciones/{YEAR}/tablero/", "/programas/"):
        html = client.get(path).content.decode()
        assert '<html lang="es-MX">' in html and chart_and_option_labels(html), path
        assert not re.search(r'<(?:option|text|desc|title)\b[^>]* lang="es"', html), path


def test_the_english_dictionary_describes_every_column_in_english(english, db) -> None:
    """The files keep their Spanish column names (users' scripts read them); the English data
    dictionary gives each one an English description from the catalogue."""
    html = english["/en/datos/diccionario/"][1]
    for field in opendata.FIELDS:
        row = re.search(rf'<tr id="campo-{field.name}">(.*?)</tr>', html, re.S)
        assert row, field.name
        assert f"<code>{field.name}</code>" in row[1]
        with translation.override("en"):
            description = str(field.description)
        with translation.override("es-mx"):
            assert description != str(field.description), f"{field.name}: not translated"
        cells = re.findall(r"<td>(.*?)</td>", row[1], re.S)
        assert cells[-1].replace("&#x27;", "'") == description, field.name
