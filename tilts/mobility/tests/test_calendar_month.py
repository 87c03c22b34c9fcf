"""The calendar page on a large project: only the month's mobilities, a few named per day, destinations in SQL."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tilts.consortium.models import Goal, Organisation
from tilts.core import figures
from tilts.mobility import selectors, services
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import (
    HELSINKI,
    TARTU,
    MobilityFactory,
    make_participant,
    make_project,
)
from tilts.payments import selectors as payment_selectors
from tilts.payments import services as payment_services
from tilts.payments.selectors import amounts, with_amounts
from tilts.payments.tests.helpers import signed_agreement
from tilts.reporting.tests.helpers import confirmed_mobility

pytestmark = pytest.mark.django_db
D = Decimal


def plan(project, member: Organisation, goals: list[Goal], **overrides: object) -> Mobility:
    return MobilityFactory(project=project, sending_organisation=member, goals=goals[:1], **overrides)


def test_a_busy_day_names_six_and_links_to_the_rest(coordinator_client: Client, consortium, member, goals) -> None:
    project = make_project(consortium)
    for _ in range(8):
        plan(project, member, goals)
    url = reverse("mobility:calendar", args=[project.pk])
    page = coordinator_client.get(url, {"year": 2025, "month": 10}).text
    day = next(cell for week in selectors.month_grid(project.mobilities.all(), 2025, 10) for cell in week if cell.day)
    assert day.day == datetime.date(2025, 10, 1) and day.mobilities == [] and day.more == 0
    assert "un vēl 2</small>" in page
    assert f"/mobilities/project/{project.pk}/?from=2025-10-06&amp;to=2025-10-06" in page
    assert page.count("Brussels</small></a>") == 6 * 15  # six named on each of the 15 days, 6 to 20 October
    november = coordinator_client.get(url, {"year": 2025, "month": 11}).text
    assert "Brussels</small>" not in november and "un vēl" not in november


def test_the_calendar_reads_a_constant_number_of_queries(
    coordinator_client: Client, consortium, member, goals, django_assert_max_num_queries
) -> None:
    project = make_project(consortium)
    url = reverse("mobility:calendar", args=[project.pk])
    for start in range(1, 9):
        plan(project, member, goals, start_date=datetime.date(2025, 10, start), end_date=datetime.date(2025, 10, 20))
    with django_assert_max_num_queries(12):  # a first visit: the person's feeds are created too
        response = coordinator_client.get(url, {"year": 2025, "month": 10})
    assert response.status_code == 200 and "un vēl 2" in response.text


def test_destinations_sum_in_the_database_as_each_mobility_counts(consortium, member, goals, coordinator) -> None:
    project = make_project(consortium)
    signed = confirmed_mobility(project, member, make_participant(member), goals, coordinator)
    signed_agreement(signed, coordinator)
    payment_services.record_payment(
        signed, kind="prefinancing", amount=D("2774.40"), paid_on=timezone.localdate(), by=coordinator
    )
    plan(project, member, goals, activity_type="course", course_days=5)
    plan(project, member, goals, receiving_country="FI", receiving_city="Helsinki", venue=HELSINKI)
    cancelled = plan(project, member, goals, receiving_country="EE", receiving_city="Tartu", venue=TARTU)
    services.transition(cancelled, "cancelled", by=coordinator, reason="Slimība")
    rows = payment_selectors.destinations(project.mobilities.all())
    assert [(row.country, row.mobilities, row.participants) for row in rows] == [("BE", 2, 2), ("FI", 1, 1)]
    one_by_one = [amounts(m) for m in with_amounts(project.mobilities.filter(receiving_country="BE"))]
    belgium = rows[0]
    assert belgium.agreed == sum((a.agreed or D(0) for a in one_by_one), D(0)) and belgium.agreed > D("3468.00")
    assert (belgium.final, belgium.paid) == (D("0.00"), D("2774.40"))


def test_the_cached_month_and_budget_follow_a_change(
    coordinator_client: Client, consortium, member, goals, coordinator
) -> None:
    """Both pages are cached for a short time (tilts.core.figures): a new or cancelled mobility shows at once."""
    project = make_project(consortium)
    calendar = reverse("mobility:calendar", args=[project.pk])
    budget = "/en" + reverse("mobility:budget", args=[project.pk])

    def named() -> int:
        return coordinator_client.get(calendar, {"year": 2025, "month": 10}).text.count("Brussels</small></a>")

    def total() -> str:
        page = coordinator_client.get(budget).text
        return page[page.index("<tfoot>") : page.index("</tfoot>")]

    first = plan(project, member, goals)
    assert named() == 15
    before = total()
    plan(project, member, goals)
    assert named() == 30
    assert total() != before
    services.transition(first, "cancelled", by=coordinator, reason="Ill")
    assert named() == 15
    assert total() == before


def test_a_second_visit_reads_the_kept_page_with_its_own_token_and_a_new_address_shows(
    coordinator_client: Client, consortium, member, goals, settings
) -> None:
    """The content is kept rendered (tilts.core.figures.cached_html) with the feeds' addresses and a hole for the
    form's CSRF token: a second visit reads neither mobilities nor feeds; replacing the addresses shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tilts.mobility.models import CalendarFeed

    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    project = make_project(consortium)
    plan(project, member, goals)
    url = reverse("mobility:calendar", args=[project.pk])
    replace = reverse("mobility:calendar_replace", args=[project.pk])

    def visit(**extra: str) -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            page = coordinator_client.get(url, {"year": 2025, "month": 10}, **extra).text
        return page, [query["sql"] for query in captured.captured_queries]

    first, _ = visit()
    token = CalendarFeed.objects.get(project=project).token
    second, sql = visit()
    assert not any("mobility_mobility" in query or "mobility_calendarfeed" in query for query in sql)
    assert len(sql) <= 4  # the session, the person, the project, the consortium for the menu
    for page in (first, second):
        assert page.count("Brussels</small></a>") == 15 and f"http://testserver/calendar/{token}.ics" in page
        assert f'action="{replace}"><input type="hidden" name="csrfmiddlewaretoken" value="' in page
        assert figures.CSRF_HOLE not in page
    assert f"http://other.example/calendar/{token}.ics" in visit(HTTP_HOST="other.example")[0]
    coordinator_client.post(replace)
    after = visit()[0]
    new = CalendarFeed.objects.get(project=project).token
    assert new != token and f"/calendar/{new}.ics" in after and f"/calendar/{token}.ics" not in after
