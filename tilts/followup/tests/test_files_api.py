"""Attendance lists and materials over the API: the web form's checks and messages, optimistic locking, the
same people as editing, downloads through the permission-checked pages, and the delivery rule on PATCH."""

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
from tilts.followup.tests.helpers import CSV, PDF, PNG, followup, mobility, plain_zip, stored_files, xlsx
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db

WRONG_LIST = "Šī datne nav neviena no pieņemtajiem veidiem (PDF, XLSX, CSV, PNG, JPEG); tika pārbaudīts tās saturs."
WRONG_MATERIALS = (
    "Šī datne nav neviena no pieņemtajiem veidiem (PDF, PNG, JPEG, DOCX, PPTX, XLSX); tika pārbaudīts tās saturs."
)
NO_LIST = "Augšupielādējiet dalībnieku sarakstu vai norādiet, kāpēc tā nav."


@pytest.fixture
def own(consortium: Consortium, member: Organisation, participant, goals: list[Goal]) -> Mobility:
    return mobility(make_project(consortium), member, participant, goals=goals[:1])


@pytest.fixture
def made(own: Mobility, goals: list[Goal]) -> FollowUp:
    return followup([own], goals[:1])


def upload(client: Client, made: FollowUp, version: int | None = None, **files: object):
    data = {"version": made.version if version is None else version, **files}
    return client.post(f"/api/v1/follow-ups/{made.pk}/files", data)


def unchanged(made: FollowUp, settings) -> bool:
    fresh = FollowUp.objects.get(pk=made.pk)
    return (
        fresh.version == made.version
        and not fresh.attendance_list
        and not fresh.materials_file
        and stored_files(settings) == []
    )


# Each upload field: the FollowUpOut field with its download address, and the web page that serves it.
DOWNLOADS = {
    "attendance_list": ("attendance_list_url", "followup:attendance_list"),
    "materials_file": ("materials_file_url", "followup:materials"),
}


@pytest.mark.parametrize(
    "files",
    [
        {"attendance_list": ("saraksts.pdf", PDF)},
        {"attendance_list": ("saraksts.csv", CSV)},
        {"materials_file": ("prezentacija.png", PNG)},
        {"attendance_list": ("saraksts.xlsx", xlsx()), "materials_file": ("materiali.pdf", PDF)},
    ],
)
def test_upload_stores_privately_and_the_urls_download_with_the_session(
    participant_client: Client, member_client: Client, client: Client, other_member, made, settings, files
) -> None:
    response = upload(participant_client, made, **{field: SimpleUploadedFile(*file) for field, file in files.items()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == made.version + 1
    assert {field for field, (url_field, _page) in DOWNLOADS.items() if body[url_field]} == set(files)
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    for field, (name, content) in files.items():
        url_field, page = DOWNLOADS[field]
        url = body[url_field]
        assert url == reverse(page, args=[made.pk])
        for reader in (participant_client, member_client):
            download = reader.get(url)
            assert download.status_code == 200 and b"".join(download.streaming_content) == content
            assert download["Content-Disposition"].startswith("attachment") and name in download["Content-Disposition"]
        assert other_contact.get(url).status_code == 404
        assert client.get(url).status_code == 302  # anonymous: to the login page, as on the web
    stored = stored_files(settings)
    assert sorted(path.read_bytes() for path in stored) == sorted(content for _name, content in files.values())
    assert not any(name in str(path) for path in stored for name, _content in files.values())


def test_a_new_file_replaces_the_old_one(participant_client: Client, made) -> None:
    assert upload(participant_client, made, attendance_list=SimpleUploadedFile("a.pdf", PDF)).status_code == 200
    response = upload(
        participant_client, made, version=made.version + 1, attendance_list=SimpleUploadedFile("b.csv", CSV)
    )
    assert response.status_code == 200 and response.json()["version"] == made.version + 2
    made.refresh_from_db()
    assert made.attendance_list_name == "b.csv" and made.attendance_list.name.endswith(".csv")


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("attendance_list", "saraksts.pdf", b"<html><script>alert(1)</script></html>", WRONG_LIST),
        ("attendance_list", "saraksts.xlsx", plain_zip(), WRONG_LIST),
        ("attendance_list", "saraksts.csv", b"\x00\x01\x02binary", WRONG_LIST),
        ("materials_file", "materiali.csv", CSV, WRONG_MATERIALS),
    ],
)
def test_wrong_content_is_422_with_the_web_forms_message_and_nothing_stored(
    participant_client: Client, made, settings, field, name, content, message
) -> None:
    files = {field: SimpleUploadedFile(name, content)}
    if field == "materials_file":  # a good list alongside a bad file is not kept either
        files["attendance_list"] = SimpleUploadedFile("saraksts.pdf", PDF)
    response = upload(participant_client, made, **files)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert unchanged(made, settings)


def test_too_large_is_422_and_nothing_stored(participant_client: Client, made, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(participant_client, made, materials_file=SimpleUploadedFile("m.pdf", PDF + b"0" * 1024 * 1024))
    assert response.status_code == 422
    [message] = response.json()["errors"]["materials_file"]
    assert message == "Datne ir par lielu: ne vairāk kā 1 MB."  # the same limit and words as every upload
    assert unchanged(made, settings)


def test_without_a_file_or_version_is_422(participant_client: Client, made, settings) -> None:
    response = upload(participant_client, made)
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["Augšupielādējiet dalībnieku sarakstu, materiālus vai abus."]}
    response = participant_client.post(
        f"/api/v1/follow-ups/{made.pk}/files", {"attendance_list": SimpleUploadedFile("s.pdf", PDF)}
    )
    assert response.status_code == 422 and "version" in response.json()["errors"]
    assert unchanged(made, settings)


def test_stale_version_is_409_and_nothing_stored(participant_client: Client, made, settings) -> None:
    FollowUp.objects.filter(pk=made.pk).update(version=made.version + 1)  # someone saved meanwhile
    response = upload(participant_client, made, attendance_list=SimpleUploadedFile("s.pdf", PDF))
    assert response.status_code == 409 and "__all__" in response.json()["errors"]
    fresh = FollowUp.objects.get(pk=made.pk)
    assert fresh.version == made.version + 1 and not fresh.attendance_list and stored_files(settings) == []


def test_who_may_upload(
    made,
    own,
    member,
    other_member,
    member_client,
    coordinator_client,
    auditor_client,
    evaluator_client,
    client,
    settings,
) -> None:
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    colleague = client_for(UserFactory(role=Role.PARTICIPANT, organisation=member))
    for outsider in (other_contact, colleague, evaluator_client):
        assert upload(outsider, made, attendance_list=SimpleUploadedFile("s.pdf", PDF)).status_code == 404
    assert upload(auditor_client, made, attendance_list=SimpleUploadedFile("s.pdf", PDF)).status_code == 403
    assert upload(client, made, attendance_list=SimpleUploadedFile("s.pdf", PDF)).status_code == 401
    assert unchanged(made, settings)
    version = made.version
    for editor in (member_client, coordinator_client):
        response = upload(editor, made, version=version, materials_file=SimpleUploadedFile("m.png", PNG))
        assert response.status_code == 200, response.content
        version = response.json()["version"]


def test_participant_whose_mobility_was_cancelled_sees_but_may_not_upload(
    participant_client: Client, made, own, settings
) -> None:
    Mobility.objects.filter(pk=own.pk).update(status="cancelled")
    assert participant_client.get(f"/api/v1/follow-ups/{made.pk}").status_code == 200
    assert upload(participant_client, made, attendance_list=SimpleUploadedFile("s.pdf", PDF)).status_code == 403
    assert unchanged(made, settings)


def test_download_urls_are_null_without_files(participant_client: Client, made) -> None:
    body = participant_client.get(f"/api/v1/follow-ups/{made.pk}").json()
    assert (body["attendance_list_url"], body["materials_file_url"]) == (None, None)


def test_delivering_through_patch_needs_the_list_or_a_reason_as_on_the_web(
    participant_client: Client, own, goals, member
) -> None:
    planned = followup([own], goals[:1], status="planned", no_attendance_list_reason="")
    detail = f"/api/v1/follow-ups/{planned.pk}"
    response = participant_client.patch(
        detail, {"version": planned.version, "status": "delivered"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"attendance_list": [NO_LIST]}
    web = participant_client.post(
        reverse("followup:edit", args=[planned.pk]),
        followup_form_data([own], goals[:1], member, no_attendance_list_reason="", version=planned.version),
    )
    assert web.status_code == 422 and NO_LIST in web.context["form"].errors["attendance_list"]
    assert FollowUp.objects.get(pk=planned.pk).status == "planned"

    uploaded = upload(participant_client, planned, attendance_list=SimpleUploadedFile("saraksts.pdf", PDF))
    assert uploaded.status_code == 200, uploaded.content
    response = participant_client.patch(
        detail, {"version": uploaded.json()["version"], "status": "delivered"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "delivered" and response.json()["has_attendance_list"] is True


def test_openapi_describes_the_upload_as_multipart(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/follow-ups/{followup_id}/files"]["post"]["requestBody"]["content"]
    properties = body["multipart/form-data"]["schema"]["properties"]
    assert {"version", "attendance_list", "materials_file"} <= set(properties)
