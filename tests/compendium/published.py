"""Published editions for tests: fichas → a published Compendio version → its public record.

The record is made through the real path (``compendium.public_record.freeze`` over the fichas,
as a publication does) without rendering a PDF: the version has no file (as an edition imported
with ``--publish`` and no PDF), or a one-page blank PDF when ``with_file`` is set. Every ficha
carries contact data (``CONTACT``), so privacy tests can look for it in public responses.

    from tests.compendium.published import publish_edition
    build = publish_edition(2023, programs=12)          # one edition, 12 programs
    publish_edition(2023, programs=12, replace=True)     # a second version of the same edition
"""

from __future__ import annotations

import datetime
import io
import itertools

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone
from pypdf import PdfWriter

from compendium import public_record
from compendium.informe import public_figures
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting import workflow
from reporting.models import Actor, EjercicioStatus, Ficha, FichaStatus, Reto, Subtema
from tests import factories

# Contact values every ficha made here carries: none may appear in a public response.
CONTACT = {
    "contacto_nombre": "Rigoberta Contactoprivado Quiñones",
    "contacto_cargo": "Subdirectora Confidencial de Enlace",
    "contacto_telefono": "55 9876 5432",
    "contacto_extension": "4321",
    "contacto_correo": "enlace.privado@prueba.gob.mx",
}

# (sigla, actor type, state INEGI code, name) of the institutions used, in turn.
INSTITUTIONS = [
    ("INM", "desconcentrado", None, "Instituto Nacional de Migración"),
    ("SRE", "apf", None, "Secretaría de Relaciones Exteriores"),
    ("COMAR", "desconcentrado", None, "Comisión Mexicana de Ayuda a Refugiados"),
    ("CHIAPAS", "estatal", "07", "Gobierno del Estado de Chiapas"),
    ("NUEVO LEÓN", "estatal", "19", "Gobierno del Estado de Nuevo León"),
    ("CNDH", "autonomo", None, "Comisión Nacional de los Derechos Humanos"),
]


def institution(index: int) -> Actor:
    sigla, tipo, entidad, name = INSTITUTIONS[index % len(INSTITUTIONS)]
    existing = Actor.objects.filter(sigla=sigla).first()
    return existing or factories.actor(sigla, tipo=tipo, entidad=entidad, name=name)


def make_fichas(ejercicio, programs: int, *, start: int = 0, **fields) -> list[Ficha]:
    """``programs`` approved fichas, classified (objective, ODS, eje, subtema, states) in turn.

    Bulk inserts (a handful of queries whatever ``programs``), so tests stay fast.
    """
    subtemas = list(Subtema.objects.order_by("eje", "position"))
    actors = [institution(i) for i in range(min(programs, len(INSTITUTIONS)))]
    fichas = []
    for i in range(start, start + programs):
        subtema = subtemas[i % len(subtemas)]
        values = {
            "ejercicio": ejercicio,
            "actor": actors[(i - start) % len(actors)] if actors else institution(i),
            "status": FichaStatus.APROBADA,
            "objetivo_asignado_id": (7, 15, 1, 3, 23)[i % 5],
            "nombre": f"Programa de atención a personas migrantes número {i + 1}",
            "objetivo_programa": "Brindar orientación y acompañamiento a personas migrantes.",
            "poblacion_objetivo": "Personas migrantes en tránsito y sus familias.",
            "temporalidad": "permanente",
            "descripcion": (
                f"Orientación jurídica y acompañamiento a niñas, niños y adolescentes migrantes "
                f"en la región {i + 1}."
            ),
            "resultados": "Se brindaron 1,245 atenciones en el periodo.",
            "personas_atendidas": 1245,
            "mujeres": 600,
            "hombres": 645,
            "alcance_nacional": True,
            "eje": subtema.eje,
            "subtema": subtema,
            **CONTACT,
            **fields,
        }
        fichas.append(Ficha(**values))
    fichas = Ficha.objects.bulk_create(fichas)
    Reto.objects.bulk_create(
        Reto(ficha=f, position=0, texto="Falta de personal capacitado en las oficinas de atención.")
        for f in fichas
    )
    ods = Ficha.ods.through
    ods.objects.bulk_create(
        ods(ficha_id=f.pk, ods_id=number)
        for i, f in enumerate(fichas, start=start)
        for number in sorted({(i % 17) + 1, ((i + 5) % 17) + 1})
    )
    states = Ficha.entidades.through
    states.objects.bulk_create(
        states(ficha_id=f.pk, entidadfederativa_id=code)
        for i, f in enumerate(fichas, start=start)
        for code in (["09", "07"] if i % 2 else ["19"])
    )
    return fichas


def publish_version(
    edicion: Edicion, *, with_file: bool = False, day: int = 28
) -> PublicationBuild:
    """The next published Compendio version of ``edicion`` over its approved fichas, frozen."""
    ejercicio = edicion.ejercicio
    ficha_ids = list(
        Ficha.objects.filter(ejercicio=ejercicio, status=FichaStatus.APROBADA).values_list(
            "pk", flat=True
        )
    )
    last = PublicationBuild.objects.filter(
        edicion=edicion, document=Document.COMPENDIO, draft=False
    ).aggregate(v=Max("version"))["v"]
    at = timezone.make_aware(datetime.datetime(ejercicio.year, 11, day, 10, 0))
    build = PublicationBuild.objects.create(
        edicion=edicion,
        document=Document.COMPENDIO,
        draft=False,
        status=BuildStatus.DONE,
        version=(last or 0) + 1,
        published_at=at,
        public_figures=public_figures(ejercicio, ficha_ids).to_json(),
    )
    if with_file:
        writer, stream = PdfWriter(), io.BytesIO()
        writer.add_blank_page(width=595, height=842)
        writer.write(stream)
        content = stream.getvalue()
        build.file.save(f"compendio-{ejercicio.year}-v{build.version}.pdf", ContentFile(content))
        build.size = len(content)
        build.pages = 1
        build.save(update_fields=["size", "pages"])
    workflow.mark_published(ficha_ids, by=None, at=at, note="Publicada en pruebas.")
    public_record.freeze(build, ficha_ids)
    return build


_years = itertools.count(2101)


def publish_edition(
    year: int | None = None,
    programs: int = 5,
    *,
    replace: bool = False,
    with_file: bool = False,
    **fields,
) -> PublicationBuild:
    """A published edition of ``year`` with ``programs`` new programs; returns its version.

    ``replace``: the edition exists; add the programs and publish its next version (the
    record is replaced). ``fields`` go to every ficha (e.g. ``nombre``, ``resultados``).
    """
    year = year or next(_years)
    ejercicio = factories.ejercicio(year, status=EjercicioStatus.PUBLICADO)
    start = Ficha.objects.filter(ejercicio=ejercicio).count()
    if start and not replace:
        raise ValueError(f"Year {year} has fichas already: pass replace=True")
    if programs:
        make_fichas(ejercicio, programs, start=start, **fields)
    edicion, _created = Edicion.objects.get_or_create(
        ejercicio=ejercicio,
        defaults={"title": f"Compendio General {year}", "date_line": "Ciudad de México."},
    )
    return publish_version(edicion, with_file=with_file)
