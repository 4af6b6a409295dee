"""Inviting focal points (enlaces): an account without a password and a set-password link.

The link carries a token from Django's ``default_token_generator``: it is single use (the hash
covers the password, which setting it changes) and expires after ``PASSWORD_RESET_TIMEOUT``.
"""

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from reporting.models import Actor, Membership, Role, User
from reporting.notifications import send_templated


def invitation_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("reporting:invitation_accept", args=[uidb64, token])


@transaction.atomic
def invite_focal_point(
    *,
    email: str,
    first_name: str,
    last_name: str,
    actor: Actor,
    by: User,
    position: str = "",
    phone: str = "",
) -> User:
    """Create (or re-invite) the focal point ``email`` of ``actor`` and email the link.

    Side effects: a user with an unusable password and an «enlace» membership (an existing
    pending invitation of the same actor is reused), and an email queued after commit. The
    form has already refused addresses that belong to someone else.
    """
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, None, first_name=first_name, last_name=last_name)
        Membership.objects.create(
            user=user, role=Role.ENLACE, actor=actor, position=position, phone=phone
        )
    else:
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
    transaction.on_commit(lambda: send_invitation.enqueue(user.pk, by.pk))
    return user


@task
def send_invitation(user_id: int, by_id: int) -> int:
    """Email the set-password link; the token is made here so a queued job carries ids only."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return 0
    membership = user.membership
    inviter = User.objects.filter(pk=by_id).first()
    context = {
        "user": user,
        "actor": membership.actor if membership else None,
        "inviter_name": inviter.get_full_name() if inviter else "",
        "accept_path": invitation_path(user),
    }
    return send_templated("invitation", [user.email], context)
