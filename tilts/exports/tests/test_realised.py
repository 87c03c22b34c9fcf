"""Once the participant report is accepted, the exports give what really happened and the final grant."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from tilts.exports import services
from tilts.exports.tests.helpers import make_mobility, read_csv
from tilts.mobility.models import Mobility
from tilts.mobility.selectors import CATEGORY_OF_LINE
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.reporting import services as reporting
from tilts.reporting.models import ParticipantReport
from tilts.reporting.tests.helpers import submitted_report

pytestmark = pytest.mark.django_db

# The plan (mobility_fields): 6-20 October 2025, 2 travel days, not green. What really happened differs in all four.
REALISED = {
    "actual_start": datetime.date(2025, 10, 7),
    "actual_end": datetime.date(2025, 10, 17),
    "actual_travel_days": 4,
    "actual_green_travel": True,
}
CSV_CATEGORIES = {
    "travel": "Travel Grant (EUR)",
    "exceptional_costs": "Exceptional Costs for Expensive Travel (EUR)",
    "individual_support": "Individual Support (EUR)",
    "organisational_support": "Organisational Support (EUR)",
    "course_fees": "Course Fees (EUR)",
    "inclusion_support": "Inclusion Support (EUR)",
    "preparatory_visits": "Preparatory Visits (EUR)",
}


@pytest.fixture
def project(consortium):
    return make_project(consortium)


def _reported(mobility: Mobility, coordinator, *, accept: bool = True) -> ParticipantReport:
    report = submitted_report(reporting.open_report(mobility), **REALISED)
    return reporting.accept(report, by=coordinator) if accept else report


def _final_by_category(report: ParticipantReport) -> dict[str, Decimal]:
    totals = dict.fromkeys(CSV_CATEGORIES, Decimal("0.00"))
    for line_category, amount in report.final_grant_breakdown["by_category"].items():
        totals[CATEGORY_OF_LINE[line_category]] += Decimal(amount)
    return totals


def _csv_rows(user, project) -> dict[int, dict[str, str]]:
    rows = read_csv(services.build_csv(user, project))
    return {int(row[0]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_csv_writes_the_realised_data_and_final_grant_of_an_accepted_report(
    project, member, goals, coordinator
) -> None:
    accepted = make_mobility(project, member, goals, by=coordinator, status="confirmed")
    report = _reported(accepted, coordinator)
    assert report.final_grant_total != accepted.grant_total  # the realised data changed the grant
    planned = make_mobility(project, member, goals, by=coordinator, status="confirmed")
    _reported(planned, coordinator, accept=False)  # submitted, not accepted: still the plan
    rows = _csv_rows(coordinator, project)
    realised = rows[accepted.pk]
    assert (realised["Start Date"], realised["End Date"]) == ("2025-10-07", "2025-10-17")
    assert (realised["Travel Days"], realised["Green Travel"]) == ("4", "Yes")
    assert realised["Total Grant (EUR)"] == f"{report.final_grant_total:.2f}"
    for category, amount in _final_by_category(report).items():
        assert realised[CSV_CATEGORIES[category]] == f"{amount:.2f}"
    plan = rows[planned.pk]
    assert (plan["Start Date"], plan["End Date"], plan["Travel Days"], plan["Green Travel"]) == (
        "2025-10-06",
        "2025-10-20",
        "2",
        "No",
    )
    assert plan["Total Grant (EUR)"] == "3468.00"
    assert plan["Travel Grant (EUR)"] == "309.00"


def test_the_workbook_writes_the_realised_data_and_final_grant_of_an_accepted_report(
    project, member, goals, coordinator
) -> None:
    person = make_participant(member)
    accepted = make_mobility(project, member, goals, by=coordinator, status="confirmed", participant=person)
    report = _reported(accepted, coordinator)
    planned = make_mobility(project, member, goals, by=coordinator, status="confirmed")
    with translation.override("en"):
        book = load_workbook(io.BytesIO(services.build_xlsx(coordinator, project)))
    sheet = book["Mobilities"]
    headers = {cell.value: cell.column - 1 for cell in sheet[1]}
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    realised, plan = rows[accepted.pk], rows[planned.pk]
    assert realised[headers["Start"]] == datetime.datetime(2025, 10, 7)
    assert realised[headers["End"]] == datetime.datetime(2025, 10, 17)
    assert realised[headers["Activity days"]] == 11
    assert (realised[headers["Travel days"]], realised[headers["Green travel"]]) == (4, "yes")
    assert Decimal(str(realised[headers["Grant, EUR"]])) == report.final_grant_total
    assert Decimal(str(realised[headers["Travel"]])) == _final_by_category(report)["travel"]
    assert plan[headers["Start"]] == datetime.datetime(2025, 10, 6)
    assert (plan[headers["Travel days"]], plan[headers["Green travel"]]) == (2, "no")
    assert plan[headers["Grant, EUR"]] == 3468
    people = {row[1]: row for row in book["Participants"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(people[person.email][4])) == report.final_grant_total


def test_the_realised_data_costs_no_query_per_mobility(project, member, goals, coordinator) -> None:
    _reported(make_mobility(project, member, goals, by=coordinator, status="confirmed"), coordinator)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as csv_queries:
            services.build_csv(coordinator, project)
        with CaptureQueriesContext(connection) as xlsx_queries:
            services.build_xlsx(coordinator, project)
        return len(csv_queries), len(xlsx_queries)

    one = queries()
    for _index in range(3):
        _reported(make_mobility(project, member, goals, by=coordinator, status="confirmed"), coordinator)
    assert queries() == one
