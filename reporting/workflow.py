"""Every change of a ficha's status goes through one function here.

Each function locks the row, checks the transition and the person's role, saves with
``update_fields``, writes one audit row (``reporting.audit``) and queues notifications after
commit. Nothing else in the code base assigns ``Ficha.status`` or marks a ficha published;
``tests/test_architecture.py`` fails when something does. The statuses and who may move a ficha
between them are described in docs/workflow.md.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import audit, notifications
from reporting.models import (
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    ObjetivoPMM,
    Observacion,
    User,
)

S = FichaStatus

# (from, to) -> who may do it: "institution" (focal point of the ficha's actor) or "coordinator".
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.BORRADOR, S.ENVIADA): "institution",
    (S.OBSERVADA, S.ENVIADA): "institution",
    (S.ENVIADA, S.EN_REVISION): "coordinator",
    (S.ENVIADA, S.OBSERVADA): "coordinator",
    (S.EN_REVISION, S.OBSERVADA): "coordinator",
    (S.ENVIADA, S.APROBADA): "coordinator",
    (S.EN_REVISION, S.APROBADA): "coordinator",
    (S.APROBADA, S.EN_REVISION): "coordinator",
}


# What a person may do with a ficha: action name -> (target status, statuses it starts from).
# «start_review» and «reopen» share a target and differ by origin (see ``_transition``).
ACTIONS: dict[str, tuple[str, frozenset[str] | None]] = {
    "submit": (S.ENVIADA, None),
    "start_review": (S.EN_REVISION, frozenset({S.ENVIADA})),
    "return_for_changes": (S.OBSERVADA, None),
    "approve": (S.APROBADA, None),
    "reopen": (S.EN_REVISION, frozenset({S.APROBADA})),
}


def allowed_actions(ficha: Ficha, user: User) -> frozenset[str]:
    """The actions of ``ACTIONS`` that ``user`` may take on ``ficha`` now, from ``TRANSITIONS``.

    Views and templates ask this instead of comparing statuses, so a page never offers a button
    the workflow would refuse.
    """
    allowed = set()
    for action, (to_status, only_from) in ACTIONS.items():
        rule = TRANSITIONS.get((ficha.status, to_status))
        if rule is None or (only_from is not None and ficha.status not in only_from):
            continue
        if rule == "coordinator" and user.is_coordinator:
            allowed.add(action)
        elif (
            rule == "institution"
            and _is_institution_member(user, ficha)
            and ficha.ejercicio.is_open
        ):
            allowed.add(action)
    return frozenset(allowed)


class TransitionError(Exception):
    """A transition that the rules do not allow; the message is for the user (Spanish)."""


def _is_institution_member(user: User, ficha: Ficha) -> bool:
    return user.actor is not None and user.actor.pk == ficha.actor_id


def _check(ficha: Ficha, to_status: str, by: User) -> None:
    rule = TRANSITIONS.get((ficha.status, to_status))
    if rule is None:
        raise TransitionError(
            _("No es posible pasar una ficha de «%(from)s» a «%(to)s».")
            % {"from": S(ficha.status).label, "to": S(to_status).label}
        )
    if rule == "coordinator" and not by.is_coordinator:
        raise PermissionDenied(_("Sólo la coordinación de la UPMRIP puede hacer este cambio."))
    if rule == "institution":
        if not _is_institution_member(by, ficha):
            raise PermissionDenied(_("Sólo el enlace de la institución puede enviar la ficha."))
        if not ficha.ejercicio.is_open:
            raise TransitionError(_("El ejercicio está cerrado: ya no se reciben fichas."))


def _transition(
    ficha: Ficha,
    to_status: str,
    *,
    by: User,
    note: str = "",
    extra_values: dict[str, object] | None = None,
    expected_version: int | None = None,
    only_from: frozenset[str] | None = None,
) -> tuple[Ficha, FichaEvent]:
    """Lock, check, save and audit one transition. Returns the fresh ficha and its event.

    With ``expected_version`` (the version the person was looking at) a ficha saved meanwhile
    is refused, so nobody approves or returns text they have not read.
    """
    locked = Ficha.objects.select_for_update().select_related("ejercicio", "actor").get(pk=ficha.pk)
    if expected_version is not None and locked.version != expected_version:
        raise TransitionError(
            _(
                "La ficha cambió mientras usted la revisaba (otra persona la guardó). "
                "Revise la versión actual antes de continuar."
            )
        )
    if only_from is not None and locked.status not in only_from:
        # Two actions share a (from, to) pair: «en revisión» is reached by taking a sent ficha
        # or by reopening an approved one, and only reopening may (with a reason) undo approval.
        raise TransitionError(
            _("Esta acción no se aplica a una ficha «%(status)s».")
            % {"status": S(locked.status).label}
        )
    _check(locked, to_status, by)
    # Values that travel with the transition (the assigned objective) are set on the locked
    # row only, after the checks: the caller's instance is never changed.
    extra_values = extra_values or {}
    for name, value in extra_values.items():
        setattr(locked, name, value)
    from_status = locked.status
    locked.status = to_status
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = by
    locked.save(update_fields=["status", "version", "updated_at", "updated_by", *extra_values])
    event = audit.record_event(
        locked,
        FichaEventKind.TRANSITION,
        by=by,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    return locked, event


@transaction.atomic
def submit(ficha: Ficha, *, by: User) -> Ficha:
    """Send a draft (or a returned ficha) to UPMRIP for review.

    Side effects: audit row; the coordinators' digest (``notifications.ficha_submitted``) is
    queued after commit, so a burst of submissions yields one email.
    The caller validates completeness (``reporting.forms``) before calling.
    """
    ficha, _event = _transition(ficha, S.ENVIADA, by=by)
    transaction.on_commit(lambda: notifications.ficha_submitted(ficha.pk))
    return ficha


@transaction.atomic
def start_review(ficha: Ficha, *, by: User, expected_version: int | None = None) -> Ficha:
    """A coordinator takes a sent ficha for review. Side effects: audit row."""
    ficha, _event = _transition(
        ficha,
        S.EN_REVISION,
        by=by,
        expected_version=expected_version,
        only_from=ACTIONS["start_review"][1],
    )
    return ficha


@transaction.atomic
def return_for_changes(
    ficha: Ficha,
    *,
    by: User,
    note: str,
    field_notes: dict[str, str] | None = None,
    expected_version: int | None = None,
) -> Ficha:
    """Return a ficha to its institution with a general note and optional per-field notes.

    Side effects: audit row, ``Observacion`` rows, an email to the institution's focal points
    queued after commit.
    """
    field_notes = {k: v.strip() for k, v in (field_notes or {}).items() if v and v.strip()}
    if not note.strip() and not field_notes:
        raise TransitionError(_("Escriba al menos una observación para la institución."))
    ficha, event = _transition(
        ficha, S.OBSERVADA, by=by, note=note.strip(), expected_version=expected_version
    )
    rows = (
        [Observacion(ficha=ficha, event=event, field="", texto=note.strip())]
        if note.strip()
        else []
    )
    rows += [
        Observacion(ficha=ficha, event=event, field=field, texto=text)
        for field, text in field_notes.items()
    ]
    Observacion.objects.bulk_create(rows)
    transaction.on_commit(lambda: notifications.ficha_returned(ficha.pk))
    return ficha


@transaction.atomic
def approve(
    ficha: Ficha,
    *,
    by: User,
    objective: ObjetivoPMM,
    note: str = "",
    expected_version: int | None = None,
) -> Ficha:
    """Approve a ficha with exactly one assigned PMM objective.

    Side effects: sets ``objetivo_asignado`` (and the rationale note), audit row, an email to
    the institution queued after commit.
    """
    if objective is None:
        raise TransitionError(_("Asigne exactamente un Objetivo del PMM antes de aprobar."))
    ficha, _event = _transition(
        ficha,
        S.APROBADA,
        by=by,
        note=note.strip(),
        extra_values={"objetivo_asignado": objective, "nota_asignacion": note.strip()},
        expected_version=expected_version,
    )
    transaction.on_commit(lambda: notifications.ficha_approved(ficha.pk))
    return ficha


@transaction.atomic
def reopen(ficha: Ficha, *, by: User, reason: str, expected_version: int | None = None) -> Ficha:
    """Reopen an approved ficha for review; a reason is required. Side effects: audit row."""
    if not reason.strip():
        raise TransitionError(_("Indique el motivo para reabrir la ficha."))
    ficha, _event = _transition(
        ficha,
        S.EN_REVISION,
        by=by,
        note=reason.strip(),
        expected_version=expected_version,
        only_from=ACTIONS["reopen"][1],
    )
    return ficha


@transaction.atomic
def mark_published(
    ficha_ids: Iterable[int], *, by: User | None, at: datetime.datetime, note: str
) -> list[int]:
    """Fichas printed in a published Compendio get their first publication date and event.

    Fichas already published keep their first date and get no second event. Returns the ids
    that were marked now. Side effects: ``Ficha.published_at``, one «publicación» audit row each.
    """
    ids = list(
        Ficha.objects.filter(pk__in=list(ficha_ids), published_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    Ficha.objects.filter(pk__in=ids).update(published_at=at)
    audit.record_events(ids, FichaEventKind.PUBLISHED, by=by, at=at, note=note)
    return ids


@transaction.atomic(savepoint=False)
def record_imported_approval(fichas: list[Ficha], *, by: User | None, note: str) -> None:
    """Mark fichas imported from a printed edition «aprobada», with one audit row each.

    The one way into «aprobada» that bypasses ``TRANSITIONS``: these programs were approved and
    published in a printed Compendio outside this system, so nobody submitted them here
    (docs/workflow.md, «Ediciones históricas»). Only fresh drafts are accepted.
    """
    ids = [ficha.pk for ficha in fichas]
    if Ficha.objects.filter(pk__in=ids, status=S.BORRADOR).update(status=S.APROBADA) != len(ids):
        # Rolled back with the caller's transaction.
        raise TransitionError(_("Sólo se pueden importar como aprobadas fichas nuevas."))
    audit.record_events(
        ids,
        FichaEventKind.TRANSITION,
        by=by,
        from_status=S.BORRADOR,
        to_status=S.APROBADA,
        note=note,
    )
