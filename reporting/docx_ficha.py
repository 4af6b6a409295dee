"""The ficha técnica as a Word file: the layout, the template and the export.

``layout(ejercicio)`` lists the rows of the official ficha in the form's own order, with the
form's own labels and guidance (``FichaForm.sections()``, field labels and help texts), so the
.docx always matches the web form. ``build_docx`` writes it: one table of label / answer rows,
empty (the template) or filled (a ficha's export). ``reporting/docx_reader.py`` reads a filled
file back (docs/word.md §W2) with the same layout; docs/word.md §W1 describes the format, the
safety checks are ``reporting/docx_safety.py`` (§W3) and the writes ``reporting/docx_import.py``
(§W4).
"""

import datetime
import html
import io
import re
from dataclasses import dataclass
from typing import cast
from xml.sax.saxutils import escape as xml_escape

import docx
from django import forms
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor

from reporting.forms import CountField, FichaForm
from reporting.models import Ejercicio, Ficha, ObjetivoPMM, Temporalidad

# ---------------------------------------------------------------------------------------------
# The layout (docs/word.md §W1)
# ---------------------------------------------------------------------------------------------

TITLE = (
    "FICHA TÉCNICA DE PROGRAMAS, ACCIONES Y BUENAS PRÁCTICAS ALINEADAS A LOS OBJETIVOS DEL "
    "PACTO MUNDIAL PARA UNA MIGRACIÓN SEGURA, ORDENADA Y REGULAR (PMM)"
)


@dataclass(frozen=True)
class Row:
    """One row of the Word ficha.

    ``kind``: «section» (a heading row spanning the table), «group» (a sub-heading) or
    «field» (label / answer). ``key``: a ficha field, or «actor», «retos», «contacto», a
    section slug or a group name; ``target`` is where text written under a heading goes.
    ``aliases`` are other labels recognised anywhere; ``scoped`` only inside ``section``.
    """

    kind: str
    key: str
    label: str
    section: str
    guidance: tuple[str, ...] = ()
    hint: str = ""
    aliases: tuple[str, ...] = ()
    scoped: tuple[str, ...] = ()
    target: str = ""
    prefixes: tuple[str, ...] = ()
    # The label itself only inside ``section`` («Nombre», «Cargo» of the contact block).
    label_scoped: bool = False


# Other labels people write (older forms, shorter wording), by field (docs/word.md §W2).
ALIASES: dict[str, tuple[str, ...]] = {
    "actor": ("Nombre de la dependencia", "Dependencia", "Institución"),
    "unidad": ("Unidad", "Unidad responsable", "Dirección General"),
    "objetivos_propuestos": (
        "Objetivo(s) del PMM",
        "Objetivos del PMM",
        "Objetivo del PMM",
        "Objetivo del PMM que atiende",
    ),
    "nombre": ("Nombre del programa, acción o buena práctica", "Nombre de la acción"),
    "descripcion_section": ("Descripción del programa",),
    "objetivo_programa": ("Objetivo del programa",),
    "poblacion_objetivo": (
        "Población objetivo",
        "A quién va dirigido",
        "A quién va dirigido el programa o acción",
    ),
    "periodo_implementacion": ("Periodo de implementación", "Temporalidad del programa"),
    "fecha_conclusion": ("Fecha de término", "Fecha de conclusión (si es temporal)"),
    "descripcion": ("Descripción de la acción", "Descripción de la buena práctica"),
    "periodo_inicio": ("Inicio del periodo reportado",),
    "periodo_fin": ("Fin del periodo reportado",),
    "num_acciones": ("Número de acciones",),
    "personas_atendidas": (
        "Número de personas atendidas",
        "Personas atendidas",
        "Número de personas beneficiadas",
        "Personas beneficiadas",
    ),
    "sexo": (
        "Desagregación por sexo",
        "Desagregación por sexo: Cuántas mujeres u hombres se atendieron o recibieron el beneficio",
        "Personas atendidas desagregadas por sexo",
    ),
    "otras_personas": ("Otras personas", "Sexo no especificado"),
    "grupos_traslapados": ("Los grupos se traslapan",),
    "zona": ("Zona geográfica",),
    "alcance_nacional": ("Alcance nacional",),
    "alcance_extranjero": ("En el extranjero",),
    "alcance_regiones": ("Regiones o localidades",),
    "explicacion_sin_cifras": (
        "Si no se cuenta con cifras numéricas",
        "Explicación de los alcances del programa",
    ),
    "resultados": ("Redacción de los resultados",),
    "resultados_section": ("Resultados", "Resultados alcanzados"),
    "retos": ("Retos", "Retos identificados"),
    "contacto": ("Punto de contacto para seguimiento", "Punto de contacto", "Datos de contacto"),
}
# Recognised only inside their own section: short words that mean something else elsewhere.
SCOPED: dict[str, tuple[str, ...]] = {
    "objetivo_programa": ("Objetivo",),
    "fecha_inicio": ("Inicio",),
    "alcance_nacional": ("Federal", "Nacional"),
    "entidades": ("Estados",),
    "alcance_extranjero": ("Extranjero",),
    "alcance_regiones": ("Regiones",),
    "contacto_nombre": ("Nombre", "Nombre completo"),
    "contacto_cargo": ("Cargo", "Puesto"),
    "contacto_telefono": ("Teléfono", "Tel", "Teléfono con extensión"),
    "contacto_extension": ("Extensión", "Ext"),
    "contacto_correo": ("Correo electrónico", "Correo", "Email", "E-mail"),
}
# The group headings of the form, named by the first field of their group.
GROUP_KEYS = {
    "fecha_inicio": "periodo_implementacion",
    "periodo_inicio": "periodo_reportado",
    "mujeres": "sexo",
    "alcance_nacional": "zona",
}


def annex_title() -> str:
    return _("Anexo. Los 23 Objetivos del PMM")


def _plain(help_text: object) -> tuple[str, ...]:
    """A form help text (possibly HTML with an examples list) as plain lines."""
    text = str(help_text or "")
    text = re.sub(r"<li>", "\n• ", text)
    text = re.sub(r"<span[^>]*>", "\n", text)
    lines = html.unescape(strip_tags(text)).split("\n")
    return tuple(line.strip() for line in lines if line.strip())


def _hint(name: str, formfield: forms.Field) -> str:
    if isinstance(formfield, CountField):
        return _("Escriba sólo el número, p. ej. 2 500.")
    if isinstance(formfield, forms.DateField):
        return _("Fecha con el formato dd/mm/aaaa.")
    if isinstance(formfield, forms.BooleanField):
        return _("Escriba «Sí» o «No».")
    if name == "temporalidad":
        return _("Escriba «Permanente» o «Temporal».")
    if name == "entidades":
        return _("Escriba el nombre de cada entidad federativa, una por renglón.")
    if name == "objetivos_propuestos":
        return _(
            "Escriba el número y el nombre de cada Objetivo del PMM que propone, uno por "
            "renglón (la lista de los 23 está al final de este documento)."
        )
    return ""


_CACHE: dict[tuple[str, int, str], object] = {}


def layout(ejercicio: Ejercicio) -> list[Row]:
    """The rows of the Word ficha, from the web form's sections, labels and help texts.

    Built once per exercise year and language (the labels are the form's, fixed in the code).
    """
    key = ("layout", ejercicio.year, translation.get_language() or "")
    if key not in _CACHE:
        _CACHE[key] = _layout(ejercicio)
    return cast(list[Row], _CACHE[key])


def _layout(ejercicio: Ejercicio) -> list[Row]:
    form = FichaForm(ejercicio=ejercicio)

    def field_row(name: str, section: str, label: object = None, extra=()) -> Row:
        formfield = form.fields[name]
        own = str(formfield.label)
        aliases = ALIASES.get(name, ())
        if label is not None and str(label) != own:
            aliases = (own, *aliases)
        return Row(
            "field",
            name,
            str(label) if label is not None else own,
            section,
            guidance=(*_plain(formfield.help_text), *extra),
            hint=_hint(name, formfield),
            aliases=aliases,
            scoped=SCOPED.get(name, ()),
        )

    rows = [
        Row(
            "field",
            "actor",
            _("NOMBRE DE LA DEPENDENCIA/ÓRGANO DESCONCENTRADO/ORGANISMO AUTÓNOMO"),
            "actor",
            guidance=(
                _(
                    "Nombre de la Secretaría de Estado/órgano desconcentrado/organismo autónomo "
                    "encargado de la implementación del programa, acción o buena práctica "
                    "relacionada con los Objetivos del PMM."
                ),
                _("Al importar, la ficha queda a nombre de la institución de su cuenta."),
            ),
            aliases=ALIASES["actor"],
            prefixes=("nombre de la dependencia",),
        )
    ]
    for section in form.sections():
        slug = section["slug"]
        instruction = (str(section["instruction"]),) if section.get("instruction") else ()
        groups = section["groups"]
        names = [item["field"].name for group in groups for item in group["items"]]
        if len(names) == 1:
            rows.append(field_row(names[0], slug, label=section["title"], extra=instruction))
            continue
        target = "resultados" if slug == "resultados" else "descripcion"
        rows.append(
            Row(
                "section",
                f"{slug}_section",
                str(section["title"]),
                slug,
                guidance=instruction,
                aliases=ALIASES.get(f"{slug}_section", ()),
                target=target,
                prefixes=("resultados alcanzados",) if slug == "resultados" else (),
            )
        )
        for group in groups:
            first = group["items"][0]["field"].name
            if group["title"]:
                key = GROUP_KEYS.get(first, first)
                rows.append(
                    Row(
                        "group",
                        key,
                        str(group["title"]),
                        slug,
                        aliases=ALIASES.get(key, ()),
                        target=key,
                    )
                )
            rows += [field_row(item["field"].name, slug) for item in group["items"]]
    rows.append(
        Row(
            "field",
            "retos",
            _("RETOS IDENTIFICADOS"),
            "retos",
            guidance=(
                _(
                    "Mencione los retos que su institución identifica en relación con la "
                    "implementación de sus programas para cumplir con los Objetivos del PMM. Cabe "
                    "destacar que deben ser retos que enfrenta la propia dependencia y no que se "
                    "puedan atribuir a algún agente externo."
                ),
                _(
                    "En esta sección se espera que las dependencias o instituciones señalen "
                    "cuáles han sido los elementos que impiden el buen desarrollo o "
                    "funcionamiento de los programas que implementan y, de ser el caso, explicar "
                    "cómo han enfrentado esta situación o qué se podría hacer para mejorar su "
                    "operación."
                ),
            ),
            hint=_("Escriba un reto por viñeta."),
            aliases=ALIASES["retos"],
        )
    )
    rows.append(field_row("sin_retos", "retos"))
    rows.append(
        Row(
            "section",
            "contacto",
            _(
                "PUNTO DE CONTACTO PARA SEGUIMIENTO-NOMBRE, CARGO, TELÉFONO CON EXTENSIÓN Y "
                "CORREO ELECTRÓNICO"
            ),
            "contacto",
            guidance=(
                _(
                    "La ficha informativa es de uso exclusivo de esta Unidad. Los datos de las y "
                    "los servidores públicos encargados de reportar los programas no son "
                    "publicados, solo se utilizan para aclaraciones sobre la información "
                    "proporcionada y para las solicitudes que se emiten anualmente."
                ),
            ),
            aliases=ALIASES["contacto"],
            target="contacto",
            prefixes=("punto de contacto",),
        )
    )
    for name in Ficha.CONTACT_FIELDS:
        row = field_row(name, "contacto")
        # «Nombre», «Cargo»: generic words, recognised only inside the contact section.
        scoped = name in ("contacto_nombre", "contacto_cargo")
        rows.append(
            Row(
                row.kind,
                row.key,
                row.label,
                row.section,
                row.guidance,
                row.hint,
                scoped=row.scoped,
                label_scoped=scoped,
            )
        )
    return rows


def instructions() -> tuple[str, ...]:
    return (
        _(
            "Instrucciones: Ingresar los datos solicitados en la fila correspondiente sobre el "
            "programa, acción o buena práctica alineada a uno de los 23 Objetivos del PMM."
        ),
        _(
            "Escriba cada respuesta en la columna de la derecha. La extensión máxima es de 180 "
            "palabras por rubro (Descripción, Resultados y Retos identificados). Puede subir este "
            "archivo en «Mis fichas» > «Importar desde Word»: cada archivo se convierte en un "
            "borrador que puede revisar antes de enviarlo."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Writing (template and export)
# ---------------------------------------------------------------------------------------------

GUIDANCE_COLOR = RGBColor(0x4A, 0x4A, 0x4A)
GUIDE_STYLE = "Guía de la ficha"
HEADING_FILL = "D9D9D9"
GROUP_FILL = "F2F2F2"


# Characters XML 1.0 cannot hold (a vertical tab pasted from Word, a form feed): dropped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Widths in twentieths of a point: label 7 cm, answer 10 cm, a heading row both.
LABEL_WIDTH, ANSWER_WIDTH = 3969, 5669


def _runs(text: str, *, bold: bool = False) -> str:
    """One run of plain text: line breaks and tabs as Word's own elements."""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    pieces = []
    for i, line in enumerate(_NOT_XML.sub("", text).split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, part in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if part:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(part)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>" if pieces else ""


def _p(text: str = "", *, bold: bool = False, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{_runs(text, bold=bold)}</w:p>"


def _label(row: Row, guide_id: str) -> str:
    lines = (*row.guidance, *([row.hint] if row.hint else []))
    return _p(row.label, bold=True) + "".join(_p(line, style=guide_id) for line in lines)


def _tc(width: int, content: str, *, span: int = 1, fill: str = "") -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content or _p()}</w:tc>"


def _lines(text: str) -> str:
    """Each line of a plain text as its own paragraph, verbatim (docs/ficha.md §R14)."""
    return "".join(_p(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _answer(ficha: Ficha, row: Row, bullet_id: str) -> str:
    if row.key == "retos":
        # One bullet per reto; line breaks inside a reto stay inside its bullet.
        return "".join(
            _p(r.texto.replace("\r\n", "\n").replace("\r", "\n"), style=bullet_id)
            for r in ficha.retos.all()
        )
    if row.key == "actor":
        return _p(ficha.actor.name)
    return _lines(display(ficha, row.key))


def _table(ejercicio: Ejercicio, ficha: Ficha | None, *, table_id: str, guide_id: str,
           bullet_id: str) -> str:  # fmt: skip
    """The label / answer table as WordprocessingML (written as text: python-docx's row and
    cell objects cost seconds for a table this size)."""
    rows = []
    for row in layout(ejercicio):
        if row.kind in ("section", "group"):
            fill = HEADING_FILL if row.kind == "section" else GROUP_FILL
            cells = _tc(LABEL_WIDTH + ANSWER_WIDTH, _label(row, guide_id), span=2, fill=fill)
        else:
            answer = _answer(ficha, row, bullet_id) if ficha is not None else ""
            cells = _tc(LABEL_WIDTH, _label(row, guide_id)) + _tc(ANSWER_WIDTH, answer)
        rows.append(f"<w:tr>{cells}</w:tr>")
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{table_id}"/>'
        '<w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{LABEL_WIDTH}"/><w:gridCol w:w="{ANSWER_WIDTH}"/></w:tblGrid>'
        + "".join(rows)
        + "</w:tbl>"
    )


def display(ficha: Ficha, name: str) -> str:
    """A field's value as the Word ficha writes it (and ``read_docx`` reads it back)."""
    value = getattr(ficha, name)
    if name == "objetivos_propuestos":
        return "\n".join(f"{o.number}. {o.title}" for o in value.all())
    if name == "entidades":
        return "\n".join(e.name for e in value.all())
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return f"{value:,}"
    if name == "temporalidad":
        return str(Temporalidad(value).label) if value else ""
    return str(value)


def build_docx(ejercicio: Ejercicio, ficha: Ficha | None = None) -> bytes:
    """The Word ficha: the empty template, or ``ficha`` filled in. No side effects.

    The export never carries UPMRIP's fields nor the «Texto no reconocido» note; the contact
    block is there because only people who may see the ficha download it (docs/word.md §W1).
    """
    document = docx.Document()
    for sec in document.sections:
        sec.left_margin = sec.right_margin = Cm(2)
        sec.top_margin = sec.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    properties = document.core_properties
    properties.title = _("Ficha técnica PMM %(year)s") % {"year": ejercicio.year}
    properties.author = "UPMRIP"
    properties.comments = ""
    header = document.sections[0].header.paragraphs[0]
    if ficha is None:
        header.text = _("Ficha técnica · Ejercicio %(year)s · Plantilla") % {"year": ejercicio.year}
    else:
        header.text = _("Ficha técnica · Ejercicio %(year)s · %(status)s · %(date)s") % {
            "year": ejercicio.year,
            "status": ficha.get_status_display(),
            "date": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        }
    title = document.add_paragraph()
    title.add_run(TITLE).bold = True
    for line in instructions():
        document.add_paragraph(line)

    bullet = document.styles["List Bullet"].style_id
    guide = document.styles.add_style(GUIDE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    guide.base_style = normal
    guide.font.italic = True
    guide.font.size = Pt(8)
    guide.font.color.rgb = GUIDANCE_COLOR
    table = parse_xml(
        _table(
            ejercicio,
            ficha,
            table_id=document.styles["Table Grid"].style_id,
            guide_id=guide.style_id,
            bullet_id=bullet,
        )
    )
    document.add_paragraph()._p.addnext(table)

    annex = document.add_paragraph()
    annex.add_run(annex_title()).bold = True
    for objetivo in ObjetivoPMM.objects.order_by("number"):
        document.add_paragraph(f"{objetivo.number}. {objetivo.title}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
