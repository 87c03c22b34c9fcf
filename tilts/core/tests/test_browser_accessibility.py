"""axe-core on the key pages of each role, in Latvian: no serious or critical findings."""

import pytest
from playwright.sync_api import Page

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
from tilts.core.tests.browser import log_in_as, serious_accessibility_findings
from tilts.mobility.tests.factories import make_project
from tilts.reporting import services as reporting_services
from tilts.reporting.tests.helpers import confirmed_mobility
from tilts.selection.tests.factories import make_call, submitted_application

pytestmark = pytest.mark.browser


def check(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return [f"{url} {finding}" for finding in serious_accessibility_findings(page)]


def test_key_pages_of_each_role_have_no_serious_accessibility_findings(
    transactional_db: None, live_server, page: Page
) -> None:
    consortium = ConsortiumFactory()
    goals = [GoalFactory(consortium=consortium, number=n) for n in (1, 2, 3)]
    member = MemberFactory(consortium=consortium).organisation
    project = make_project(consortium)
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=consortium.coordinator)
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    participant = UserFactory(role=Role.PARTICIPANT, organisation=member)
    evaluator = UserFactory(role=Role.EVALUATOR)
    auditor = UserFactory(role=Role.AUDITOR)
    mobility = confirmed_mobility(project, member, participant, goals, coordinator)
    report = reporting_services.open_report(mobility, notify=False)
    call = make_call(consortium)
    application = submitted_application(call, UserFactory(role=Role.PARTICIPANT, organisation=member), goals)
    base = live_server.url
    pages = {
        None: ["/", "/calls/", "/grants/calculator/", "/follow-up/results/", "/accounts/login/", "/join/"],
        coordinator: [
            "/manage/",
            f"/projects/{project.pk}/",
            f"/mobilities/project/{project.pk}/",
            f"/mobilities/{mobility.pk}/",
            f"/reports/project/{project.pk}/",
            "/follow-up/goals/",
            f"/calls/manage/{call.pk}/",
            f"/calls/applications/{application.pk}/",
        ],
        contact: ["/manage/", f"/mobilities/project/{project.pk}/", "/follow-up/goals/"],
        participant: ["/mobilities/mine/", "/reports/", f"/reports/{report.pk}/", f"/reports/{report.pk}/edit/"],
        evaluator: ["/calls/manage/"],
        auditor: ["/manage/", "/follow-up/goals/"],
    }
    findings: list[str] = []
    for user, urls in pages.items():
        page.context.clear_cookies()
        if user is not None:
            log_in_as(page, base, user)
        for url in urls:
            findings += check(page, base + url)
    assert findings == []
