"""Rows by primary key through SQL compiled once (tilts.core.prepared): the session and the user of every signed-in
request, exactly as the ORM would read them."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from tilts.accounts.models import User
from tilts.core import prepared
from tilts.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def fields(user: User) -> list[object]:
    return [getattr(user, field.attname) for field in User._meta.concrete_fields]


def test_a_user_by_primary_key_is_the_orms_user(coordinator, participant, django_assert_num_queries) -> None:
    for person in (coordinator, participant):
        with django_assert_num_queries(1):
            fast = User.objects.get(pk=person.pk)
        assert fields(fast) == fields(QuerySet(User).get(pk=person.pk))
        assert fast._state.adding is False and fast._state.db == "default"
        assert fields(User.objects.get(id=str(person.pk))) == fields(fast)  # the session keeps the id as text
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=participant.pk + 1000)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=None)
    with pytest.raises(ValueError):
        User.objects.get(pk="not a number")
    assert User.objects.get(email=participant.email) == participant  # any other lookup: the ORM's own


def test_a_session_is_read_as_djangos_and_not_once_expired(coordinator) -> None:
    assert settings.SESSION_ENGINE == "tilts.core.sessions"
    store = DjangoSessionStore()
    store["answer"] = 42
    store.create()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None  # as Django's store: a new key on the next save
    assert SessionStore("no-such-session-key-000000000000").load() == {}


def test_a_signed_in_page_reads_session_and_user_once_and_a_deactivated_user_is_signed_out(
    participant, participant_client: Client
) -> None:
    assert participant_client.get("/en/manage/").status_code == 200
    participant.is_active = False
    participant.save()
    response = participant_client.get("/en/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_primary_key_that_is_not_the_only_condition_goes_to_the_orm(participant) -> None:
    assert prepared.get(User, participant.pk) == participant
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=participant.pk, email="someone-else@example.org")
