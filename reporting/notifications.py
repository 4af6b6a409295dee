"""Emails about fichas, sent by the background worker (Django tasks).

Tasks receive ids only, so a queued job never carries personal data in its arguments, and the
email is rendered from the current state when it is sent.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string

from reporting.models import Ficha, Membership, Role

logger = logging.getLogger(__name__)


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
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/{template}_body.txt", context)
    sent = 0
    for recipient in recipients:
        sent += send_mail(subject, body, None, [recipient])
    # Log counts only: addresses are contact data and never go to logs.
    logger.info("email %s sent to %d recipient(s)", template, sent)
    return sent


@task
def send_ficha_email(ficha_id: int, template: str, audience: str) -> int:
    ficha = Ficha.objects.select_related("actor", "ejercicio").filter(pk=ficha_id).first()
    if ficha is None:
        return 0
    if audience == "institution":
        recipients = _focal_point_emails(ficha.actor_id)
    else:
        recipients = _coordinator_emails()
    context = {"ficha": ficha, "observaciones": ficha.observaciones.filter(event__isnull=False)}
    return send_templated(template, recipients, context)


def ficha_submitted(ficha_id: int) -> None:
    send_ficha_email.enqueue(ficha_id, "ficha_submitted", "coordinators")


def ficha_returned(ficha_id: int) -> None:
    send_ficha_email.enqueue(ficha_id, "ficha_returned", "institution")


def ficha_approved(ficha_id: int) -> None:
    send_ficha_email.enqueue(ficha_id, "ficha_approved", "institution")
