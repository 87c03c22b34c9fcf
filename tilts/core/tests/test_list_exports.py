"""List exports in the background (tilts.core.listexports): the rows the person sees with the page's filters and
sort, written by the worker, listed on My list exports, downloaded by nobody but the person who asked."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Organisation
from tilts.core import listexports
from tilts.core.models import ListExport, ListExportStatus
from tilts.core.tests.fixtures import client_for
from tilts.core.tests.listexports import IMMEDIATE, ask, exported
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project, many_mobilities

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium, member: Organisation, other_member: Organisation, goals):
    project = make_project(consortium)
    many_mobilities(project, member, goals, 3)
    many_mobilities(project, other_member, goals, 2)
    Mobility.objects.filter(sending_organisation=other_member).update(receiving_country="DE")  # for the filter
    return project


def table(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_list_page_offers_the_export_with_its_filters(coordinator_client: Client, project) -> None:
    page = coordinator_client.get(reverse("mobility:list", args=[project.pk]), {"country": "DE", "sort": "-start"})
    assert 'name="query" value="country=DE&amp;sort=-start"' in page.text
    assert ListExport.objects.count() == 0  # nothing is written until asked


def test_asking_queues_the_export_and_the_page_lists_it(coordinator_client: Client, coordinator, project) -> None:
    url = reverse("listexports:request")
    data = {"kind": "mobilities", "target": project.pk, "format": "xlsx", "query": "country=DE&page=2"}
    response = coordinator_client.post(url, data, follow=True)  # the database queue: the worker has not run yet
    export = ListExport.objects.get()
    assert (export.owner, export.status, export.query, export.scope) == (
        coordinator,
        ListExportStatus.QUEUED,
        "country=DE",
        listexports.scope_of(coordinator),
    )
    assert "tiek sagatavots" in response.text and "Mobilitātes · Projekts 2025" in response.text
    assert 'aria-live="polite"' in response.text and 'hx-trigger="every 2s"' in response.text
    assert reverse("listexports:download", args=[export.pk]) not in response.text
    partial = coordinator_client.get(reverse("listexports:index"), headers={"HX-Request": "true"})
    assert partial.text.startswith('<div id="list-exports" hx-get=')  # keeps polling while it waits

    listexports.run_export(export.pk)  # the worker
    export.refresh_from_db()
    assert export.status == ListExportStatus.DONE and export.rows == 2 and export.file.name.endswith(".xlsx")
    page = coordinator_client.get(reverse("listexports:index"))
    assert reverse("listexports:download", args=[export.pk]) in page.text and "hx-trigger" not in page.text
    assert f"mobilities-2025-{project.pk}.xlsx" in page.text


def test_filters_and_sort_are_kept(coordinator_client: Client, project) -> None:
    rows = table(exported(coordinator_client, "mobilities", project.pk, query="country=DE&sort=-start"))
    assert len(rows) == 3 and {row[8] for row in rows[1:]} == {"DE"}
    assert rows[1][9] > rows[2][9]  # newest first, as sorted on the page
    everything = table(exported(coordinator_client, "mobilities", project.pk))
    assert len(everything) == 6 and everything[1][9] <= everything[2][9]


def test_a_member_contacts_file_holds_only_their_institutions_rows(
    member_client: Client, project, member: Organisation
) -> None:
    rows = table(exported(member_client, "mobilities", project.pk))
    assert len(rows) == 4 and {row[2] for row in rows[1:]} == {member.legal_name}
    # Asking for another institution's filter does not widen it.
    other = Organisation.objects.exclude(pk=member.pk).first()
    assert len(table(exported(member_client, "mobilities", project.pk, query=f"member={other.pk}"))) == 1


def test_nobody_else_sees_or_downloads_the_file(
    member_client: Client, coordinator_client: Client, auditor_client: Client, project, member: Organisation
) -> None:
    export = ask(member_client, "mobilities", project.pk)
    assert export.status == ListExportStatus.DONE
    download = reverse("listexports:download", args=[export.pk])
    colleague = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=member))
    for other in (coordinator_client, auditor_client, colleague):
        assert other.get(download).status_code == 404
        assert download not in other.get(reverse("listexports:index")).text
        assert other.get(f"/api/v1/list-exports/{export.pk}").status_code == 404
        assert other.get(f"/api/v1/list-exports/{export.pk}/file").status_code == 404
    assert Client().get(download).status_code == 302  # to the login page
    response = member_client.get(download)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_the_file_is_refused_once_the_person_changed_institution_or_lost_access(
    member_client: Client, member_contact, project, other_member: Organisation
) -> None:
    export = ask(member_client, "mobilities", project.pk)
    download = reverse("listexports:download", args=[export.pk])
    assert member_client.get(download).status_code == 200
    member_contact.organisation = other_member
    member_contact.save()
    assert member_client.get(download).status_code == 404


def test_access_is_checked_when_asking(participant_client: Client, project) -> None:
    data = {"kind": "mobilities", "target": project.pk, "format": "csv", "query": ""}
    assert participant_client.post(reverse("listexports:request"), data).status_code == 404
    data = {"kind": "payments", "target": project.pk, "format": "csv", "query": ""}
    assert participant_client.post(reverse("listexports:request"), data).status_code == 403
    refused = participant_client.post(reverse("listexports:request"), {**data, "kind": "nosuch"})
    assert refused.status_code == 400 and "Tādu sarakstu nevar" in refused.text
    refused = participant_client.post(reverse("listexports:request"), {**data, "kind": "goals", "format": "xlsx"})
    assert refused.status_code == 400
    assert ListExport.objects.count() == 0


def test_access_is_checked_again_when_the_worker_runs_and_a_failure_is_shown(
    member_client: Client, member_contact, project
) -> None:
    member_client.post(
        reverse("listexports:request"), {"kind": "mobilities", "target": project.pk, "format": "csv", "query": ""}
    )
    export = ListExport.objects.get()
    member_contact.role = Role.PARTICIPANT  # before the worker reaches it
    member_contact.save()
    listexports.run_export(export.pk)
    export.refresh_from_db()
    assert export.status == ListExportStatus.FAILED and not export.file
    assert "vairs nav piekļuves" in export.error
    assert export.error in member_client.get(reverse("listexports:index")).text
    assert listexports.run_export(export.pk) is None  # a task delivered twice does nothing


def test_an_error_while_writing_fails_the_export_with_a_message(coordinator_client: Client, project) -> None:
    with mock.patch.object(listexports, "write_csv", side_effect=RuntimeError("disk full")):
        export = ask(coordinator_client, "mobilities", project.pk, language="en")
    assert export.status == ListExportStatus.FAILED and not export.file
    assert export.error.startswith("The file could not be written.")
    assert "disk full" not in export.error


def test_the_api_asks_follows_and_downloads(coordinator_client: Client, member_client: Client, project) -> None:
    with override_settings(TASKS=IMMEDIATE):
        response = coordinator_client.post(
            "/api/v1/list-exports",
            {"kind": "mobilities", "target": project.pk, "format": "csv", "query": "country=DE"},
            content_type="application/json",
        )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "done"  # the immediate backend ran it at once; the worker's queue would say queued
    status = coordinator_client.get(f"/api/v1/list-exports/{body['id']}").json()
    assert status["status"] == "done" and status["rows"] == 2 and status["query"] == "country=DE"
    content = b"".join(coordinator_client.get(status["download_url"]).streaming_content)
    assert len(table(content)) == 3
    assert member_client.get(status["download_url"]).status_code == 404
    wrong = coordinator_client.post(
        "/api/v1/list-exports",
        {"kind": "nosuch", "target": project.pk, "format": "csv"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "kind" in wrong.json()["errors"]


def test_the_exports_page_takes_constant_queries(
    coordinator_client: Client, coordinator, django_assert_max_num_queries
) -> None:
    def add(count: int) -> None:
        ListExport.objects.bulk_create(
            [ListExport(owner=coordinator, kind="mobilities", target=1, format="csv", title="x") for _ in range(count)]
        )

    add(2)
    coordinator_client.get(reverse("listexports:index"))
    with CaptureQueriesContext(connection) as two:
        coordinator_client.get(reverse("listexports:index"))
    add(60)
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = coordinator_client.get(reverse("listexports:index"))
    assert response.context["page"].paginator.count == 62 and len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(6):  # session, user, the count, the page
        coordinator_client.get(reverse("listexports:index"))


def test_a_stale_export_is_tried_again_then_failed(coordinator, project) -> None:
    export = ListExport.objects.create(
        owner=coordinator,
        kind="mobilities",
        target=project.pk,
        format="csv",
        status=ListExportStatus.RUNNING,
        scope=listexports.scope_of(coordinator),
    )
    later = timezone.now() + datetime.timedelta(hours=1)
    with override_settings(TASKS=IMMEDIATE):
        assert listexports.recover_stale_exports(later)["list_exports_retried"] == 1
    export.refresh_from_db()
    assert export.status == ListExportStatus.DONE and export.rows == 5
    ListExport.objects.filter(pk=export.pk).update(status=ListExportStatus.RUNNING, attempts=3, heartbeat_at=None)
    assert listexports.recover_stale_exports(later + datetime.timedelta(hours=1))["list_exports_failed"] == 1
    export.refresh_from_db()
    assert export.status == ListExportStatus.FAILED and "3 reizes" in export.error


def test_old_list_exports_and_their_files_go_with_the_retention(
    coordinator_client: Client, project, django_capture_on_commit_callbacks
) -> None:
    from tilts.housekeeping.retention import apply_retention

    export = ask(coordinator_client, "mobilities", project.pk)
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    assert apply_retention().list_exports == 0
    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(now=timezone.now() + datetime.timedelta(days=8))
    assert report.list_exports == 1 and not ListExport.objects.exists() and not storage.exists(name)


def test_payments_and_mobilities_keep_their_own_rows(coordinator_client: Client, project) -> None:
    Mobility.objects.filter(project=project).update(status="approved")
    payments = table(exported(coordinator_client, "payments", project.pk, language="en"))
    assert payments[0][0] == "Sending member" and payments[-1][0] == "Total"
    assert len(payments) == 1 + 5 + 2 + 1  # headers, the mobilities, a subtotal per member, the total
