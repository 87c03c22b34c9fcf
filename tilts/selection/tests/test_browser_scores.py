"""An evaluator's scores refused in Latvian keep what was typed and mark the criterion at fault."""

import pytest
from playwright.sync_api import Page, expect

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
from tilts.selection import services
from tilts.selection.models import Assignment
from tilts.selection.tests.factories import make_call, submitted_application

pytestmark = pytest.mark.browser


def test_a_refused_score_sheet_keeps_the_input(transactional_db: None, live_server, page: Page, log_in) -> None:
    consortium = ConsortiumFactory()
    goals = [GoalFactory(consortium=consortium, number=n) for n in (1, 2)]
    member = MemberFactory(consortium=consortium).organisation
    call = make_call(consortium)
    application = submitted_application(call, UserFactory(role=Role.PARTICIPANT, organisation=member), goals)
    evaluator = UserFactory(role=Role.EVALUATOR)
    services.set_evaluators(call, [evaluator], by=None)
    assignment = Assignment.objects.get(evaluator=evaluator)
    services.declare_conflict(assignment, conflict=False, note="")
    first, second = call.criteria.all()

    log_in(evaluator)
    page.goto(f"{live_server.url}/calls/applications/{application.pk}/")
    page.locator(f"#id_score_{first.pk}").fill("8")
    page.locator(f"#id_comment_{first.pk}").fill("Skaidri saistīts ar 1. mērķi.")
    page.locator(f"#id_score_{second.pk}").fill("6")
    page.get_by_role("button", name="Iesniegt vērtējumus").click()

    expect(page.locator(f"#id_comment_{second.pk}_error")).to_have_text(
        "Pirms iesniegšanas komentējiet katru kritēriju."
    )
    expect(page.locator(f"#id_comment_{second.pk}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#id_score_{first.pk}")).to_have_value("8")
    expect(page.locator(f"#id_comment_{first.pk}")).to_have_value("Skaidri saistīts ar 1. mērķi.")
    expect(page.locator(f"#id_score_{second.pk}")).to_have_value("6")
    assert not assignment.scores.exists()
