"""Parallel and incremental Compendio builds (compendium/parallel_pdf.py and pdf_assembly.py,
docs/performance.md §F3-F5).

A small edition (three chapters, chapter 1 split across parts) is published twice through the
real build path; its PDFs are compared with builds made here. Each PDF is built once for the
module:

- ``v1``: published version 1 (two processes, every part rendered);
- ``v2``: published version 2 after one ficha's text was edited (incremental: only its part is
  rendered, the others are v1's parts, rendered in parallel);
- ``single``: v2's HTML built from nothing in one process: equal to v2, it shows both that an
  incremental build gives a full build's file and that parallel and single-process parts agree;
- ``longer``: v2's HTML with one ficha made a page longer (its part and the índice only).
"""

import hashlib
import pathlib
import re
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from compendium import builds, parallel_pdf
from compendium.compendio import render_compendio_html
from compendium.editions import create_edicion
from compendium.models import BuildStatus, Document
from compendium.parallel_pdf import render_book, split_book
from reporting.models import Nota, ObjetivoPMM, Role
from tests import factories
from tests.reference import ensure_reference_data

PARTS = 4
ARTIFACT = b"/Artifact <</Type /Pagination/Subtype /Footer>> BDC"
URL = "https://www.politicamigratoria.gob.mx/es/PoliticaMigratoria/Compendio"
LONG = " ".join(
    [
        "El programa ofrece orientación jurídica, canalización a servicios de salud y educación,",
        "acompañamiento en trámites migratorios y atención psicosocial a personas en movilidad.",
    ]
    * 6
)


def _edition():
    ejercicio = factories.ejercicio(2024)
    coordinator = factories.user("coordinacion.pdf@prueba.gob.mx", role=Role.COORDINADOR)
    objective = {o.number: o for o in ObjetivoPMM.objects.all()}
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    conapred = factories.actor("CONAPRED", tipo="apf", name="Consejo Nacional para Prevenir")
    cndh = factories.actor("CNDH", tipo="autonomo", name="Comisión Nacional de los Derechos")
    osc = factories.actor("SINFRONTERAS", tipo="osc", name="Sin Fronteras I.A.P.")
    fichas = {}
    for number, (actor, goal) in enumerate(
        [(inm, 1), (conapred, 1), (inm, 1), (inm, 2), (conapred, 2), (inm, 3), (conapred, 3)]
        + [(cndh, 4), (cndh, 7), (osc, 7)]
    ):
        fichas[number] = factories.ficha(
            actor,
            ejercicio,
            status="aprobada",
            objetivo_asignado=objective[goal],
            nombre=f"Programa {number} de atención integral",
            descripcion="\n\n".join([LONG] * 2)
            + ("\n\nMás información en " + URL if number == 8 else ""),
            resultados="Se brindaron 1,245 atenciones en el periodo.[^a]",
        )
        Nota.objects.create(
            ficha=fichas[number], position=0, marker="[^a]", texto=f"Nota {number}."
        )
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    return edicion, coordinator, fichas


def _publish(edicion, coordinator, reports):
    original = parallel_pdf.render_book

    def spy(html, **kwargs):
        report = original(html, **kwargs)
        reports.append((html, report))
        return report

    with mock.patch.object(parallel_pdf, "render_book", spy):
        build = builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE, build.error
    return pathlib.Path(default_storage.path(str(build.file.name))), build


@pytest.fixture(scope="module")
def book(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("parallel")
    with (
        override_settings(
            MEDIA_ROOT=folder / "media",
            PDF_PARTS_DIR=folder / "parts",
            PDF_BUILD_PARTS=PARTS,
            PDF_BUILD_PROCESSES=2,
            TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        ensure_reference_data()  # a transactional test may have flushed it
        edicion, coordinator, fichas = _edition()
        reports: list = []
        v1, build1 = _publish(edicion, coordinator, reports)
        html1 = reports[-1][0]

        # One word of ficha 8 (chapter 5) changes, same length: same pages everywhere.
        edited = fichas[8]
        edited.descripcion = edited.descripcion.replace("jurídica", "juridica", 1)
        edited.save()
        v2, build2 = _publish(edicion, coordinator, reports)
        html2, report2 = reports[-1]
        single = folder / "single.pdf"
        render_book(html2, target=single, draft=False, processes=1, parts=PARTS)

        # Ficha 3 (chapter 1) gets a page longer: its part and the índice are rendered again.
        fichas[3].descripcion += "\n\n" + "\n\n".join([LONG] * 4)
        fichas[3].save()
        html3 = render_compendio_html(edicion, draft=False)
        longer = folder / "longer.pdf"
        report3 = render_book(
            html3,
            target=longer,
            draft=False,
            processes=2,
            parts=PARTS,
            scope=builds.cache_scope(edicion, Document.COMPENDIO, draft=False),
        )
        yield {
            "v1": PdfReader(v1),
            "v2": PdfReader(v2),
            "single": PdfReader(single),
            "longer": PdfReader(longer),
            "bytes": {"v2": v2.read_bytes(), "single": single.read_bytes()},
            "reports": [r for _h, r in reports] + [report3],
            "html": (html1, html2, html3),
            "pages": (build1.pages, build2.pages),
            "scope": folder / "parts" / "2024-compendio-final",
        }
        transaction.set_rollback(True)


# --- Helpers -----------------------------------------------------------------------------------


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def outline(reader: PdfReader, items=None, depth=0) -> list[tuple]:
    out = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += outline(reader, item, depth + 1)
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item)))
    return out


def destinations(reader: PdfReader) -> dict[str, Any]:
    return {
        name: reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }


def links(reader: PdfReader) -> list[tuple[int, str]]:
    """(page, target): a named destination, or the URI of an external link."""
    out = []
    for index, page in enumerate(reader.pages):
        annotations: Any = page.get("/Annots") or []
        for annotation in annotations:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                out.append((index, str(annotation["/Dest"])))
            else:
                out.append((index, str(annotation["/A"]["/URI"])))
    return out


def struct_summary(reader: PdfReader) -> list:
    """Every structure element in document order: (type, page, MCIDs)."""
    catalog: Any = reader.trailer["/Root"]
    root = catalog["/StructTreeRoot"]
    out = []
    # Page numbers by object number (pypdf's get_page_number scans every page each time).
    pages: Any = reader.pages
    numbers = {page.indirect_reference.idnum: i for i, page in enumerate(pages)}

    def walk(element):
        element = element.get_object()
        page = element.raw_get("/Pg") if "/Pg" in element else None
        kids = element.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        mcids = [k for k in kids if isinstance(k, int)]
        number = numbers[page.idnum] if page is not None else None
        out.append((str(element["/S"]), number, mcids))
        for kid in kids:
            target: Any = kid.get_object() if isinstance(kid, IndirectObject) else None
            if target is not None and target.get("/Type") == "/StructElem":
                walk(kid)

    for kid in root["/K"]:
        walk(kid)
    return out


_SUMMARIES: dict[bytes, tuple] = {}


def structure(reader: PdfReader):
    """Text per page, outline, named destinations, links and structure elements.

    Memoized by the digest of the file's bytes (pypdf reads the file into memory): the summary
    is a function of them, so readers of the same bytes (v2 and ``single``, whose bytes are
    asserted equal too) are read once, and readers of different bytes each on their own.
    """
    stream: Any = reader.stream
    key = hashlib.sha256(stream.getvalue()).digest()
    if key not in _SUMMARIES:
        _SUMMARIES[key] = (
            texts(reader),
            outline(reader),
            destinations(reader),
            links(reader),
            struct_summary(reader),
        )
    return _SUMMARIES[key]


# --- Splitting (no PDF) ------------------------------------------------------------------------


def test_split_keeps_every_program_once_and_cuts_chapter_one(db):
    html = render_compendio_html(_edition()[0], draft=False)
    parts = split_book(html, PARTS)
    assert parts is not None
    assert [p.kind for p in parts[:2]] == ["front", "toc"]
    bodies = [p for p in parts if p.kind == "body"]
    assert len(bodies) >= 3
    articles = re.findall(r'<article class="program" id="([^"]+)"', html)
    found = [
        a for p in bodies for a in re.findall(r'<article class="program" id="([^"]+)"', p.html)
    ]
    assert found == articles
    # Chapter 1 spans more than one part; its id is printed once.
    assert sum('id="capitulo-1"' in p.html for p in parts) == 1
    assert sum("Objetivo 1." in p.html for p in bodies) == 1
    assert sum(p.html.count('<section class="chapter"') for p in bodies) > 3


def test_an_unexpected_shape_is_not_split():
    assert split_book("<html><body><p>Hola</p></body></html>", 4) is None


# --- The PDFs ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_parallel_and_single_process_builds_are_the_same(book):
    # v2's parts were rendered in two processes (all but one of them for v1).
    assert structure(book["v2"]) == structure(book["single"])
    assert book["bytes"]["v2"] == book["bytes"]["single"]
    assert book["pages"] == (len(book["v1"].pages), len(book["v2"].pages))


@pytest.mark.slow
def test_structure_tree_covers_every_page_and_link(book):
    reader = book["v1"]
    catalog: Any = reader.trailer["/Root"]
    root = catalog["/StructTreeRoot"]
    document = root["/K"][0].get_object()
    assert document["/S"] == "/Document"
    assert all(kid.get_object()["/P"].get_object() is document for kid in document["/K"])
    nums = root["/ParentTree"]["/Nums"]
    tree = dict(zip(nums[::2], nums[1::2], strict=True))
    assert root["/ParentTreeNextKey"] == max(tree) + 1
    keys = [page["/StructParents"] for page in reader.pages]
    assert len(set(keys)) == len(reader.pages)
    for page, key in zip(reader.pages, keys, strict=True):
        content = page.get_contents().get_data()
        mcids = sorted(int(m) for m in re.findall(rb"/MCID (\d+)", content))
        elements = tree[key]
        # Every marked content of the page has its structure element, on this page.
        assert len(elements) >= len([m for m in mcids if m < len(elements)])
        for element in elements:
            element = element.get_object()
            assert element.raw_get("/Pg").idnum == page.indirect_reference.idnum
            parent = element
            while parent.get("/S") != "/Document":
                parent = parent["/P"].get_object()
            assert parent is document
    for page in reader.pages:
        annotations: Any = page.get("/Annots") or []
        for annotation in annotations:
            link = tree[annotation.get_object()["/StructParent"]].get_object()
            assert link["/S"] == "/Link"
            objr: list[Any] = [k.get_object() for k in link["/K"] if isinstance(k, IndirectObject)]
            assert any(o.get("/Obj") == annotation for o in objr)


@pytest.mark.slow
def test_indice_links_and_numbers_follow_the_real_pages(book):
    reader = book["v1"]
    dests = destinations(reader)
    labels = reader.page_labels
    toc_page = dests["indice"]
    toc_text = structure(reader)[0][toc_page]
    toc_links = [target for page, target in links(reader) if page == toc_page]
    assert {"introduccion", "capitulo-1", "capitulo-2", "capitulo-3", "anexos"} <= set(toc_links)
    for name in ("introduccion", "capitulo-1", "capitulo-2", "capitulo-3", "anexos"):
        target = dests[name]
        # The índice prints the target's folio, which is its page label.
        assert re.search(rf"\.\s*{labels[target]}\b", toc_text), (name, labels[target])
    assert "Introducción" in reader.pages[dests["introduccion"]].extract_text()
    assert labels[dests["introduccion"]] == "1"
    # Program headings keep their named destinations (compendium.public_record reads them).
    programs = [n for n in dests if n.startswith("programa-")]
    assert len(programs) == 10
    for name in programs:
        _prefix, chapter, objective, number = name.split("-")
        assert f"{number}. Programa" in reader.pages[dests[name]].extract_text()


@pytest.mark.slow
def test_outline_nests_objectives_under_their_chapter_across_parts(book):
    items = outline(book["v1"])
    chapters = [title for depth, title, _page in items if depth == 0]
    assert chapters[0] == "Introducción" and chapters[-1] == "Anexos"
    assert len([t for t in chapters if t.startswith("Capítulo")]) == 3
    # Chapter 1 lists all 23 objectives, all nested under it.
    first = [i for i, (d, t, _p) in enumerate(items) if d == 0 and t.startswith("Capítulo 1")][0]
    nested = []
    for depth, title, _page in items[first + 1 :]:
        if depth == 0:
            break
        nested.append(title)
    assert len(nested) == 23 and nested[0].startswith("Objetivo 1.")
    reader = book["v1"]
    for _depth, title, page in items:
        assert title.split(".")[0].casefold() in structure(reader)[0][page].casefold()


@pytest.mark.slow
def test_folios_page_labels_running_heads_and_footnotes(book):
    reader = book["v1"]
    labels = reader.page_labels
    assert labels[0] == "Portada" and labels[1] == "i" and labels[-1] == "Contraportada"
    dests = destinations(reader)
    start = dests["introduccion"]
    stamped = 0
    for index in range(start, len(reader.pages) - 1):
        assert labels[index] == str(index - start + 1)
        page_text = structure(reader)[0][index]
        # Folios are stamped as artifacts, outside the structure tree (not on divider pages).
        if ARTIFACT in reader.pages[index].get_contents().get_data():
            stamped += 1
            assert page_text.rstrip().endswith(labels[index]), index
            assert reader.metadata["/Title"] in page_text  # the running head
    assert stamped >= len(reader.pages) - start - 1 - 3
    assert all(ARTIFACT not in page.get_contents().get_data() for page in reader.pages[:start])
    notes = re.findall(r"^(\d+)\. Nota (\d+)\.$", "\n".join(structure(reader)[0]), re.M)
    assert [int(n) for n, _f in notes] == list(range(1, 11))


@pytest.mark.slow
def test_external_links_are_kept(book):
    uris = [target for _page, target in links(book["v1"]) if target.startswith("http")]
    if 'href="http' in book["html"][0]:
        assert URL in uris
    info = book["v1"].metadata
    assert info["/Title"] == "Compendio General 2024"
    root: Any = book["v1"].trailer["/Root"]
    assert root["/Lang"] == "es-MX" and root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


@pytest.mark.slow
def test_editing_one_ficha_renders_only_its_part_and_equals_a_full_build(book):
    first, second = book["reports"][0], book["reports"][1]
    assert sorted(first.rendered) == sorted([*first.parts, "folios"])
    html2 = book["html"][1]
    holder = [p.name for p in split_book(html2, PARTS) or [] if "Programa 8 de atención" in p.html]
    assert second.rendered == holder
    # The incremental build's file is the full build's (built in one process).
    assert book["bytes"]["v2"] == book["bytes"]["single"]
    assert "juridica" in " ".join(structure(book["v2"])[0])
    # The cache holds the parts of the last build only.
    cached = sorted(p.name for p in book["scope"].iterdir() if p.suffix == ".pdf")
    assert len(cached) == len(book["reports"][-1].parts) + 1  # + the folio sample


@pytest.mark.slow
def test_a_longer_part_does_not_lay_out_the_later_parts_again(book):
    report = book["reports"][-1]
    html3 = book["html"][2]
    holder = [p.name for p in split_book(html3, PARTS) or [] if "Programa 3 de atención" in p.html]
    assert sorted(report.rendered) == sorted([*holder, "indice"])
    longer, before = book["longer"], book["v2"]
    assert len(longer.pages) > len(before.pages)
    # Later pages moved on, with their folios, labels and the índice's numbers.
    grown = len(longer.pages) - len(before.pages)
    assert destinations(longer)["anexos"] == destinations(before)["anexos"] + grown
    labels = longer.page_labels
    anexos = destinations(longer)["anexos"]
    assert structure(longer)[0][anexos].rstrip().endswith(labels[anexos])
    toc = longer.pages[destinations(longer)["indice"]].extract_text()
    assert re.search(rf"Anexos\s*\.+\s*{labels[anexos]}\b", toc)


@pytest.mark.slow
def test_the_indice_starts_once_the_body_parts_are_laid_out(book):
    # v1: every part rendered, in two processes (docs/performance.md §F3, scheduling).
    report = book["reports"][0]
    parts = {what: times for lane, what, *times in report.timeline if lane != "build"}
    assert sorted(parts) == sorted(report.rendered)
    for start, end, laid_out in parts.values():
        assert start <= laid_out <= end
    body = [name for name in report.parts if name.startswith("cuerpo-")]
    assert all(parts[name][2] <= parts["indice"][0] for name in body)
    assert 1 <= len({lane for lane, *_t in report.timeline if lane != "build"}) <= 2
    steps = [what for lane, what, *_t in report.timeline if lane == "build"]
    assert steps == ["split", "keys", "parts", "infos", "assemble", "write", "cache"]


def test_a_worker_announces_its_layout_through_a_file_not_the_pipe(tmp_path, monkeypatch):
    """A layout can exceed a pipe's 64 KB: a worker blocked in put() while the build is not
    reading (after another part failed) would hang the pool's shutdown. Only the part's name and
    the path of its layout go through the queue (compendium/parallel_pdf.py ``_render_part``)."""
    sent: list[Any] = []
    monkeypatch.setattr(parallel_pdf, "_ANNOUNCE", mock.Mock(put=sent.append))
    job = parallel_pdf._Job(
        name="prueba",
        html="<html lang='es-MX'><body><h1 id='a'>Uno</h1><p>Texto.</p></body></html>",
        css=[],
        draft=False,
        pdf=tmp_path / "prueba.pdf",
        info=tmp_path / "prueba.json",
        weight=1,
        announce=True,
    )
    done = parallel_pdf._render_part(job)
    [(name, path)] = sent
    assert name == "prueba" and len(path) < 300
    assert pathlib.Path(path).read_text() == done.info == job.info.read_text()
