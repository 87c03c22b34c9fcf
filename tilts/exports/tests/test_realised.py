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
from tilts.exports.tests.helpers import awarded, make_mobility, read_csv, row_pks
from tilts.mobility.models import Mobility
from tilts.mobility.selectors import CATEGORY_OF_LINE
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.projects.models import BudgetCategory
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


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def _reported(mobility: Mobility, coordinator, *, accept: bool = True) -> ParticipantReport:
    report = submitted_report(reporting.open_report(mobility), **REALISED)
    return reporting.accept(report, by=coordinator) if accept else report


def _final_by_category(report: ParticipantReport) -> dict[str, Decimal]:
    totals = dict.fromkeys(BudgetCategory.values, Decimal("0.00"))
    for line_category, amount in report.final_grant_breakdown["by_category"].items():
        totals[CATEGORY_OF_LINE[line_category]] += Decimal(amount)
    return totals


def _csv_rows(user, project) -> dict[int, dict[str, str]]:
    rows = read_csv(services.build_csv(user, project))
    return {pk: dict(zip(rows[0], row, strict=True)) for pk, row in zip(row_pks(rows), rows[1:], strict=True)}


def test_the_csv_writes_the_realised_data_and_final_grant_of_an_accepted_report(
    project, member, goals, coordinator
) -> None:
    # The participant went by train in the end (green travel): the module's means of transport says so.
    accepted = make_mobility(project, member, goals, by=coordinator, status="confirmed", transport="train")
    report = _reported(accepted, coordinator)
    assert report.final_grant_total != accepted.grant_total  # the realised data changed the grant
    planned = make_mobility(project, member, goals, by=coordinator, status="confirmed")
    _reported(planned, coordinator, accept=False)  # submitted, not accepted: still the plan
    rows = _csv_rows(coordinator, project)
    realised = rows[accepted.pk]
    assert (realised["Start Date"], realised["End Date"]) == ("2025-10-07", "2025-10-17")
    assert (realised["Travel Days"], realised["Green Travel"]) == ("4", "Yes")
    assert "Total Grant (EUR)" not in realised  # the module computes the grant: the estimate has Tilts' amounts
    plan = rows[planned.pk]
    assert (plan["Start Date"], plan["End Date"], plan["Travel Days"], plan["Green Travel"]) == (
        "2025-10-06",
        "2025-10-20",
        "2",
        "No",
    )
    with translation.override("en"):
        estimate = read_csv(services.build_estimate(coordinator, project))
    by_id = {row[0]: dict(zip(estimate[0], row, strict=True)) for row in estimate[1:]}
    final = by_id[realised["Mobility Activity ID"]]
    assert (final["Tilts estimate, total (EUR)"], final["Grant"]) == (f"{report.final_grant_total:.2f}", "final")
    assert final["Travel (EUR)"] == f"{_final_by_category(report)['travel']:.2f}"
    assert by_id[plan["Mobility Activity ID"]]["Tilts estimate, total (EUR)"] == "3468.00"


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
