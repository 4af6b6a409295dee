"""The one audit writer: ficha events and changes to other objects (editions, exercises)."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE

from compendium.editions import create_edicion, update_edicion
from reporting import audit
from reporting.exercises import ExerciseRefused, close_ejercicio
from reporting.models import EjercicioStatus, FichaEventKind

pytestmark = pytest.mark.django_db


def test_record_events_writes_one_row_per_ficha_with_its_own_changes(ficha_a, coordinator):
    events = audit.record_events(
        [ficha_a],
        FichaEventKind.CLASSIFY,
        by=coordinator,
        changes_by_ficha={ficha_a.pk: {"orden": {"label": "Orden", "old": "", "new": "2"}}},
    )
    assert [(e.ficha_id, e.kind, e.by, e.changes["orden"]["new"]) for e in events] == [
        (ficha_a.pk, FichaEventKind.CLASSIFY, coordinator, "2")
    ]
    assert ficha_a.events.get().changes == {"orden": {"label": "Orden", "old": "", "new": "2"}}


def test_edition_texts_are_audited_with_old_and_new(ejercicio, coordinator):
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator, title="Compendio 2024")
    update_edicion(edicion, by=coordinator, title="Compendio General 2024")
    update_edicion(edicion, by=coordinator, title="Compendio General 2024")  # no change: no row
    history = audit.history_of(edicion)
    assert [(e.action_flag, e.user) for e in history] == [
        (ADDITION, coordinator),
        (CHANGE, coordinator),
    ]
    assert "«Compendio 2024» → «Compendio General 2024»" in history[1].change_message
    assert history[1].get_change_message().startswith(history[1].change_message[:20])


def test_an_exercise_change_is_audited_once_with_old_and_new(ejercicio, coordinator):
    close_ejercicio(ejercicio, by=coordinator)
    with pytest.raises(ExerciseRefused):
        close_ejercicio(ejercicio, by=coordinator)
    ejercicio.refresh_from_db()
    assert ejercicio.status == EjercicioStatus.CERRADO
    (entry,) = audit.history_of(ejercicio)
    assert (entry.action_flag, entry.user) == (CHANGE, coordinator)
    assert entry.change_message == "estado: «Abierto» → «Cerrado»."


def test_nothing_is_recorded_without_a_person_or_a_change(ejercicio):
    assert audit.record_change(ejercicio, by=None, changes={"x": {}}) is None
