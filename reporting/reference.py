"""Reference data loaded by migrations: the single source of every official title and code.

Each list's public source is named in docs/reference-data.md (the Compendio General 2023 and
UPMRIP's Diagnóstico 2018-2022 among them). Objective titles follow the UN Spanish text («solo», «acceso»), not the per-chapter
variants printed in 2023 (docs/reference-data.md §D1).
"""

OBJETIVOS_PMM: list[tuple[int, str]] = [
    (
        1,
        "Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica",
    ),
    (
        2,
        "Minimizar los factores adversos y estructurales que obligan a las personas a abandonar su país de origen",
    ),
    (3, "Proporcionar información exacta y oportuna en todas las etapas de la migración"),
    (
        4,
        "Velar por que todos los migrantes tengan pruebas de su identidad jurídica y documentación adecuada",
    ),
    (5, "Aumentar la disponibilidad y flexibilidad de las vías de migración regular"),
    (
        6,
        "Facilitar la contratación equitativa y ética y salvaguardar las condiciones que garantizan el trabajo decente",
    ),
    (7, "Abordar y reducir las vulnerabilidades en la migración"),
    (
        8,
        "Salvar vidas y emprender iniciativas internacionales coordinadas sobre los migrantes desaparecidos",
    ),
    (9, "Reforzar la respuesta transnacional al tráfico ilícito de migrantes"),
    (
        10,
        "Prevenir, combatir y erradicar la trata de personas en el contexto de la migración internacional",
    ),
    (11, "Gestionar las fronteras de manera integrada, segura y coordinada"),
    (
        12,
        "Aumentar la certidumbre y previsibilidad de los procedimientos migratorios para la adecuada verificación de antecedentes, evaluación y derivación",
    ),
    (13, "Utilizar la detención de migrantes solo como último recurso y buscar otras alternativas"),
    (
        14,
        "Mejorar la protección, asistencia y cooperación consulares a lo largo de todo el ciclo migratorio",
    ),
    (15, "Proporcionar a los migrantes acceso a servicios básicos"),
    (
        16,
        "Empoderar a los migrantes y las sociedades para lograr la plena inclusión y la cohesión social",
    ),
    (
        17,
        "Eliminar todas las formas de discriminación y promover un discurso público con base empírica para modificar las percepciones de la migración",
    ),
    (
        18,
        "Invertir en el desarrollo de aptitudes y facilitar el reconocimiento mutuo de aptitudes, cualificaciones y competencias",
    ),
    (
        19,
        "Crear las condiciones necesarias para que los migrantes y las diásporas puedan contribuir plenamente al desarrollo sostenible en todos los países",
    ),
    (
        20,
        "Promover transferencias de remesas más rápidas, seguras y económicas y fomentar la inclusión financiera de los migrantes",
    ),
    (
        21,
        "Colaborar para facilitar el regreso y la readmisión en condiciones de seguridad y dignidad, así como la reintegración sostenible",
    ),
    (
        22,
        "Establecer mecanismos para la portabilidad de la seguridad social y las prestaciones adquiridas",
    ),
    (
        23,
        "Fortalecer la cooperación internacional y las alianzas mundiales para la migración segura, ordenada y regular",
    ),
]

# (number, short label, long headline): docs/reference-data.md §D2, completed from the UN Spanish names.
ODS: list[tuple[int, str, str]] = [
    (1, "Fin de la pobreza", "Poner fin a la pobreza en todas sus formas en todo el mundo"),
    (
        2,
        "Hambre cero",
        "Poner fin al hambre, lograr la seguridad alimentaria y la mejora de la nutrición y promover la agricultura sostenible",
    ),
    (
        3,
        "Salud y bienestar",
        "Garantizar una vida sana y promover el bienestar para todos en todas las edades",
    ),
    (
        4,
        "Educación de calidad",
        "Garantizar una educación inclusiva, equitativa y de calidad y promover oportunidades de aprendizaje durante toda la vida para todos",
    ),
    (
        5,
        "Igualdad de género",
        "Lograr la igualdad entre los géneros y empoderar a todas las mujeres y las niñas",
    ),
    (
        6,
        "Agua limpia y saneamiento",
        "Garantizar la disponibilidad de agua y su gestión sostenible y el saneamiento para todos",
    ),
    (
        7,
        "Energía asequible y no contaminante",
        "Garantizar el acceso a una energía asequible, segura, sostenible y moderna para todos",
    ),
    (
        8,
        "Trabajo decente y crecimiento económico",
        "Promover el crecimiento económico sostenido, inclusivo y sostenible, el empleo pleno y productivo y el trabajo decente para todos",
    ),
    (
        9,
        "Industria, innovación e infraestructura",
        "Construir infraestructuras resilientes, promover la industrialización inclusiva y sostenible y fomentar la innovación",
    ),
    (10, "Reducción de las desigualdades", "Reducir la desigualdad en y entre los países"),
    (
        11,
        "Ciudades y comunidades sostenibles",
        "Lograr que las ciudades y los asentamientos humanos sean inclusivos, seguros, resilientes y sostenibles",
    ),
    (
        12,
        "Producción y consumo responsables",
        "Garantizar modalidades de consumo y producción sostenibles",
    ),
    (
        13,
        "Acción por el clima",
        "Adoptar medidas urgentes para combatir el cambio climático y sus efectos",
    ),
    (
        14,
        "Vida submarina",
        "Conservar y utilizar sosteniblemente los océanos, los mares y los recursos marinos para el desarrollo sostenible",
    ),
    (
        15,
        "Vida de ecosistemas terrestres",
        "Proteger, restablecer y promover el uso sostenible de los ecosistemas terrestres, gestionar sosteniblemente los bosques, luchar contra la desertificación, detener e invertir la degradación de las tierras y detener la pérdida de biodiversidad",
    ),
    (
        16,
        "Paz, justicia e instituciones sólidas",
        "Promover sociedades pacíficas e inclusivas para el desarrollo sostenible, facilitar el acceso a la justicia para todos y construir a todos los niveles instituciones eficaces e inclusivas que rindan cuentas",
    ),
    (
        17,
        "Alianzas para lograr los objetivos",
        "Fortalecer los medios de implementación y revitalizar la Alianza Mundial para el Desarrollo Sostenible",
    ),
]

# docs/reference-data.md §D5.
EJES_TEMATICOS: list[tuple[int, str, str, list[str]]] = [
    (
        1,
        "Atención y servicios",
        "Se entiende como todas aquellas acciones que van dirigidas a la población migrante para "
        "cubrir necesidades básicas como salud, educación, protección, empleo, etcétera.",
        [
            "Acciones en materia de educación",
            "Actividades correspondientes al rubro de la salud",
            "Acciones sobre el tema de protección",
            "Actividades en materia de empleo",
        ],
    ),
    (
        2,
        "Productos informativos y normativos",
        "Éstos comprenden las acciones dirigidas tanto a la población migrante como al personal "
        "del servicio público en la dirección de informar sobre los derechos y obligaciones que "
        "tiene todo este universo para la atención a la movilidad humana, así como los "
        "instrumentos internacionales, leyes, reglamentos y lineamientos en materia de movilidad "
        "humana, y el intercambio de información de las diferentes partes interesadas.",
        [
            "Instrumentos internacionales, leyes, reglamentos y lineamientos",
            "Materiales informativos (estudios, diagnósticos, recomendaciones) y campañas",
            "Intercambio de información nacional e internacional",
        ],
    ),
    (
        3,
        "Instrumentos de coordinación y capacitación",
        "Los instrumentos de coordinación y capacitaciones aluden a las acciones llevadas a cabo "
        "por y entre las dependencias, entidades federativas o, incluso, representaciones del "
        "Gobierno federal con sus contrapartes a nivel internacional, con el fin de generar "
        "medidas que faciliten la gestión de la migración y favorezcan la asistencia que se "
        "brinda a esta población.",
        [
            "Seminarios, cursos y capacitaciones",
            "Reuniones internacionales o con actores del exterior",
            "Reuniones nacionales de coordinación",
        ],
    ),
    (
        4,
        "Otros",
        "En este rubro se incluyen todas aquellas categorías que no corresponden a los ejes "
        "temáticos antes mencionados.",
        [
            "Servicios financieros",
            "Identidad e identificación",
            "Infraestructura social y vivienda",
            "Otros temas",
        ],
    ),
]

# (INEGI code, name, name as printed in Compendio headings).
ENTIDADES: list[tuple[str, str, str]] = [
    ("01", "Aguascalientes", "AGUASCALIENTES"),
    ("02", "Baja California", "BAJA CALIFORNIA"),
    ("03", "Baja California Sur", "BAJA CALIFORNIA SUR"),
    ("04", "Campeche", "CAMPECHE"),
    ("05", "Coahuila de Zaragoza", "COAHUILA"),
    ("06", "Colima", "COLIMA"),
    ("07", "Chiapas", "CHIAPAS"),
    ("08", "Chihuahua", "CHIHUAHUA"),
    ("09", "Ciudad de México", "CIUDAD DE MÉXICO"),
    ("10", "Durango", "DURANGO"),
    ("11", "Guanajuato", "GUANAJUATO"),
    ("12", "Guerrero", "GUERRERO"),
    ("13", "Hidalgo", "HIDALGO"),
    ("14", "Jalisco", "JALISCO"),
    ("15", "Estado de México", "ESTADO DE MÉXICO"),
    ("16", "Michoacán de Ocampo", "MICHOACÁN"),
    ("17", "Morelos", "MORELOS"),
    ("18", "Nayarit", "NAYARIT"),
    ("19", "Nuevo León", "NUEVO LEÓN"),
    ("20", "Oaxaca", "OAXACA"),
    ("21", "Puebla", "PUEBLA"),
    ("22", "Querétaro", "QUERÉTARO"),
    ("23", "Quintana Roo", "QUINTANA ROO"),
    ("24", "San Luis Potosí", "SAN LUIS POTOSÍ"),
    ("25", "Sinaloa", "SINALOA"),
    ("26", "Sonora", "SONORA"),
    ("27", "Tabasco", "TABASCO"),
    ("28", "Tamaulipas", "TAMAULIPAS"),
    ("29", "Tlaxcala", "TLAXCALA"),
    ("30", "Veracruz de Ignacio de la Llave", "VERACRUZ"),
    ("31", "Yucatán", "YUCATÁN"),
    ("32", "Zacatecas", "ZACATECAS"),
]

# (code, name, chapter, chapter title, lists all 23 objectives, federal, state): docs/reference-data.md §D3, docs/publications.md §C2.
ACTOR_TYPES: list[tuple[str, str, int, str, bool, bool, bool]] = [
    (
        "apf",
        "Dependencia de la Administración Pública Federal",
        1,
        "Dependencias de la Administración Pública Federal",
        True,
        True,
        False,
    ),
    (
        "desconcentrado",
        "Órgano desconcentrado",
        1,
        "Dependencias de la Administración Pública Federal",
        True,
        True,
        False,
    ),
    (
        "descentralizado",
        "Organismo descentralizado o paraestatal",
        1,
        "Dependencias de la Administración Pública Federal",
        True,
        True,
        False,
    ),
    ("estatal", "Gobierno de entidad federativa", 2, "Entidades Federativas", True, False, True),
    ("legislativo", "Poder Legislativo", 3, "Poder Legislativo", False, False, False),
    ("judicial", "Poder Judicial", 4, "Poder Judicial", False, False, False),
    (
        "autonomo",
        "Organismo Constitucional Autónomo",
        5,
        "Organismos Constitucionales Autónomos",
        False,
        False,
        False,
    ),
    (
        "osc",
        "Organización de la Sociedad Civil",
        6,
        "Organizaciones de la Sociedad Civil",
        False,
        False,
        False,
    ),
]

# Provisional challenge categories (docs/reference-data.md §D6), copied into each new exercise
# where coordinators may edit them.
DEFAULT_CHALLENGE_CATEGORIES: list[tuple[str, str]] = [
    (
        "Recursos presupuestales y financieros",
        "Falta o insuficiencia de presupuesto, recortes o retrasos en la asignación de recursos para operar el programa.",
    ),
    (
        "Recursos humanos y capacitación",
        "Personal insuficiente, rotación o necesidad de formación especializada del personal que opera el programa.",
    ),
    (
        "Coordinación interinstitucional y alianzas",
        "Dificultades para coordinarse con otras dependencias, órdenes de gobierno u organizaciones, o para establecer convenios.",
    ),
    (
        "Difusión y acceso a la información",
        "Dificultades para que la población conozca el programa o acceda a información clara y oportuna.",
    ),
    (
        "Datos, registros y sistemas de información",
        "Carencias en la generación, el registro, el desglose o el intercambio de datos y estadísticas.",
    ),
    (
        "Marco normativo, trámites y procedimientos",
        "Vacíos o rigideces de leyes, reglamentos, lineamientos o procedimientos administrativos.",
    ),
    (
        "Cobertura y alcance territorial",
        "Limitaciones para llegar a todas las regiones o a toda la población objetivo.",
    ),
    (
        "Infraestructura, equipamiento y tecnología",
        "Instalaciones, equipo o herramientas tecnológicas insuficientes o inadecuadas.",
    ),
    (
        "Características de la población atendida",
        "Alta movilidad, barreras de idioma, temor o desconfianza de las personas que dificultan la atención.",
    ),
    (
        "Continuidad y sostenibilidad",
        "Riesgos para la permanencia del programa, como cambios de administración o de prioridades.",
    ),
    ("Otros", "Retos que no corresponden a las categorías anteriores."),
]
