"""duplicate_ficha and carry_over_fichas: new drafts, never coordinator fields or status."""

import pytest

from reporting import workflow
from reporting.carry_over import carry_over_fichas, duplicate_ficha
from reporting.models import EjercicioStatus, Ficha, FichaEventKind, Nota, ObjetivoPMM
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(actor_a, focal_a, coordinator):
    old = factories.ejercicio(2023, status=EjercicioStatus.ABIERTO)
    ficha = factories.ficha(actor_a, old, retos=["Reto A.", "Reto B."], propuestos=[7, 16])
    ficha.entidades.set(["02", "26"])
    Nota.objects.create(ficha=ficha, texto="Nota al pie.", marker="[^1]")
    workflow.submit(ficha, by=focal_a)
    ficha = workflow.approve(ficha, by=coordinator, objective=ObjetivoPMM.objects.get(number=7))
    Ficha.objects.filter(pk=ficha.pk).update(orden=3, destacada=True, resumen_informe="Resumen")
    old.status = EjercicioStatus.CERRADO
    old.save()
    ficha.refresh_from_db()
    return ficha


def test_duplicate_copies_content_but_not_coordinator_fields(approved, focal_a):
    copy = duplicate_ficha(approved, by=focal_a)
    assert copy.pk != approved.pk
    assert (copy.status, copy.version, copy.ejercicio, copy.actor) == (
        "borrador",
        1,
        approved.ejercicio,
        approved.actor,
    )
    assert (copy.nombre, copy.resultados, copy.personas_atendidas) == (
        approved.nombre,
        approved.resultados,
        approved.personas_atendidas,
    )
    assert (copy.objetivo_asignado, copy.orden, copy.destacada, copy.resumen_informe) == (
        None,
        None,
        False,
        "",
    )
    assert [r.texto for r in copy.retos.all()] == ["Reto A.", "Reto B."]
    assert [n.texto for n in copy.notas.all()] == ["Nota al pie."]
    assert sorted(o.number for o in copy.objetivos_propuestos.all()) == [7, 16]
    assert sorted(e.inegi_code for e in copy.entidades.all()) == ["02", "26"]
    assert copy.copied_from == approved
    assert list(copy.events.values_list("kind", flat=True)) == [FichaEventKind.CREATED]
    assert copy.created_by == focal_a


def test_carry_over_brings_chosen_fichas_without_old_results(approved, actor_a, focal_a, ejercicio):
    copies = carry_over_fichas(
        actor_a,
        from_ejercicio=approved.ejercicio,
        to_ejercicio=ejercicio,
        by=focal_a,
        ids=[approved.pk],
    )
    assert len(copies) == 1
    copy = copies[0]
    assert (copy.ejercicio, copy.status, copy.nombre) == (ejercicio, "borrador", approved.nombre)
    assert (copy.resultados, copy.personas_atendidas, copy.mujeres) == ("", None, None)
    assert copy.contacto_correo == approved.contacto_correo
    assert [r.texto for r in copy.retos.all()] == ["Reto A.", "Reto B."]
    assert copy.objetivo_asignado is None


def test_carry_over_ignores_other_institutions_and_other_years(
    approved, actor_a, actor_b, focal_a, ejercicio
):
    theirs = factories.ficha(actor_b, approved.ejercicio)
    this_year = factories.ficha(actor_a, ejercicio)
    copies = carry_over_fichas(
        actor_a,
        from_ejercicio=approved.ejercicio,
        to_ejercicio=ejercicio,
        by=focal_a,
        ids=[theirs.pk, this_year.pk],
    )
    assert copies == []
    assert Ficha.objects.filter(ejercicio=ejercicio).count() == 1
