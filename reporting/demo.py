"""Demonstration data: institutions, accounts and about forty fichas técnicas in every state.

``load_demo()`` fills an empty database with an open Ejercicio 2024 (its deadline a few weeks
from today), a closed Ejercicio 2023 with a handful of approved fichas to carry over, twenty
institutions of every actor type, the UPMRIP coordinator and administrator, and focal points
(enlaces) of several institutions.

Every state is reached through ``reporting.workflow`` (``submit``, ``start_review``,
``return_for_changes``, ``approve``), so the history, the observations and the queued
notifications look exactly like real use. Institution names are real; program texts, people,
phone numbers and addresses (``@demo.gob.mx``) are fictitious.

The shared password ``demo-pmm-2024`` is for demonstration only: never load this data on a
server reachable from outside.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reporting import workflow
from reporting.exercises import create_ejercicio
from reporting.models import (
    Actor,
    ActorType,
    ChallengeCategory,
    Ejercicio,
    EjercicioStatus,
    EjeTematico,
    EntidadFederativa,
    Ficha,
    FichaEvent,
    FichaEventKind,
    Membership,
    Nota,
    ObjetivoPMM,
    Reto,
    Role,
    Subtema,
    User,
)

DEMO_PASSWORD = "demo-pmm-2024"
DEMO_YEAR = 2024
PREVIOUS_YEAR = 2023
UPMRIP_LABEL = "SEGOB (UPMRIP)"


@dataclass
class DemoAccounts:
    """What ``load_demo`` reports back: the accounts to log in with and what it created."""

    # (role label in Spanish, email, institution)
    accounts: list[tuple[str, str, str]]
    password: str = DEMO_PASSWORD
    created: bool = False
    # Fichas of the demo year per status, only when this call created them.
    fichas_by_status: dict[str, int] = field(default_factory=dict)
    previous_year_fichas: int = 0


# ---------------------------------------------------------------------------------------------
# Institutions and people
# ---------------------------------------------------------------------------------------------

# (sigla, official name, actor type code, INEGI code for state governments). For states the
# sigla is replaced by the state's printed name from the reference table.
ACTORS: list[tuple[str, str, str, str | None]] = [
    ("SRE", "Secretaría de Relaciones Exteriores", "apf", None),
    (
        UPMRIP_LABEL,
        "Unidad de Política Migratoria, Registro e Identidad de Personas de la Secretaría de "
        "Gobernación",
        "apf",
        None,
    ),
    ("STPS", "Secretaría del Trabajo y Previsión Social", "apf", None),
    ("SALUD", "Secretaría de Salud", "apf", None),
    ("INM", "Instituto Nacional de Migración", "desconcentrado", None),
    ("COMAR", "Comisión Mexicana de Ayuda a Refugiados", "desconcentrado", None),
    (
        "SNDIF",
        "Sistema Nacional para el Desarrollo Integral de la Familia",
        "descentralizado",
        None,
    ),
    ("INMUJERES", "Instituto Nacional de las Mujeres", "descentralizado", None),
    ("IMSS", "Instituto Mexicano del Seguro Social", "descentralizado", None),
    ("NUEVO LEÓN", "Gobierno del Estado de Nuevo León", "estatal", "19"),
    ("CHIAPAS", "Gobierno del Estado de Chiapas", "estatal", "07"),
    ("TABASCO", "Gobierno del Estado de Tabasco", "estatal", "27"),
    ("CAMPECHE", "Gobierno del Estado de Campeche", "estatal", "04"),
    ("BAJA CALIFORNIA", "Gobierno del Estado de Baja California", "estatal", "02"),
    ("CÁMARA DE DIPUTADOS", "Cámara de Diputados del H. Congreso de la Unión", "legislativo", None),
    ("IFDP", "Instituto Federal de Defensoría Pública", "judicial", None),
    ("CNDH", "Comisión Nacional de los Derechos Humanos", "autonomo", None),
    ("INEGI", "Instituto Nacional de Estadística y Geografía", "autonomo", None),
    ("IMUMI", "Instituto para las Mujeres en la Migración, A.C.", "osc", None),
    ("CAFAMI", "Centro de Atención a la Familia Migrante Indígena, A.C.", "osc", None),
]

COORDINATOR = "coordinacion@demo.gob.mx"
ADMIN = "admin@demo.gob.mx"

# (email, first name, last name, role, actor sigla, position, phone). Order = printed order.
PEOPLE: list[tuple[str, str, str, str, str | None, str, str]] = [
    (
        COORDINATOR,
        "Mariana",
        "Robles Contreras",
        Role.COORDINADOR,
        None,
        "Directora de Seguimiento al Pacto Mundial para la Migración",
        "55 5128 0000 ext. 33010",
    ),
    (
        ADMIN,
        "Jorge",
        "Villaseñor Ortiz",
        Role.ADMINISTRADOR,
        None,
        "Subdirector de Sistemas de Información",
        "55 5128 0000 ext. 33045",
    ),
    (
        "enlace.inm@demo.gob.mx",
        "Laura",
        "Méndez Acosta",
        Role.ENLACE,
        "INM",
        "Subdirectora de Vinculación Interinstitucional",
        "55 5387 2400 ext. 1234",
    ),
    (
        "enlace2.inm@demo.gob.mx",
        "Ricardo",
        "Salgado Pineda",
        Role.ENLACE,
        "INM",
        "Jefe de Departamento de Programas de Protección a Migrantes",
        "55 5387 2400 ext. 1251",
    ),
    (
        "enlace.nuevoleon@demo.gob.mx",
        "Daniela",
        "Garza Treviño",
        Role.ENLACE,
        "NUEVO LEÓN",
        "Coordinadora de Atención a Personas en Movilidad, Secretaría de Igualdad e Inclusión",
        "81 2020 1000 ext. 4410",
    ),
    (
        "enlace.imumi@demo.gob.mx",
        "Sofía",
        "Herrera Campos",
        Role.ENLACE,
        "IMUMI",
        "Coordinadora de Incidencia y Vinculación",
        "55 5211 4000 ext. 105",
    ),
    (
        "enlace.sre@demo.gob.mx",
        "Alejandro",
        "Torres Beltrán",
        Role.ENLACE,
        "SRE",
        "Director de Asuntos Multilaterales de Migración",
        "55 3686 5100 ext. 7712",
    ),
    (
        "enlace.upmrip@demo.gob.mx",
        "Patricia",
        "Lozano Ríos",
        Role.ENLACE,
        UPMRIP_LABEL,
        "Subdirectora de Estadística Migratoria",
        "55 5128 0000 ext. 33120",
    ),
    (
        "enlace.stps@demo.gob.mx",
        "Miguel Ángel",
        "Rosales Cruz",
        Role.ENLACE,
        "STPS",
        "Director de Movilidad Laboral",
        "55 3000 2700 ext. 6321",
    ),
    (
        "enlace.salud@demo.gob.mx",
        "Verónica",
        "Ibarra Solís",
        Role.ENLACE,
        "SALUD",
        "Subdirectora de Salud del Migrante",
        "55 5062 1600 ext. 5230",
    ),
    (
        "enlace.sndif@demo.gob.mx",
        "Claudia",
        "Navarro Peña",
        Role.ENLACE,
        "SNDIF",
        "Jefa de Departamento de Atención a Niñas, Niños y Adolescentes Migrantes",
        "55 3003 2200 ext. 2874",
    ),
    (
        "enlace.inmujeres@demo.gob.mx",
        "Gabriela",
        "Fuentes Aguilar",
        Role.ENLACE,
        "INMUJERES",
        "Directora de Política Nacional de Igualdad",
        "55 5322 4200 ext. 3090",
    ),
    (
        "enlace.chiapas@demo.gob.mx",
        "Héctor",
        "Gómez Velasco",
        Role.ENLACE,
        "CHIAPAS",
        "Director de Atención a Migrantes, Secretaría para la Frontera Sur",
        "961 618 7000 ext. 2210",
    ),
    (
        "enlace.tabasco@demo.gob.mx",
        "Andrea",
        "López Cámara",
        Role.ENLACE,
        "TABASCO",
        "Jefa del Departamento de Movilidad Humana, Secretaría de Gobierno",
        "993 310 4000 ext. 1520",
    ),
    (
        "enlace.diputados@demo.gob.mx",
        "Fernando",
        "Aguirre Montes",
        Role.ENLACE,
        "CÁMARA DE DIPUTADOS",
        "Secretario Técnico de la Comisión de Asuntos Migratorios",
        "55 5036 0000 ext. 57120",
    ),
    (
        "enlace.ifdp@demo.gob.mx",
        "Lucía",
        "Ramírez Ochoa",
        Role.ENLACE,
        "IFDP",
        "Coordinadora de Asesoría Jurídica en Materia Migratoria",
        "55 5449 9500 ext. 2471",
    ),
    (
        "enlace.cndh@demo.gob.mx",
        "Óscar",
        "Delgado Medina",
        Role.ENLACE,
        "CNDH",
        "Director de Atención a Personas Migrantes",
        "55 5681 8125 ext. 1130",
    ),
    (
        "enlace.inegi@demo.gob.mx",
        "Teresa",
        "Castañeda Luna",
        Role.ENLACE,
        "INEGI",
        "Subdirectora de Estadísticas de Migración",
        "449 910 5300 ext. 5402",
    ),
]

# Short keys for the default challenge categories (reporting.reference).
CAT = {
    "PRES": "Recursos presupuestales y financieros",
    "RH": "Recursos humanos y capacitación",
    "COORD": "Coordinación interinstitucional y alianzas",
    "DIF": "Difusión y acceso a la información",
    "DATOS": "Datos, registros y sistemas de información",
    "NORMA": "Marco normativo, trámites y procedimientos",
    "COB": "Cobertura y alcance territorial",
    "INFRA": "Infraestructura, equipamiento y tecnología",
    "POB": "Características de la población atendida",
    "CONT": "Continuidad y sostenibilidad",
}

# Sub-themes by (eje, name), as in reporting.reference.EJES_TEMATICOS.
EDUCACION = (1, "Acciones en materia de educación")
SALUD_SUB = (1, "Actividades correspondientes al rubro de la salud")
PROTECCION = (1, "Acciones sobre el tema de protección")
EMPLEO = (1, "Actividades en materia de empleo")
NORMATIVOS = (2, "Instrumentos internacionales, leyes, reglamentos y lineamientos")
MATERIALES = (2, "Materiales informativos (estudios, diagnósticos, recomendaciones) y campañas")
INTERCAMBIO = (2, "Intercambio de información nacional e internacional")
CAPACITACION = (3, "Seminarios, cursos y capacitaciones")
REUNIONES_INT = (3, "Reuniones internacionales o con actores del exterior")
REUNIONES_NAC = (3, "Reuniones nacionales de coordinación")
IDENTIDAD = (4, "Identidad e identificación")

D = datetime.date

# ---------------------------------------------------------------------------------------------
# Fichas. Keys: actor, by (enlace email; default the actor's first), status (target), flow (steps,
# default from the status), reviewer, the Ficha fields, alcance ("nacional" or INEGI codes),
# retos [(texto, category key)] (none: sin_retos), propuestos, asignado, co_actors, notas
# [(marker, texto)], obs (general note, {field: note}), fix (fields the enlace corrects before
# sending again), clasif (the coordinator's eje/subtema, ODS and Informe Ejecutivo summary).
# ---------------------------------------------------------------------------------------------

FICHAS_2024: list[dict[str, Any]] = [
    # ----- INM ---------------------------------------------------------------------------------
    {
        "actor": "INM",
        "status": "aprobada",
        "nombre": "Tarjeta de Visitante Regional",
        "unidad": "Dirección General de Regulación y Archivo Migratorio",
        "propuestos": [5, 4],
        "asignado": 5,
        "objetivo_programa": "Facilitar la entrada regular, por la frontera sur, de personas "
        "nacionales de Guatemala y Belice que visitan los estados fronterizos.",
        "poblacion_objetivo": "Personas nacionales de Guatemala y Belice.",
        "fecha_inicio": D(2008, 3, 12),
        "temporalidad": "permanente",
        "descripcion": "La Tarjeta de Visitante Regional (TVR) permite a personas nacionales de "
        "Guatemala y Belice ingresar y permanecer hasta siete días en Campeche, Chiapas, "
        "Quintana Roo y Tabasco, sin permiso para recibir remuneración en el país. El trámite "
        "es gratuito y se realiza en los puntos de internación de la frontera sur.",
        "resultados": "De junio de 2023 a junio de 2024 se expidieron 68,412 Tarjetas de "
        "Visitante Regional en las Oficinas de Representación de Chiapas, Tabasco, Campeche y "
        "Quintana Roo. Del total, 35,204 fueron expedidas a mujeres y 33,208 a hombres.",
        "num_acciones": 68412,
        "tipo_acciones": "Tarjetas de Visitante Regional expedidas",
        "personas_atendidas": 68412,
        "mujeres": 35204,
        "hombres": 33208,
        "alcance": ["07", "27", "04", "23"],
        "retos": [
            (
                "Modernizar el equipo de captura biométrica en los puntos de internación de la "
                "frontera sur.",
                "INFRA",
            ),
            (
                "Difundir entre la población beliceña los requisitos y la gratuidad del trámite.",
                "DIF",
            ),
        ],
        "clasif": {
            "sub": IDENTIDAD,
            "ods": [10, 17],
            "destacada": True,
            "resumen": "El INM expidió 68,412 Tarjetas de Visitante Regional a personas de "
            "Guatemala y Belice, 51% de ellas a mujeres.",
        },
    },
    {
        "key": "heroes-2024",
        "copied_from": "heroes-2023",
        "actor": "INM",
        "status": "aprobada",
        "nombre": "Programa Héroes Paisanos",
        "unidad": "Coordinación del Programa Héroes Paisanos",
        "propuestos": [3, 14],
        "asignado": 3,
        "nota_asignacion": "Se ubica en el Objetivo 3 por el componente de información a "
        "connacionales; la protección consular se reporta por la SRE.",
        "objetivo_programa": "Procurar que el ingreso, tránsito, estancia y salida de las "
        "personas mexicanas que residen en el extranjero se realice con pleno respeto de sus "
        "derechos y conocimiento de sus obligaciones.",
        "poblacion_objetivo": "Personas mexicanas residentes en el extranjero que visitan "
        "México y sus familias.",
        "fecha_inicio": D(1989, 4, 6),
        "temporalidad": "permanente",
        "descripcion": "El Programa Héroes Paisanos[^1] coordina a dependencias de los tres "
        "órdenes de gobierno para brindar información, orientación y acompañamiento a los "
        "connacionales, con operativos especiales en Semana Santa, verano e invierno.",
        "resultados": "Se realizaron 3 operativos (verano e invierno 2023 y Semana Santa "
        "2024) con la participación de 1,386 observadores de la sociedad civil. Se atendió a "
        "2,874,530 connacionales y se distribuyeron 1,150,000 ejemplares de la Guía Héroes "
        "Paisanos. Se coordinaron 8 caravanas por vía terrestre.",
        "num_acciones": 3,
        "tipo_acciones": "Operativos especiales",
        "personas_atendidas": 2874530,
        "alcance": "nacional",
        "explicacion_sin_cifras": "",
        "retos": [
            (
                "Fortalecer el reclutamiento y la capacitación de las personas observadoras de la "
                "sociedad civil.",
                "RH",
            ),
            (
                "Mejorar los mecanismos de registro de las atenciones para contar con cifras "
                "desagregadas por sexo.",
                "DATOS",
            ),
        ],
        "notas": [
            (
                "[^1]",
                "El programa también es reportado por algunas entidades federativas, con "
                "acciones propias de su ámbito de competencia.",
            ),
        ],
        "clasif": {"sub": MATERIALES, "ods": [10]},
    },
    {
        "actor": "INM",
        "by": "enlace2.inm@demo.gob.mx",
        "status": "en_revision",
        "nombre": "Grupos Beta de Protección a Migrantes",
        "unidad": "Dirección General de Protección al Migrante y Vinculación",
        "propuestos": [8, 7],
        "objetivo_programa": "Proteger y defender los derechos humanos de las personas "
        "migrantes en su tránsito por el territorio nacional, con independencia de su "
        "situación migratoria.",
        "poblacion_objetivo": "Personas migrantes nacionales y extranjeras en tránsito.",
        "fecha_inicio": D(1990, 10, 1),
        "temporalidad": "permanente",
        "descripcion": "Los Grupos Beta realizan recorridos en zonas de riesgo para brindar "
        "rescate, primeros auxilios, orientación, asistencia social y, en su caso, asesoría "
        "jurídica a personas migrantes.",
        "resultados": "Se brindaron 412,386 orientaciones, 1,245 atenciones de primeros "
        "auxilios y se realizaron 318 rescates de personas en situación de riesgo. Se "
        "localizó a 57 personas reportadas como desaparecidas por sus familias.",
        "num_acciones": 413949,
        "tipo_acciones": "Orientaciones, primeros auxilios y rescates",
        "personas_atendidas": 398120,
        "mujeres": 121340,
        "hombres": 269870,
        "otras_personas": 6910,
        "alcance": ["02", "26", "08", "28", "07", "27", "20", "30"],
        "retos": [
            (
                "Sustituir el parque vehicular de los grupos que operan en zonas desérticas.",
                "INFRA",
            ),
            ("Cubrir las vacantes de agentes de protección en la frontera norte.", "RH"),
        ],
    },
    {
        "actor": "INM",
        "by": "enlace2.inm@demo.gob.mx",
        "status": "observada",
        "nombre": "Oficiales de Protección a la Infancia (OPI)",
        "unidad": "Dirección General de Protección al Migrante y Vinculación",
        "propuestos": [7],
        "objetivo_programa": "Salvaguardar la integridad física y mental de niñas, niños y "
        "adolescentes migrantes, acompañados o no acompañados.",
        "poblacion_objetivo": "Niñas, niños y adolescentes en contexto de migración.",
        "fecha_inicio": D(2010, 6, 1),
        "temporalidad": "permanente",
        "descripcion": "Personal especializado del INM acompaña a niñas, niños y adolescentes "
        "durante su atención y los canaliza a las Procuradurías de Protección y a los "
        "Sistemas DIF.",
        "resultados": "Se atendió a niñas, niños y adolescentes en todas las Oficinas de "
        "Representación.",
        "alcance": "nacional",
        "retos": [
            ("Capacitar al personal de nuevo ingreso en el interés superior de la niñez.", "RH")
        ],
        "obs": (
            "Gracias por la ficha. Antes de aprobarla es necesario completar los resultados.",
            {
                "resultados": "Indique cuántas niñas, niños y adolescentes fueron atendidos en "
                "el periodo y, de ser posible, desagregue por sexo y por edad.",
                "poblacion_objetivo": "Precise si se incluye a adolescentes no acompañados.",
            },
        ),
    },
    {
        "actor": "INM",
        "by": "enlace2.inm@demo.gob.mx",
        "status": "enviada",
        "nombre": "Micrositio de trámites migratorios en seis idiomas",
        "unidad": "Dirección General de Tecnologías de la Información",
        "propuestos": [3],
        "objetivo_programa": "Poner a disposición de las personas extranjeras información "
        "clara sobre requisitos y trámites migratorios.",
        "poblacion_objetivo": "Personas extranjeras residentes o que desean residir en México "
        "y personas empleadoras.",
        "fecha_inicio": D(2022, 9, 15),
        "temporalidad": "permanente",
        "descripcion": "Sitio en el portal del INM con guías de trámite, formatos y preguntas "
        "frecuentes en español, inglés, francés, chino mandarín, japonés y coreano.",
        "resultados": "Durante el periodo el micrositio registró 1,032,487 visitas y se "
        "publicaron 14 actualizaciones de requisitos.",
        "num_acciones": 14,
        "tipo_acciones": "Actualizaciones de contenido",
        "alcance": "nacional",
        "explicacion_sin_cifras": "El sistema de analítica no permite identificar el sexo de "
        "las personas usuarias.",
        "retos": [
            (
                "Homologar los criterios de atención de las Oficinas de Representación con "
                "la información publicada.",
                "NORMA",
            )
        ],
    },
    {
        "actor": "INM",
        "status": "borrador",
        "nombre": "Capacitación en derechos humanos para personal del INM",
        "unidad": "Centro de Evaluación y Control de Confianza",
        "propuestos": [17],
    },
    # ----- SRE ---------------------------------------------------------------------------------
    {
        "key": "ciam-2024",
        "actor": "SRE",
        "status": "aprobada",
        "reviewer": ADMIN,
        "nombre": "Centro de Información y Asistencia a Personas Mexicanas (CIAM)",
        "unidad": "Dirección General de Protección Consular y Planeación Estratégica",
        "propuestos": [14],
        "asignado": 14,
        "objetivo_programa": "Brindar orientación y respuesta oportuna a las necesidades de "
        "protección consular de las personas mexicanas en Estados Unidos y Canadá.",
        "poblacion_objetivo": "Personas mexicanas en Estados Unidos y Canadá y sus familias.",
        "fecha_inicio": D(2013, 4, 1),
        "temporalidad": "permanente",
        "descripcion": "El CIAM es un centro especializado que atiende llamadas las 24 horas "
        "de los 7 días de la semana en materia de asistencia y protección consular y de "
        "actualidad migratoria.",
        "resultados": "El CIAM atendió 268,915 llamadas, de las cuales 12,430 se canalizaron "
        "a la red consular como casos de protección. Se incorporaron 6 nuevos protocolos de "
        "atención para personas mexicanas en Canadá.",
        "num_acciones": 268915,
        "tipo_acciones": "Llamadas atendidas",
        "personas_atendidas": 241300,
        "mujeres": 131022,
        "hombres": 104618,
        "otras_personas": 5660,
        "alcance_extranjero": True,
        "alcance_regiones": "Estados Unidos y Canadá.",
        "retos": [
            ("Fortalecer administrativamente el CIAM.", "CONT"),
            ("Mantener la capacitación constante del personal que atiende las llamadas.", "RH"),
        ],
        "clasif": {
            "sub": PROTECCION,
            "ods": [10, 16],
            "destacada": True,
            "resumen": "El CIAM de la SRE atendió 268,915 llamadas de personas mexicanas en "
            "Estados Unidos y Canadá y canalizó 12,430 casos de protección consular.",
        },
    },
    {
        "actor": "SRE",
        "status": "aprobada",
        "nombre": "Consulados Móviles y Consulados sobre Ruedas",
        "unidad": "Dirección General de Servicios Consulares",
        "propuestos": [4, 14],
        "asignado": 4,
        "objetivo_programa": "Acercar la documentación consular a las personas mexicanas que "
        "viven lejos de una sede consular.",
        "poblacion_objetivo": "Personas mexicanas residentes en el exterior.",
        "fecha_inicio": D(2005, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Las representaciones consulares instalan módulos temporales en "
        "comunidades alejadas para expedir pasaportes, matrículas consulares y actas de "
        "nacimiento.",
        "resultados": "Se llevaron a cabo 1,126 jornadas de consulados móviles y sobre ruedas "
        "en las que se expidieron 96,540 pasaportes, 71,218 matrículas consulares y 18,305 "
        "copias certificadas de actas de nacimiento.",
        "num_acciones": 1126,
        "tipo_acciones": "Jornadas consulares móviles",
        "personas_atendidas": 158630,
        "mujeres": 80112,
        "hombres": 78518,
        "grupos_traslapados": True,
        "traslape_explicacion": "Una misma persona puede haber tramitado pasaporte y "
        "matrícula en la misma jornada.",
        "alcance_extranjero": True,
        "alcance_regiones": "Red consular de México en Estados Unidos y Canadá.",
        "retos": [
            ("Contar con equipo portátil suficiente para la captura de datos biométricos.", "INFRA")
        ],
        "clasif": {"sub": IDENTIDAD, "ods": [16]},
    },
    {
        "actor": "SRE",
        "status": "enviada",
        "nombre": "Protección Preventiva",
        "unidad": "Dirección General de Protección Consular y Planeación Estratégica",
        "propuestos": [3, 14],
        "objetivo_programa": "Neutralizar factores de riesgo mediante información que empodere "
        "a las comunidades mexicanas en el exterior.",
        "poblacion_objetivo": "Comunidades mexicanas en el exterior.",
        "fecha_inicio": D(2016, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Las representaciones de México difunden información sobre derechos "
        "humanos y laborales, legislación local y actualidad migratoria mediante foros, "
        "talleres y redes sociales.",
        "resultados": "Se realizaron 2,310 talleres y foros informativos con la participación "
        "de 84,920 personas y se publicaron 5,470 mensajes en redes sociales de las "
        "representaciones.",
        "num_acciones": 7780,
        "tipo_acciones": "Talleres, foros y publicaciones",
        "personas_atendidas": 84920,
        "alcance_extranjero": True,
        "alcance_regiones": "Representaciones de México en Estados Unidos, Canadá y Centroamérica.",
        "retos": [("Medir el alcance de los mensajes difundidos en redes sociales.", "DATOS")],
    },
    {
        "actor": "SRE",
        "status": "en_revision",
        "nombre": "Programa de Asesorías Legales Externas (PALE)",
        "unidad": "Dirección General de Protección Consular y Planeación Estratégica",
        "propuestos": [14, 13],
        "objetivo_programa": "Garantizar el acceso a la justicia de las personas mexicanas en "
        "Estados Unidos mediante la contratación de abogados externos.",
        "poblacion_objetivo": "Personas mexicanas en procesos migratorios, penales, civiles o "
        "laborales en Estados Unidos.",
        "fecha_inicio": D(2008, 6, 1),
        "temporalidad": "permanente",
        "descripcion": "Los consulados contratan despachos especializados para brindar "
        "asesoría y representación legal en casos de deportación, custodia de menores y "
        "derechos laborales.",
        "resultados": "Se brindaron 15,842 asesorías legales y se otorgó representación en "
        "3,206 casos, de los cuales 1,118 concluyeron con resolución favorable.",
        "num_acciones": 19048,
        "tipo_acciones": "Asesorías y representaciones legales",
        "personas_atendidas": 17930,
        "mujeres": 7412,
        "hombres": 10518,
        "alcance_extranjero": True,
        "alcance_regiones": "50 consulados en Estados Unidos.",
        "retos": [
            ("Ampliar la cobertura en consulados con mayor demanda de casos de deportación.", "COB")
        ],
    },
    {
        "actor": "SRE",
        "status": "borrador",
        "nombre": "Jornadas sabatinas de doble nacionalidad",
        "unidad": "Dirección General de Servicios Consulares",
        "propuestos": [4],
        "objetivo_programa": "Facilitar el registro de la nacionalidad mexicana de personas "
        "nacidas en el extranjero de madre o padre mexicano.",
        "poblacion_objetivo": "Hijas e hijos de personas mexicanas nacidos en Estados Unidos.",
        "fecha_inicio": D(2023, 9, 2),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2024, 6, 29),
        "descripcion": "Los consulados abren en sábado para registrar nacimientos y expedir "
        "actas de nacimiento mexicanas.",
        "resultados": "Se realizaron 96 jornadas sabatinas con 21,540 registros de doble "
        "nacionalidad.",
        "num_acciones": 96,
        "tipo_acciones": "Jornadas sabatinas",
        "personas_atendidas": 21540,
        "alcance_extranjero": True,
        "alcance_regiones": "Estados Unidos.",
        "sin_retos": True,
    },
    # ----- SEGOB (UPMRIP) ------------------------------------------------------------------------
    {
        "key": "boletin-2024",
        "actor": UPMRIP_LABEL,
        "status": "aprobada",
        "nombre": "Boletín Mensual de Estadísticas Migratorias",
        "unidad": "Centro de Estudios Migratorios",
        "propuestos": [1],
        "asignado": 1,
        "objetivo_programa": "Difundir información estadística oportuna y desagregada sobre "
        "los flujos migratorios en México.",
        "poblacion_objetivo": "Dependencias públicas, academia, organizaciones de la sociedad "
        "civil y público en general.",
        "fecha_inicio": D(2002, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Publicación mensual que integra los registros administrativos del INM, "
        "la COMAR y otras dependencias sobre entradas, documentación, eventos y protección "
        "internacional.",
        "resultados": "Se publicaron 12 boletines mensuales y 3 series anuales con "
        "desagregación por sexo, edad y nacionalidad. El portal de estadística registró 186,340 "
        "consultas.",
        "num_acciones": 15,
        "tipo_acciones": "Publicaciones estadísticas",
        "alcance": "nacional",
        "explicacion_sin_cifras": "Las consultas al portal no se registran por persona.",
        "retos": [
            (
                "Homologar los catálogos de nacionalidad entre las fuentes de registro "
                "administrativo.",
                "DATOS",
            ),
        ],
        "clasif": {
            "sub": MATERIALES,
            "ods": [17],
            "destacada": True,
            "resumen": "La UPMRIP publicó 12 boletines mensuales de estadísticas migratorias "
            "desagregadas por sexo, edad y nacionalidad.",
        },
    },
    {
        "actor": UPMRIP_LABEL,
        "status": "aprobada",
        "reviewer": ADMIN,
        "nombre": "Cooperación con organismos internacionales en materia de gobernanza migratoria",
        "unidad": "Dirección General de Política Migratoria",
        "co_actors": ["SRE"],
        "propuestos": [23],
        "asignado": 23,
        "objetivo_programa": "Fortalecer las capacidades institucionales en gobernanza "
        "migratoria mediante proyectos con organismos internacionales.",
        "poblacion_objetivo": "Personas servidoras públicas de los tres órdenes de gobierno.",
        "fecha_inicio": D(2019, 2, 1),
        "temporalidad": "permanente",
        "descripcion": "La UPMRIP y la SRE coordinan proyectos con la OIM, el ACNUR y UNICEF "
        "para el diseño de herramientas de política migratoria y la implementación del PMM "
        "en las entidades federativas.",
        "resultados": "Se concretaron 7 proyectos de cooperación técnica y se realizaron 4 "
        "reuniones del Grupo de Trabajo interinstitucional con la Red de las Naciones Unidas "
        "sobre la Migración.",
        "num_acciones": 11,
        "tipo_acciones": "Proyectos y reuniones de cooperación",
        "alcance": "nacional",
        "explicacion_sin_cifras": "Las acciones se dirigen a instituciones, no a personas.",
        "retos": [
            (
                "Dar continuidad a los proyectos después de concluido el financiamiento "
                "internacional.",
                "CONT",
            )
        ],
        "clasif": {"sub": REUNIONES_INT, "ods": [17]},
    },
    {
        "actor": UPMRIP_LABEL,
        "status": "en_revision",
        "reviewer": ADMIN,
        "nombre": "Mesa Interinstitucional sobre Refugio y Protección Complementaria",
        "unidad": "Dirección General de Política Migratoria",
        "propuestos": [12, 16],
        "objetivo_programa": "Coordinar a las dependencias que intervienen en la atención de "
        "personas solicitantes de la condición de refugiado.",
        "poblacion_objetivo": "Dependencias de la APF y organismos internacionales.",
        "fecha_inicio": D(2016, 8, 1),
        "temporalidad": "permanente",
        "descripcion": "Espacio de coordinación que da seguimiento a los compromisos de "
        "integración de personas refugiadas y con protección complementaria.",
        "resultados": "Se realizaron 6 sesiones ordinarias y 2 extraordinarias, y se aprobaron "
        "3 lineamientos de canalización a servicios de salud y educación.",
        "num_acciones": 8,
        "tipo_acciones": "Sesiones de trabajo",
        "alcance": "nacional",
        "explicacion_sin_cifras": "Mecanismo de coordinación sin atención directa.",
        "retos": [("Dar seguimiento puntual a los acuerdos entre sesiones.", "COORD")],
    },
    {
        "actor": UPMRIP_LABEL,
        "status": "borrador",
        "nombre": "Diagnósticos de gobernanza migratoria local",
        "unidad": "Dirección General de Política Migratoria",
    },
    # ----- STPS --------------------------------------------------------------------------------
    {
        "actor": "STPS",
        "status": "aprobada",
        "nombre": "Programa de Trabajadores Agrícolas Temporales México-Canadá (PTAT)",
        "sigla_override": "STPS y SRE",
        "co_actors": ["SRE"],
        "unidad": "Coordinación General del Servicio Nacional de Empleo",
        "propuestos": [5, 6],
        "asignado": 6,
        "nota_asignacion": "Se privilegia el componente de contratación ética y trabajo decente.",
        "objetivo_programa": "Ofrecer una alternativa de empleo temporal, regular y seguro en "
        "el sector agrícola de Canadá.",
        "poblacion_objetivo": "Personas jornaleras agrícolas mexicanas.",
        "fecha_inicio": D(1974, 6, 17),
        "temporalidad": "permanente",
        "descripcion": "Mecanismo de movilidad laboral en el que el Servicio Nacional de "
        "Empleo recluta y selecciona a las personas trabajadoras y la SRE da seguimiento a sus "
        "condiciones laborales por medio de la red consular en Canadá.",
        "resultados": "Se vinculó a 27,650 personas trabajadoras agrícolas con empleadores de "
        "9 provincias de Canadá, de las cuales 1,284 fueron mujeres. Se realizaron 312 visitas "
        "consulares a centros de trabajo.",
        "num_acciones": 312,
        "tipo_acciones": "Visitas consulares a centros de trabajo",
        "personas_atendidas": 27650,
        "mujeres": 1284,
        "hombres": 26366,
        "alcance": "nacional",
        "alcance_extranjero": True,
        "alcance_regiones": "Nueve provincias de Canadá.",
        "retos": [
            ("Aumentar la participación de mujeres en el programa.", "POB"),
            ("Agilizar la atención de quejas laborales con las autoridades canadienses.", "COORD"),
        ],
        "clasif": {
            "sub": EMPLEO,
            "ods": [8, 10],
            "destacada": True,
            "resumen": "El PTAT vinculó a 27,650 personas jornaleras mexicanas con empleos "
            "regulares en Canadá.",
        },
    },
    {
        "actor": "STPS",
        "status": "observada",
        "flow": ["submit", "return"],
        "nombre": "Vinculación laboral de personas migrantes y refugiadas",
        "unidad": "Coordinación General del Servicio Nacional de Empleo",
        "propuestos": [16, 18],
        "objetivo_programa": "Facilitar la inserción laboral formal de personas migrantes, "
        "refugiadas y retornadas.",
        "poblacion_objetivo": "Personas migrantes, refugiadas y mexicanas retornadas.",
        "fecha_inicio": D(2019, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Las oficinas del Servicio Nacional de Empleo ofrecen bolsa de trabajo, "
        "ferias de empleo y capacitación para personas en contexto de movilidad.",
        "resultados": "Se atendió a 18,400 personas y se colocó a 6,950 en un empleo formal.",
        "num_acciones": 84,
        "tipo_acciones": "Ferias de empleo",
        "personas_atendidas": 18400,
        "mujeres": 8950,
        "hombres": 9450,
        "alcance": "nacional",
        "retos": [("Documentación migratoria vigente de las personas solicitantes.", "NORMA")],
        "obs": (
            "El reto identificado corresponde a un factor externo; los retos deben referirse "
            "a la propia institución.",
            {
                "resultados": "Precise en qué entidades federativas se colocó a las 6,950 "
                "personas y desagregue por sexo las colocaciones.",
                "retos": "Reformule el reto en términos de lo que la institución puede mejorar.",
            },
        ),
    },
    {
        "actor": "STPS",
        "status": "enviada",
        "nombre": "Inspecciones laborales con enfoque de reclutamiento ético",
        "unidad": "Dirección General de Inspección Federal del Trabajo",
        "propuestos": [6],
        "objetivo_programa": "Verificar que las agencias de colocación cumplan con la "
        "prohibición de cobrar cuotas de reclutamiento a las personas trabajadoras.",
        "poblacion_objetivo": "Agencias de colocación y centros de trabajo con personas "
        "trabajadoras migrantes.",
        "fecha_inicio": D(2023, 7, 1),
        "temporalidad": "permanente",
        "descripcion": "Operativo de inspección en agencias de colocación y centros de trabajo "
        "agrícolas con protocolos para detectar cobros indebidos y retención de documentos.",
        "resultados": "Se realizaron 146 inspecciones en 11 entidades federativas y se "
        "impusieron 23 medidas de restricción.",
        "num_acciones": 146,
        "tipo_acciones": "Inspecciones",
        "alcance": ["02", "26", "25", "14", "11", "16", "07", "20", "30", "28", "19"],
        "explicacion_sin_cifras": "Las inspecciones se registran por centro de trabajo.",
        "retos": [("Contar con más personal inspector con formación en movilidad laboral.", "RH")],
    },
    # ----- SALUD -------------------------------------------------------------------------------
    {
        "actor": "SALUD",
        "status": "aprobada",
        "reviewer": ADMIN,
        "nombre": "Ventanillas de Salud",
        "co_actors": ["SRE"],
        "unidad": "Dirección General de Relaciones Internacionales",
        "propuestos": [15],
        "asignado": 15,
        "objetivo_programa": "Mejorar el acceso a servicios de salud preventiva de la población "
        "mexicana en Estados Unidos.",
        "poblacion_objetivo": "Personas mexicanas y de origen latino en Estados Unidos.",
        "fecha_inicio": D(2003, 10, 1),
        "temporalidad": "permanente",
        "descripcion": "Módulos instalados en los consulados de México que ofrecen orientación, "
        "pruebas de detección y referencia a clínicas comunitarias, en colaboración con "
        "organizaciones locales de salud.",
        "resultados": "Las 49 Ventanillas de Salud brindaron 1,532,880 servicios de "
        "orientación y detección a 642,150 personas: 352,460 mujeres y 289,690 hombres. Se "
        "aplicaron 48,300 vacunas.",
        "num_acciones": 1532880,
        "tipo_acciones": "Servicios de orientación y detección",
        "personas_atendidas": 642150,
        "mujeres": 352460,
        "hombres": 289690,
        "alcance_extranjero": True,
        "alcance_regiones": "49 consulados de México en Estados Unidos.",
        "retos": [
            (
                "Asegurar el financiamiento de los módulos con menor número de aliados locales.",
                "PRES",
            ),
            ("Registrar de forma homogénea los servicios en todas las ventanillas.", "DATOS"),
        ],
        "clasif": {"sub": SALUD_SUB, "ods": [3]},
    },
    {
        "actor": "SALUD",
        "status": "en_revision",
        "nombre": "Atención en salud mental a personas en contexto de movilidad",
        "unidad": "Comisión Nacional de Salud Mental y Adicciones",
        "propuestos": [15, 7],
        "objetivo_programa": "Brindar primeros auxilios psicológicos y atención en salud "
        "mental a personas migrantes en albergues.",
        "poblacion_objetivo": "Personas migrantes y solicitantes de protección internacional "
        "en albergues.",
        "fecha_inicio": D(2023, 10, 1),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2024, 12, 31),
        "descripcion": "Brigadas de personal de psicología visitan albergues públicos y de la "
        "sociedad civil para brindar atención y referir casos a unidades especializadas.",
        "resultados": "Se realizaron 214 brigadas y se brindaron 9,870 atenciones a 6,215 "
        "personas: 3,140 mujeres, 2,905 hombres y 170 personas de la diversidad sexual.",
        "num_acciones": 214,
        "tipo_acciones": "Brigadas",
        "personas_atendidas": 6215,
        "mujeres": 3140,
        "hombres": 2905,
        "otras_personas": 170,
        "alcance": ["07", "27", "09", "21", "19", "02"],
        "retos": [
            ("Contar con personal de psicología que hable lenguas de los países de origen.", "RH")
        ],
    },
    # ----- SNDIF -------------------------------------------------------------------------------
    {
        "actor": "SNDIF",
        "status": "aprobada",
        "nombre": "Modelo de cuidados alternativos para niñas, niños y adolescentes migrantes",
        "unidad": "Procuraduría Federal de Protección de Niñas, Niños y Adolescentes",
        "propuestos": [7, 13],
        "asignado": 7,
        "objetivo_programa": "Garantizar alternativas de cuidado en entornos familiares o "
        "comunitarios para niñas, niños y adolescentes migrantes no acompañados.",
        "poblacion_objetivo": "Niñas, niños y adolescentes migrantes no acompañados o separados.",
        "fecha_inicio": D(2021, 1, 11),
        "temporalidad": "permanente",
        "descripcion": "El modelo articula a las Procuradurías de Protección y a los Sistemas "
        "DIF estatales para el acogimiento familiar y en centros de asistencia social abiertos.",
        "resultados": "Se brindaron medidas de cuidado alternativo a 4,318 niñas, niños y "
        "adolescentes (1,862 niñas y 2,456 niños) y se capacitó a 36 familias de acogida.",
        "num_acciones": 36,
        "tipo_acciones": "Capacitaciones a familias de acogida",
        "personas_atendidas": 4318,
        "mujeres": 1862,
        "hombres": 2456,
        "alcance": "nacional",
        "retos": [
            ("Ampliar la red de familias de acogida en los estados de la frontera sur.", "COB"),
            (
                "Fortalecer la especialización del personal de los centros de asistencia social.",
                "RH",
            ),
        ],
        "clasif": {"sub": PROTECCION, "ods": [1, 10, 16]},
    },
    {
        "actor": "SNDIF",
        "status": "enviada",
        "nombre": "Capacitación a Procuradurías de Protección en determinación del interés "
        "superior de la niñez",
        "unidad": "Procuraduría Federal de Protección de Niñas, Niños y Adolescentes",
        "propuestos": [7],
        "objetivo_programa": "Fortalecer las capacidades de las Procuradurías de Protección "
        "para elaborar planes de restitución de derechos.",
        "poblacion_objetivo": "Personal de las Procuradurías de Protección estatales y "
        "municipales.",
        "fecha_inicio": D(2023, 8, 1),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2024, 6, 30),
        "descripcion": "Curso en línea y sesiones presenciales sobre el procedimiento de "
        "determinación del interés superior de niñas, niños y adolescentes migrantes.",
        "resultados": "Se impartieron 18 cursos a 742 personas servidoras públicas (498 "
        "mujeres y 244 hombres) de 26 entidades federativas.",
        "num_acciones": 18,
        "tipo_acciones": "Cursos",
        "personas_atendidas": 742,
        "mujeres": 498,
        "hombres": 244,
        "alcance": "nacional",
        "sin_retos": True,
    },
    # ----- INMUJERES ---------------------------------------------------------------------------
    {
        "actor": "INMUJERES",
        "status": "aprobada",
        "flow": ["submit", "approve"],
        "nombre": "Campaña «Migrar sin violencia»",
        "unidad": "Dirección General de Comunicación Social",
        "propuestos": [7, 17],
        "asignado": 7,
        "objetivo_programa": "Informar a mujeres migrantes sobre sus derechos y los servicios "
        "de atención a la violencia de género disponibles en su tránsito.",
        "poblacion_objetivo": "Mujeres y niñas en contexto de movilidad.",
        "fecha_inicio": D(2023, 11, 25),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2024, 3, 8),
        "descripcion": "Campaña en albergues, terminales de autobuses y redes sociales con "
        "materiales en español, inglés, francés y criollo haitiano.",
        "resultados": "Se distribuyeron 45,000 materiales impresos en 120 puntos de tránsito y "
        "la campaña digital alcanzó 1.2 millones de reproducciones.",
        "num_acciones": 45000,
        "tipo_acciones": "Materiales impresos distribuidos",
        "alcance": ["07", "27", "30", "20", "21", "09", "19", "08", "02"],
        "explicacion_sin_cifras": "El alcance de la campaña se mide en materiales y "
        "reproducciones, no en personas.",
        "sin_retos": True,
        "clasif": {"sub": MATERIALES, "ods": [5, 10]},
    },
    {
        "actor": "INMUJERES",
        "status": "observada",
        "nombre": "Red de mujeres migrantes retornadas",
        "unidad": "Dirección de Vinculación con la Sociedad Civil",
        "propuestos": [21],
        "objetivo_programa": "Promover la reintegración económica y social de mujeres "
        "mexicanas retornadas.",
        "poblacion_objetivo": "Mujeres mexicanas retornadas.",
        "fecha_inicio": D(2024, 2, 1),
        "temporalidad": "permanente",
        "descripcion": "Red de acompañamiento entre pares con talleres de emprendimiento y "
        "orientación sobre servicios públicos.",
        "resultados": "Se realizaron 12 talleres.",
        "num_acciones": 12,
        "tipo_acciones": "Talleres",
        "alcance": ["14", "11", "16", "20"],
        "retos": [("Dar seguimiento a las participantes después de los talleres.", "DATOS")],
        "obs": (
            "",
            {
                "resultados": "Indique el número de mujeres que participaron en los talleres "
                "o explique por qué no se cuenta con la cifra.",
            },
        ),
    },
    # ----- NUEVO LEÓN --------------------------------------------------------------------------
    {
        "actor": "NUEVO LEÓN",
        "status": "aprobada",
        "flow": ["submit", "review", "return", "fix", "submit", "review", "approve"],
        "nombre": "Programa de Inclusión Laboral para personas migrantes, refugiadas, "
        "desplazadas y retornadas",
        "unidad": "Secretaría del Trabajo del Estado de Nuevo León",
        "propuestos": [16, 6],
        "asignado": 16,
        "objetivo_programa": "Promover la contratación formal de personas migrantes y "
        "refugiadas en empresas del estado.",
        "poblacion_objetivo": "Personas migrantes, refugiadas, desplazadas y retornadas en "
        "Nuevo León.",
        "fecha_inicio": D(2022, 5, 1),
        "temporalidad": "permanente",
        "descripcion": "La Secretaría del Trabajo, en conjunto con la Secretaría de Igualdad e "
        "Inclusión, organiza foros y ferias de empleo con empresas comprometidas con la "
        "contratación de personas en movilidad.",
        "resultados": "Se realizaron 4 ferias de inclusión laboral.",
        "num_acciones": 4,
        "tipo_acciones": "Ferias de inclusión laboral",
        "personas_atendidas": 1380,
        "mujeres": 612,
        "hombres": 768,
        "alcance": ["19"],
        "sin_retos": True,
        "obs": (
            "Los resultados deben reflejar cuántas personas fueron atendidas y colocadas.",
            {
                "resultados": "Incluya en la redacción el número de personas atendidas y "
                "contratadas."
            },
        ),
        "fix": {
            "resultados": "Se realizaron 4 ferias de inclusión laboral con la participación "
            "de 86 empresas, en las que se atendió a 1,380 personas (612 mujeres y 768 "
            "hombres); 415 personas fueron contratadas.",
        },
        "clasif": {
            "sub": EMPLEO,
            "ods": [8],
            "destacada": True,
            "resumen": "Nuevo León atendió a 1,380 personas migrantes y refugiadas en 4 ferias "
            "de inclusión laboral; 415 obtuvieron un empleo formal.",
        },
    },
    {
        "actor": "NUEVO LEÓN",
        "status": "aprobada",
        "nombre": "Feria de Identidad para personas migrantes",
        "unidad": "Dirección del Registro Civil",
        "propuestos": [4],
        "asignado": 4,
        "objetivo_programa": "Facilitar la obtención de documentos de identidad a personas "
        "migrantes y refugiadas.",
        "poblacion_objetivo": "Personas migrantes y refugiadas residentes en Nuevo León.",
        "fecha_inicio": D(2024, 3, 16),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2024, 3, 17),
        "descripcion": "Jornada con consulados centroamericanos, el INM y la COMAR para la "
        "expedición de pasaportes, CURP temporal y constancias.",
        "resultados": "Se realizaron 2,146 trámites y se benefició a 1,732 personas: 904 "
        "mujeres, 811 hombres y 17 personas que no especificaron su sexo.",
        "num_acciones": 2146,
        "tipo_acciones": "Trámites de identidad",
        "personas_atendidas": 1732,
        "mujeres": 904,
        "hombres": 811,
        "otras_personas": 17,
        "alcance": ["19"],
        "retos": [
            ("Contar con equipo de cómputo suficiente para los módulos de atención.", "INFRA")
        ],
        "clasif": {"sub": IDENTIDAD, "ods": [16]},
    },
    {
        "actor": "NUEVO LEÓN",
        "status": "enviada",
        "nombre": "Módulos de orientación jurídica en albergues del área metropolitana de "
        "Monterrey",
        "unidad": "Secretaría de Igualdad e Inclusión",
        "propuestos": [3, 7],
        "objetivo_programa": "Orientar a las personas migrantes sobre procedimientos "
        "migratorios y de protección internacional.",
        "poblacion_objetivo": "Personas migrantes alojadas en albergues.",
        "fecha_inicio": D(2023, 6, 1),
        "temporalidad": "permanente",
        "descripcion": "Personal jurídico del estado brinda orientación semanal en 5 albergues "
        "en coordinación con organizaciones de la sociedad civil.",
        "resultados": "Se brindaron 3,420 orientaciones jurídicas a 2,875 personas.",
        "num_acciones": 3420,
        "tipo_acciones": "Orientaciones jurídicas",
        "personas_atendidas": 2875,
        "mujeres": 1190,
        "hombres": 1685,
        "alcance": ["19"],
        "retos": [("Incrementar el número de abogadas y abogados asignados.", "RH")],
    },
    {
        "actor": "NUEVO LEÓN",
        "status": "observada",
        "nombre": "Programa Cuidar tu Salud en albergues",
        "unidad": "Secretaría de Salud del Estado de Nuevo León",
        "propuestos": [15],
        "objetivo_programa": "Acercar servicios de salud preventiva a personas migrantes en "
        "albergues.",
        "poblacion_objetivo": "Personas migrantes en albergues.",
        "fecha_inicio": D(2022, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Jornadas de vacunación, detección y consulta general en albergues.",
        "resultados": "Se otorgaron 5,600 consultas desde 2019.",
        "num_acciones": 5600,
        "tipo_acciones": "Consultas",
        "alcance": ["19"],
        "retos": [("Abasto de medicamentos en las jornadas.", "PRES")],
        "obs": (
            "Sólo se reportan resultados del periodo de junio de 2023 a junio de 2024; no es "
            "necesario poner cifras históricas.",
            {
                "resultados": "Reporte las consultas otorgadas en el periodo y, de ser posible, "
                "el número de personas atendidas por sexo."
            },
        ),
    },
    {
        "actor": "NUEVO LEÓN",
        "status": "borrador",
        "nombre": "Comisión estatal para la protección de niñas, niños y adolescentes migrantes",
        "unidad": "Sistema DIF Nuevo León",
        "propuestos": [7],
        "objetivo_programa": "Coordinar la atención integral de niñas, niños y adolescentes "
        "migrantes en el estado.",
        "poblacion_objetivo": "Niñas, niños y adolescentes migrantes, refugiados y desplazados.",
        "fecha_inicio": D(2023, 4, 1),
        "temporalidad": "permanente",
        "descripcion": "Comisión del Sistema Estatal de Protección Integral con 14 "
        "instituciones participantes.",
        "alcance": ["19"],
    },
    # ----- CHIAPAS -----------------------------------------------------------------------------
    {
        "actor": "CHIAPAS",
        "status": "aprobada",
        "nombre": "Campaña «Deja tu registro» en albergues de la frontera sur",
        "unidad": "Comisión Estatal de Búsqueda de Personas",
        "propuestos": [8],
        "asignado": 8,
        "objetivo_programa": "Generar confianza para que las personas migrantes y sus familias "
        "acudan a la Comisión Estatal de Búsqueda en caso de desaparición.",
        "poblacion_objetivo": "Personas en situación de migración y sus familiares.",
        "fecha_inicio": D(2023, 9, 1),
        "temporalidad": "permanente",
        "descripcion": "Campaña en coordinación con albergues públicos y de la sociedad civil "
        "para el registro voluntario de las personas a su paso por el estado.",
        "resultados": "Se instalaron puntos de registro en 14 albergues y se registró "
        "voluntariamente a 8,930 personas: 3,210 mujeres y 5,720 hombres.",
        "num_acciones": 14,
        "tipo_acciones": "Puntos de registro instalados",
        "personas_atendidas": 8930,
        "mujeres": 3210,
        "hombres": 5720,
        "alcance": ["07"],
        "retos": [
            (
                "Garantizar la protección de los datos personales de las personas registradas.",
                "DATOS",
            )
        ],
        "clasif": {"sub": PROTECCION, "ods": [16]},
    },
    {
        "actor": "CHIAPAS",
        "status": "en_revision",
        "nombre": "Inscripción de nacimiento de hijas e hijos de personas migrantes",
        "unidad": "Dirección del Registro Civil del Estado de Chiapas",
        "propuestos": [4],
        "objetivo_programa": "Garantizar el derecho a la identidad de niñas y niños nacidos en "
        "Chiapas de madre y padre extranjeros.",
        "poblacion_objetivo": "Niñas y niños nacidos en Chiapas de personas migrantes.",
        "fecha_inicio": D(2019, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Las oficialías del Registro Civil realizan el registro gratuito sin "
        "exigir documentos migratorios a madres y padres.",
        "resultados": "Se realizaron 3,684 registros de nacimiento de hijas e hijos de "
        "personas migrantes: 1,802 niñas y 1,882 niños.",
        "num_acciones": 3684,
        "tipo_acciones": "Registros de nacimiento",
        "personas_atendidas": 3684,
        "mujeres": 1802,
        "hombres": 1882,
        "alcance": ["07"],
        "retos": [
            (
                "Capacitar al personal de las oficialías municipales en los criterios de registro.",
                "RH",
            )
        ],
    },
    {
        "actor": "CHIAPAS",
        "status": "borrador",
        "nombre": "Atención a personas jornaleras agrícolas guatemaltecas",
        "unidad": "Secretaría para la Frontera Sur",
        "alcance": ["07"],
    },
    # ----- TABASCO -----------------------------------------------------------------------------
    {
        "actor": "TABASCO",
        "status": "enviada",
        "flow": ["submit", "return", "fix", "submit"],
        "nombre": "Vinculación laboral de personas migrantes en el Servicio Estatal de Empleo",
        "unidad": "Secretaría para el Desarrollo Económico y la Competitividad",
        "propuestos": [16],
        "objetivo_programa": "Apoyar la empleabilidad de personas migrantes y refugiadas en "
        "Tabasco.",
        "poblacion_objetivo": "Personas migrantes, refugiadas y retornadas.",
        "fecha_inicio": D(2021, 3, 1),
        "temporalidad": "permanente",
        "descripcion": "El Servicio Estatal de Empleo ofrece bolsa de trabajo, talleres para "
        "buscadores de empleo y apoyos económicos para capacitación.",
        "resultados": "Se atendió a personas migrantes en las oficinas de Villahermosa y "
        "Tenosique.",
        "alcance": ["27"],
        "retos": [("Difundir los servicios entre la población refugiada.", "DIF")],
        "obs": (
            "Agregue cifras de resultados.",
            {"resultados": "Indique el número de personas atendidas y colocadas en un empleo."},
        ),
        "fix": {
            "resultados": "Se atendió a 1,245 personas migrantes y refugiadas (538 mujeres y "
            "707 hombres) en las oficinas de Villahermosa y Tenosique; 386 fueron colocadas en "
            "un empleo formal.",
            "personas_atendidas": 1245,
            "mujeres": 538,
            "hombres": 707,
        },
    },
    {
        "actor": "TABASCO",
        "status": "aprobada",
        "nombre": "Atención educativa a niñas, niños y adolescentes en movilidad",
        "unidad": "Secretaría de Educación del Estado de Tabasco",
        "propuestos": [15],
        "asignado": 15,
        "objetivo_programa": "Garantizar la inscripción y permanencia escolar de niñas, niños "
        "y adolescentes migrantes.",
        "poblacion_objetivo": "Niñas, niños y adolescentes migrantes y refugiados.",
        "fecha_inicio": D(2022, 8, 29),
        "temporalidad": "permanente",
        "descripcion": "Las escuelas públicas inscriben a estudiantes migrantes sin exigir "
        "documentos de identidad ni certificados de estudios previos.",
        "resultados": "Se inscribió a 1,946 estudiantes en contexto de movilidad (948 niñas y "
        "998 niños) en 212 escuelas de educación básica.",
        "num_acciones": 212,
        "tipo_acciones": "Escuelas con estudiantes inscritos",
        "personas_atendidas": 1946,
        "mujeres": 948,
        "hombres": 998,
        "alcance": ["27"],
        "retos": [
            (
                "Dar seguimiento a la trayectoria escolar cuando las familias cambian de "
                "residencia.",
                "POB",
            )
        ],
        "clasif": {"sub": EDUCACION, "ods": [4]},
    },
    # ----- CÁMARA DE DIPUTADOS -----------------------------------------------------------------
    {
        "actor": "CÁMARA DE DIPUTADOS",
        "status": "aprobada",
        "nombre": "Foro parlamentario «Movilidad humana y derechos de las personas migrantes»",
        "unidad": "Comisión de Asuntos Migratorios",
        "propuestos": [17],
        "asignado": 17,
        "objetivo_programa": "Abrir un espacio de diálogo entre legisladores, especialistas y "
        "sociedad civil sobre la agenda legislativa en materia migratoria.",
        "poblacion_objetivo": "Legisladoras y legisladores, academia, sociedad civil y público "
        "en general.",
        "fecha_inicio": D(2023, 12, 18),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2023, 12, 18),
        "descripcion": "Foro con 4 mesas de trabajo transmitido por el Canal del Congreso.",
        "resultados": "Participaron 214 personas de forma presencial (121 mujeres y 93 "
        "hombres) y la transmisión registró 6,840 reproducciones. Se integró un documento de "
        "conclusiones con 18 propuestas.",
        "num_acciones": 1,
        "tipo_acciones": "Foro",
        "personas_atendidas": 214,
        "mujeres": 121,
        "hombres": 93,
        "alcance": "nacional",
        "sin_retos": True,
        "clasif": {"sub": REUNIONES_NAC, "ods": [10, 16]},
    },
    {
        "actor": "CÁMARA DE DIPUTADOS",
        "status": "borrador",
        "nombre": "Iniciativa de reforma a la Ley de Migración en materia de niñas, niños y "
        "adolescentes",
        "unidad": "Comisión de Asuntos Migratorios",
        "propuestos": [7, 13],
        "objetivo_programa": "Armonizar la Ley de Migración con la Ley General de los Derechos "
        "de Niñas, Niños y Adolescentes.",
        "descripcion": "Iniciativa presentada ante el Pleno y turnada a comisiones.",
    },
    # ----- IFDP --------------------------------------------------------------------------------
    {
        "actor": "IFDP",
        "status": "aprobada",
        "nombre": "Asesoría jurídica especializada en personas en movilidad y sujetas a "
        "protección internacional",
        "unidad": "Unidad de Asesoría Jurídica",
        "propuestos": [7, 13],
        "asignado": 13,
        "nota_asignacion": "Se ubica en el Objetivo 13 porque los resultados se concentran en "
        "personas alojadas en estaciones migratorias.",
        "objetivo_programa": "Brindar asesoría y representación jurídica gratuita a personas "
        "migrantes en procedimientos administrativos migratorios.",
        "poblacion_objetivo": "Personas migrantes y sujetas a protección internacional.",
        "fecha_inicio": D(2019, 6, 1),
        "temporalidad": "permanente",
        "descripcion": "Personas asesoras jurídicas federales visitan estaciones migratorias y "
        "estancias provisionales[^1] para promover juicios de amparo y recursos "
        "administrativos.",
        "resultados": "Se brindaron 11,562 asesorías y se promovieron 1,947 juicios de "
        "amparo a favor de 9,830 personas: 3,105 mujeres, 6,598 hombres y 127 personas de "
        "la diversidad sexual.",
        "num_acciones": 13509,
        "tipo_acciones": "Asesorías y juicios de amparo",
        "personas_atendidas": 9830,
        "mujeres": 3105,
        "hombres": 6598,
        "otras_personas": 127,
        "alcance": "nacional",
        "retos": [
            (
                "Aumentar el número de personas asesoras en estaciones migratorias de la "
                "frontera sur.",
                "RH",
            )
        ],
        "notas": [
            (
                "[^1]",
                "Las cifras incluyen la atención brindada en estancias provisionales de "
                "tipo A y B.",
            ),
        ],
        "clasif": {
            "sub": PROTECCION,
            "ods": [16],
            "destacada": True,
            "resumen": "El IFDP brindó 11,562 asesorías y promovió 1,947 amparos a favor de "
            "personas migrantes en estaciones migratorias.",
        },
    },
    {
        "actor": "IFDP",
        "status": "en_revision",
        "nombre": "Defensa penal de personas migrantes",
        "unidad": "Unidad de Defensa Penal",
        "propuestos": [7],
        "objetivo_programa": "Garantizar una defensa adecuada a personas extranjeras imputadas "
        "en procesos penales federales.",
        "poblacion_objetivo": "Personas extranjeras imputadas en el fuero federal.",
        "fecha_inicio": D(2016, 6, 18),
        "temporalidad": "permanente",
        "descripcion": "Defensoras y defensores públicos federales asumen la defensa con "
        "apoyo de personas intérpretes y notificación consular.",
        "resultados": "Se atendieron 1,284 defensas de personas extranjeras, 14% de ellas mujeres.",
        "num_acciones": 1284,
        "tipo_acciones": "Defensas penales",
        "personas_atendidas": 1284,
        "mujeres": 180,
        "hombres": 1104,
        "alcance": "nacional",
        "retos": [("Contar con intérpretes de lenguas poco frecuentes.", "RH")],
    },
    # ----- CNDH --------------------------------------------------------------------------------
    {
        "actor": "CNDH",
        "status": "aprobada",
        "nombre": "Visitas de supervisión a estaciones migratorias y estancias provisionales",
        "unidad": "Quinta Visitaduría General",
        "propuestos": [13],
        "asignado": 13,
        "objetivo_programa": "Verificar el respeto a los derechos humanos de las personas "
        "migrantes alojadas en estaciones migratorias.",
        "poblacion_objetivo": "Personas migrantes alojadas en estaciones migratorias y "
        "estancias provisionales.",
        "fecha_inicio": D(2005, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Personal de la CNDH realiza visitas no anunciadas, entrevista a "
        "personas alojadas y emite medidas cautelares cuando detecta riesgos.",
        "resultados": "Se realizaron 1,054 visitas de supervisión, se entrevistó a 28,470 "
        "personas y se solicitaron 63 medidas cautelares.",
        "num_acciones": 1054,
        "tipo_acciones": "Visitas de supervisión",
        "personas_atendidas": 28470,
        "alcance": "nacional",
        "retos": [("Dar seguimiento al cumplimiento de las medidas cautelares.", "NORMA")],
        "clasif": {"sub": PROTECCION, "ods": [16]},
    },
    {
        "actor": "CNDH",
        "status": "enviada",
        "nombre": "Atención de quejas de personas en contexto de movilidad",
        "unidad": "Quinta Visitaduría General",
        "propuestos": [7, 17],
        "objetivo_programa": "Investigar presuntas violaciones a derechos humanos de personas "
        "migrantes.",
        "poblacion_objetivo": "Personas migrantes y sus familias.",
        "fecha_inicio": D(2005, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Recepción y trámite de quejas con oficinas foráneas en Tapachula, "
        "Tijuana, Ciudad Juárez y otras ciudades fronterizas.",
        "resultados": "Se recibieron 3,128 quejas y se emitieron 9 recomendaciones.",
        "num_acciones": 3137,
        "tipo_acciones": "Quejas tramitadas y recomendaciones",
        "alcance": "nacional",
        "explicacion_sin_cifras": "Una queja puede involucrar a varias personas agraviadas.",
        "retos": [("Reducir el tiempo de integración de los expedientes.", "NORMA")],
    },
    # ----- INEGI -------------------------------------------------------------------------------
    {
        "actor": "INEGI",
        "status": "aprobada",
        "nombre": "Módulo de migración internacional en encuestas en hogares",
        "co_actors": ["SRE"],
        "unidad": "Dirección General de Estadísticas Sociodemográficas",
        "propuestos": [1],
        "asignado": 1,
        "objetivo_programa": "Generar información estadística sobre la emigración, la "
        "inmigración y el retorno a partir de encuestas en hogares.",
        "poblacion_objetivo": "Personas usuarias de información estadística.",
        "fecha_inicio": D(2018, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Módulo de preguntas incorporado a la Encuesta Nacional de Ocupación y "
        "Empleo, con tabulados trimestrales sobre flujos migratorios internacionales.",
        "resultados": "Se publicaron 4 entregas trimestrales de tabulados y 1 nota técnica "
        "conjunta con la SRE sobre personas mexicanas retornadas.",
        "num_acciones": 5,
        "tipo_acciones": "Publicaciones estadísticas",
        "alcance": "nacional",
        "explicacion_sin_cifras": "La información es de acceso público y no se registra el "
        "número de personas usuarias.",
        "retos": [
            (
                "Ampliar el tamaño de la muestra para obtener estimaciones por entidad federativa.",
                "PRES",
            )
        ],
        "clasif": {"sub": INTERCAMBIO, "ods": [17]},
    },
    # ----- IMUMI -------------------------------------------------------------------------------
    {
        "actor": "IMUMI",
        "status": "aprobada",
        "nombre": "Propuesta de vías regulares para mujeres centroamericanas sobrevivientes "
        "de violencia de género",
        "unidad": "Área de Incidencia",
        "propuestos": [5],
        "asignado": 5,
        "objetivo_programa": "Proponer mecanismos de regularización para mujeres "
        "centroamericanas víctimas de violencia de género y sus hijas e hijos.",
        "poblacion_objetivo": "Mujeres centroamericanas y sus hijas e hijos.",
        "fecha_inicio": D(2023, 1, 15),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2024, 5, 31),
        "descripcion": "Investigación y propuesta de política pública presentada a las "
        "autoridades migratorias y al Grupo Temático de la Red de las Naciones Unidas sobre "
        "la Migración.",
        "resultados": "Se publicó 1 documento de propuesta, se realizaron 6 reuniones de "
        "incidencia con autoridades y 2 talleres con 58 mujeres defensoras.",
        "num_acciones": 9,
        "tipo_acciones": "Publicación, reuniones y talleres",
        "personas_atendidas": 58,
        "mujeres": 58,
        "hombres": 0,
        "alcance": "nacional",
        "retos": [("Sostener el financiamiento del área de incidencia.", "PRES")],
        "clasif": {"sub": NORMATIVOS, "ods": [5, 10]},
    },
    {
        "actor": "IMUMI",
        "status": "observada",
        "nombre": "Clínica Jurídica para mujeres migrantes y sus familias",
        "unidad": "Clínica Jurídica",
        "propuestos": [7, 15],
        "objetivo_programa": "Brindar atención legal gratuita a mujeres migrantes y sus familias.",
        "poblacion_objetivo": "Mujeres migrantes, refugiadas y sus familias.",
        "fecha_inicio": D(2011, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "La Clínica Jurídica brinda asesoría y representación en trámites "
        "migratorios, de protección internacional y de derecho familiar transnacional.",
        "resultados": "Se atendieron 1,326 casos de 1,104 personas: 902 mujeres y 187 "
        "hombres. Se ganaron 41 casos de reunificación familiar.",
        "num_acciones": 1326,
        "tipo_acciones": "Casos atendidos",
        "personas_atendidas": 1104,
        "mujeres": 902,
        "hombres": 187,
        "alcance": ["09", "15"],
        "alcance_regiones": "Atención remota a personas en Estados Unidos y Centroamérica.",
        "retos": [
            ("La estadía de la población atendida en la ciudad suele ser muy breve.", "POB"),
            ("Falta de personal para atender la demanda de casos.", "RH"),
        ],
        "obs": (
            "La ficha está casi lista; sólo falta precisar una cifra.",
            {
                "resultados": "Del total de 1,104 personas, 902 son mujeres y 187 hombres: "
                "indique si las 15 restantes son personas de sexo no especificado."
            },
        ),
    },
    {
        "actor": "IMUMI",
        "status": "borrador",
        "nombre": "Talleres de derechos laborales para trabajadoras del hogar migrantes",
        "unidad": "Área de Formación",
        "propuestos": [6],
        "objetivo_programa": "Informar a trabajadoras del hogar migrantes sobre sus derechos "
        "laborales y de seguridad social.",
        "poblacion_objetivo": "Trabajadoras del hogar migrantes en la Ciudad de México.",
        "fecha_inicio": D(2024, 1, 20),
        "temporalidad": "permanente",
        "descripcion": "Ciclo de talleres mensuales en coordinación con sindicatos de "
        "trabajadoras del hogar.",
        "resultados": "Se realizaron 5 talleres con 96 participantes.",
        "num_acciones": 5,
        "tipo_acciones": "Talleres",
        "personas_atendidas": 96,
        "mujeres": 96,
        "alcance": ["09"],
        "retos": [("Adaptar los horarios de los talleres a las jornadas de trabajo.", "POB")],
    },
]

# Approved fichas of the closed previous exercise, to carry into the new one.
FICHAS_2023: list[dict[str, Any]] = [
    {
        "key": "heroes-2023",
        "actor": "INM",
        "nombre": "Programa Héroes Paisanos",
        "unidad": "Coordinación del Programa Héroes Paisanos",
        "propuestos": [3],
        "asignado": 3,
        "objetivo_programa": "Procurar que el ingreso, tránsito, estancia y salida de los "
        "connacionales se realice con pleno respeto de sus derechos.",
        "poblacion_objetivo": "Personas mexicanas residentes en el extranjero que visitan México.",
        "fecha_inicio": D(1989, 4, 6),
        "temporalidad": "permanente",
        "descripcion": "Programa permanente con operativos especiales en Semana Santa, verano "
        "e invierno.",
        "resultados": "Se realizaron 3 operativos y se atendió a 3,108,987 connacionales.",
        "num_acciones": 3,
        "tipo_acciones": "Operativos especiales",
        "personas_atendidas": 3108987,
        "alcance": "nacional",
        "retos": [
            ("Fortalecer la vinculación con las organizaciones migrantes en el exterior.", "COORD")
        ],
    },
    {
        "actor": "SRE",
        "nombre": "Centro de Información y Asistencia a Personas Mexicanas (CIAM)",
        "unidad": "Dirección General de Protección Consular y Planeación Estratégica",
        "propuestos": [14],
        "asignado": 14,
        "objetivo_programa": "Brindar orientación en materia de protección consular a personas "
        "mexicanas en Estados Unidos.",
        "poblacion_objetivo": "Personas mexicanas en Estados Unidos y sus familias.",
        "fecha_inicio": D(2013, 4, 1),
        "temporalidad": "permanente",
        "descripcion": "Centro telefónico que opera las 24 horas de los 7 días de la semana.",
        "resultados": "El CIAM atendió un total de 252,620 llamadas.",
        "num_acciones": 252620,
        "tipo_acciones": "Llamadas atendidas",
        "alcance_extranjero": True,
        "alcance_regiones": "Estados Unidos.",
        "retos": [("Fortalecer administrativamente el CIAM.", "CONT")],
    },
    {
        "actor": UPMRIP_LABEL,
        "nombre": "Boletín Mensual de Estadísticas Migratorias",
        "unidad": "Centro de Estudios Migratorios",
        "propuestos": [1],
        "asignado": 1,
        "objetivo_programa": "Difundir información estadística sobre los flujos migratorios.",
        "poblacion_objetivo": "Dependencias, academia y público en general.",
        "fecha_inicio": D(2002, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Publicación mensual con registros administrativos de movilidad.",
        "resultados": "Se publicaron 12 boletines mensuales.",
        "num_acciones": 12,
        "tipo_acciones": "Boletines",
        "alcance": "nacional",
        "sin_retos": True,
    },
    {
        "actor": "SNDIF",
        "nombre": "Modelo de cuidados alternativos para niñas, niños y adolescentes migrantes",
        "unidad": "Procuraduría Federal de Protección de Niñas, Niños y Adolescentes",
        "propuestos": [7],
        "asignado": 7,
        "objetivo_programa": "Garantizar alternativas de cuidado para niñas, niños y "
        "adolescentes migrantes no acompañados.",
        "poblacion_objetivo": "Niñas, niños y adolescentes migrantes no acompañados.",
        "fecha_inicio": D(2021, 1, 11),
        "temporalidad": "permanente",
        "descripcion": "Acogimiento familiar y en centros de asistencia social abiertos.",
        "resultados": "Se brindaron medidas de cuidado alternativo a 3,905 niñas, niños y "
        "adolescentes (1,640 niñas y 2,265 niños).",
        "personas_atendidas": 3905,
        "mujeres": 1640,
        "hombres": 2265,
        "alcance": "nacional",
        "retos": [("Ampliar la red de familias de acogida.", "COB")],
    },
    {
        "actor": "NUEVO LEÓN",
        "nombre": "Feria de Inclusión para personas migrantes y refugiadas",
        "unidad": "Secretaría de Igualdad e Inclusión",
        "propuestos": [16],
        "asignado": 16,
        "objetivo_programa": "Acercar servicios públicos a personas migrantes y refugiadas.",
        "poblacion_objetivo": "Personas migrantes y refugiadas en Nuevo León.",
        "fecha_inicio": D(2022, 10, 8),
        "temporalidad": "temporal",
        "fecha_conclusion": D(2022, 10, 8),
        "descripcion": "Feria con módulos de salud, empleo, educación e identidad.",
        "resultados": "Se atendió a 640 personas en 22 módulos de servicios.",
        "num_acciones": 22,
        "tipo_acciones": "Módulos de servicios",
        "personas_atendidas": 640,
        "alcance": ["19"],
        "sin_retos": True,
    },
    {
        "actor": "IMUMI",
        "nombre": "Modelo de Atención de la Clínica Jurídica",
        "unidad": "Clínica Jurídica",
        "propuestos": [7],
        "asignado": 7,
        "objetivo_programa": "Brindar atención legal gratuita a mujeres migrantes y sus familias.",
        "poblacion_objetivo": "Mujeres migrantes y sus familias.",
        "fecha_inicio": D(2011, 1, 1),
        "temporalidad": "permanente",
        "descripcion": "Asesoría y representación legal en trámites migratorios y de derecho "
        "familiar transnacional.",
        "resultados": "Se atendieron 1,180 casos de 968 personas: 801 mujeres y 167 hombres.",
        "num_acciones": 1180,
        "tipo_acciones": "Casos atendidos",
        "personas_atendidas": 968,
        "mujeres": 801,
        "hombres": 167,
        "alcance": ["09"],
        "retos": [("Falta de personal para atender la demanda de casos.", "RH")],
    },
]

# Fields of the spec copied as-is onto the Ficha.
_PLAIN_FIELDS = (
    "sigla_override",
    "unidad",
    "nombre",
    "objetivo_programa",
    "poblacion_objetivo",
    "fecha_inicio",
    "temporalidad",
    "fecha_conclusion",
    "descripcion",
    "resultados",
    "num_acciones",
    "tipo_acciones",
    "personas_atendidas",
    "mujeres",
    "hombres",
    "otras_personas",
    "grupos_traslapados",
    "traslape_explicacion",
    "alcance_extranjero",
    "alcance_regiones",
    "explicacion_sin_cifras",
    "sin_retos",
)

_DEFAULT_FLOWS = {
    "borrador": [],
    "enviada": ["submit"],
    "en_revision": ["submit", "review"],
    "observada": ["submit", "review", "return"],
    "aprobada": ["submit", "review", "approve"],
}


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def _accounts() -> list[tuple[str, str, str]]:
    """The demo accounts that exist, in the printed order."""
    memberships = {
        m.user.email: m
        for m in Membership.objects.select_related("user", "actor").filter(
            user__email__in=[p[0] for p in PEOPLE]
        )
    }
    rows = []
    for email, *_rest in PEOPLE:
        membership = memberships.get(email)
        if membership is None:
            continue
        institution = membership.actor.sigla if membership.actor else UPMRIP_LABEL
        rows.append((str(Role(membership.role).label), email, institution))
    return rows


class _Loader:
    def __init__(self, stdout: TextIO | None):
        self.stdout = stdout
        self.now = timezone.now()
        self.actors: dict[str, Actor] = {}
        self.users: dict[str, User] = {}
        self.enlaces: dict[str, list[User]] = {}
        self.by_key: dict[str, Ficha] = {}
        self.objectives = {o.number: o for o in ObjetivoPMM.objects.all()}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    # -- institutions and people --------------------------------------------------------------

    def load_actors(self) -> None:
        types = {t.code: t for t in ActorType.objects.all()}
        for sigla, name, tipo, inegi in ACTORS:
            entidad = EntidadFederativa.objects.get(pk=inegi) if inegi else None
            if entidad is not None:
                sigla = entidad.printed_name
            actor, _created = Actor.objects.get_or_create(
                sigla=sigla, defaults={"name": name, "tipo": types[tipo], "entidad": entidad}
            )
            self.actors[sigla] = actor
        self.say(f"Instituciones: {len(self.actors)}.")

    def load_people(self) -> None:
        # One hash for every account: hashing eighteen times is slow and adds nothing.
        password = make_password(DEMO_PASSWORD)
        for email, first, last, role, sigla, position, phone in PEOPLE:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User(email=email, password=password)
            user.first_name, user.last_name = first, last
            user.is_staff = role in (Role.COORDINADOR, Role.ADMINISTRADOR)
            user.is_superuser = role == Role.ADMINISTRADOR
            user.save()
            actor = self.actors[sigla] if sigla else None
            Membership.objects.update_or_create(
                user=user,
                defaults={"role": role, "actor": actor, "position": position, "phone": phone},
            )
            self.users[email] = user
            if actor is not None:
                self.enlaces.setdefault(actor.sigla, []).append(user)
        self.say(f"Cuentas: {len(self.users)}.")

    # -- fichas -------------------------------------------------------------------------------

    def _contact(self, user: User) -> dict[str, str]:
        membership = Membership.objects.get(user=user)
        phone, _sep, extension = membership.phone.partition(" ext. ")
        return {
            "contacto_nombre": user.get_full_name(),
            "contacto_cargo": membership.position,
            "contacto_telefono": phone,
            "contacto_extension": extension,
            "contacto_correo": user.email,
        }

    def create_ficha(
        self, ejercicio: Ejercicio, spec: dict[str, Any], created_at: datetime.datetime
    ) -> tuple[Ficha, User]:
        actor = self.actors[spec["actor"]]
        enlace = self.users[spec["by"]] if "by" in spec else self.enlaces[actor.sigla][0]
        values = {name: spec[name] for name in _PLAIN_FIELDS if name in spec}
        complete = bool(spec.get("descripcion") and spec.get("objetivo_programa"))
        if complete:
            values.update(self._contact(enlace))
            values["periodo_inicio"] = ejercicio.period_start
            values["periodo_fin"] = ejercicio.period_end
        alcance = spec.get("alcance")
        ficha = Ficha.objects.create(
            ejercicio=ejercicio,
            actor=actor,
            alcance_nacional=alcance == "nacional",
            copied_from=self.by_key.get(spec.get("copied_from", "")),
            created_at=created_at,
            created_by=enlace,
            updated_at=created_at,
            updated_by=enlace,
            **values,
        )
        if isinstance(alcance, list):
            ficha.entidades.set(alcance)
        if spec.get("co_actors"):
            ficha.co_actors.set([self.actors[s] for s in spec["co_actors"]])
        ficha.objetivos_propuestos.set(spec.get("propuestos", []))
        Reto.objects.bulk_create(
            Reto(ficha=ficha, position=i, texto=texto)
            for i, (texto, _cat) in enumerate(spec.get("retos", []), start=1)
        )
        Nota.objects.bulk_create(
            Nota(ficha=ficha, position=i, marker=marker, texto=texto)
            for i, (marker, texto) in enumerate(spec.get("notas", []), start=1)
        )
        FichaEvent.objects.create(
            ficha=ficha, kind=FichaEventKind.CREATED, by=enlace, at=created_at
        )
        if "key" in spec:
            self.by_key[spec["key"]] = ficha
        return ficha, enlace

    def run_flow(self, ficha: Ficha, enlace: User, spec: dict[str, Any], steps: list[str]):
        reviewer = self.users[spec.get("reviewer", COORDINATOR)]
        for step in steps:
            if step == "submit":
                ficha = workflow.submit(ficha, by=enlace)
            elif step == "review":
                ficha = workflow.start_review(ficha, by=reviewer)
            elif step == "return":
                note, field_notes = spec["obs"]
                ficha = workflow.return_for_changes(
                    ficha, by=reviewer, note=note, field_notes=field_notes
                )
            elif step == "fix":
                Ficha.objects.filter(pk=ficha.pk).update(
                    **spec["fix"], version=F("version") + 1, updated_by=enlace
                )
                ficha.refresh_from_db()
            elif step == "approve":
                ficha = workflow.approve(
                    ficha,
                    by=reviewer,
                    objective=self.objectives[spec["asignado"]],
                    note=spec.get("nota_asignacion", ""),
                )
            else:  # pragma: no cover - a typo in the specs above
                raise ValueError(step)
        return ficha

    def classify(self, ficha: Ficha, spec: dict[str, Any]) -> None:
        """The coordinator's classification of an approved ficha (never its status)."""
        categories = {
            c.name: c for c in ChallengeCategory.objects.filter(ejercicio=ficha.ejercicio)
        }
        for reto, (_texto, cat) in zip(
            ficha.retos.order_by("position"), spec.get("retos", []), strict=True
        ):
            reto.categoria = categories[CAT[cat]]
            reto.save(update_fields=["categoria"])
        clasif = spec.get("clasif")
        if not clasif:
            return
        eje_number, sub_name = clasif["sub"]
        eje = EjeTematico.objects.get(pk=eje_number)
        Ficha.objects.filter(pk=ficha.pk).update(
            eje=eje,
            subtema=Subtema.objects.get(eje=eje, name=sub_name),
            destacada=clasif.get("destacada", False),
            resumen_informe=clasif.get("resumen", ""),
        )
        ficha.ods.set(clasif.get("ods", []))
        FichaEvent.objects.create(
            ficha=ficha,
            kind=FichaEventKind.CLASSIFY,
            by=self.users[COORDINATOR],
            note="Clasificación para el Informe Ejecutivo.",
        )

    def retime(self, ficha: Ficha, start: datetime.datetime, step: datetime.timedelta) -> None:
        """Spread the history of a ficha over days instead of the seconds the load takes."""
        at = start
        for event in ficha.events.order_by("at", "pk"):
            event.at = at
            event.save(update_fields=["at"])
            event.observaciones.update(created_at=at)
            at += step
        Ficha.objects.filter(pk=ficha.pk).update(created_at=start, updated_at=at - step)

    def load_fichas(
        self,
        ejercicio: Ejercicio,
        specs: list[dict[str, Any]],
        *,
        default_status: str,
        start: datetime.datetime,
        spread: datetime.timedelta,
    ) -> list[Ficha]:
        fichas = []
        for i, spec in enumerate(specs):
            status = spec.get("status", default_status)
            steps = spec.get("flow", _DEFAULT_FLOWS[status])
            created_at = start + (i % 10) * spread
            ficha, enlace = self.create_ficha(ejercicio, spec, created_at)
            ficha = self.run_flow(ficha, enlace, spec, steps)
            if status == "aprobada":
                self.classify(ficha, spec)
            self.retime(ficha, created_at, spread)
            if ficha.status != status:  # pragma: no cover - the specs above are inconsistent
                raise RuntimeError(f"{ficha.nombre}: {ficha.status} != {status}")
            fichas.append(ficha)
        return fichas


@transaction.atomic
def load_demo(*, stdout: TextIO | None = None) -> DemoAccounts:
    """Create the demonstration data unless an Ejercicio 2024 already exists.

    Side effects: creates institutions (reusing those with the same sigla), users and
    memberships, two exercises and their fichas; every status change goes through
    ``reporting.workflow``, so notifications are queued when the transaction commits.
    Returns the accounts to log in with.
    """
    if Ejercicio.objects.filter(year=DEMO_YEAR).exists():
        return DemoAccounts(accounts=_accounts(), created=False)

    loader = _Loader(stdout)
    loader.load_actors()
    loader.load_people()

    previous_count = 0
    if not Ejercicio.objects.filter(year=PREVIOUS_YEAR).exists():
        # Opened only while its fichas are sent and approved, then closed as in real life.
        previous = create_ejercicio(
            PREVIOUS_YEAR,
            status=EjercicioStatus.ABIERTO,
            opens_on=datetime.date(2023, 7, 3),
            closes_on=datetime.date(2023, 8, 31),
        )
        start = timezone.make_aware(datetime.datetime(2023, 7, 10, 10, 0))
        previous_count = len(
            loader.load_fichas(
                previous,
                FICHAS_2023,
                default_status="aprobada",
                start=start,
                spread=datetime.timedelta(days=3),
            )
        )
        Ejercicio.objects.filter(pk=previous.pk).update(status=EjercicioStatus.CERRADO)
        loader.say(f"Ejercicio {PREVIOUS_YEAR}: {previous_count} fichas aprobadas.")

    today = timezone.localdate()
    current = create_ejercicio(
        DEMO_YEAR,
        status=EjercicioStatus.ABIERTO,
        opens_on=today - datetime.timedelta(days=28),
        closes_on=today + datetime.timedelta(days=21),
    )
    # Histories start within the last four weeks and never reach the future.
    fichas = loader.load_fichas(
        current,
        FICHAS_2024,
        default_status="borrador",
        start=loader.now - datetime.timedelta(days=27),
        spread=datetime.timedelta(hours=36),
    )
    by_status: dict[str, int] = {}
    for ficha in fichas:
        by_status[ficha.status] = by_status.get(ficha.status, 0) + 1
    loader.say(f"Ejercicio {DEMO_YEAR}: {len(fichas)} fichas.")
    return DemoAccounts(
        accounts=_accounts(),
        created=True,
        fichas_by_status=by_status,
        previous_year_fichas=previous_count,
    )
