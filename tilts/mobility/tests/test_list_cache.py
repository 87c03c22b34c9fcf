"""The mobility list, calendar, budget and people list keep their rendered rows until the next change
(tilts.core.figures.cached_html): a second visit reads none of the rows, a change shows on the next visit, and
the kept rows are never another person's or another language's."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.mobility import services
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.tests.factories import MobilityFactory, make_participant, many_mobilities

pytestmark = pytest.mark.django_db


def _without_tokens(html: bytes) -> str:
    """The page with its CSRF tokens (new on every response) blanked."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def _tables(queries: list[dict[str, str]]) -> str:
    return " ".join(query["sql"] for query in queries)


def test_a_second_visit_reads_none_of_the_lists_rows(
    coordinator_client: Client, project, member, goals, django_assert_max_num_queries
) -> None:
    many_mobilities(project, member, goals, 60)
    url = "/en" + reverse("mobility:list", args=[project.pk])
    query = {"sort": "-start", "page": 2, "goal": goals[0].number}
    first = coordinator_client.get(url, query)
    assert "60 mobilities" in first.text and "rows 51–60 of 60" in first.text
    # The session, the person, the project (their access to it) and the consortium every page shows: no count, no
    # page of ids, no rows, no members or goals for the filters.
    with django_assert_max_num_queries(4) as captured:
        second = coordinator_client.get(url, query)
    assert "mobility_mobility" not in _tables(captured.captured_queries)
    assert "consortium_goal" not in _tables(captured.captured_queries)
    assert _without_tokens(second.content) == _without_tokens(first.content)
    # The export form, with its CSRF token, stays outside the cached part.
    assert 'action="/en/list-exports/new/">' in second.text


def test_the_htmx_rows_share_the_pages_cached_rows(
    coordinator_client: Client, project, member, goals, django_assert_max_num_queries
) -> None:
    many_mobilities(project, member, goals, 3)
    url = "/en" + reverse("mobility:list", args=[project.pk])
    page = coordinator_client.get(url, {"country": "BE"})
    with django_assert_max_num_queries(4) as captured:  # the session, the person, the project, the consortium
        rows = coordinator_client.get(url, {"country": "BE"}, headers={"HX-Request": "true"})
    assert "mobility_mobility" not in _tables(captured.captured_queries)
    assert "<html" not in rows.text and "3 mobilities" in rows.text
    table = '<div class="table-wrap">' + rows.text.split('<div class="table-wrap">', 1)[1]
    assert table in _without_tokens(page.content) and "<tbody>" in table


def test_a_change_made_through_a_service_shows_on_the_next_visit(
    coordinator_client: Client, coordinator: User, project, member, goals
) -> None:
    mobilities = many_mobilities(project, member, goals, 3)
    url = "/en" + reverse("mobility:list", args=[project.pk])
    filtered = {"status": "draft"}
    for _visit in range(2):  # the second from the cache
        assert coordinator_client.get(url).text.count('<span class="badge draft">') == 3
        assert "3 mobilities" in coordinator_client.get(url, filtered, headers={"HX-Request": "true"}).text
    services.transition(mobilities[1], MobilityStatus.SUBMITTED, by=coordinator)
    after = coordinator_client.get(url).text
    assert after.count('<span class="badge draft">') == 2 and after.count('<span class="badge submitted">') == 1
    assert "2 mobilities" in coordinator_client.get(url, filtered, headers={"HX-Request": "true"}).text


def test_another_person_sees_only_their_own_rows(
    coordinator_client: Client, member_client: Client, project, member, other_member, goals
) -> None:
    mine = MobilityFactory(
        project=project, sending_organisation=member, participant=make_participant(member), goals=goals[:1]
    )
    theirs = MobilityFactory(
        project=project, sending_organisation=other_member, participant=make_participant(other_member), goals=goals[:1]
    )
    other_contact = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    url = "/en" + reverse("mobility:list", args=[project.pk])
    everything = coordinator_client.get(url).text  # the coordinator's rows are kept first
    assert str(mine.participant) in everything and str(theirs.participant) in everything
    for client, own, other in ((member_client, mine, theirs), (other_contact, theirs, mine)):
        for _visit in range(2):
            for page in (client.get(url).text, client.get(url, headers={"HX-Request": "true"}).text):
                assert "1 mobility" in page and str(own.participant) in page
                assert str(other.participant) not in page and f"/mobilities/{other.pk}/" not in page


def test_the_other_language_gets_its_own_rows(coordinator_client: Client, project, member, goals) -> None:
    many_mobilities(project, member, goals, 2)
    english = "/en" + reverse("mobility:list", args=[project.pk])
    latvian = reverse("mobility:list", args=[project.pk])
    with translation.override("lv"):
        draft_lv, job_shadowing_lv = str(MobilityStatus.DRAFT.label), Mobility.objects.first().activity_type_label
    with translation.override("en"):
        draft_en, job_shadowing_en = str(MobilityStatus.DRAFT.label), Mobility.objects.first().activity_type_label
    assert draft_lv != draft_en and job_shadowing_lv != job_shadowing_en
    for _visit in range(2):
        page_en, page_lv = coordinator_client.get(english).text, coordinator_client.get(latvian).text
        assert f">{draft_en}</span>" in page_en and job_shadowing_en in page_en and "2 mobilities" in page_en
        assert f">{draft_lv}</span>" in page_lv and job_shadowing_lv in page_lv and "2 mobilities" not in page_lv
        assert f">{draft_en}</span>" not in page_lv and "/en/mobilities/" not in page_lv.split("<tbody>")[1]


def test_budget_and_calendar_keep_their_tables_until_a_change(
    coordinator_client: Client, coordinator: User, project, member, goals, django_assert_max_num_queries
) -> None:
    first, second, _third = many_mobilities(project, member, goals, 3)
    budget = "/en" + reverse("mobility:budget", args=[project.pk])
    calendar = "/en" + reverse("mobility:calendar", args=[project.pk])
    month = {"year": first.start_date.year, "month": first.start_date.month}
    before = coordinator_client.get(budget).text
    assert '<td class="num">3</td>' in before
    with django_assert_max_num_queries(4) as captured:  # the session, the person, the project, the consortium
        assert _without_tokens(coordinator_client.get(budget).content) == _without_tokens(before.encode())
    assert "mobility_mobility" not in _tables(captured.captured_queries)
    shown = coordinator_client.get(calendar, month).text
    assert shown.count("Brussels</small>") > 0
    with django_assert_max_num_queries(6) as captured:  # and the person's two calendar feeds (not cached)
        again = coordinator_client.get(calendar, month)
    assert "mobility_mobility" not in _tables(captured.captured_queries)
    assert _without_tokens(again.content) == _without_tokens(shown.encode())
    services.transition(second, MobilityStatus.CANCELLED, by=coordinator, reason="Slimība")
    assert '<td class="num">2</td>' in coordinator_client.get(budget).text
    day_count = shown.count(f'href="/en/mobilities/{second.pk}/"')
    assert day_count > 0 and f'href="/en/mobilities/{second.pk}/"' not in coordinator_client.get(calendar, month).text


def test_the_people_list_keeps_its_table_until_a_change(
    coordinator_client: Client, member: object, django_assert_max_num_queries
) -> None:
    url = "/en" + reverse("people:list")
    first = coordinator_client.get(url, {"role": "participant"})
    with django_assert_max_num_queries(3) as captured:  # the session, the person, the consortium
        second = coordinator_client.get(url, {"role": "participant"})
    assert "COUNT(" not in _tables(captured.captured_queries)
    assert _without_tokens(second.content) == _without_tokens(first.content)
    newcomer = UserFactory(role=Role.PARTICIPANT, organisation=member, first_name="Zelma", last_name="Jaunā")
    assert "Zelma Jaunā" in coordinator_client.get(url, {"role": "participant"}).text
    assert "Zelma Jaunā" not in coordinator_client.get(url, {"role": "coordinator"}).text
    assert newcomer.pk


def test_a_rows_text_is_what_the_templates_filters_print() -> None:
    from decimal import Decimal

    from django.template import Context, Template

    from tilts.mobility.rows import money, short_date

    template = Template('{{ value|floatformat:"2g" }}|{{ day|date:"SHORT_DATE_FORMAT" }}')
    values = [Decimal("0"), Decimal("-0.00"), Decimal("3059.00"), Decimal("1234567.891"), Decimal("-1500.5"), None]
    days = [datetime.date(2025, 1, 2), datetime.date(2026, 12, 31)]
    for language in ("lv", "en"):
        with translation.override(language):
            for value in values:
                for day in days:
                    printed = template.render(Context({"value": value, "day": day}))
                    assert f"{money(value)}|{short_date(day)}" == printed


def test_the_list_shows_the_eu_survey_reports_status(coordinator_client: Client, project, member, goals) -> None:
    from tilts.exports.models import EUReportStatus, ModuleMobility

    mobility = many_mobilities(project, member, goals, 1)[0]
    ModuleMobility.objects.create(project=project, mobility=mobility, eu_report_status=EUReportStatus.SUBMITTED)
    page = coordinator_client.get("/en" + reverse("mobility:list", args=[project.pk])).text
    assert "<li>EU Survey: Submitted</li>" in page
