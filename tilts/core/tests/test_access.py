"""One way to refuse: 404 for an object out of reach, 403 for one the person sees but may not change."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import User
from tilts.accounts.permissions import access_organisation
from tilts.consortium.models import Organisation
from tilts.core.access import Forbidden, NotFound, access

pytestmark = pytest.mark.django_db


def test_out_of_reach_and_missing_are_the_same_404(member_contact: User, member: Organisation, other_member) -> None:
    assert access_organisation(member_contact, member.pk) == member
    for object_id in (other_member.pk, 999_999, "x"):
        with pytest.raises(NotFound):
            access_organisation(member_contact, object_id)  # type: ignore[arg-type]


def test_seen_but_not_changeable_is_403(auditor: User, member_contact: User, member: Organisation) -> None:
    assert access_organisation(member_contact, member.pk, for_write=True) == member
    assert access_organisation(auditor, member.pk) == member
    with pytest.raises(Forbidden):
        access_organisation(auditor, member.pk, for_write=True)


def test_without_a_rule_for_changes_nobody_changes(member: Organisation) -> None:
    assert access(Organisation.objects.all(), member.pk) == member
    with pytest.raises(Forbidden):
        access(Organisation.objects.all(), member.pk, for_write=True)


def test_pages_and_api_answer_alike(auditor_client: Client, member_client: Client, member, other_member) -> None:
    page, api = reverse("backoffice:member_edit", args=[member.pk]), f"/api/v1/organisations/{member.pk}"
    assert auditor_client.post(page, {}).status_code == 403
    assert auditor_client.patch(api, {"city": "Cēsis"}, content_type="application/json").status_code == 403
    other_page, other_api = (
        reverse("backoffice:member_edit", args=[other_member.pk]),
        f"/api/v1/organisations/{other_member.pk}",
    )
    assert member_client.post(other_page, {}).status_code == 404
    assert member_client.patch(other_api, {"city": "Cēsis"}, content_type="application/json").status_code == 404
    member.refresh_from_db()
    other_member.refresh_from_db()
    assert "Cēsis" not in (member.city, other_member.city)
