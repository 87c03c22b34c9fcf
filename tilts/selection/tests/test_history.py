"""Who did it: an application's submission, the coordinator's decisions and the mobility they create name the
person in the change history; so do the grant agreement and the payment."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tilts.mobility.tests.factories import MobilityFactory, make_project
from tilts.payments import services as payment_services
from tilts.selection import services
from tilts.selection.tests.factories import make_call, ready_to_select, submitted_application

pytestmark = pytest.mark.django_db


def test_the_selection_steps_name_the_applicant_and_the_coordinator(consortium, participant, goals, coordinator):
    application = submitted_application(make_call(consortium), participant, goals)
    assert application.history.filter(status="submitted").last().history_user == participant
    application = services.decide(ready_to_select(application, coordinator), by=coordinator, decision="selected")
    assert application.history.filter(status="selected").last().history_user == coordinator
    # The draft mobility the selection creates is the coordinator's change too.
    assert application.mobility.history.earliest("history_date").history_user == coordinator


def test_a_payment_names_who_recorded_it(consortium, member, participant, goals, coordinator):
    mobility = MobilityFactory(
        project=make_project(consortium),
        sending_organisation=member,
        participant=participant,
        goals=goals[:1],
        by=coordinator,
        approved=True,
    )
    agreement = services.issue_agreement(mobility, kind="grant", language="lv", by=coordinator)
    assert agreement.history.get().history_user == coordinator
    payment_services.record_payment(
        mobility,
        kind="prefinancing",
        amount=Decimal("100.00"),
        paid_on=timezone.localdate(),
        paid_to="participant",
        reference="MK-1",
        version=0,
        by=coordinator,
    )
    assert mobility.payments.get().history.get().history_user == coordinator
