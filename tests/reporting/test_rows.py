"""``reporting.rows.membership_of`` gives what the ORM's query gives (docs/load-test.md §L7).

Every signed-in request reads the membership through it (``User.membership``): the role, the
actor and its type decide what a person may see, ``has_authenticator`` whether the second
step applies. Compared field by field with the ORM, for each kind of account.
"""

import pytest
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from reporting.models import Ficha, Membership, Role, User
from reporting.rows import membership_of, visible_ficha
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
    # Not User.objects.get(pk=…): that reads the membership with the user (below).
    user = User.objects.filter(pk=factories.user(actor=actor_a).pk).get()
    with CaptureQueriesContext(connection) as captured:
        assert user.membership is not None
        assert user.actor == actor_a and not user.is_coordinator
        assert user.membership.user is user
    assert len(captured) == 1


# ``rows.visible_ficha``: the read of every ficha page, autosave and save
# (``access.get_ficha_for_user``, docs/load-test.md §L8b).


def orm_ficha(pk: int, actor_id: int | None, *, with_actor: bool) -> Ficha | None:
    fichas = Ficha.objects.all() if actor_id is None else Ficha.objects.filter(actor_id=actor_id)
    related = ("ejercicio", "actor__tipo") if with_actor else ("ejercicio",)
    return fichas.select_related(*related).filter(pk=pk).first()


def assert_same_ficha(pk: int, actor_id: int | None, *, with_actor: bool) -> Ficha | None:
    expected = orm_ficha(pk, actor_id, with_actor=with_actor)
    with transaction.atomic():
        found = visible_ficha(pk, actor_id, lock=not with_actor, with_actor=with_actor)
    assert values(found) == values(expected)
    if expected is None:
        return found
    assert found is not None and found._state.adding is False and found._state.db == "default"
    # Loaded with the ficha: reading them asks nothing more.
    with CaptureQueriesContext(connection) as captured:
        assert values(found.ejercicio) == values(expected.ejercicio)
        if with_actor:
            assert values(found.actor) == values(expected.actor)
            assert values(found.actor.tipo) == values(expected.actor.tipo)
    assert len(captured) == 0
    return found


@pytest.mark.parametrize("with_actor", [True, False])
def test_a_ficha_as_the_orm_reads_it(actor_a, actor_b, with_actor):
    mine = factories.ficha(actor_a, nombre="Programa «uno» & dos", personas_atendidas=12)
    theirs = factories.ficha(actor_b, ejercicio_obj=mine.ejercicio)
    # The focal point of actor_a: their own ficha, not the other institution's.
    assert assert_same_ficha(mine.pk, actor_a.pk, with_actor=with_actor) is not None
    assert assert_same_ficha(theirs.pk, actor_a.pk, with_actor=with_actor) is None
    # UPMRIP: every institution's.
    assert assert_same_ficha(theirs.pk, None, with_actor=with_actor) is not None
    assert assert_same_ficha(mine.pk + theirs.pk + 1000, None, with_actor=with_actor) is None


def test_a_deleted_draft_is_nobodys(actor_a):
    ficha = factories.ficha(actor_a)
    Ficha.all_objects.filter(pk=ficha.pk).update(deleted_at=timezone.now())
    assert assert_same_ficha(ficha.pk, actor_a.pk, with_actor=True) is None
    assert assert_same_ficha(ficha.pk, None, with_actor=False) is None


def test_the_ficha_is_one_statement_and_locks_its_row_only(actor_a):
    ficha = factories.ficha(actor_a)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert visible_ficha(ficha.pk, actor_a.pk, lock=True, with_actor=False) is not None
    assert len(captured) == 1
    sql = captured[0]["sql"]
    if connection.features.has_select_for_update_of:
        assert sql.endswith("FOR UPDATE OF f")
    with CaptureQueriesContext(connection) as captured:
        visible_ficha(ficha.pk, actor_a.pk, lock=False, with_actor=True)
    assert "FOR UPDATE" not in captured[0]["sql"]


# ``rows.user_with_membership``: ``User.objects.get(pk=…)``, how Django's ModelBackend loads the
# person signed in on every request (docs/load-test.md §L8b).


def assert_same_user(user: User) -> User:
    expected = User.objects.filter(pk=user.pk).get()  # the ORM's own get
    with CaptureQueriesContext(connection) as captured:
        found = User.objects.get(pk=user.pk)
        membership = found.membership
    assert len(captured) == 1
    assert values(found) == values(expected)
    assert found._state.adding is False and found._state.db == "default"
    assert values(membership) == values(membership_of(user.pk))
    if membership is not None:
        assert membership.user is found
        assert membership.has_authenticator is membership_of(user.pk).has_authenticator  # type: ignore[union-attr]
        assert values(membership.actor) == values(membership_of(user.pk).actor)  # type: ignore[union-attr]
    return found


def test_the_signed_in_user_and_membership_in_one_statement(actor_a):
    focal = assert_same_user(factories.user(actor=actor_a))
    assert focal.actor == actor_a and focal.actor.tipo.chapter  # type: ignore[union-attr]
    assert assert_same_user(factories.user(role=Role.COORDINADOR)).is_coordinator
    bare = User.objects.create_user("sin.membresia.2@prueba.gob.mx", "x" * 16)
    assert assert_same_user(bare).membership is None
    TOTPDevice.objects.create(user=focal, name="teléfono", confirmed=True)
    assert assert_same_user(focal).membership.has_authenticator is True  # type: ignore[union-attr]


def test_other_lookups_of_users_are_the_orms(actor_a):
    user = factories.user(actor=actor_a)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=user.pk + 1000)
    assert User.objects.get(email=user.email) == user
    assert User.objects.get(pk=str(user.pk)) == user  # not an int: the ORM
    assert "membership" not in User.objects.get(pk=str(user.pk)).__dict__
    assert "membership" in User.objects.get(pk=user.pk).__dict__


def test_a_signed_in_request_reads_session_and_user_with_membership(client, actor_a):
    user = factories.user(actor=actor_a)
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/cuentas/sesion/").status_code == 200
    # The session, then the user with the membership: nothing else before the view.
    assert len(captured) == 2, [q["sql"][:80] for q in captured]


def test_a_related_manager_of_users_keeps_its_own_filter(actor_a):
    from django.contrib.auth.models import Group

    user = factories.user(actor=actor_a)
    group = Group.objects.create(name="sin miembros")
    with pytest.raises(User.DoesNotExist):
        group.user_set.get(pk=user.pk)  # type: ignore[attr-defined]
    group.user_set.add(user)  # type: ignore[attr-defined]
    assert group.user_set.get(pk=user.pk) == user  # type: ignore[attr-defined]


def test_ids_beyond_the_key_column_match_nothing(actor_a):
    huge = 2**63
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=huge)
    with transaction.atomic():
        assert visible_ficha(huge, None, lock=True, with_actor=False) is None
    assert visible_ficha(10**20, actor_a.pk, lock=False, with_actor=True) is None


def test_a_ficha_address_with_a_huge_id_is_not_found(client_a):
    assert client_a.get(f"/fichas/{2**63}/").status_code == 404
    assert client_a.get(f"/fichas/{10**20}/").status_code == 404


def test_a_fichas_retos_as_the_orm_orders_them(actor_a, actor_b):
    """``children_of``: the retos of one ficha in the formset's order, as the ORM reads them;
    the formset of the page and of a save uses it, and so shows the same rows."""
    from reporting.forms import RetoFormSet
    from reporting.models import Reto
    from reporting.rows import children_of

    mine = factories.ficha(actor_a)
    other = factories.ficha(actor_b, ejercicio_obj=mine.ejercicio)
    for position, texto in [(2, "segundo"), (0, "primero"), (2, "tercero"), (1, "<b>uno</b>")]:
        Reto.objects.create(ficha=mine, position=position, texto=texto)
    Reto.objects.create(ficha=other, position=0, texto="de otra institución")

    expected = list(Reto.objects.filter(ficha=mine).order_by("position", "pk"))
    found = children_of(Reto, "ficha", mine.pk, ("position", "pk"))
    assert [values(reto) for reto in found] == [values(reto) for reto in expected]
    created = ["primero", "<b>uno</b>", "segundo", "tercero"]  # by position, then by id
    assert [reto.texto for reto in found if reto.texto in created] == created
    assert len(found) == len(expected) >= 4
    assert all(not reto._state.adding and reto._state.db == "default" for reto in found)
    assert children_of(Reto, "ficha", mine.pk + other.pk + 1000, ("position", "pk")) == []

    formset = RetoFormSet(instance=mine, prefix="retos")
    assert [form.instance.texto for form in formset.initial_forms] == [r.texto for r in expected]
    assert formset.initial_form_count() == len(expected)
    assert len(formset.forms) == len(expected) + 1  # and one extra
    # A new ficha has no retos and asks nothing.
    with CaptureQueriesContext(connection) as captured:
        assert len(RetoFormSet(instance=Ficha(), prefix="retos").forms) == 1
    assert len(captured) == 0
