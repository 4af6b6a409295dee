"""The English Informe Ejecutivo of the imported 2023 edition (docs/english-edition.md).

One import of seed 003 for the module (rolled back at the end), both Informes rendered once as
HTML; the PDF is built once, in the slow test of /Lang en.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.utils import translation
from pypdf import PdfReader

from compendium import informe, workspace
from compendium.checks import check_edition
from compendium.documents import render_document, write_document_pdf
from compendium.importers.compendio_import import import_compendio
from compendium.models import Document, Edicion
from reporting.models import Actor, EntidadFederativa, Ficha, ObjetivoPMM
from tests.reference import load_reference_data

# django_db: pytest-django sets up the test database only for modules that ask for it.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def edition_2023(django_db_setup, django_db_blocker, seed_003_text):
    with django_db_blocker.unblock(), transaction.atomic():
        # A transactional test run before in this process may have flushed the reference data.
        load_reference_data()
        report = import_compendio(seed_003_text, year=2023)
        edicion = Edicion.objects.get(ejercicio=report.ejercicio)
        yield {
            "edicion": edicion,
            "data": informe.compute_informe(report.ejercicio),
            "en": render_document(edicion, Document.INFORME_EN, draft=False).html,
            "es": render_document(edicion, Document.INFORME, draft=False).html,
            # Proper names the English Informe prints as they are: programs, institutions, states.
            "names": {
                *Ficha.objects.filter(ejercicio=report.ejercicio).values_list("nombre", flat=True),
                *Actor.objects.values_list("name", flat=True),
                *Actor.objects.values_list("sigla", flat=True),
                *EntidadFederativa.objects.values_list("name", flat=True),
            },
        }
        transaction.set_rollback(True)


class _Rows(HTMLParser):
    """Text of each row (<tr>) of the table with id ``table_id``: a list of cell texts."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    parser = _Rows(table_id)
    parser.feed(html)
    return parser.rows


class _VisibleEnglish(HTMLParser):
    """Visible text of the English Informe, leaving out elements marked ``lang="es"`` (texts
    printed untranslated, with the marker), <style> and <head> (the <title> is checked apart)."""

    SKIP = {"style", "head"}
    VOID = {"br", "img", "meta", "link", "hr", "input", "path", "rect", "line", "circle", "use"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: whether it is skipped
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        skipped = tag in self.SKIP or dict(attrs).get("lang") == "es"
        self.stack.append(skipped or (bool(self.stack) and self.stack[-1]))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.chunks.append(data.strip())


# Spanish words that no English sentence of the Informe uses: a string left outside the
# catalogue shows up as one of them. «ficha(s)» is kept in English on purpose (§E2).
SPANISH_WORDS = {
    "de", "del", "la", "las", "los", "el", "en", "y", "por", "para", "con", "sin", "que", "una",
    "se", "su", "sus", "al", "objetivo", "objetivos", "entidad", "entidades", "federativa",
    "federativas", "acciones", "retos", "reto", "programas", "gráfica", "tabla", "anexo",
    "informe", "ejecutivo", "número", "personas", "instituciones", "institución", "año",
    "evaluación", "conclusiones", "preámbulo", "categoría", "mapa", "fuentes", "mujeres",
    "hombres", "reportado", "reportaron", "dependencias", "actores", "índice", "créditos",
    "pacto", "mundial", "migración", "segura", "ordenada", "sí", "otros", "total",
}  # fmt: skip
# «total» is English as well; only the Spanish spelling around it would show, so drop it.
SPANISH_WORDS.discard("total")


def test_the_23_counts_stand_next_to_the_un_english_titles(edition_2023):
    rows = table_rows(edition_2023["en"], "tabla-objetivos")
    body = [row for row in rows[1:] if re.match(r"\d+\. ", row[0])]
    titles = dict(ObjetivoPMM.objects.values_list("number", "title_en"))
    expected = [
        (f"{c.number}. {titles[c.number]}", str(c.total)) for c in edition_2023["data"].counts
    ]
    assert [(row[0], row[-1]) for row in body] == expected
    assert ("15. Provide access to basic services for migrants", "48") in expected
    assert len(expected) == 23 and all(titles.values())


def test_the_english_informe_is_tagged_english_and_dated_in_english(edition_2023):
    html = edition_2023["en"]
    assert '<html lang="en">' in html
    assert "<title>Executive Report 2023</title>" in html
    assert "Mexico City, November 28, 2023" in html
    assert "I. Preamble" in html and "Annex 3. Objectives of the Global Compact" in html
    # English chapter names in the participation table, numbers with comma thousands.
    chapters = [row[0] for row in table_rows(html, "tabla-participacion")[1:-1]]
    assert chapters[:2] == ["Federal Public Administration Agencies", "States"]
    assert "Fichas per GCM objective: all actors" in html  # the chart's accessible name
    assert "No fichas" in html and "More than 10" in html  # the map's legend


def test_the_spanish_informe_is_unchanged(edition_2023):
    html = edition_2023["es"]
    assert '<html lang="es-MX">' in html
    assert "15. Proporcionar a los migrantes acceso a servicios básicos" in html
    assert "[Untranslated]" not in html and "[Sin traducir]" not in html
    assert "Objective 15" not in html


def test_missing_english_texts_print_the_spanish_marked(edition_2023):
    edicion = edition_2023["edicion"]
    html = edition_2023["en"]
    if edicion.preambulo.strip():
        marker = '<p class="untranslated"><strong>[Untranslated]</strong></p>'
        assert marker + '<div class="editable" lang="es">' in html
    edicion.preambulo_en = "The Unit presents the Executive Report."
    with translation.override("en"):
        again = informe.render_informe_html(edicion, draft=False)
    assert "The Unit presents the Executive Report." in again
    edicion.preambulo_en = ""


def spanish_words(text: str, names: set[str]) -> list[str]:
    """The words of ``SPANISH_WORDS`` in ``text`` once the proper ``names`` are taken out."""
    for name in sorted(names, key=len, reverse=True):
        if name and name in text:
            text = text.replace(name, " ")
    words = {w.lower() for w in re.findall(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]+", text)}
    return sorted(words & SPANISH_WORDS)


def test_no_spanish_outside_names_and_marked_texts(edition_2023):
    parser = _VisibleEnglish()
    parser.feed(edition_2023["en"])
    leftovers = []
    for chunk in parser.chunks:
        if found := spanish_words(chunk, edition_2023["names"]):
            leftovers.append((chunk, found))
    assert leftovers == [], "\n".join(f"{words}: {chunk}" for chunk, words in leftovers)


def test_the_check_lists_the_texts_left_in_spanish(edition_2023):
    edicion = edition_2023["edicion"]
    Edicion.objects.filter(pk=edicion.pk).update(
        conclusiones="Se concluye.", conclusiones_en="", preambulo="", preambulo_en=""
    )
    messages = [f.message for f in check_edition(edicion.ejercicio).findings]
    assert "«VI. Conclusiones» no tiene versión en inglés." in messages
    Edicion.objects.filter(pk=edicion.pk).update(conclusiones_en="It concludes.")
    report = check_edition(edicion.ejercicio)
    assert not any("Conclusiones" in f.message for f in report.findings if f.kind == "sin_traducir")
    assert not any(f.blocking for f in report.findings if f.kind == "sin_traducir")


def test_the_english_pdf_is_tagged_en(edition_2023, tmp_path):
    target = tmp_path / "informe-en.pdf"
    pages = write_document_pdf(Document.INFORME_EN, edition_2023["en"], target=target, draft=True)
    reader = PdfReader(target)
    assert pages == len(reader.pages) > 10
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == "Executive Report 2023"


def test_the_generated_english_drafts_are_english(edition_2023):
    """The workspace's English drafts (§E4) come from the catalogue, like the Informe."""
    edicion = edition_2023["edicion"]
    for field in workspace.ENGLISH_FIELDS:
        text = workspace.english_draft(edicion, field)
        assert text, field
        assert spanish_words(text, edition_2023["names"]) == [], (field, text)
    preamble = workspace.english_draft(edicion, "preambulo_en")
    assert "in the period from June 2022 to June 2023" in preamble, preamble
