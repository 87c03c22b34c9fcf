"""Warnings before a decision that may be premature or late: selecting while the call is open or despite a large
spread between evaluators, applying for dates already past, approving or issuing agreements after the end."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import MobilityFactory
from tilts.selection import services
from tilts.selection.models import Application
from tilts.selection.tests.factories import approved_mobility, give_scores, make_call, submitted_application

pytestmark = pytest.mark.django_db
OPEN = "Uzaicinājums ir atvērts līdz"
SPREAD = "Vērtētāju vērtējumi šim pieteikumam būtiski atšķiras"


def test_deciding_while_the_call_is_open_or_despite_a_spread_is_warned(
    consortium, participant, goals, coordinator_client
) -> None:
    call = make_call(consortium)
    application = submitted_application(call, participant, goals)
    url = reverse("selection:application", args=[application.pk])
    page = coordinator_client.get(url).text
    assert OPEN in page and SPREAD not in page
    assert OPEN in coordinator_client.get(reverse("selection:manage", args=[call.pk])).text
    first, second = UserFactory(role=Role.EVALUATOR), UserFactory(role=Role.EVALUATOR)
    services.set_evaluators(call, [first, second], by=None)
    give_scores(call, application, first, [10, 10])
    give_scores(call, application, second, [0, 0])
    assert SPREAD in coordinator_client.get(url).text


def test_no_warning_once_the_call_has_closed(consortium, participant, goals, coordinator_client) -> None:
    call = make_call(consortium)
    application = submitted_application(call, participant, goals)
    type(call).objects.filter(pk=call.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=30),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert OPEN not in coordinator_client.get(reverse("selection:application", args=[application.pk])).text


def test_an_application_for_past_dates_is_warned(consortium, participant, goals) -> None:
    application = submitted_application(make_call(consortium), participant, goals)
    Application.objects.filter(pk=application.pk).update(
        status="draft",
        start_date=timezone.localdate() - datetime.timedelta(days=3),
        end_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    page = client_for(participant).get(reverse("selection:application_edit", args=[application.pk])).text
    assert "jau ir pagājis: pirms iesniegšanas pārbaudiet datumus" in page


def test_approving_or_issuing_after_the_end_is_warned(
    project_2025, member, goals, coordinator, coordinator_client
) -> None:
    mobility = MobilityFactory(
        project=project_2025, sending_organisation=member, goals=goals[:1], by=coordinator, submitted=True
    )
    page = coordinator_client.get(reverse("mobility:detail", args=[mobility.pk])).text
    assert "apstiprinot to tagad, dotācija tiek noteikta aktivitātei, kas jau ir notikusi" in page
    Mobility.objects.filter(pk=mobility.pk).update(status="approved")
    page = coordinator_client.get(reverse("selection:agreements", args=[mobility.pk])).text
    assert "tagad izsniegtu līgumu parakstīs pēc aktivitātes" in page


def test_no_warning_for_a_mobility_still_to_come(consortium, participant, goals, coordinator) -> None:
    mobility = approved_mobility(submitted_application(make_call(consortium), participant, goals), coordinator)
    page = client_for(coordinator).get(reverse("selection:agreements", args=[mobility.pk])).text
    assert "tagad izsniegtu līgumu" not in page


@pytest.fixture
def project_2025(consortium):
    from tilts.mobility.tests.factories import make_project

    return make_project(consortium)
