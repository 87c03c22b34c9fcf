"""Attendance lists and materials: checked by their bytes and size, stored privately, served only to those
who see the follow-up."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup.models import FollowUp
from tilts.followup.tests.forms import followup_form_data
from tilts.followup.tests.helpers import CSV, JPEG, PDF, PNG, mobility, plain_zip, stored_files, xlsx
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(consortium: Consortium, member: Organisation, participant, goals: list[Goal]):
    return mobility(make_project(consortium), member, participant, goals=goals[:1])


def post(client: Client, own, goals, member, **files):
    data = followup_form_data([own], goals[:1], member, no_attendance_list_reason="", **files)
    return client.post(reverse("followup:create", args=[own.project_id]), data)


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("saraksts.pdf", PDF, "application/pdf"),
        ("saraksts.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("saraksts.csv", CSV, "text/csv"),
        ("foto.png", PNG, "image/png"),
        ("foto.jpg", JPEG, "image/jpeg"),
    ],
)
def test_accepted_lists_are_stored_privately(
    participant_client, own, goals, member, settings, name, content, served_as
):
    response = post(participant_client, own, goals, member, attendance_list=SimpleUploadedFile(name, content))
    assert response.status_code == 302, response.context["form"].errors
    made = FollowUp.objects.get()
    assert made.attendance_list_name == name
    assert made.attendance_list.name.startswith("followup/attendance/") and "saraksts" not in made.attendance_list.name
    [path] = stored_files(settings)
    assert path.read_bytes() == content
    download = participant_client.get(reverse("followup:attendance_list", args=[made.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert download["Content-Type"] == served_as
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("saraksts.pdf", b"<html><script>alert(1)</script></html>"),  # the name lies
        ("saraksts.xlsx", plain_zip()),
        ("saraksts.csv", b"\x00\x01\x02binary"),
        ("saraksts.exe", b"MZ\x90\x00\x03"),
    ],
)
def test_bad_type_is_refused_and_nothing_changes(participant_client, own, goals, member, settings, name, content):
    response = post(participant_client, own, goals, member, attendance_list=SimpleUploadedFile(name, content))
    assert response.status_code == 422
    message = response.context["form"].errors["attendance_list"][0]
    assert (
        message
        == "Šī datne nav neviena no pieņemtajiem veidiem (PDF, XLSX, CSV, PNG, JPEG); tika pārbaudīts tās saturs."
    )
    assert not FollowUp.objects.exists() and stored_files(settings) == []


def test_too_big_is_refused(participant_client, own, goals, member, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("saraksts.pdf", PDF + b"0" * 2000)
    response = post(participant_client, own, goals, member, attendance_list=big)
    assert response.status_code == 422 and "attendance_list" in response.context["form"].errors
    assert not FollowUp.objects.exists() and stored_files(settings) == []


def test_materials_must_be_a_document(participant_client, own, goals, member, settings) -> None:
    data = {"attendance_list": SimpleUploadedFile("s.pdf", PDF), "materials_file": SimpleUploadedFile("m.csv", CSV)}
    response = post(participant_client, own, goals, member, **data)
    assert response.status_code == 422 and "materials_file" in response.context["form"].errors
    assert stored_files(settings) == []


def test_files_are_served_only_to_those_who_see_the_followup(
    participant_client, member_client, auditor_client, own, goals, member, other_member, client
) -> None:
    data = {"attendance_list": SimpleUploadedFile("s.pdf", PDF), "materials_file": SimpleUploadedFile("m.png", PNG)}
    assert post(participant_client, own, goals, member, **data).status_code == 302
    made = FollowUp.objects.get()
    urls = [reverse("followup:attendance_list", args=[made.pk]), reverse("followup:materials", args=[made.pk])]
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    for url in urls:
        assert member_client.get(url).status_code == 200
        assert auditor_client.get(url).status_code == 200
        assert other_contact.get(url).status_code == 404
        assert client.get(url).status_code == 302  # to the login page
    assert not made.attendance_list.url.startswith("/follow-up/")  # never a public media address in use
    assert client.get(made.attendance_list.url).status_code == 404


def test_replacing_a_list_on_edit(participant_client, own, goals, member) -> None:
    assert (
        post(participant_client, own, goals, member, attendance_list=SimpleUploadedFile("a.pdf", PDF)).status_code
        == 302
    )
    made = FollowUp.objects.get()
    data = followup_form_data([own], goals[:1], member, no_attendance_list_reason="", version=made.version)
    data["attendance_list"] = SimpleUploadedFile("b.csv", CSV)
    response = participant_client.post(reverse("followup:edit", args=[made.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    made.refresh_from_db()
    assert made.attendance_list_name == "b.csv" and made.attendance_list.name.endswith(".csv")
