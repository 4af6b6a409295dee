"""``reporting.rows.membership_of`` gives what the ORM's query gives (docs/load-test.md §L7).

Every signed-in request reads the membership through it (``User.membership``): the role, the
actor and its type decide what a person may see, ``has_authenticator`` whether the second
step applies. Compared field by field with the ORM, for each kind of account.
"""

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from reporting.models import Membership, Role, User
from reporting.rows import membership_of
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def orm_membership(user: User) -> Membership | None:
    devices = TOTPDevice.objects.filter(user=models.OuterRef("user"), confirmed=True)
    return (
        Membership.objects.select_related("actor__tipo")
        .annotate(has_authenticator=models.Exists(devices))
        .filter(user=user)
        .first()
    )


def values(instance: models.Model | None) -> dict | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def assert_same(user: User) -> Membership | None:
    expected, found = orm_membership(user), membership_of(user.pk)
    assert values(found) == values(expected)
    if expected is None:
        return found
    assert found is not None
    assert found.has_authenticator is expected.has_authenticator  # type: ignore[attr-defined]
    assert values(found.actor) == values(expected.actor)
    if expected.actor is not None:
        assert values(found.actor.tipo) == values(expected.actor.tipo)
    # Loaded with the membership: reading them asks nothing more.
    with CaptureQueriesContext(connection) as captured:
        _ = found.actor and (found.actor.name, found.actor.tipo.chapter, found.actor.entidad_id)
    assert len(captured) == 0
    return found


def test_a_focal_point(actor_a):
    found = assert_same(factories.user(actor=actor_a))
    assert found is not None and found.actor == actor_a and found.role == Role.ENLACE
    assert isinstance(found.created_at, type(Membership.objects.get(pk=found.pk).created_at))
    assert found.has_authenticator is False  # type: ignore[attr-defined]


def test_a_coordinator(db):
    found = assert_same(factories.user(role=Role.COORDINADOR))
    assert found is not None and found.actor is None and found.can_review


def test_an_account_without_membership(db):
    user = User.objects.create_user("sin.membresia@prueba.gob.mx", "x" * 16)
    assert assert_same(user) is None
    assert user.membership is None and not user.is_coordinator and user.actor is None


def test_an_authenticator_counts_only_once_confirmed(actor_a):
    user = factories.user(actor=actor_a)
    device = TOTPDevice.objects.create(user=user, name="teléfono", confirmed=False)
    assert assert_same(user).has_authenticator is False  # type: ignore[union-attr]
    device.confirmed = True
    device.save()
    assert assert_same(user).has_authenticator is True  # type: ignore[union-attr]


def test_user_membership_reads_one_statement(actor_a):
    user = User.objects.get(pk=factories.user(actor=actor_a).pk)
    with CaptureQueriesContext(connection) as captured:
        assert user.membership is not None
        assert user.actor == actor_a and not user.is_coordinator
        assert user.membership.user is user
    assert len(captured) == 1
