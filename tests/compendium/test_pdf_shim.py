"""The pydyf ``page_references`` shim (compendium/pdf_shim.py, docs/performance.md §F2) and the
shared instances of variable fonts (compendium/pdf_fonts.py, §F6)."""

import re
from pathlib import Path
from typing import Any

import pydyf  # type: ignore[import-untyped]
from pypdf import PdfReader

from compendium import pdf_fonts, pdf_shim
from compendium.pdf import STATIC_BASE, render_pdf

ROOT = Path(__file__).resolve().parents[2]

# Enough pages and tagged elements to exercise the property many times; links and anchors too
# (WeasyPrint reads page_references for destinations as well).
HTML = (
    '<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Prueba</title></head>'
    "<body>"
    + "".join(
        f'<h2 id="s{i}">Sección {i}</h2><p>Texto {i} con <a href="#s{(i + 7) % 40}">enlace</a> '
        f"y una lista:</p><ul><li>uno</li><li>dos</li></ul>"
        f'<p style="break-after: page">Fin de la sección {i}.</p>'
        for i in range(40)
    )
    + "</body></html>"
)


def test_the_pins_are_the_versions_in_requirements_lock():
    lock = (ROOT / "requirements.lock").read_text()
    for name, version in pdf_shim.PINNED.items():
        assert re.search(rf"^{name}=={re.escape(version)} ", lock, re.M), name
    # A new release: check whether it still needs the shim, then update PINNED or delete it.
    assert pdf_shim.installed_versions() == pdf_shim.PINNED
    assert pdf_shim.apply() is True


def test_the_tuple_is_built_once_per_added_page():
    pdf_shim.apply()
    pdf = pydyf.PDF()
    assert pdf.page_references == ()
    page = pydyf.Dictionary({"Type": "/Page"})
    pdf.add_page(page)
    first = pdf.page_references
    assert first == (f"{page.number} 0 R".encode(),)
    assert pdf.page_references is first  # cached, not rebuilt
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 2


def test_tagged_output_is_identical_with_and_without_the_shim(tmp_path):
    with_shim = tmp_path / "with.pdf"
    without = tmp_path / "without.pdf"
    pages = render_pdf(HTML, target=with_shim, draft=False)
    with pdf_shim.disabled():
        assert "_cached_page_references" not in repr(pydyf.PDF.page_references.fget)
        render_pdf(HTML, target=without, draft=False)
    assert pages == 40
    catalog: Any = PdfReader(with_shim).trailer["/Root"]
    tree = catalog["/StructTreeRoot"]
    assert len(tree["/ParentTree"]["/Nums"]) >= 2 * pages
    assert with_shim.read_bytes() == without.read_bytes()


def test_the_patch_for_upstream_is_the_shim():
    patch = (ROOT / "docs/patches/pydyf-page-references.patch").read_text()
    assert patch.startswith("--- a/pydyf/__init__.py")
    assert "self._page_references = tuple(" in patch


def _montserrat(text: str) -> str:
    return (
        '<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Fuentes</title>'
        f'<link rel="stylesheet" href="{STATIC_BASE}print/fonts.css"></head>'
        f'<body style="font-family: Montserrat"><p>{text}</p><p><b>{text}</b></p></body></html>'
    )


def _font_files(path: Path) -> list[bytes]:
    reader = PdfReader(path)
    files = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            files.append(descriptor["/FontFile2"].get_object().get_data())
    return sorted(files)


def test_parts_share_one_instance_of_each_weight(tmp_path, settings, monkeypatch):
    """Two documents with different text embed the same font file per weight (so the build
    makes it once and the assembly writes it once), and their text is unchanged."""
    settings.PDF_PARTS_DIR = tmp_path / "parts"
    monkeypatch.setattr(pdf_fonts, "_MEMORY", {})  # instances made by earlier tests
    # A new WeasyPrint release: check Font.clean again, then update PINNED or drop the hook.
    assert pdf_fonts.supported()
    texts = {"a": "Atención jurídica", "b": "Niñas, niños y «fiestas» — 2024"}  # fi: a ligature
    for name, text in texts.items():
        with pdf_fonts.shared_instances() as active:
            assert active
            render_pdf(_montserrat(text), target=tmp_path / f"{name}.pdf", draft=False)
    render_pdf(_montserrat(texts["b"]), target=tmp_path / "plain.pdf", draft=False)
    assert _font_files(tmp_path / "a.pdf") == _font_files(tmp_path / "b.pdf")
    assert _font_files(tmp_path / "b.pdf") != _font_files(tmp_path / "plain.pdf")
    assert len(list((tmp_path / "parts" / "_fonts").glob("*.ttf"))) == 2  # regular and bold
    for name, text in texts.items():
        assert text in PdfReader(tmp_path / f"{name}.pdf").pages[0].extract_text()
    plain = PdfReader(tmp_path / "plain.pdf").pages[0].extract_text()
    assert PdfReader(tmp_path / "b.pdf").pages[0].extract_text() == plain
