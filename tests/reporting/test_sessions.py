"""``reporting.sessions`` reads sessions as Django's database store does (docs/load-test.md §L7)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.sessions import SessionStore

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_the_site_uses_it():
    assert settings.SESSION_ENGINE == "reporting.sessions"


def stored(data: dict, *, expires_in: datetime.timedelta) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_a_live_session_reads_as_with_django():
    key = stored({"a": 1, "b": "ñandú"}, expires_in=datetime.timedelta(minutes=5))
    ours, django = SessionStore(key), DjangoStore(key)
    with CaptureQueriesContext(connection) as captured:
        assert ours.load() == {"a": 1, "b": "ñandú"}
    assert len(captured) == 1
    assert django.load() == {"a": 1, "b": "ñandú"}
    assert ours.session_key == django.session_key == key


@pytest.mark.parametrize("key", ["", "x" * 32, None])
def test_unknown_keys_load_nothing_and_are_forgotten(key):
    ours = SessionStore(key)
    assert ours.load() == {}
    assert ours.session_key is None


def test_an_expired_session_loads_nothing_and_is_forgotten():
    key = stored({"a": 1}, expires_in=-datetime.timedelta(seconds=1))
    ours, django = SessionStore(key), DjangoStore(key)
    assert ours.load() == django.load() == {}
    assert ours.session_key is None and django.session_key is None


def test_sign_in_and_out_through_the_site(client, focal_a):
    from tests.factories import PASSWORD

    response = client.post(
        reverse("login"), {"username": focal_a.email, "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert client.get(reverse("reporting:mis_fichas")).status_code == 200
    key = client.session.session_key
    assert Session.objects.filter(pk=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(pk=key).exists()
    response = client.get(reverse("reporting:mis_fichas"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
