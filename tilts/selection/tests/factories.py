import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Goal
from tilts.mobility import services as mobility_services
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.tests.factories import BRUSSELS, make_project
from tilts.projects.models import Project
from tilts.selection import services
from tilts.selection.models import Application, Assignment, Call

CRITERIA = [
    {
        "name_lv": "Ieguldījums mērķos",
        "name_en": "Contribution to the goals",
        "weight": Decimal("2"),
        "min_score": 0,
        "max_score": 10,
    },
    {
        "name_lv": "Izplatīšanas plāns",
        "name_en": "Dissemination plan",
        "weight": Decimal("1"),
        "min_score": 0,
        "max_score": 10,
    },
]


def make_call(consortium: Consortium, project: Project | None = None, **overrides: Any) -> Call:
    project = project or make_project(consortium, 2026)
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "project": project,
        "title_lv": "Pieteikšanās ēnošanas vizītēm 2027",
        "title_en": "Job shadowing 2027",
        "text_lv": "Aicinām bibliotēku speciālistus pieteikties.",
        "text_en": "Library specialists are invited to apply.",
        "eligibility_lv": "Darbinieki, kas vada apmācības kolēģiem.",
        "eligibility_en": "Staff who train colleagues.",
        "opens_on": today - datetime.timedelta(days=5),
        "closes_on": today + datetime.timedelta(days=10),
        "places": 2,
        "published": True,
    }
    fields.update(overrides)
    return services.save_call(Call(**fields), criteria=[dict(c) for c in CRITERIA])


def application_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "position": "Bibliotekāre",
        "educational_role": "Vadu digitālo prasmju nodarbības novada bibliotekāriem.",
        "activity_type": "job_shadowing",
        "receiving_name": "Koninklijke Bibliotheek van België (KBR)",
        "receiving_country": "BE",
        "venue": BRUSSELS,
        "start_date": datetime.date(2027, 3, 1),
        "end_date": datetime.date(2027, 3, 12),
        "motivation": "Apgūt KBR digitalizācijas darba plūsmas.",
        "dissemination_format": "workshop",
        "dissemination_topic": "Digitalizācija mazās bibliotēkās",
        "dissemination_audience": "Novada bibliotekāri",
        "dissemination_colleagues": 20,
        "dissemination_institutions": "Valmieras novada bibliotēkas",
        "dissemination_by": datetime.date(2027, 5, 31),
    }
    fields.update(overrides)
    return fields


def submitted_application(call: Call, applicant: User, goals: list[Goal], **overrides: Any) -> Application:
    application = services.start_application(call, applicant)
    application = services.save_draft(
        application, version=application.version, goals=goals[:1], **application_fields(**overrides)
    )
    return services.submit(application, by=applicant)


def ready_to_select(application: Application, coordinator: User) -> Application:
    """The member contact's confirmation (given here by the coordinator) and the eligibility decision."""
    services.set_support(application, by=coordinator, confirmed=True)
    return services.decide_eligibility(application, by=coordinator, eligible=True)


def approved_mobility(application: Application, coordinator: User) -> Mobility:
    """Select a submitted application and approve its mobility, so agreements can be issued for it.

    Not MobilityFactory: this is the path from an application to its mobility (the selection creates the mobility
    from the application's plan), and the tests that use it check what that path carries: the application's dates
    (2027), host, applicant and follow-up plan, printed in the agreements and shown on the pages. A test that only
    needs an approved mobility takes ``MobilityFactory(..., approved=True)``.
    """
    ready_to_select(application, coordinator)
    application = services.decide(application, by=coordinator, decision="selected")
    mobility = application.mobility
    assert mobility is not None
    mobility_services.transition(mobility, MobilityStatus.SUBMITTED, by=coordinator)
    return mobility_services.transition(mobility, MobilityStatus.APPROVED, by=coordinator)


def give_scores(call: Call, application: Application, evaluator: User, values: list[int]) -> None:
    """``evaluator`` declares no conflict and submits ``values``, one per criterion in the call's order."""
    assignment, _ = Assignment.objects.get_or_create(application=application, evaluator=evaluator)
    services.declare_conflict(assignment, conflict=False)
    criteria = list(call.criteria.order_by("order"))
    services.save_scores(
        assignment, {c.pk: (v, "Pamatots vērtējums.") for c, v in zip(criteria, values, strict=True)}, complete=True
    )
