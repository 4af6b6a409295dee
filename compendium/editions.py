"""Creating and editing an exercise's Edición (the editable texts of its publications).

Defaults follow the 2023 Compendio General (docs/publications.md §C1) with the year and the
reporting period of the exercise; credits, authorities and other acronyms carry over from the most
recent earlier edition, since the people and acronyms rarely change from one year to the next.
"""

import datetime
import re
from typing import cast

from django.contrib.admin.models import ADDITION
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.models import Edicion
from reporting import audit
from reporting.models import Ejercicio, User
from reporting.text import spanish_date

ACTORS_LIST = (
    "Dependencias, Órganos Desconcentrados de la Administración Pública Federal, Organismos "
    "Constitucionales Autónomos, Gobiernos Estatales, Poder Legislativo, Poder Judicial y "
    "Organizaciones de la Sociedad Civil"
)

INTRODUCTION = f"""El objetivo de este compendio es presentar los programas, acciones y buenas \
prácticas de las {ACTORS_LIST} que están alineadas a los 23 Objetivos del Pacto Mundial para una \
Migración Segura, Ordenada y Regular.

Asimismo, el presente documento muestra los resultados reportados por dichas instituciones \
gubernamentales que se han generado como producto de la aplicación de estos programas y \
actividades, así como algunos retos que se reportaron para la implementación de estos.

El periodo a reportar por parte de los diferentes actores que colaboraron con la información \
sobre los resultados generados abarca {{periodo}}; sin embargo, el periodo de reporte puede \
variar según la fecha en que se inició o se modificó el programa reportado."""

ADDRESS = (
    "calle Abraham González núm. 48, edificio L, piso 2, col. Juárez, alcaldía Cuauhtémoc, "
    "C.P. 06600, Ciudad de México"
)

CREDITS = """D.R. {year} © {title}. Pacto Mundial para una Migración Segura, Ordenada y Regular, \
editada por la Coordinación de Política Migratoria/Unidad de Política Migratoria, Registro e \
Identidad de Personas/Subsecretaría de Derechos Humanos, Población y Migración/Secretaría de \
Gobernación, {address}. Tel 55 5128 0000, http://www.politicamigratoria.gob.mx/es/PoliticaMigratoria

Editor responsable: Jesús Adrián González Mondragón. Responsable de la última actualización de \
este número, Dirección de Relaciones Internacionales e Interinstitucionales de la UPMRIP. \
{address_cap}. Fecha de última modificación {date}.

Coordinación general de la obra:
Rocío González Higuera
Teresa Heessel Pimentel Vázquez

Coordinación de información:
Jesús González Mondragón

Informe:
Jesús González Mondragón
Daniela Sánchez Guerrero
Armando Ibarra Landin
Nora Luz Álvarez Báez
Jonathan Gerardo Hernández Camarillo

Diseño:
Laura Jaime Villaseñor

Se permite la reproducción total o parcial sin fines comerciales, citando la fuente. Las \
opiniones vertidas en este documento son responsabilidad de sus autores y no reflejan, \
necesariamente, la opinión de la Unidad de Política Migratoria, Registro e Identidad de \
Personas. Este es un producto de la Coordinación de Política Migratoria de la Unidad de \
Política Migratoria, Registro e Identidad de Personas de la Secretaría de Gobernación.

www.politicamigratoria.gob.mx

Hecho en México"""

AUTHORITIES = """Secretaría de Gobernación
LUISA MARÍA ALCALDE LUJÁN | Secretaria de Gobernación
FÉLIX ARTURO MEDINA PADILLA | Subsecretario de Derechos Humanos, Población y Migración
CÉSAR YÁÑEZ CENTENO | Subsecretario de Desarrollo Democrático, Participación Social y \
Asuntos Religiosos"""

CLOSING = f"""El presente documento se realizó en la Coordinación de Política Migratoria de la \
Unidad de Política Migratoria, Registro e Identidad de Personas de la Secretaría de Gobernación.

Este Compendio fue elaborado en su edición {{year}}, con base en la información compartida por las \
prácticas de las {ACTORS_LIST} que están alineadas a los 23 Objetivos del Pacto Mundial para una \
Migración Segura, Ordenada y Regular.

Se permite la reproducción total o parcial sin fines comerciales del presente documento con la \
debida mención de la fuente.

Para más información, puede acceder a:
http://www.politicamigratoria.gob.mx/

{{date}}"""

# Fields of an Edición a coordinator edits (the form shows them in this order).
TEXT_FIELDS = (
    "title",
    "date_line",
    "credits",
    "authorities",
    "introduction",
    "closing_text",
    "other_acronyms",
    "preambulo",
    "analisis_general",
    "analisis_federal",
    "analisis_estatal",
    "conclusiones",
    "evolucion_incluida",
    "evolucion_texto",
)


def default_texts(
    ejercicio: Ejercicio, *, today: datetime.date | None = None, date: str = ""
) -> dict[str, str]:
    """Initial texts of a new edition of ``ejercicio`` (year and dates filled in).

    ``date`` («28 de noviembre de 2023») overrides ``today`` (default: the current date).
    """
    year = ejercicio.year
    title = f"Compendio General {year}"
    date = date or spanish_date(today or timezone.localdate())
    texts = {
        "title": title,
        "date_line": f"Ciudad de México a {date}.",
        "credits": CREDITS.format(
            year=year,
            title=title,
            address=ADDRESS,
            address_cap=ADDRESS[0].upper() + ADDRESS[1:],
            date=date,
        ),
        "authorities": AUTHORITIES,
        "introduction": INTRODUCTION,
        "closing_text": CLOSING.format(year=year, date=date),
        "other_acronyms": "",
    }
    previous = Edicion.objects.filter(ejercicio__year__lt=year).order_by("-ejercicio__year").first()
    if previous:
        for name in ("authorities", "other_acronyms"):
            if getattr(previous, name).strip():
                texts[name] = getattr(previous, name)
    return texts


def edition_date(edicion: Edicion) -> str:
    """The date of the edition's date line («… a 28 de noviembre de 2023.»), or ""."""
    match = re.search(r"\d{1,2} de [a-záéíóú]+ de \d{4}", edicion.date_line or "")
    return match[0] if match else ""


def form_initial(edicion: Edicion) -> dict[str, str]:
    """The edition's texts for its form; blank front and back matter shows what will print.

    (``compendium.compendio`` prints the defaults for those blank texts, e.g. after an import.)
    """
    defaults = default_texts(edicion.ejercicio, date=edition_date(edicion))
    initial = {name: getattr(edicion, name) for name in TEXT_FIELDS}
    for name in ("introduction", "credits", "authorities", "closing_text"):
        if not initial[name].strip():
            initial[name] = defaults[name]
    from compendium.series import evolution_draft_for  # (import cycle) docs/series.md §S5

    initial["evolucion_borrador"] = evolution_draft_for(edicion)
    return initial


@transaction.atomic
def create_edicion(*, ejercicio: Ejercicio, by: User, **texts: str) -> Edicion:
    """Create the edition of ``ejercicio`` with the given texts (defaults for missing ones).

    Side effects: one Edicion row and its audit entry (``reporting.audit.record_change``).
    """
    values = {**default_texts(ejercicio), **{k: v for k, v in texts.items() if k in TEXT_FIELDS}}
    edicion = Edicion.objects.create(ejercicio=ejercicio, **values)
    audit.record_change(edicion, by=by, changes={}, note=_("Edición creada."), action_flag=ADDITION)
    return edicion


@transaction.atomic
def update_edicion(edicion: Edicion, *, by: User, **texts: str) -> Edicion:
    """Save new texts of an edition.

    Side effects: updates the Edicion row; one audit entry listing each changed text with its
    old and new value (``reporting.audit.record_change``).
    """
    changed = [k for k in TEXT_FIELDS if k in texts and getattr(edicion, k) != texts[k]]
    changes = {
        name: {
            "label": str(cast(Field, Edicion._meta.get_field(name)).verbose_name),
            "old": getattr(edicion, name),
            "new": texts[name],
        }
        for name in changed
    }
    for name in changed:
        setattr(edicion, name, texts[name])
    if changed:
        edicion.save(update_fields=[*changed, "updated_at"])
        audit.record_change(edicion, by=by, changes=changes)
    return edicion
