"""Inviting focal points (enlaces): an account without a password and a set-password link.

The link carries a token from Django's ``default_token_generator``. Its hash covers the user's
``password`` field, ``last_login`` and email, so it is single use (setting the password changes
the field) and expires after ``PASSWORD_RESET_TIMEOUT``. An invited account has an *unusable*
password, which Django stores as «!» plus a random string: calling ``set_unusable_password``
again changes the field, and every link sent before stops working. Resending and revoking use
that, so an old link is always refused.

An invitation is *pending* while its account is active, has no usable password and has never
logged in. Revoking deactivates the account (Django refuses to log in an inactive user, and the
accept page refuses its link); inviting the same address again reactivates it.

Functions (each audits its change on the membership through ``reporting.audit.record_change``
and logs ids only, never an address or a name):

- ``invite_focal_point``: one invitation from the form (a pending one is sent again);
- ``resend_invitation``, ``revoke_invitation``: on a pending invitation;
- ``plan_invitations``: the dry run of a list (bulk import), nothing written;
- ``invite_many``: the same list, invited in one transaction;
- ``invite_previous_year``: invite last year's contact people of institutions left without a
  focal point (for opening an exercise);
- ``contact_defaults``: the contact block a new ficha of the person starts with.
"""

import dataclasses
import enum
import logging
from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting import audit
from reporting.models import Actor, Ejercicio, Ficha, Membership, Role, User
from reporting.notifications import send_templated
from reporting.text import fold

logger = logging.getLogger(__name__)

# Limits of one person's data (the columns of User and Membership).
NAME_MAX = 150
EMAIL_MAX = 254


class InvitationError(Exception):
    """A refused invitation action; ``str()`` is a Spanish message for the coordinator."""


def invitation_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("reporting:invitation_accept", args=[uidb64, token])


def normalize_email(email: str) -> str:
    return email.strip().lower()


def is_pending(user: User) -> bool:
    """Invited, not yet accepted (active or revoked): never logged in, no password."""
    return user.last_login is None and not user.has_usable_password()


def pending_invitations() -> QuerySet[Membership]:
    """Memberships of focal points invited and not yet accepted nor revoked, oldest first."""
    return (
        Membership.objects.filter(
            role=Role.ENLACE,
            user__is_active=True,
            user__last_login__isnull=True,
            user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .select_related("user", "actor")
        .order_by("actor__name", "created_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Whether an address may be invited to an institution
# ---------------------------------------------------------------------------------------------


class Address(enum.Enum):
    NEW = "new"  # no account
    PENDING_HERE = "pending_here"  # a pending invitation of this institution
    REVOKED = "revoked"  # a revoked, never used invitation (any institution)
    MEMBER_HERE = "member_here"  # an account in use of this institution
    TAKEN = "taken"  # an account of another institution, of UPMRIP, or deactivated


def _address(user: User | None, membership: Membership | None, actor: Actor) -> Address:
    if user is None:
        return Address.NEW
    enlace = membership is not None and membership.role == Role.ENLACE
    here = enlace and membership is not None and membership.actor_id == actor.pk
    if is_pending(user) and (membership is None or enlace):
        if not user.is_active:
            return Address.REVOKED
        if here:
            return Address.PENDING_HERE
    if here and user.is_active:
        return Address.MEMBER_HERE
    return Address.TAKEN


def _taken_message() -> str:
    return _(
        "Ya existe una cuenta con este correo. Si la persona olvidó su contraseña, "
        "puede recuperarla con «¿Olvidó su contraseña?» en la página de acceso."
    )


def _race_message() -> str:
    return _(
        "Otra persona acaba de invitar este correo. Revise la lista de invitaciones pendientes "
        "antes de invitarlo de nuevo."
    )


def address_problem(email: str, actor: Actor | None) -> str | None:
    """Why ``email`` cannot be invited (or invited again) to ``actor``; None when it can.

    A pending invitation of the same institution can be invited again (it is resent); a
    revoked one can be invited to any institution; any other existing account is refused.
    """
    user = User.objects.filter(email__iexact=normalize_email(email)).first()
    if user is None or actor is None:
        return None
    if _address(user, user.membership, actor) in {Address.PENDING_HERE, Address.REVOKED}:
        return None
    return _taken_message()


# ---------------------------------------------------------------------------------------------
# One invitation, resend and revoke
# ---------------------------------------------------------------------------------------------


def _queue_email(user: User, by: User) -> None:
    transaction.on_commit(lambda: send_invitation.enqueue(user.pk, by.pk))


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
    """Create (or invite again) the focal point ``email`` of ``actor`` and email the link.

    Side effects: a user with an unusable password and an «enlace» membership; a pending
    invitation of the same actor, or a revoked one, is reused with a fresh password field, so
    links sent before stop working. One audit row on the membership, one log line (ids only),
    an email queued after commit. Raises ``InvitationError`` when the address belongs to
    someone else, also when a simultaneous request created it first (the unique email column
    decides; the loser gets the error, not a 500).
    """
    email = normalize_email(email)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, None, first_name=first_name, last_name=last_name
                )
                membership = Membership.objects.create(
                    user=user, role=Role.ENLACE, actor=actor, position=position, phone=phone
                )
        except IntegrityError:
            raise InvitationError(_race_message()) from None
        note, flag = _("Invitación enviada a la persona enlace de %(sigla)s."), ADDITION
    else:
        membership_or_none = Membership.objects.filter(user=user).first()
        state = _address(user, membership_or_none, actor)
        if state not in {Address.PENDING_HERE, Address.REVOKED}:
            raise InvitationError(_taken_message())
        note = (
            _("Invitación enviada de nuevo, con un enlace nuevo (%(sigla)s).")
            if state == Address.PENDING_HERE
            else _("Invitación revocada renovada para %(sigla)s, con un enlace nuevo.")
        )
        flag = CHANGE
        user.first_name, user.last_name, user.is_active = first_name, last_name, True
        user.set_unusable_password()
        user.save(update_fields=["first_name", "last_name", "is_active", "password"])
        membership, _created = Membership.objects.update_or_create(
            user=user,
            defaults={"role": Role.ENLACE, "actor": actor, "position": position, "phone": phone},
        )
    audit.record_change(
        membership, by=by, changes={}, note=note % {"sigla": actor.sigla}, action_flag=flag
    )
    kind = "sent" if flag == ADDITION else "sent again"
    logger.info("invitation %s user=%s actor=%s by=%s", kind, user.pk, actor.pk, by.pk)
    _queue_email(user, by)
    return user


def _locked_pending(membership: Membership) -> User:
    user = User.objects.select_for_update().get(pk=membership.user_id)
    if not (user.is_active and is_pending(user)):
        raise InvitationError(
            _("Esta invitación ya no está pendiente: la persona ya entró o fue revocada.")
        )
    return user


@transaction.atomic
def resend_invitation(membership: Membership, *, by: User) -> Membership:
    """Email a fresh link for a pending invitation; the links sent before stop working.

    Side effects: the user's unusable password is replaced by another one (the token changes),
    one audit row, one log line, an email queued after commit. ``InvitationError`` when the
    invitation is no longer pending.
    """
    user = _locked_pending(membership)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit.record_change(
        membership,
        by=by,
        changes={},
        note=_("Invitación reenviada con un enlace nuevo; el anterior dejó de valer."),
    )
    logger.info("invitation resent user=%s by=%s", user.pk, by.pk)
    _queue_email(user, by)
    return membership


@transaction.atomic
def revoke_invitation(membership: Membership, *, by: User) -> Membership:
    """Revoke a pending invitation: the account is deactivated and its link stops working.

    Side effects: the user becomes inactive and gets another unusable password (the token
    changes); one audit row; one log line. The membership stays (it keeps the history);
    inviting the address again reactivates it. ``InvitationError`` when not pending.
    """
    user = _locked_pending(membership)
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    audit.record_change(
        membership,
        by=by,
        changes={},
        note=_("Invitación revocada; el enlace dejó de valer."),
    )
    logger.info("invitation revoked user=%s by=%s", user.pk, by.pk)
    return membership


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


# ---------------------------------------------------------------------------------------------
# Lists of people: dry run and invitation in one transaction
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PersonRow:
    """One person to invite: ``line`` is the row of the file (or the position in a list)."""

    line: int
    sigla: str
    name: str
    email: str
    actor: Actor | None = None  # given directly by code; otherwise found by ``sigla``


class Outcome(enum.StrEnum):
    INVITE = "invitar"  # will be (or was) invited
    SKIP = "omitir"  # already a focal point (or pending) of that institution: nothing to do
    ERROR = "error"


@dataclasses.dataclass
class PlannedInvitation:
    row: PersonRow
    actor: Actor | None
    email: str
    outcome: Outcome
    notes: list[str]  # errors, or why the row is skipped


@dataclasses.dataclass
class InvitationReport:
    """What a list gives, row by row; ``done`` is True once the invitations were created."""

    rows: list[PlannedInvitation]
    done: bool = False

    @property
    def errors(self) -> list[PlannedInvitation]:
        return [r for r in self.rows if r.outcome == Outcome.ERROR]

    @property
    def to_invite(self) -> list[PlannedInvitation]:
        return [r for r in self.rows if r.outcome == Outcome.INVITE]

    @property
    def skipped(self) -> list[PlannedInvitation]:
        return [r for r in self.rows if r.outcome == Outcome.SKIP]


def _actors_by_sigla(siglas: Iterable[str]) -> dict[str, Actor]:
    """Active institutions by folded sigla (case and accents ignored: «Nuevo Leon» matches)."""
    wanted = {fold(s.strip()) for s in siglas if s.strip()}
    found: dict[str, Actor] = {}
    for actor in Actor.objects.filter(active=True).select_related("tipo"):
        key = fold(actor.sigla)
        if key in wanted:
            found[key] = actor
    return found


_OUTCOME_OF_ADDRESS = {
    Address.NEW: (Outcome.INVITE, ""),
    Address.REVOKED: (Outcome.INVITE, ""),
    Address.TAKEN: (
        Outcome.ERROR,
        gettext_lazy("El correo ya pertenece a una cuenta de otra institución o de la UPMRIP."),
    ),
    Address.MEMBER_HERE: (
        Outcome.SKIP,
        gettext_lazy("Ya es enlace de esta institución: se omite."),
    ),
    Address.PENDING_HERE: (
        Outcome.SKIP,
        gettext_lazy("Ya tiene una invitación pendiente: se omite (puede reenviarla)."),
    ),
}


def _row_problems(
    person: PersonRow, actor: Actor | None, email: str, first_line: dict[str, int]
) -> list[str]:
    """The errors of one row on its own, and an email repeated from an earlier row."""
    sigla, name = person.sigla.strip(), person.name.strip()
    problems = []
    fields = ((_("sigla"), sigla), (_("nombre"), name), (_("correo"), email))
    missing = [label for label, value in fields if not value]
    if missing:
        problems.append(_("Falta: %(campos)s.") % {"campos": ", ".join(missing)})
    if sigla and actor is None:
        problems.append(_("No hay una institución activa con la sigla «%(s)s».") % {"s": sigla})
    if len(name) > NAME_MAX:
        problems.append(_("El nombre pasa de %(n)s caracteres.") % {"n": NAME_MAX})
    if not email:
        return problems
    try:
        if len(email) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        problems.append(_("El correo no es válido."))
        return problems
    if email in first_line:
        line = first_line[email]
        problems.append(_("El correo se repite en el archivo (fila %(n)s).") % {"n": line})
    else:
        first_line[email] = person.line
    return problems


def plan_invitations(rows: Iterable[PersonRow | tuple[Actor, str, str]]) -> InvitationReport:
    """Dry run of a list of people: every row with its outcome and its errors. Writes nothing.

    ``rows`` are ``PersonRow`` (institution by sigla, as in a file) or ``(actor, name, email)``
    tuples. Errors: empty field, unknown or inactive sigla, invalid email, an email repeated in
    the list, an email that belongs to an account of another institution or of UPMRIP. A person
    already focal point (or invited and pending) of the same institution is skipped, not an
    error, so the same file can be uploaded again.
    """
    people = [
        r if isinstance(r, PersonRow) else PersonRow(i, r[0].sigla, r[1], r[2], actor=r[0])
        for i, r in enumerate(rows, start=1)
    ]
    actors = _actors_by_sigla(p.sigla for p in people if p.actor is None)
    emails = {normalize_email(p.email) for p in people}
    existing = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    users = {u.email.lower(): u for u in existing}
    memberships = {m.user_id: m for m in Membership.objects.filter(user__in=users.values())}
    first_line: dict[str, int] = {}
    planned = []
    for person in people:
        email = normalize_email(person.email)
        actor = person.actor or actors.get(fold(person.sigla.strip()))
        problems = _row_problems(person, actor, email, first_line)
        outcome = Outcome.ERROR if problems else Outcome.INVITE
        if not problems and actor is not None:
            user = users.get(email)
            state = _address(user, memberships.get(user.pk) if user else None, actor)
            outcome, message = _OUTCOME_OF_ADDRESS[state]
            if message:
                problems.append(str(message))
        planned.append(PlannedInvitation(person, actor, email, outcome, problems))
    return InvitationReport(planned)


def invite_many(
    rows: Iterable[PersonRow | tuple[Actor, str, str]],
    *,
    by: User,
    skip_invalid: bool = False,
) -> InvitationReport:
    """Invite a list of people (``plan_invitations`` rows) in one transaction; returns the report.

    The list is checked again here (an account may have appeared since the preview). With
    errors, nothing is created (``done`` stays False) unless ``skip_invalid`` is True, in which
    case the valid rows are invited and the others reported. Skipped rows are never invited.
    The whole name goes to ``first_name``. Side effects: those of ``invite_focal_point`` for
    each row (audit row, log line, email after commit); a refusal by the database (a
    simultaneous invitation) rolls back every row and is reported on its row.
    """
    report = plan_invitations(rows)
    if report.errors and not skip_invalid:
        return report
    current = None
    try:
        with transaction.atomic():
            for current in report.to_invite:
                assert current.actor is not None  # a row without actor is an error
                invite_focal_point(
                    email=current.email,
                    first_name=current.row.name.strip(),
                    last_name="",
                    actor=current.actor,
                    by=by,
                )
    except InvitationError as error:
        assert current is not None
        current.outcome = Outcome.ERROR
        current.notes.append(str(error))
        return report
    report.done = True
    logger.info("invitations in bulk: %d sent by=%s", len(report.to_invite), by.pk)
    return report


def invite_previous_year(ejercicio_from: Ejercicio, *, by: User) -> InvitationReport:
    """Invite the contact people of ``ejercicio_from``'s institutions that have no focal point.

    For each active institution with fichas in that exercise and no active focal point (an
    account in use or a pending invitation), the contact («contacto_nombre», «contacto_correo»)
    of its most recently updated ficha of that year is invited. Rows that cannot be invited
    (an address of another account, an invalid one) are reported and skipped; the others are
    invited in one transaction (``invite_many(..., skip_invalid=True)``). Meant for opening a
    new exercise.
    """
    actors = (
        Actor.objects.filter(active=True, fichas__ejercicio=ejercicio_from)
        .annotate(
            n_focal=Count(
                "memberships",
                filter=Q(memberships__role=Role.ENLACE, memberships__user__is_active=True),
                distinct=True,
            )
        )
        .filter(n_focal=0)
        .distinct()
    )
    people = []
    for actor in actors:
        ficha = (
            Ficha.objects.filter(actor=actor, ejercicio=ejercicio_from)
            .exclude(contacto_correo="")
            .order_by("-updated_at", "-pk")
            .first()
        )
        if ficha is not None:
            people.append((actor, ficha.contacto_nombre, ficha.contacto_correo))
    return invite_many(people, by=by, skip_invalid=True)


# ---------------------------------------------------------------------------------------------
# The first ficha
# ---------------------------------------------------------------------------------------------


def contact_defaults(user: User) -> dict[str, str]:
    """The contact block a new ficha of ``user`` starts with: their name, email, position, phone.

    Taken from the account and the membership the invitation made; values that would not fit
    the ficha's fields are left out (the form would refuse a value the person never typed).
    """
    membership = user.membership
    values = {
        "contacto_nombre": user.get_full_name(),
        "contacto_correo": user.email,
        "contacto_cargo": membership.position if membership else "",
        "contacto_telefono": membership.phone if membership else "",
    }
    return {
        name: value
        for name, value in values.items()
        if value and len(value) <= (getattr(Ficha._meta.get_field(name), "max_length", 0) or 0)
    }
