"""Print fixes of issue 12 that only a PDF shows: page labels that match the printed folios,
and acronyms and web addresses that never hyphenate (docs/pre-publication-check.md §T1-T2).

One small PDF per test, built from a few paragraphs with the real print styles.
"""

import pathlib
import re

from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML

from compendium import pagelabels
from compendium.compendio import runs
from compendium.pdf import STATIC_BASE, STATIC_ORIGIN, StaticOnlyFetcher

PAGES = """<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Prueba</title>
<link rel="stylesheet" href="{base}print/fonts.css">
<link rel="stylesheet" href="{base}print/base.css">
<link rel="stylesheet" href="{base}print/compendio.css"></head><body>
<section class="cover"><p>Portada</p></section>
<section class="front"><div class="inner-title"><p class="big">Compendio</p></div>
<div class="credits"><p>Créditos</p></div></section>
<div class="main"><section class="intro" id="introduccion"><h1>Introducción</h1><p>Uno.</p>
</section>
<section class="chapter"><div class="divider" id="capitulo-1"><h1>Capítulo 1</h1></div>
<h2 class="objective">Objetivo 1</h2><p>Texto.</p></section>
<section class="chapter"><div class="divider" id="capitulo-2"><h1>Capítulo 2</h1></div>
<h2 class="objective">Objetivo 2</h2><p>Texto.</p></section></div>
<section class="back closing" id="cierre"><p>Cierre</p></section></body></html>"""


def render(html: str):
    return HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()).render()


def test_page_labels_match_the_printed_folios(tmp_path: pathlib.Path) -> None:
    document = render(PAGES.format(base=STATIC_BASE))
    names = pagelabels.page_names(document)
    assert names == [
        "cover",
        "front",
        "front",
        "intro",
        "divider",
        "main",
        "divider",
        "main",
        "front",
    ]
    target = tmp_path / "labels.pdf"
    ranges = pagelabels.compendio_ranges(names)
    document.write_pdf(target, finisher=pagelabels.finisher(ranges))
    reader = PdfReader(target)
    labels = ["Portada", "i", "ii", "1", "2", "3", "4", "5", "Contraportada"]
    assert reader.page_labels == labels
    # The folio printed at the foot of the page is the label (dividers print none).
    texts = [page.extract_text() for page in reader.pages]
    assert texts[3].strip().endswith("1")
    assert texts[5].strip().endswith("3")
    # The same labels from a finished file's named destinations, written with pypdf.
    copy = tmp_path / "copy.pdf"
    document.write_pdf(copy)
    assert PdfReader(copy).page_labels[0] == "1"
    pagelabels.label_pdf(copy, pagelabels.compendio_ranges_from_pdf(PdfReader(copy)))
    assert PdfReader(copy).page_labels == labels


def test_acronyms_and_urls_never_hyphenate(tmp_path: pathlib.Path) -> None:
    text = " ".join(
        [
            "Con el INMUJERES, la CONAPRED y el SESIPINNA, consulte https://www.gob.mx/inmujeres/"
            "acciones-y-programas/programa-de-igualdad-entre-mujeres-y-hombres."
        ]
        * 12
    )
    body = render_to_string("compendium/print/compendio.html#runs", {"runs": runs(text)})
    html = (
        f'<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>t</title>'
        f'<link rel="stylesheet" href="{STATIC_BASE}print/fonts.css">'
        f'<link rel="stylesheet" href="{STATIC_BASE}print/base.css">'
        f"<style>body {{ width: 6.5cm }}</style></head><body><p>{body}</p></body></html>"
    )
    target = tmp_path / "hyphens.pdf"
    render(html).write_pdf(target)
    lines = [
        line.strip()
        for page in PdfReader(target).pages
        for line in page.extract_text().splitlines()
    ]
    broken = [line for line in lines if re.search(r"[A-ZÁÉÍÓÚÑ]{2,}[-‐\u00ad]$", line)]
    assert broken == []
    assert not any(re.search(r"(https?://|www\.)\S*[‐\u00ad]$", line) for line in lines)
    assert 'class="url"' in body and '<span class="acr">INMUJERES</span>' in body
