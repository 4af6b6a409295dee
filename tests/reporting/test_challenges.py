"""Reto categories in bulk and their suggestion rules (reporting/challenges.py)."""

import pytest
from django.contrib.admin.models import LogEntry

from reporting import challenges
from reporting.challenges import Assignment
from reporting.models import FichaEvent, FichaEventKind, FichaStatus, Reto
from reporting.reference import DEFAULT_CHALLENGE_CATEGORIES
from reporting.text import fold_spaces
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_default_category_but_otros_has_builtin_keywords() -> None:
    names = {fold_spaces(name) for name, _definition in DEFAULT_CHALLENGE_CATEGORIES}
    assert set(challenges.DEFAULT_KEYWORDS) == names - {"otros"}


def test_parse_keywords() -> None:
    assert challenges.parse_keywords("presupuesto, Presupuesto;\n  recursos  humanos \n,") == [
        "presupuesto",
        "recursos humanos",
    ]


def _rule(pk, name, *words):
    return challenges.Rule(pk, name, tuple(words), builtin=False)


def test_suggestion_counts_distinct_keywords_at_word_starts() -> None:
    rules = [
        _rule(1, "Presupuesto", "presupuest", "recursos económicos"),
        _rule(2, "Personal", "personal", "capacitación"),
    ]
    found = challenges.suggest("Falta de PRESUPUESTO y de recursos economicos.", rules)
    assert found == challenges.Suggestion(1, "Presupuesto", ("presupuest", "recursos económicos"))
    # More keywords win; accents and case never matter.
    found = challenges.suggest("Poco personal sin capacitacion y sin presupuesto.", rules)
    assert found is not None and found.category_id == 2
    # A keyword matches the start of a word only: «impersonal» is not «personal».
    assert challenges.suggest("Un trato impersonal.", rules) is None
    # A tie goes to the category listed first.
    found = challenges.suggest("Presupuesto y personal.", rules)
    assert found is not None and found.category_id == 1


def test_rules_use_own_keywords_else_the_builtin_list(ejercicio) -> None:
    budget = ejercicio.challenge_categories.get(name="Recursos presupuestales y financieros")
    rules = {r.category_id: r for r in challenges.rules_for(ejercicio)}
    assert rules[budget.pk].builtin and "presupuest" in rules[budget.pk].keywords
    budget.keywords = "dinero\nfondos"
    budget.save()
    rules = {r.category_id: r for r in challenges.rules_for(ejercicio)}
    assert rules[budget.pk] == challenges.Rule(budget.pk, budget.name, ("dinero", "fondos"), False)


@pytest.fixture
def retos(ejercicio, actor_a, actor_b):
    a = factories.ficha(
        actor_a,
        ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=1,
        retos=["Falta de presupuesto.", "Poco personal."],
    )
    b = factories.ficha(
        actor_b, ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=2, retos=["Otro."]
    )
    draft = factories.ficha(actor_a, ejercicio, retos=["Un reto de un borrador."])
    return a, b, draft


def test_table_lists_retos_of_approved_fichas_in_order(ejercicio, retos) -> None:
    a, b, _draft = retos
    texts = [r.texto for r in challenges.retos_of(ejercicio)]
    assert texts == ["Falta de presupuesto.", "Poco personal.", "Otro."]
    assert challenges.progress(ejercicio) == (0, 3)


def test_bulk_save_writes_changed_rows_bumps_versions_and_audits(
    ejercicio, retos, coordinator
) -> None:
    a, b, _draft = retos
    budget, people = ejercicio.challenge_categories.order_by("position")[:2]
    r1, r2 = a.retos.order_by("position")
    (r3,) = b.retos.all()
    result = challenges.save_reto_categories(
        ejercicio,
        [
            Assignment(r1.pk, budget.pk, None, suggested=True),
            Assignment(r2.pk, people.pk, None),
            Assignment(r3.pk, None, None),  # unchanged: nothing written for b
        ],
        by=coordinator,
    )
    assert (result.changed, result.fichas, result.conflicts) == (2, 1, [])
    assert Reto.objects.get(pk=r1.pk).categoria == budget
    a_version = a.version
    a.refresh_from_db()
    b_version = b.version
    b.refresh_from_db()
    assert (a.version, b.version) == (a_version + 1, b_version)
    (event,) = FichaEvent.objects.filter(ficha=a, kind=FichaEventKind.CLASSIFY)
    assert event.by == coordinator
    assert "en bloque" in event.note
    assert event.changes[f"reto_{r1.pk}"] == {
        "label": "Categoría del reto 1 (sugerencia aceptada)",
        "old": "",
        "new": budget.name,
    }
    assert event.changes[f"reto_{r2.pk}"]["label"] == "Categoría del reto 2"
    assert not FichaEvent.objects.filter(ficha=b, kind=FichaEventKind.CLASSIFY).exists()
    assert challenges.progress(ejercicio) == (2, 3)


def test_bulk_save_keeps_a_change_made_meanwhile(ejercicio, retos, coordinator) -> None:
    a, _b, _draft = retos
    budget, people = ejercicio.challenge_categories.order_by("position")[:2]
    r1 = a.retos.order_by("position").first()
    Reto.objects.filter(pk=r1.pk).update(categoria=people)  # somebody else, after loading
    result = challenges.save_reto_categories(
        ejercicio, [Assignment(r1.pk, budget.pk, None)], by=coordinator
    )
    assert (result.changed, result.conflicts) == (0, [r1.pk])
    assert Reto.objects.get(pk=r1.pk).categoria == people


def test_bulk_save_refuses_other_exercises(ejercicio, retos, coordinator, actor_a) -> None:
    _a, _b, draft = retos
    other = factories.ejercicio(2025)
    foreign = other.challenge_categories.first()
    r1 = _a.retos.first()
    with pytest.raises(challenges.ChallengesRefused):
        challenges.save_reto_categories(
            ejercicio, [Assignment(r1.pk, foreign.pk, None)], by=coordinator
        )
    with pytest.raises(challenges.ChallengesRefused):  # not approved: not in the table
        challenges.save_reto_categories(
            ejercicio, [Assignment(draft.retos.first().pk, None, None)], by=coordinator
        )


def test_save_keywords_normalises_and_audits(ejercicio, coordinator) -> None:
    budget = ejercicio.challenge_categories.get(name="Recursos presupuestales y financieros")
    n = challenges.save_keywords(ejercicio, {budget.pk: "dinero, fondos, dinero"}, by=coordinator)
    assert n == 1
    budget.refresh_from_db()
    assert budget.keywords == "dinero\nfondos"
    assert challenges.save_keywords(ejercicio, {budget.pk: "dinero\nfondos"}, by=coordinator) == 0
    entry = LogEntry.objects.filter(object_id=str(ejercicio.pk)).latest("pk")
    assert "Palabras clave de «Recursos presupuestales y financieros»" in entry.change_message
    other = factories.ejercicio(2025).challenge_categories.first()
    with pytest.raises(challenges.ChallengesRefused):
        challenges.save_keywords(ejercicio, {other.pk: "x"}, by=coordinator)
