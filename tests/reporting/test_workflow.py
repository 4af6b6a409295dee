"""Every transition of reporting/workflow.py: allowed and refused, per role, with its audit row."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from reporting import notifications, workflow
from reporting.models import (
    EjercicioStatus,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    ObjetivoPMM,
    Observacion,
)
from tests import factories

S = FichaStatus


def _at(ficha, status, coordinator, focal):
    """Drive ``ficha`` to ``status`` through the workflow itself."""
    paths = {
        S.BORRADOR: [],
        S.ENVIADA: ["submit"],
        S.EN_REVISION: ["submit", "start"],
        S.OBSERVADA: ["submit", "return"],
        S.APROBADA: ["submit", "approve"],
    }
    for step in paths[status]:
        if step == "submit":
            ficha = workflow.submit(ficha, by=focal)
        elif step == "start":
            ficha = workflow.start_review(ficha, by=coordinator)
        elif step == "return":
            ficha = workflow.return_for_changes(ficha, by=coordinator, note="Corrija.")
        elif step == "approve":
            ficha = workflow.approve(
                ficha, by=coordinator, objective=ObjetivoPMM.objects.get(number=7)
            )
    return ficha


ACTIONS = {
    "submit": lambda f, by: workflow.submit(f, by=by),
    "start": lambda f, by: workflow.start_review(f, by=by),
    "return": lambda f, by: workflow.return_for_changes(f, by=by, note="Falta la fecha."),
    "approve": lambda f, by: workflow.approve(
        f, by=by, objective=ObjetivoPMM.objects.get(number=7)
    ),
    "reopen": lambda f, by: workflow.reopen(f, by=by, reason="Cifra equivocada."),
}
TARGET = {
    "submit": S.ENVIADA,
    "start": S.EN_REVISION,
    "return": S.OBSERVADA,
    "approve": S.APROBADA,
    "reopen": S.EN_REVISION,
}
ALLOWED = {
    (S.BORRADOR, "submit"): "focal",
    (S.OBSERVADA, "submit"): "focal",
    (S.ENVIADA, "start"): "coordinator",
    (S.ENVIADA, "return"): "coordinator",
    (S.EN_REVISION, "return"): "coordinator",
    (S.ENVIADA, "approve"): "coordinator",
    (S.EN_REVISION, "approve"): "coordinator",
    (S.APROBADA, "reopen"): "coordinator",
}


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition_matrix(status, action, ficha_a, coordinator, focal_a, focal_b):
    """Each (status, action) is allowed for exactly one role and refused for the others."""
    ficha = _at(ficha_a, status, coordinator, focal_a)
    events_before = FichaEvent.objects.filter(ficha=ficha).count()
    people = {"focal": focal_a, "coordinator": coordinator, "outsider": focal_b}
    allowed_role = ALLOWED.get((status, action))
    for role, person in people.items():
        if role == allowed_role:
            continue
        expected = workflow.TransitionError if allowed_role is None else PermissionDenied
        with pytest.raises(expected):
            ACTIONS[action](ficha, person)
        ficha.refresh_from_db()
        assert ficha.status == status
        assert FichaEvent.objects.filter(ficha=ficha).count() == events_before
    if allowed_role:
        result = ACTIONS[action](ficha, people[allowed_role])
        result.refresh_from_db()
        assert result.status == TARGET[action]
        event = FichaEvent.objects.filter(ficha=ficha).latest("pk")
        assert (event.kind, event.by, event.from_status, event.to_status) == (
            FichaEventKind.TRANSITION,
            people[allowed_role],
            status,
            TARGET[action],
        )
        assert FichaEvent.objects.filter(ficha=ficha).count() == events_before + 1


def test_submit_refused_when_exercise_closed(ficha_a, focal_a):
    ficha_a.ejercicio.status = EjercicioStatus.CERRADO
    ficha_a.ejercicio.save()
    with pytest.raises(workflow.TransitionError):
        workflow.submit(ficha_a, by=focal_a)


def test_return_writes_general_and_field_observations_and_emails_focal_points(
    ficha_a, coordinator, focal_a, focal_a2, django_capture_on_commit_callbacks
):
    ficha = workflow.submit(ficha_a, by=focal_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_for_changes(
            ficha,
            by=coordinator,
            note="Revise la redacción.",
            field_notes={"resultados": "Desagregue por sexo.", "nombre": "  "},
        )
    event = FichaEvent.objects.filter(ficha=ficha).latest("pk")
    assert event.note == "Revise la redacción."
    assert [(o.field, o.texto, o.event_id) for o in Observacion.objects.filter(ficha=ficha)] == [
        ("", "Revise la redacción.", event.pk),
        ("resultados", "Desagregue por sexo.", event.pk),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([focal_a.email, focal_a2.email])
    assert mail.outbox[0].subject == "Su ficha técnica tiene observaciones"
    assert "Resultados alcanzados: Desagregue por sexo." in mail.outbox[0].body


def test_return_needs_an_observation(ficha_a, coordinator, focal_a):
    ficha = workflow.submit(ficha_a, by=focal_a)
    with pytest.raises(workflow.TransitionError):
        workflow.return_for_changes(ficha, by=coordinator, note=" ", field_notes={"nombre": ""})
    ficha.refresh_from_db()
    assert ficha.status == S.ENVIADA


def test_approve_sets_objective_note_and_emails_institution(
    ficha_a, coordinator, focal_a, django_capture_on_commit_callbacks
):
    ficha = workflow.submit(ficha_a, by=focal_a)
    objective = ObjetivoPMM.objects.get(number=16)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(ficha, by=coordinator, objective=objective, note="Por su enfoque.")
    ficha.refresh_from_db()
    assert (ficha.status, ficha.objetivo_asignado, ficha.nota_asignacion) == (
        S.APROBADA,
        objective,
        "Por su enfoque.",
    )
    assert [m.to for m in mail.outbox] == [[focal_a.email]]
    assert "Objetivo del PMM asignado: 16." in mail.outbox[0].body


def test_reopen_needs_a_reason(ficha_a, coordinator, focal_a):
    ficha = _at(ficha_a, S.APROBADA, coordinator, focal_a)
    with pytest.raises(workflow.TransitionError):
        workflow.reopen(ficha, by=coordinator, reason="  ")
    workflow.reopen(ficha, by=coordinator, reason="Cambió la cifra.")
    assert FichaEvent.objects.filter(ficha=ficha).latest("pk").note == "Cambió la cifra."


def test_stale_version_refuses_the_transition(ficha_a, coordinator, focal_a):
    ficha = workflow.submit(ficha_a, by=focal_a)
    seen = ficha.version
    workflow.start_review(ficha, by=coordinator)
    with pytest.raises(workflow.TransitionError):
        workflow.approve(
            ficha,
            by=coordinator,
            objective=ObjetivoPMM.objects.get(number=7),
            expected_version=seen,
        )
    ficha.refresh_from_db()
    assert ficha.status == S.EN_REVISION


# ---------------------------------------------------------------------------------------------
# Coordinators' digest
# ---------------------------------------------------------------------------------------------


def test_digest_lists_every_sent_ficha_once(
    settings, ejercicio, actor_a, focal_a, coordinator, django_capture_on_commit_callbacks
):
    # A backend that defers: submissions queue the digest instead of sending at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    fichas = [factories.ficha(actor_a, ejercicio, nombre=f"Programa {n}") for n in "ABC"]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        for ficha in fichas:
            workflow.submit(ficha, by=focal_a)
    assert (len(queued), mail.outbox) == (3, [])

    assert notifications.send_submitted_digest.call() == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert mail.outbox[0].subject == "3 fichas enviadas a revisión"
    for ficha in fichas:
        assert f"INM · {ficha.nombre}" in mail.outbox[0].body
        assert f"/fichas/revision/{ficha.pk}/" in mail.outbox[0].body
    # Idempotent: the other queued digests find nothing left to report.
    assert notifications.send_submitted_digest.call() == 0
    assert len(mail.outbox) == 1


def test_digest_runs_inline_with_the_immediate_backend(
    ficha_a, focal_a, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(ficha_a, by=focal_a)
    assert [m.subject for m in mail.outbox] == ["1 ficha enviada a revisión"]
    assert FichaEvent.objects.filter(ficha=ficha_a, notified_at__isnull=False).count() == 1


def test_reminder_email_counts_what_the_institution_owes(ejercicio, actor_a, focal_a):
    factories.ficha(actor_a, ejercicio)
    notifications.send_reminder.call(ejercicio.pk, actor_a.pk)
    assert [m.to for m in mail.outbox] == [[focal_a.email]]
    assert mail.outbox[0].subject == "Recordatorio: fichas técnicas del ejercicio 2024"
    assert "Su institución todavía no ha enviado fichas." in mail.outbox[0].body
    assert "Tiene 1 ficha en borrador sin enviar." in mail.outbox[0].body


# --- Status groups and allowed actions ----------------------------------------------------------


def test_allowed_actions_follow_the_transition_table(ficha_a, focal_a, focal_b, coordinator):
    from reporting.workflow import allowed_actions

    assert allowed_actions(ficha_a, focal_a) == {"submit"}
    assert allowed_actions(ficha_a, focal_b) == frozenset()
    assert allowed_actions(ficha_a, coordinator) == frozenset()
    ficha = workflow.submit(ficha_a, by=focal_a)
    assert allowed_actions(ficha, focal_a) == frozenset()
    assert allowed_actions(ficha, coordinator) == {
        "start_review",
        "return_for_changes",
        "approve",
    }
    ficha = workflow.start_review(ficha, by=coordinator)
    assert allowed_actions(ficha, coordinator) == {"return_for_changes", "approve"}
    ficha = workflow.approve(ficha, by=coordinator, objective=ObjetivoPMM.objects.get(number=1))
    assert allowed_actions(ficha, coordinator) == {"reopen"}


def test_every_allowed_action_is_accepted_by_the_workflow(ficha_a, focal_a, coordinator):
    """Walk every status: what allowed_actions offers, the workflow function accepts."""
    from reporting.workflow import allowed_actions

    objective = ObjetivoPMM.objects.get(number=2)
    calls = {
        "submit": lambda f, by: workflow.submit(f, by=by),
        "start_review": lambda f, by: workflow.start_review(f, by=by),
        "return_for_changes": lambda f, by: workflow.return_for_changes(f, by=by, note="Falta."),
        "approve": lambda f, by: workflow.approve(f, by=by, objective=objective),
        "reopen": lambda f, by: workflow.reopen(f, by=by, reason="Revisar."),
    }
    seen = set()
    ficha = ficha_a
    for _step in range(12):
        for person in (focal_a, coordinator):
            actions = sorted(allowed_actions(ficha, person) - seen) or sorted(
                allowed_actions(ficha, person)
            )
            if actions:
                seen.add(actions[0])
                ficha = calls[actions[0]](ficha, person)
                break
    assert seen == set(calls)


def test_status_groups_are_not_choices():
    assert FichaStatus.values == ["borrador", "enviada", "en_revision", "observada", "aprobada"]
    assert FichaStatus.EDITABLE == {"borrador", "observada"}
    assert FichaStatus.IN_REVIEW | FichaStatus.RECEIVED == set(FichaStatus.values) - {"borrador"}


def test_approve_does_not_change_the_callers_copy_when_refused(ficha_a, focal_a, coordinator):
    objective = ObjetivoPMM.objects.get(number=3)
    with pytest.raises(workflow.TransitionError):
        workflow.approve(ficha_a, by=coordinator, objective=objective)  # a draft: refused
    assert ficha_a.objetivo_asignado_id is None
