"""Emails about fichas, sent by the background worker (Django tasks).

Tasks receive ids only, so a queued job never carries personal data in its arguments, and the
email is rendered from the current state when it is sent.

* Focal points get one email when their ficha is returned or approved.
* Coordinators get a digest of sent fichas instead of one email per ficha: every ``submit``
  queues ``send_submitted_digest`` a few minutes later (when the backend can defer); the task
  lists every «enviada» event not yet reported and marks them (``FichaEvent.notified_at``), so
  the several digests queued by a burst of submissions send one email and the rest send nothing.
* Reminders to the focal points of institutions that still owe fichas.
* Focal points are told when UPMRIP corrects their ficha's text («Corrección editorial»): one
  email lists every editorial «edición» event not yet reported, and marks them like the digest.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from reporting.access import upmrip_users
from reporting.models import (
    Actor,
    Ejercicio,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    Membership,
    Role,
    User,
)
from reporting.text import field_label

logger = logging.getLogger(__name__)

# Submissions within this window are reported together in one digest.
DIGEST_DELAY = datetime.timedelta(minutes=5)


def _focal_point_emails(actor_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            role=Role.ENLACE, actor_id=actor_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _coordinator_emails() -> list[str]:
    return list(
        Membership.objects.filter(
            role__in=[Role.COORDINADOR, Role.ADMINISTRADOR], user__is_active=True
        ).values_list("user__email", flat=True)
    )


def send_templated(template: str, recipients: list[str], context: dict) -> int:
    """Render ``emails/<template>_subject.txt`` and ``_body.txt`` and send one message each."""
    if not recipients:
        return 0
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}_body.txt", context)
    sent = 0
    for recipient in recipients:
        sent += send_mail(subject, body, None, [recipient])
    # Log counts only: addresses are contact data and never go to logs.
    logger.info("email %s sent to %d recipient(s)", template, sent)
    return sent


@task
def send_ficha_email(ficha_id: int, template: str, audience: str) -> int:
    ficha = (
        Ficha.objects.select_related("actor", "ejercicio", "objetivo_asignado")
        .filter(pk=ficha_id)
        .first()
    )
    if ficha is None:
        return 0
    if audience == "institution":
        recipients = _focal_point_emails(ficha.actor_id)
    else:
        recipients = _coordinator_emails()
    # Only the observations of the latest return: older rounds were already answered.
    last_return = (
        FichaEvent.objects.filter(
            ficha=ficha, kind=FichaEventKind.TRANSITION, to_status=FichaStatus.OBSERVADA
        )
        .order_by("-at", "-pk")
        .first()
    )
    observaciones = list(last_return.observaciones.all()) if last_return else []
    context = {
        "ficha": ficha,
        "observaciones": [
            {"campo": field_label(o.field) if o.field else "", "texto": o.texto}
            for o in observaciones
        ],
    }
    return send_templated(template, recipients, context)


@task
def send_submitted_digest() -> int:
    """Email coordinators one list of every ficha sent since the last digest.

    Idempotent: events are marked ``notified_at`` in the same transaction that sends, so a
    second run finds nothing. If sending fails the marks roll back and the next digest retries.
    """
    with transaction.atomic():
        pending = FichaEvent.objects.filter(
            kind=FichaEventKind.TRANSITION,
            to_status=FichaStatus.ENVIADA,
            notified_at__isnull=True,
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        events = list(
            pending.select_related("ficha__actor", "ficha__ejercicio").order_by("at", "pk")
        )
        if not events:
            return 0
        FichaEvent.objects.filter(pk__in=[e.pk for e in events]).update(notified_at=timezone.now())
        # A ficha sent, returned and sent again within the window is listed once.
        fichas = list({e.ficha_id: e.ficha for e in events}.values())
        return send_templated("fichas_submitted_digest", _coordinator_emails(), {"fichas": fichas})


@task
def send_reminder(ejercicio_id: int, actor_id: int) -> int:
    """Remind the focal points of one institution what they still owe in one exercise."""
    ejercicio = Ejercicio.objects.filter(pk=ejercicio_id).first()
    actor = Actor.objects.filter(pk=actor_id).first()
    if ejercicio is None or actor is None:
        return 0
    counts = Ficha.objects.filter(ejercicio=ejercicio, actor=actor).aggregate(
        borrador=Count("pk", filter=Q(status=FichaStatus.BORRADOR)),
        observada=Count("pk", filter=Q(status=FichaStatus.OBSERVADA)),
        enviadas=Count(
            "pk",
            filter=Q(status__in=FichaStatus.RECEIVED),
        ),
    )
    context = {"ejercicio": ejercicio, "actor": actor, **counts}
    return send_templated("reminder", _focal_point_emails(actor.pk), context)


@task
def send_editorial_edits(ficha_id: int) -> int:
    """Email the institution's focal points what UPMRIP changed in the text of one ficha.

    Every «edición» event written by UPMRIP and not yet reported goes into one email with its
    old and new values; the events are marked ``notified_at`` in the same transaction, so a
    second run (or a twin queued by a second save) sends nothing, and a failed send retries.
    """
    with transaction.atomic():
        pending = FichaEvent.objects.filter(
            ficha_id=ficha_id,
            kind=FichaEventKind.EDIT,
            notified_at__isnull=True,
            by__in=User.objects.filter(upmrip_users()),
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        events = list(pending.select_related("ficha__actor").order_by("at", "pk"))
        if not events:
            return 0
        FichaEvent.objects.filter(pk__in=[e.pk for e in events]).update(notified_at=timezone.now())
        ficha = events[0].ficha
        context = {
            "ficha": ficha,
            "changes": [c for e in events for c in e.changes.values()],
            "notes": [e.note for e in events if e.note],
        }
        return send_templated("ficha_edited", _focal_point_emails(ficha.actor_id), context)


def ficha_submitted(ficha_id: int) -> None:
    """Queue the coordinators' digest (deferred when the task backend supports it)."""
    digest = send_submitted_digest
    if digest.get_backend().supports_defer:
        digest = digest.using(run_after=timezone.now() + DIGEST_DELAY)
    digest.enqueue()


def ficha_returned(ficha_id: int) -> None:
    send_ficha_email.enqueue(ficha_id, "ficha_returned", "institution")


def ficha_approved(ficha_id: int) -> None:
    send_ficha_email.enqueue(ficha_id, "ficha_approved", "institution")


def ficha_edited(ficha_id: int) -> None:
    """After UPMRIP's editorial save commits, queue the email to the institution."""
    transaction.on_commit(lambda: send_editorial_edits.enqueue(ficha_id))


def remind_institutions(*, ejercicio: Ejercicio, actors: Iterable[Actor], by: User) -> int:
    """Queue one reminder email per institution (to each of its active focal points).

    Side effects: tasks queued after commit; an info log line with the count (no addresses).
    Returns the number of institutions reminded.
    """
    actor_ids = [a.pk for a in actors]

    def _enqueue() -> None:
        for actor_id in actor_ids:
            send_reminder.enqueue(ejercicio.pk, actor_id)

    transaction.on_commit(_enqueue)
    logger.info("reminders queued for %d institution(s) by user %s", len(actor_ids), by.pk)
    return len(actor_ids)
