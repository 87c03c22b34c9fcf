"""Mobilities and follow-ups for the tests, made directly (no gazetteer): the numbers are what is tested."""

import datetime
from decimal import Decimal
from typing import Any

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.followup import services
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import BRUSSELS, RIGA, make_participant
from tilts.projects.models import Project

D = datetime.date
MOBILITY_END = D(2025, 10, 10)
FOLLOWUP_DATE = D(2025, 11, 10)


def mobility(
    project: Project,
    organisation: Organisation,
    person: User | None = None,
    *,
    status: str = "completed",
    end: datetime.date = MOBILITY_END,
    grant: str = "1000.00",
    goals: list[Goal] | None = None,
) -> Mobility:
    made = Mobility.objects.create(
        project=project,
        sending_organisation=organisation,
        participant=person or make_participant(organisation),
        activity_type="job_shadowing",
        receiving_name="KBR",
        receiving_country="BE",
        receiving_city="Brussels",
        origin=RIGA,
        venue=BRUSSELS,
        start_date=end - datetime.timedelta(days=4),
        end_date=end,
        topic="Digitālās kolekcijas",
        learning_objectives="Apgūt darba plūsmas.",
        followup_plan="Darbnīca novada bibliotekāriem\nar praktiskiem uzdevumiem",
        followup_audience="Novada bibliotekāri",
        followup_colleagues=20,
        followup_due=end + datetime.timedelta(days=90),
        status=status,
        grant_total=Decimal(grant),
    )
    made.goals.set(goals or [])
    return made


def followup(
    mobilities: list[Mobility],
    goals: list[Goal],
    *,
    attendees: int = 10,
    status: str = "delivered",
    date: datetime.date = FOLLOWUP_DATE,
    type: str = "workshop",
    by: User | None = None,
    **fields: Any,
) -> FollowUp:
    values: dict[str, Any] = {
        "title": "Darbnīca par digitalizāciju",
        "place": "Valmieras bibliotēka",
        "no_attendance_list_reason": "Saraksts glabājas papīra formā.",
    }
    values.update(fields)
    return services.create_followup(
        project=mobilities[0].project,
        mobilities=mobilities,
        goals=goals,
        organiser=mobilities[0].sending_organisation,
        attendees=attendees,
        status=status,
        date=date,
        type=type,
        by=by,
        **values,
    )
