import pytest

from reporting.models import ODS, ActorType, EjeTematico, EntidadFederativa, ObjetivoPMM

pytestmark = pytest.mark.django_db


def test_23_objectives_with_official_titles():
    titles = dict(ObjetivoPMM.objects.values_list("number", "title"))
    assert sorted(titles) == list(range(1, 24))
    # The two titles that the 2023 edition printed in two spellings (domain.md §B.3).
    assert titles[13] == (
        "Utilizar la detención de migrantes solo como último recurso y buscar otras alternativas"
    )
    assert titles[15] == "Proporcionar a los migrantes acceso a servicios básicos"
    assert titles[1] == (
        "Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica"
    )
    assert titles[23] == (
        "Fortalecer la cooperación internacional y las alianzas mundiales para la migración "
        "segura, ordenada y regular"
    )
    assert ObjetivoPMM.objects.get(number=7).heading == (
        "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración"
    )


def test_17_ods():
    ods = dict(ODS.objects.values_list("number", "short_name"))
    assert sorted(ods) == list(range(1, 18))
    assert ods[10] == "Reducción de las desigualdades"
    assert ods[16] == "Paz, justicia e instituciones sólidas"


def test_32_states_with_inegi_codes():
    states = dict(EntidadFederativa.objects.values_list("inegi_code", "name"))
    assert sorted(states) == [f"{i:02d}" for i in range(1, 33)]
    assert states["09"] == "Ciudad de México"
    assert states["19"] == "Nuevo León"
    assert EntidadFederativa.objects.get(inegi_code="15").printed_name == "ESTADO DE MÉXICO"


def test_four_ejes_with_subtemas():
    ejes = EjeTematico.objects.prefetch_related("subtemas").order_by("number")
    assert [e.name for e in ejes] == [
        "Atención y servicios",
        "Productos informativos y normativos",
        "Instrumentos de coordinación y capacitación",
        "Otros",
    ]
    assert [len(e.subtemas.all()) for e in ejes] == [4, 3, 3, 4]


def test_actor_types_map_to_chapters():
    chapters = {
        t.code: (t.chapter, t.chapter_title, t.lists_all_objectives)
        for t in ActorType.objects.all()
    }
    assert chapters["apf"] == (1, "Dependencias de la Administración Pública Federal", True)
    assert chapters["desconcentrado"][0] == 1
    assert chapters["estatal"] == (2, "Entidades Federativas", True)
    assert chapters["legislativo"] == (3, "Poder Legislativo", False)
    assert chapters["judicial"] == (4, "Poder Judicial", False)
    assert chapters["autonomo"] == (5, "Organismos Constitucionales Autónomos", False)
    assert chapters["osc"] == (6, "Organizaciones de la Sociedad Civil", False)


def test_the_migrated_tables_match_the_reference_module():
    """reference.py is the readable list; migrations hold frozen copies (docs/architecture.md
    §A6). A change to reference.py without a data migration that applies it fails here."""
    from reporting import reference

    assert list(ObjetivoPMM.objects.order_by("number").values_list("number", "title")) == list(
        reference.OBJETIVOS_PMM
    )
    assert list(
        ODS.objects.order_by("number").values_list("number", "short_name", "long_name")
    ) == list(reference.ODS)
    ejes = [
        (e.number, e.name, e.definition, [s.name for s in e.subtemas.order_by("position")])
        for e in EjeTematico.objects.order_by("number")
    ]
    assert ejes == [tuple(e) for e in reference.EJES_TEMATICOS]
    assert sorted(
        EntidadFederativa.objects.values_list("inegi_code", "name", "printed_name")
    ) == sorted(reference.ENTIDADES)
    fields = (
        "code",
        "name",
        "chapter",
        "chapter_title",
        "lists_all_objectives",
        "is_federal",
        "is_state",
    )
    assert sorted(ActorType.objects.values_list(*fields)) == sorted(reference.ACTOR_TYPES)
