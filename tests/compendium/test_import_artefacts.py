"""Issue 12: source artefacts of a printed Compendio, imported and printed as they should be.

One small excerpt (data/artefacts_excerpt.txt) carries each artefact the editor found in the
2023 edition: «<http…>» and Markdown links (one in a footnote), nested reto items («a.», «b.»),
a lead-in sentence before the retos, a heading ending «A.C.», «1 250», an acronym, the annex 3
row broken by the export («DVV» | «International») and IMSS in annexes 1 and 3. It is imported
once per module and checked at the HTML level (docs/pre-publication-check.md §T1-T3).
"""

import html
import re
from pathlib import Path

import pytest

from compendium.compendio import render_compendio_html
from compendium.importers.compendio_import import import_compendio, plain_urls
from compendium.informe import compute_informe
from compendium.models import Edicion
from reporting.models import Nota, Reto
from tests.compendium._module_db import module_transaction

EXCERPT = Path(__file__).resolve().parent / "data" / "artefacts_excerpt.txt"


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """The excerpt imported once for the module, rolled back at the end."""
    with module_transaction(django_db_blocker):
        report = import_compendio(EXCERPT.read_text(encoding="utf-8"), year=2023)
        edicion = Edicion.objects.get(ejercicio=report.ejercicio)
        markup = render_compendio_html(edicion, draft=False)
        yield report, edicion, markup


def visible(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_plain_urls_undoes_the_export_artefacts() -> None:
    assert plain_urls("en <https://a.gob.mx/x?y=1>.") == "en https://a.gob.mx/x?y=1."
    assert plain_urls("[http://a.gob.mx/b.](http://a.gob.mx/b)") == "http://a.gob.mx/b."
    assert plain_urls("X: [@conapred](https://twitter.com/conapred) / X") == (
        "X: @conapred (https://twitter.com/conapred) / X"
    )


def test_stored_texts_have_plain_urls(imported, db) -> None:
    report, _edicion, _markup = imported
    fichas = list(report.ejercicio.fichas.order_by("pk"))
    assert "<https" not in fichas[0].descripcion and "](" not in fichas[0].descripcion
    assert "incidencia-delictiva-299891?state=published." in fichas[0].descripcion
    assert "BienvenidosAcasa. El INMUJERES" in fichas[0].descripcion
    note = Nota.objects.get(ficha__ejercicio=report.ejercicio)
    assert note.texto == (
        "Cuenta oficial de X de CONAPRED: @conapred (https://twitter.com/conapred) / X "
        "(twitter.com)"
    )


def test_urls_print_as_links_and_no_artefact_is_left(imported) -> None:
    _report, _edicion, markup = imported
    links = re.findall(r'<a class="url" href="([^"]+)">([^<]+)</a>', markup)
    hrefs = [html.unescape(href) for href, _text in links]
    assert (
        "https://www.gob.mx/sesnsp/acciones-y-programas/incidencia-delictiva-299891?state=published"
        in hrefs
    )
    assert "http://www.politicamigratoria.gob.mx/es/PoliticaMigratoria/BienvenidosAcasa" in hrefs
    assert "https://twitter.com/conapred" in hrefs  # the footnote's Markdown link
    # The final period of a sentence is not part of the link.
    assert all(not href.endswith(".") for href in hrefs)
    body = markup.split('<div class="main">', 1)[1]
    assert "&lt;http" not in body and "](" not in body and "‹" not in body


def test_nested_reto_items_are_a_sub_list_and_counts_agree(imported, db) -> None:
    report, _edicion, markup = imported
    first = markup.split('<ul class="retos">', 1)[1]
    assert '<li>Internos:<ul class="sub lettered"><li>a. Recursos humanos en salud.</li>' in first
    assert "- a." not in visible(markup)
    # One top-level bullet per reto: the Compendio and the Informe count the same retos.
    retos = Reto.objects.filter(ficha__ejercicio=report.ejercicio).count()
    informe = sum(c.total for c in compute_informe(report.ejercicio).challenges)
    assert retos == informe == 5
    items = re.findall(r'<ul class="retos">(.*?)</ul>\s*</article>', markup, re.S)
    outer = [re.sub(r'<ul class="sub[^"]*">.*?</ul>', "", block, flags=re.S) for block in items]
    assert sum(block.count("<li>") for block in outer) == retos


def test_lead_in_sentence_is_a_paragraph_not_a_reto(imported, db) -> None:
    report, _edicion, markup = imported
    assert (
        '<p class="lead-in">Para la atención integral a víctimas extranjeras del delito de '
        "trata de personas:</p>" in markup
    )
    texts = list(
        Reto.objects.filter(ficha__ejercicio=report.ejercicio, ficha__actor__sigla="CONAPRED")
        .order_by("position")
        .values_list("texto", flat=True)
    )
    assert len(texts) == 2
    assert texts[0].startswith("Para la atención integral")
    assert "\n\nFomentar redes" in texts[0]


def test_headings_numbers_and_acronyms(imported) -> None:
    _report, _edicion, markup = imported
    headings = [
        html.unescape(h) for h in re.findall(r'<h3 class="program">([^<]*)', markup, flags=re.S)
    ]
    assert (
        "1. Acompañamiento a personas migrantes en retorno\u00a0–\u00a0UNO DE SIETE MIGRANDO A.C."
        in (headings)
    )
    assert not any(h.endswith("..") for h in headings)
    # «– SIGLA.» is joined to the name's last word with no-break spaces.
    assert all("\u00a0–\u00a0" in h for h in headings)
    assert "Se atendieron 1,250 personas" in visible(markup)
    assert "1 250" not in visible(markup)
    assert '<span class="acr">INMUJERES</span>' in markup


def test_annexes_dvv_joined_and_imss_once(imported) -> None:
    _report, edicion, markup = imported
    assert "Asociación Alemana para Jóvenes y Adultos | DVV International" in (
        edicion.other_acronyms
    )
    annex3 = markup.split("3. Otras siglas y abreviaturas.", 1)[1].split("</table>", 1)[0]
    assert "DVV International" in visible(annex3)
    # IMSS prints a program, so it is in annex 1; annex 3 does not repeat it.
    assert "IMSS" not in visible(annex3)
    annex1 = markup.split("1. Glosario", 1)[1].split("</table>", 1)[0]
    assert "Instituto Mexicano del Seguro Social" in visible(annex1)
