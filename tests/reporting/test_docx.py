"""Word in, Word out (issue 16, docs/word.md): reading filled fichas and refusing unsafe files.

Every file is generated here with python-docx or zipfile: the official template filled in its
table, the same content as paragraphs with bold labels, the older wording of the Word form,
nested bullets, and the files that must be refused (zip bombs, macros, encrypted, legacy .doc,
renamed PDF and images), a file with external links (nothing fetched) and a 9.9 MB file.
"""

import io
import os
import sys
import time
import tracemalloc
import zipfile
import zlib

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

from reporting.docx_ficha import build_docx, layout
from reporting.docx_import import create_draft, prepare
from reporting.docx_reader import read_docx
from reporting.docx_safety import MAX_FILE_BYTES, DocxRefused, check_archive
from reporting.models import Ficha, FichaEvent, ObjetivoPMM

pytestmark = pytest.mark.django_db

ATTACHED_TEMPLATE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)

# The content every layout below carries, as a person writes it in Word.
ANSWERS = {
    "unidad": "Dirección General de Atención a Migrantes",
    "nombre": "Programa Paisano de prueba",
    "objetivo_programa": "Orientar a las personas mexicanas que regresan al país.",
    "poblacion_objetivo": "Personas mexicanas que viven en el extranjero y sus familias.",
    "fecha_inicio": "15/03/2020",
    "temporalidad": "Permanente",
    "descripcion": "Orientación en los puntos de internación.\n\nOperativos en vacaciones.",
    "num_acciones": "12",
    "tipo_acciones": "Operativos y ferias informativas",
    "personas_atendidas": "2 500",
    "mujeres": "1,200",
    "hombres": "1,300",
    "alcance_nacional": "No",
    "entidades": "Tamaulipas\nSonora\nBaja California",
    "alcance_extranjero": "Sí",
    "resultados": "Se atendió a 2,500 personas en 12 operativos.",
    "contacto_nombre": "Laura Gómez Ruiz",
    "contacto_cargo": "Subdirectora",
    "contacto_telefono": "55 1234 5678",
    "contacto_extension": "101",
    "contacto_correo": "laura.gomez@prueba.gob.mx",
}
RETOS = ["Falta de personal en los puntos de internación.", "Coordinación con autoridades locales."]
EXPECTED = {
    "unidad": ANSWERS["unidad"],
    "nombre": ANSWERS["nombre"],
    "objetivo_programa": ANSWERS["objetivo_programa"],
    "poblacion_objetivo": ANSWERS["poblacion_objetivo"],
    "fecha_inicio": "2020-03-15",
    "temporalidad": "permanente",
    "descripcion": ANSWERS["descripcion"],
    "num_acciones": 12,
    "tipo_acciones": ANSWERS["tipo_acciones"],
    "personas_atendidas": 2500,
    "mujeres": 1200,
    "hombres": 1300,
    "alcance_nacional": False,
    "alcance_extranjero": True,
    "resultados": ANSWERS["resultados"],
    "contacto_nombre": "Laura Gómez Ruiz",
    "contacto_cargo": "Subdirectora",
    "contacto_telefono": "55 1234 5678",
    "contacto_extension": "101",
    "contacto_correo": "laura.gomez@prueba.gob.mx",
}
STATES = {"28", "26", "02"}  # Tamaulipas, Sonora, Baja California


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _objectives() -> str:
    return "\n".join(
        f"{o.number}. {o.title}" for o in ObjetivoPMM.objects.filter(number__in=[7, 16])
    )


def _set_cell(cell, text: str) -> None:
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def filled_template(ejercicio, answers=None, retos=None, template: bytes | None = None) -> bytes:
    """The app's template (or ``template``), filled in its answer column as a person would."""
    answers = {**ANSWERS, "objetivos_propuestos": _objectives(), **(answers or {})}
    document = docx.Document(io.BytesIO(template or build_docx(ejercicio)))
    labels = {row.label: row.key for row in layout(ejercicio)}
    for tr in document.tables[0].rows:
        cells = tr.cells
        key = labels.get(cells[0].paragraphs[0].text)
        if key is None or cells[0]._tc is cells[1]._tc:
            continue
        if key == "retos":
            for i, text in enumerate(RETOS if retos is None else retos):
                paragraph = cells[1].paragraphs[0] if i == 0 else cells[1].add_paragraph()
                paragraph.text = text
                paragraph.style = document.styles["List Bullet"]
        elif key in answers:
            _set_cell(cells[1], answers[key])
    return _save(document)


def _values(parsed) -> dict:
    values = {}
    for name, value in parsed.values.items():
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def _check_expected(parsed) -> None:
    values = _values(parsed)
    assert {k: values.get(k) for k in EXPECTED} == EXPECTED
    assert set(values["entidades"]) == STATES
    assert values["objetivos_propuestos"] == [7, 16]
    assert parsed.retos == RETOS


def test_the_template_matches_the_form_and_reads_back_empty(ejercicio):
    data = build_docx(ejercicio)
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(c.text for r in document.tables[0].rows for c in r.cells)
    for label in (
        "NOMBRE DEL PROGRAMA",
        "1. Objetivo del programa (en qué consiste)",
        "RESULTADOS ALCANZADOS EN EL PERIODO DE JUNIO DE 2023 A JUNIO DE 2024",
        "Número de personas atendidas o que recibieron algún beneficio por la implementación",
        "Mujeres",
        "RETOS IDENTIFICADOS",
        "Se desarrollaron 10 campañas informativas.",
    ):
        assert label in text
    parsed = read_docx(data, "plantilla.docx", ejercicio=ejercicio)
    assert parsed.unrecognized == [] and parsed.retos == []
    assert not any(v for v in parsed.values.values())


def test_the_template_filled_in_its_table(ejercicio):
    parsed = read_docx(filled_template(ejercicio), "tabla.docx", ejercicio=ejercicio)
    _check_expected(parsed)
    assert parsed.unrecognized == []


def paragraphs_document(ejercicio) -> bytes:
    """The same content as headings, bold labels and «Etiqueta: texto» paragraphs."""
    document = docx.Document()
    document.add_heading("Ficha técnica", level=1)
    p = document.add_paragraph()
    p.add_run("Unidad/Dirección General").bold = True
    p.add_run(" " + ANSWERS["unidad"])
    document.add_heading("3. Objetivo del PMM que atiende el programa que se implementa", level=2)
    for line in _objectives().split("\n"):
        document.add_paragraph(line)
    document.add_paragraph(f"nombre  del   PROGRAMA: {ANSWERS['nombre']}")
    document.add_heading("5. Descripcion", level=2)
    for key, label in (
        ("objetivo_programa", "Objetivo del programa"),
        ("poblacion_objetivo", "Población objetivo"),
    ):
        p = document.add_paragraph()
        p.add_run(label + ":").bold = True
        p.add_run(" " + ANSWERS[key])
    document.add_paragraph(f"Fecha de inicio: {ANSWERS['fecha_inicio']}")
    document.add_paragraph("TEMPORALIDAD: permanente")
    p = document.add_paragraph()
    p.add_run("Descripción del programa, acción o buena práctica").bold = True
    for line in ANSWERS["descripcion"].split("\n"):
        document.add_paragraph(line)
    document.add_heading(
        "6. Resultados alcanzados en el periodo de junio de 2023 a junio de 2024", 2
    )
    for key, label in (
        ("num_acciones", "Número de acciones"),
        ("tipo_acciones", "Tipo de acciones"),
        ("personas_atendidas", "Personas atendidas"),
        ("mujeres", "Mujeres"),
        ("hombres", "Hombres"),
        ("alcance_nacional", "Federal (en todo el país)"),
        ("alcance_extranjero", "En el extranjero"),
        ("entidades", "Entidades federativas"),
    ):
        p = document.add_paragraph()
        p.add_run(label).bold = True
        p.add_run(": " + ANSWERS[key].replace("\n", ", "))
    document.add_paragraph("Resultados (redacción)", style="Heading 3")
    document.add_paragraph(ANSWERS["resultados"])
    document.add_heading("7. RETOS IDENTIFICADOS", 2)
    for reto in RETOS:
        document.add_paragraph(reto, style="List Bullet")
    document.add_heading("8. Punto de contacto para seguimiento", 2)
    for key, label in (
        ("contacto_nombre", "Nombre"),
        ("contacto_cargo", "Cargo"),
        ("contacto_telefono", "Teléfono"),
        ("contacto_extension", "Extensión"),
        ("contacto_correo", "Correo electrónico"),
    ):
        p = document.add_paragraph()
        p.add_run(f"{label}:").bold = True
        p.add_run(f" {ANSWERS[key]}")
    return _save(document)


def test_the_same_content_as_paragraphs_with_bold_labels(ejercicio):
    parsed = read_docx(paragraphs_document(ejercicio), "parrafos.docx", ejercicio=ejercicio)
    # «Ficha técnica», the heading before any label, is the only text not placed.
    assert parsed.unrecognized == ["Ficha técnica"]
    _check_expected(parsed)


def older_form(ejercicio) -> bytes:
    """The Word form as institutions used it before: one answer cell per official rubro, the
    results heading with the 2021-2022 period and its sub-items written inside the cell."""
    document = docx.Document()
    document.add_paragraph(
        "FICHA TÉCNICA DE PROGRAMAS, ACCIONES Y BUENAS PRÁCTICAS ALINEADAS A LOS OBJETIVOS DEL "
        "PACTO MUNDIAL PARA UNA MIGRACIÓN SEGURA, ORDENADA Y REGULAR (PMM)"
    )
    table = document.add_table(rows=0, cols=2)
    rows = [
        ("1. NOMBRE DE LA DEPENDENCIA/ÓRGANO DESCONCENTRADO/ORGANISMO AUTÓNOMO", "SRE"),
        ("2. UNIDAD/DIRECCIÓN GENERAL", ANSWERS["unidad"]),
        ("3. OBJETIVO DEL PMM QUE ATIENDE EL PROGRAMA QUE SE IMPLEMENTA", "Objetivo 7"),
        ("4. NOMBRE DEL PROGRAMA", ANSWERS["nombre"]),
        ("5. DESCRIPCIÓN", "Orientación en los puntos de internación desde 2020."),
        (
            "6. RESULTADOS ALCANZADOS EN EL PERIODO DE JUNIO DE 2021 A JUNIO DE 2022",
            "Número de acciones que se desarrollaron a través del programa en el periodo "
            "designado: 12\n"
            "Número de personas atendidas o que recibieron algún beneficio por la "
            "implementación del programa: 2 500\n"
            "Desagregación por sexo: 1,200 mujeres y 1,300 hombres\n"
            "Zona geográfica donde se implementó el programa: Tamaulipas y Sonora\n"
            "Se instalaron módulos en los cruces fronterizos.",
        ),
        ("7. RETOS IDENTIFICADOS", "• " + RETOS[0] + "\n• " + RETOS[1]),
        (
            "8. PUNTO DE CONTACTO PARA SEGUIMIENTO-NOMBRE, CARGO, TELÉFONO CON EXTENSIÓN Y "
            "CORREO ELECTRÓNICO",
            "Laura Gómez Ruiz\nSubdirectora\nTel. 55 1234 5678 ext. 101\nlaura.gomez@prueba.gob.mx",
        ),
    ]
    for label, answer in rows:
        cells = table.add_row().cells
        cells[0].text = label
        _set_cell(cells[1], answer)
    return _save(document)


def test_the_older_wording_of_the_form(ejercicio):
    parsed = read_docx(older_form(ejercicio), "anterior.docx", ejercicio=ejercicio)
    values = _values(parsed)
    assert parsed.actor_text == "SRE"
    assert values["objetivos_propuestos"] == [7]
    assert values["descripcion"] == "Orientación en los puntos de internación desde 2020."
    assert (values["num_acciones"], values["personas_atendidas"]) == (12, 2500)
    assert (values["mujeres"], values["hombres"]) == (1200, 1300)
    assert set(values["entidades"]) == {"28", "26"}
    assert values["resultados"] == "Se instalaron módulos en los cruces fronterizos."
    assert parsed.retos == RETOS
    assert values["contacto_nombre"] == "Laura Gómez Ruiz"
    assert values["contacto_cargo"] == "Subdirectora"
    assert values["contacto_telefono"] == "55 1234 5678"
    assert values["contacto_extension"] == "101"
    assert values["contacto_correo"] == "laura.gomez@prueba.gob.mx"
    # The zone sentence is kept for the person to check; nothing else is left over.
    assert parsed.unrecognized == [
        "Zona geográfica donde se implementó el programa: Tamaulipas y Sonora"
    ]


def _numbered(document, text: str, level: int) -> None:
    """A list paragraph with Word's own numbering (numPr), as Word writes nested bullets."""
    paragraph = document.add_paragraph(text, style="List Paragraph")
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>'
        )
    )


def test_nested_bullets_stay_with_their_reto(ejercicio):
    document = docx.Document()
    document.add_paragraph("Retos identificados", style="Heading 2")
    _numbered(document, "Falta de personal.", 0)
    _numbered(document, "En la frontera norte.", 1)
    _numbered(document, "En los consulados.", 2)
    document.add_paragraph("Rotación alta del personal capacitado.", style="List Bullet")
    document.add_paragraph("Sobre todo en temporada vacacional.", style="List Bullet 2")
    document.add_paragraph("Lo atendemos con capacitación en línea.")
    document.add_paragraph("Nombre del programa: Programa con retos anidados")
    parsed = read_docx(_save(document), "anidados.docx", ejercicio=ejercicio)
    assert parsed.retos == [
        "Falta de personal.\n  - En la frontera norte.\n    - En los consulados.",
        "Rotación alta del personal capacitado.\n  - Sobre todo en temporada vacacional.\n"
        "Lo atendemos con capacitación en línea.",
    ]
    assert parsed.values["nombre"] == "Programa con retos anidados"


def test_retos_typed_as_paragraphs_and_no_retos(ejercicio):
    document = docx.Document()
    document.add_paragraph("RETOS IDENTIFICADOS")
    document.add_paragraph("Primer reto escrito como párrafo.")
    document.add_paragraph("Segundo reto.")
    parsed = read_docx(_save(document), "p.docx", ejercicio=ejercicio)
    assert parsed.retos == ["Primer reto escrito como párrafo.", "Segundo reto."]
    document = docx.Document()
    document.add_paragraph("Retos: No se identificaron retos.")
    parsed = read_docx(_save(document), "p.docx", ejercicio=ejercicio)
    assert parsed.retos == [] and parsed.values["sin_retos"] is True


def test_what_fits_nowhere_goes_to_the_note_and_the_draft_saves(ejercicio, actor_a, focal_a):
    answers = {
        "personas_atendidas": "unas 2 500 en 2023",  # two numbers: not a figure
        "fecha_inicio": "a principios de 2020",
        "temporalidad": "Depende del presupuesto",
        "tipo_acciones": "x" * 300,  # longer than the field allows
        "entidades": "Tamaulipas\nRegión Sur",
    }
    data = filled_template(ejercicio, answers)
    parsed = read_docx(data, "n.docx", ejercicio=ejercicio)
    ficha = create_draft(parsed, actor=actor_a, ejercicio=ejercicio, by=focal_a)
    ficha.refresh_from_db()
    assert ficha.personas_atendidas is None and ficha.fecha_inicio is None
    assert ficha.tipo_acciones == "" and ficha.temporalidad == ""
    assert set(ficha.entidades.values_list("pk", flat=True)) == {"28"}
    note = ficha.texto_no_reconocido
    for text in ("unas 2 500 en 2023", "a principios de 2020", "Depende del presupuesto",
                 "x" * 300, "Región Sur"):  # fmt: skip
        assert text in note
    assert "el máximo es 200" in note  # the form's own reason for the long text
    assert ficha.nombre == ANSWERS["nombre"] and ficha.status == "borrador"
    assert FichaEvent.objects.filter(ficha=ficha, kind="creada", by=focal_a).exists()


def test_figures_that_do_not_add_up_keep_the_total_in_the_note(ejercicio, actor_a, focal_a):
    parsed = read_docx(
        filled_template(ejercicio, {"personas_atendidas": "100", "mujeres": "80", "hombres": "70"}),
        "s.docx",
        ejercicio=ejercicio,
    )
    prepared = prepare(parsed, Ficha(actor=actor_a, ejercicio=ejercicio))
    assert prepared.form.cleaned_data["personas_atendidas"] is None
    assert prepared.form.cleaned_data["mujeres"] == 80
    assert "Personas atendidas: 100 (Mujeres + hombres" in prepared.note


# ---------------------------------------------------------------------------------------------
# Refused files
# ---------------------------------------------------------------------------------------------


def _refused(data: bytes, name: str = "ficha.docx") -> str:
    with pytest.raises(DocxRefused) as caught:
        check_archive(data, name)
    return str(caught.value)


def _bounded(data: bytes, name: str = "bomba.docx") -> tuple[str, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = _refused(data, name)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return message, elapsed, peak


@pytest.fixture(scope="module")
def minimal_docx() -> bytes:
    return _save(docx.Document())


def _rezip(source: bytes, changes: dict[str, bytes | None], extra: dict[str, bytes] | None = None):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename in changes:
                replacement = changes[info.filename]
                if replacement is not None:
                    zout.writestr(info.filename, replacement)
            else:
                zout.writestr(info, zin.read(info))
        for name, content in (extra or {}).items():
            zout.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_fast_with_bounded_memory(minimal_docx):
    # A real bomb: 30 MB of one repeated byte in the document part compress to ~30 KB.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with zipfile.ZipFile(io.BytesIO(minimal_docx)) as source:
            for info in source.infolist():
                if info.filename != "word/document.xml":
                    z.writestr(info.filename, source.read(info))
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            for _i in range(30):
                part.write(b"\x20" * 1024 * 1024)
    bomb = out.getvalue()
    assert len(bomb) < 200 * 1024
    message, elapsed, peak = _bounded(bomb)
    assert "demasiado grande" in message
    assert elapsed < 0.5 and peak < 2 * 1024 * 1024, (elapsed, peak)

    # Headers that claim 4 GB (a bomb that lies about its size) and too many entries.
    lying = bytearray(minimal_docx)
    start = lying.find(b"PK\x01\x02")
    lying[start + 24 : start + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    message, elapsed, peak = _bounded(bytes(lying))
    assert "demasiado grande" in message and elapsed < 0.5 and peak < 2 * 1024 * 1024
    many = _rezip(minimal_docx, {}, {f"word/media/x{i}.bin": b"" for i in range(1001)})
    assert "demasiado grande" in _refused(many)


def test_an_entity_bomb_is_refused(minimal_docx):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = _rezip(minimal_docx, {"word/document.xml": bomb})
    assert "XML no permitidas" in _refused(data)
    # Far into the prolog, in UTF-16, or in a part whose name does not say XML.
    late = bomb.replace(b"?>", b"?>" + b"<!-- " + b"x" * 20_000 + b" -->", 1)
    assert "XML no permitidas" in _refused(_rezip(minimal_docx, {"word/document.xml": late}))
    utf16 = bomb.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    wide = utf16.encode("utf-16-le")
    assert "XML no permitidas" in _refused(_rezip(minimal_docx, {"word/document.xml": wide}))
    hidden = _rezip(minimal_docx, {}, {"word/media/datos.bin": bomb})
    assert "XML no permitidas" in _refused(hidden)


def test_macros_are_refused(minimal_docx):
    with zipfile.ZipFile(io.BytesIO(minimal_docx)) as z:
        types = z.read("[Content_Types].xml")
    macro_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    docm = _rezip(minimal_docx, {"[Content_Types].xml": macro_types})
    assert "macros (.docm)" in _refused(docm)
    assert "macros (.docm)" in _refused(docm, "ficha.docm")
    with_vba = _rezip(minimal_docx, {}, {"word/vbaProject.bin": b"\x00" * 64})
    assert "macros (.docm)" in _refused(with_vba)


def test_encrypted_legacy_pdf_and_images_are_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    encrypted = ole + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    assert "protegido con contraseña" in _refused(encrypted)
    assert "versión antigua de Word (.doc)" in _refused(ole + b"WordDocument", "ficha.doc")
    assert "es un PDF" in _refused(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "ficha.docx")
    assert "imagen" in _refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert "imagen" in _refused(b"\xff\xd8\xff\xe0" + b"\x00" * 40, "foto.docx")
    assert "no es un documento de Word" in _refused(b"Hola, esto es texto.", "ficha.docx")
    assert "10 MB" in _refused(b"PK\x03\x04" + b"\x00" * MAX_FILE_BYTES)


def test_external_links_are_never_fetched(ejercicio, tmp_path):
    secret = tmp_path / "secreto.txt"
    secret.write_text("no")
    document = docx.Document(io.BytesIO(filled_template(ejercicio)))
    part = document.part
    image = part.relate_to("http://127.0.0.1:9/imagen.png", RT.IMAGE, is_external=True)
    local = part.relate_to(secret.as_uri(), RT.IMAGE, is_external=True)
    document.part._settings_part.relate_to(
        "http://127.0.0.1:9/plantilla.dotm", ATTACHED_TEMPLATE, is_external=True
    )
    for rid in (image, local):
        document.add_paragraph()._p.append(
            parse_xml(
                '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'xmlns:v="urn:schemas-microsoft-com:vml" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<w:pict><v:shape><v:imagedata r:id="{rid}"/></v:shape></w:pict></w:r>'
            )
        )
    data = _save(document)
    events = []
    watching = True

    def hook(event, args):
        if watching and event in ("socket.connect", "socket.getaddrinfo", "urllib.Request", "open"):
            events.append((event, str(args[0])))

    sys.addaudithook(hook)
    try:
        parsed = read_docx(data, "enlaces.docx", ejercicio=ejercicio)
        seen_by_reader = list(events)
        secret.read_text()  # the hook does see a read of the file
    finally:
        watching = False
    assert [e for e in seen_by_reader if e[0] != "open"] == []
    assert not [e for e in seen_by_reader if "secreto" in e[1] or "imagen" in e[1]]
    assert ("open", str(secret)) in events
    assert parsed.values["nombre"] == ANSWERS["nombre"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def test_a_large_file_under_the_limit_is_accepted(ejercicio, tmp_path):
    # A PNG whose pixel data is random (it does not compress): the file ends at about 9.9 MB.
    pixels = os.urandom(9_880_000)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", b"\x00\x00\x07\x80\x00\x00\x04\x38\x08\x02\x00\x00\x00")
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )
    picture = tmp_path / "foto.png"
    picture.write_bytes(png)
    document = docx.Document(io.BytesIO(filled_template(ejercicio)))
    document.add_picture(str(picture))
    data = _save(document)
    assert 9_800_000 < len(data) <= MAX_FILE_BYTES
    parsed = read_docx(data, "grande.docx", ejercicio=ejercicio)
    _check_expected(parsed)


def test_one_ficha_per_file(ejercicio):
    document = docx.Document()
    for name in ("Programa uno", "Programa dos"):
        document.add_paragraph(f"Nombre del programa: {name}")
        document.add_paragraph(f"Descripción del programa, acción o buena práctica: {name}.")
    with pytest.raises(DocxRefused, match="más de una ficha"):
        read_docx(_save(document), "dos.docx", ejercicio=ejercicio)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_content_controls_text_boxes_revisions_and_odd_markup(ejercicio):
    """What Word writes besides plain paragraphs: read where it belongs, never a server error."""
    document = docx.Document()
    body = document.element.body
    sect = body[-1]
    pieces = [
        # A block content control holding a label and its answer.
        f"<w:sdt {W_NS}><w:sdtContent><w:p><w:r><w:t>Nombre del programa: Programa en "
        "control</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        # A tracked deletion is not read; a tracked insertion is.
        f'<w:p {W_NS}><w:r><w:t>Población objetivo: </w:t></w:r><w:del w:id="1" '
        'w:author="x"><w:r><w:delText>borrado</w:delText></w:r></w:del><w:ins w:id="2" '
        'w:author="x"><w:r><w:t>Personas migrantes</w:t></w:r></w:ins></w:p>',
        # A list level that is not a number, and a run of digits far beyond any count.
        f'<w:p {W_NS}><w:pPr><w:numPr><w:ilvl w:val="x"/><w:numId w:val="3"/></w:numPr>'
        "</w:pPr><w:r><w:t>Mujeres: 9" + "9" * 5000 + "</w:t></w:r></w:p>",
        # A text box inside a paragraph: its text comes after the paragraph's own.
        f'<w:p {W_NS} xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        "<w:r><w:t>Tipo de acciones: ferias</w:t></w:r><w:r><w:drawing><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>Texto en un cuadro</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        "</w:drawing></w:r></w:p>",
    ]
    for xml in pieces:
        sect.addprevious(parse_xml(xml))
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Resultados (redacción)"
    inner = table.rows[0].cells[1].add_table(rows=1, cols=2)
    inner.rows[0].cells[0].text = "Talleres"
    inner.rows[0].cells[1].text = "12"
    parsed = read_docx(_save(document), "raro.docx", ejercicio=ejercicio)
    values = parsed.values
    assert values["nombre"] == "Programa en control"
    assert values["poblacion_objetivo"] == "Personas migrantes"
    assert values["mujeres"] == 10**15  # kept as a figure the form then refuses, with the text
    assert values["tipo_acciones"] == "ferias\nTexto en un cuadro"
    assert values["resultados"] == "Talleres | 12"
