"""Importing mobilities from a spreadsheet: the same rules as the form, all or nothing, an error file, permissions."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook, load_workbook

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.mobility import imports
from tilts.mobility.models import ImportStatus, Mobility, MobilityCost, MobilityImport
from tilts.mobility.tests.factories import make_participant

pytestmark = pytest.mark.django_db
KEYS = [
    "participant_email",
    "activity_type",
    "receiving_name",
    "receiving_country",
    "receiving_city",
    "start_date",
    "end_date",
    "ec_distance_km",
    "green_travel",
    "goals",
    "topic",
    "learning_objectives",
]


def headers(language: str, keys: list[str] = KEYS) -> list[str]:
    with translation.override(language):
        return [imports.header(imports.BY_KEY[key]) for key in keys]


def row(person: User, **overrides: object) -> list[object]:
    values: dict[str, object] = {
        "participant_email": person.email,
        "activity_type": "Darba vērošana",
        "receiving_name": "Koninklijke Bibliotheek van België (KBR)",
        "receiving_country": "Beļģija",
        "receiving_city": "Brisele",
        "start_date": "06.10.2025",
        "end_date": "20.10.2025",
        "ec_distance_km": "1 616,0",
        "green_travel": "nē",
        "goals": "1, 2",
        "topic": "Digitālās kolekcijas",
        "learning_objectives": "Apgūt KBR digitalizācijas darba plūsmas.",
    }
    values.update(overrides)
    return [values[key] for key in KEYS]


def latvian_csv(rows: list[list[object]], keys: list[str] = KEYS) -> SimpleUploadedFile:
    lines = [";".join(headers("lv", keys)), *(";".join(str(value) for value in values) for values in rows)]
    return SimpleUploadedFile("mobilitātes.csv", ("\n".join(lines) + "\n").encode("utf-8"), "text/csv")


def workbook(rows: list[list[object]], keys: list[str] = KEYS) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(headers("en", keys))
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("mobilities.xlsx", buffer.getvalue(), imports.XLSX_TYPE)


def upload(client: Client, project, file: SimpleUploadedFile):
    return client.post(f"/mobilities/project/{project.pk}/import/", {"file": file})


def test_a_latvian_csv_is_checked_shown_and_imported_on_confirmation(
    coordinator_client: Client, coordinator: User, project, member: Organisation, goals: list[Goal]
) -> None:
    first, second = make_participant(member), make_participant(member)
    response = upload(
        coordinator_client,
        project,
        latvian_csv([row(first), row(second, start_date="2025-11-03", end_date="2025-11-14")]),
    )
    job = MobilityImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mobilities/imports/{job.pk}/"
    assert (job.status, job.rows, job.problems) == (ImportStatus.READY, 2, [])
    assert not Mobility.objects.exists()  # nothing before the confirmation

    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Visas rindas atbilst pārbaudēm" in page and "Izveidot 2 mobilitātes" in page and str(first) in page

    response = coordinator_client.post(f"/mobilities/imports/{job.pk}/confirm/")
    assert response.status_code == 302 and response["Location"] == f"/mobilities/project/{project.pk}/"
    created = list(Mobility.objects.order_by("start_date"))
    assert [m.participant for m in created] == [first, second]
    mobility = created[0]
    assert (mobility.status, mobility.ec_distance_km, mobility.green_travel) == ("draft", 1616, False)
    assert (mobility.activity_type, str(mobility.receiving_country)) == ("job_shadowing", "BE")
    assert mobility.grant_total == Decimal("3468.00") and mobility.created_by == coordinator
    assert [goal.number for goal in mobility.goals.order_by("number")] == [1, 2]
    assert mobility.history.get().history_user == coordinator
    assert sum(cost.amount for cost in MobilityCost.objects.filter(mobility=mobility)) == Decimal("3468.00")
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.DONE, 2)


def test_an_english_workbook_through_the_api_for_a_member_contact(
    member_client: Client, member_contact: User, project, member: Organisation, goals: list[Goal]
) -> None:
    person = make_participant(member)
    values = row(
        person,
        activity_type="Job shadowing",
        receiving_country="BE",
        receiving_city="Brussels",
        start_date=datetime.datetime(2025, 10, 6),
        end_date=datetime.date(2025, 10, 20),
        ec_distance_km=1616,
        green_travel="yes",
        goals=3,
    )
    response = member_client.post(f"/api/v1/projects/{project.pk}/mobility-imports", {"file": workbook([values])})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows"], body["problems"]) == ("ready", 1, [])
    assert body["preview"][0]["participant"] == str(person) and Decimal(body["grant_total"]) > 0
    response = member_client.post(f"/api/v1/mobility-imports/{body['id']}/confirm")
    assert response.status_code == 200 and response.json()["status"] == "done"
    mobility = Mobility.objects.get()
    assert (mobility.sending_organisation, mobility.green_travel, mobility.created_by) == (member, True, member_contact)
    assert mobility.history.get().history_user == member_contact


def test_a_file_with_problems_creates_nothing_and_marks_the_wrong_cells(
    coordinator_client: Client, project, member: Organisation, goals: list[Goal]
) -> None:
    person, other = make_participant(member), make_participant(member)
    rows = [
        row(person),
        row(other, start_date="31.02.2025"),  # row 3: no such day
        row(other, activity_type="Zvejošana"),  # row 4
        row(person),  # row 5: the same as row 2
        row(other, start_date="2027-10-04", end_date="2027-10-15"),  # row 6: after the project's end
        row(other, green_travel="varbūt", ec_distance_km="1616,5"),  # row 7
        row(other, participant_email="nobody@example.org", goals="9"),  # row 8
    ]
    upload(coordinator_client, project, latvian_csv(rows))
    job = MobilityImport.objects.get()
    assert job.status == ImportStatus.INVALID and not Mobility.objects.exists()
    with translation.override("en"):
        found = {(p["row"], p["column"]) for p in job.problems}
    assert found == {
        (3, "start_date"),
        (4, "activity_type"),
        (5, "participant_email"),
        (6, "start_date"),
        (7, "green_travel"),
        (7, "ec_distance_km"),
        (8, "participant_email"),
        (8, "goals"),
    }
    messages = {(p["row"], p["column"]): p["message"] for p in job.problems}
    assert messages[(5, "participant_email")] == "Tas pats dalībnieks, aktivitātes veids un sākums kā 2. rindā."
    assert messages[(6, "start_date")].startswith("Mobilitātei jānotiek projekta periodā")

    page = coordinator_client.get(f"/mobilities/imports/{job.pk}/").content.decode()
    assert "Atrastas 8 problēmas; nekas nav izveidots." in page

    response = coordinator_client.get(f"/mobilities/imports/{job.pk}/problems.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Rinda", "Problēmas", headers("lv")[0]]
    by_row = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    start_column = 2 + KEYS.index("start_date")
    assert by_row[3][start_column].fill.fgColor.rgb.endswith("F4B6B6")
    assert by_row[2][start_column].fill.fgColor.rgb in (None, "00000000")
    assert by_row[2][1].value is None and "2025-10-06" not in str(by_row[3][1].value)

    assert coordinator_client.post(f"/mobilities/imports/{job.pk}/confirm/").status_code == 302
    assert not Mobility.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n...", "Augšupielādējiet Excel darbgrāmatu (.xlsx) vai CSV datni."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "Augšupielādējiet Excel darbgrāmatu (.xlsx) vai CSV datni."),
        (b"\x89PNG\r\n\x1a\n", "Augšupielādējiet Excel darbgrāmatu (.xlsx) vai CSV datni."),
        (b"", "Datne ir tukša."),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(
    coordinator_client: Client, project, content: bytes, message: str
) -> None:
    if content:
        response = upload(coordinator_client, project, SimpleUploadedFile("mobilities.csv", content, "text/csv"))
        assert response.status_code == 422 and message in response.content.decode()
    response = coordinator_client.post(
        f"/api/v1/projects/{project.pk}/mobility-imports", {"file": SimpleUploadedFile("m.csv", content)}
    )
    assert response.status_code == 422 and response.json()["errors"]["file"] == [message]
    assert not MobilityImport.objects.exists()


def test_a_too_large_file_is_refused(coordinator_client: Client, project, settings) -> None:
    settings.MOBILITY_IMPORT_MAX_BYTES = 1024 * 1024
    content = b"a;b\n" + b"x;y\n" * 300_000
    response = upload(coordinator_client, project, SimpleUploadedFile("big.csv", content, "text/csv"))
    assert response.status_code == 422 and "Datne ir par lielu: ne vairāk kā 1 MB." in response.content.decode()


def test_a_missing_column_or_an_unknown_one_refuses_the_file(
    coordinator_client: Client, project, member: Organisation, goals: list[Goal]
) -> None:
    person = make_participant(member)
    keys = [key for key in KEYS if key != "end_date"]
    values = [value for key, value in zip(KEYS, row(person), strict=True) if key != "end_date"]
    upload(coordinator_client, project, latvian_csv([values], keys))
    job = MobilityImport.objects.get()
    assert job.status == ImportStatus.INVALID
    assert job.problems == [{"row": 0, "column": "", "message": "Trūkst kolonnu: Beigas."}]

    with translation.override("en"):
        body = (
            client_for(job.created_by)
            .post(
                f"/api/v1/projects/{project.pk}/mobility-imports",
                {"file": SimpleUploadedFile("m.csv", b"Participant's e-mail,Shoe size\nx@example.org,42\n")},
                HTTP_ACCEPT_LANGUAGE="en",
            )
            .json()
        )
    assert body["problems"][0]["message"] == 'Unknown column "Shoe size". Use the headers of the template.'


def test_a_member_contact_imports_only_their_own_institution(
    member_client: Client, project, member: Organisation, other_member: Organisation, goals: list[Goal]
) -> None:
    stranger = make_participant(other_member)
    keys = [*KEYS, "sending_member"]
    mine = make_participant(member)
    upload(member_client, project, latvian_csv([[*row(stranger), ""], [*row(mine), other_member.oid]], keys))
    job = MobilityImport.objects.get()
    messages = {(p["row"], p["column"]): p["message"] for p in job.problems}
    assert messages == {
        (2, "participant_email"): (
            "Jūsu iestādē sistēmā Tilts nav neviena ar šo e-pastu. Vispirms pievienojiet personu."
        ),
        (3, "sending_member"): "Jūs varat importēt tikai savas iestādes mobilitātes.",
    }
    assert job.status == ImportStatus.INVALID and not Mobility.objects.exists()


def test_others_cannot_see_or_confirm_an_import(
    member_client: Client, coordinator_client: Client, project, member: Organisation, other_member, goals
) -> None:
    upload(member_client, project, latvian_csv([row(make_participant(member))]))
    job = MobilityImport.objects.get()
    assert job.status == ImportStatus.READY
    other_contact = client_for(
        User.objects.create_user("other@example.org", role="member_contact", organisation=other_member)
    )
    assert other_contact.get(f"/mobilities/imports/{job.pk}/").status_code == 404
    assert other_contact.post(f"/api/v1/mobility-imports/{job.pk}/confirm").status_code == 404
    participant = client_for(make_participant(member))
    assert participant.get(f"/api/v1/mobility-imports/{job.pk}").status_code == 404
    assert (
        participant.post(f"/api/v1/projects/{project.pk}/mobility-imports", {"file": latvian_csv([])}).status_code
        == 403
    )
    # The coordinator sees it but only its uploader confirms it.
    assert coordinator_client.get(f"/mobilities/imports/{job.pk}/").status_code == 200
    assert coordinator_client.post(f"/api/v1/mobility-imports/{job.pk}/confirm").status_code == 422
    assert not Mobility.objects.exists()


def test_importing_the_same_file_again_is_refused_as_duplicates(
    coordinator_client: Client, project, member: Organisation, goals: list[Goal]
) -> None:
    file_rows = [row(make_participant(member))]
    upload(coordinator_client, project, latvian_csv(file_rows))
    coordinator_client.post(f"/mobilities/imports/{MobilityImport.objects.get().pk}/confirm/")
    upload(coordinator_client, project, latvian_csv(file_rows))
    again = MobilityImport.objects.order_by("-pk").first()
    assert again.status == ImportStatus.INVALID and Mobility.objects.count() == 1
    assert again.problems[0]["message"] == "Projektā jau ir šī dalībnieka mobilitāte ar šo aktivitātes veidu un sākumu."


def test_large_files_are_checked_and_imported_in_the_background(
    coordinator_client: Client, project, member: Organisation, goals: list[Goal], settings
) -> None:
    settings.MOBILITY_IMPORT_INLINE_ROWS = 1
    people = [make_participant(member) for _ in range(3)]
    upload(coordinator_client, project, latvian_csv([row(person) for person in people]))
    job = MobilityImport.objects.get()
    assert job.status == ImportStatus.CHECKING and DBTaskResult.objects.count() == 1
    assert "fonā" in coordinator_client.get(f"/mobilities/imports/{job.pk}/").content.decode()

    imports.check_job(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.rows == 3
    coordinator_client.post(f"/mobilities/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING and DBTaskResult.objects.count() == 2 and not Mobility.objects.exists()
    imports.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, Mobility.objects.count()) == (ImportStatus.DONE, 3, 3)


def test_the_template_round_trips(coordinator_client: Client, project, member: Organisation, goals) -> None:
    response = coordinator_client.get(f"/mobilities/project/{project.pk}/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]][:2] == ["Dalībnieka e-pasts", "Nosūtītājas dalībinstitūcijas OID"]
    assert "Darba vērošana" in [r[0] for r in book.worksheets[1].iter_rows(values_only=True)]
    person = make_participant(member)
    filled = dict.fromkeys(headers("lv", [c.key for c in imports.COLUMNS]), "")
    filled.update(dict(zip(headers("lv"), row(person), strict=True)))
    sheet.append(list(filled.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    upload(coordinator_client, project, SimpleUploadedFile("t.xlsx", buffer.getvalue(), imports.XLSX_TYPE))
    assert MobilityImport.objects.get().status == ImportStatus.READY


def test_the_import_page_lists_problems_in_pages(
    coordinator_client: Client, project, member: Organisation, goals, django_assert_max_num_queries
) -> None:
    rows = [row(make_participant(member), start_date="nav") for _ in range(30)]
    upload(coordinator_client, project, latvian_csv(rows * 3))
    job = MobilityImport.objects.get()
    assert len(job.problems) > 50
    with django_assert_max_num_queries(8):
        page = coordinator_client.get(f"/mobilities/imports/{job.pk}/")
    assert page.content.decode().count("Rakstiet datumu kā") == 50


def test_a_windows_1257_csv_and_english_headers_in_another_order(
    coordinator_client: Client, project, member: Organisation, goals: list[Goal]
) -> None:
    person = make_participant(member)
    keys = list(reversed(KEYS))
    values = list(reversed(row(person, receiving_name="KBR", topic="Ģenealoģija un arhīvi")))
    content = ";".join(headers("en", keys)) + "\n" + ";".join(str(v) for v in values) + "\n"
    upload(coordinator_client, project, SimpleUploadedFile("m.csv", content.encode("cp1257"), "text/csv"))
    job = MobilityImport.objects.get()
    assert job.status == ImportStatus.READY, job.problems
    coordinator_client.post(f"/mobilities/imports/{job.pk}/confirm/")
    assert Mobility.objects.get().topic == "Ģenealoģija un arhīvi"


def test_a_column_twice_refuses_the_file(coordinator_client: Client, project, goals) -> None:
    content = "Sākums;Start;Beigas\n2025-10-06;2025-10-06;2025-10-10\n".encode()
    upload(coordinator_client, project, SimpleUploadedFile("m.csv", content, "text/csv"))
    assert MobilityImport.objects.get().problems[0]["message"] == "Kolonna “Sākums” ir divreiz."


def test_uploaded_spreadsheets_go_after_a_week(
    coordinator_client: Client, project, member: Organisation, goals: list[Goal], django_capture_on_commit_callbacks
) -> None:
    from django.utils import timezone

    from tilts.housekeeping.retention import apply_retention

    upload(coordinator_client, project, latvian_csv([row(make_participant(member))]))
    job = MobilityImport.objects.get()
    coordinator_client.post(f"/mobilities/imports/{job.pk}/confirm/")
    storage, name = job.file.storage, job.file.name
    assert apply_retention(now=timezone.now() + datetime.timedelta(days=6)).mobility_imports == 0
    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(now=timezone.now() + datetime.timedelta(days=8))
    assert report.mobility_imports == 1 and not MobilityImport.objects.exists() and not storage.exists(name)
    assert Mobility.objects.count() == 1


def test_an_interrupted_check_fails_and_an_interrupted_import_can_be_confirmed_again(
    coordinator_client: Client, project, member: Organisation, goals: list[Goal], settings
) -> None:
    from django.utils import timezone

    settings.MOBILITY_IMPORT_INLINE_ROWS = 0  # both steps are left to a worker, which never comes
    upload(coordinator_client, project, latvian_csv([row(make_participant(member))]))
    checking = MobilityImport.objects.get()
    upload(coordinator_client, project, latvian_csv([row(make_participant(member))]))
    importing = MobilityImport.objects.exclude(pk=checking.pk).get()
    imports.check_job(importing.pk)
    coordinator_client.post(f"/mobilities/imports/{importing.pk}/confirm/")
    importing.refresh_from_db()
    assert (checking.status, importing.status) == (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    assert imports.recover_stale_imports(timezone.now() + datetime.timedelta(minutes=50)) == 0
    assert imports.recover_stale_imports(timezone.now() + datetime.timedelta(minutes=70)) == 2
    checking.refresh_from_db()
    importing.refresh_from_db()
    assert checking.status == ImportStatus.FAILED
    assert checking.problems[0]["message"] == "Pārbaude tika pārtraukta. Augšupielādējiet datni vēlreiz."
    assert importing.status == ImportStatus.READY and not Mobility.objects.exists()
