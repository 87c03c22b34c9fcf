"""Demo quality data: a closed review of 2024 Q4 and an open one of 2025 Q1 with Valmieras bibliotēka's answers
and evidence, support checklists of the demo mobilities, an Erasmus Plan objective and the latest project's
targets. Safe to run any number of times: nothing is added once the reviews exist."""

import datetime
from decimal import Decimal

from django.db import transaction

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.quality import services
from tilts.quality.models import Objective, ObjectiveMeasure, Review

D = datetime.date
COORDINATOR = "koordinators@tilts.example"
CONTACT = "kontaktpersona@tilts.example"
ANSWERS = {
    "2.5": ("partly", "Jānis Ozoliņš", "Aptauja pēc katras mobilitātes sagatavota, vēl jāievieš."),
    "3.3": ("met", "Jānis Ozoliņš", "Valodas kursi un sagatavošanās tikšanās pirms izbraukšanas."),
    "4.1": ("met", "Līga Kalniņa", "Darbnīcas novada bibliotekāriem pēc katras mobilitātes."),
    "4.3": ("not_yet", "Jānis Ozoliņš", "Jāpapildina prezentāciju veidne ar ES logo."),
}


@transaction.atomic
def seed(consortium: Consortium) -> None:
    coordinator = User.objects.filter(email=COORDINATOR).first()
    contact = User.objects.filter(email=CONTACT).first()
    if coordinator is None or contact is None or Review.objects.filter(consortium=consortium).exists():
        return
    services.load_standards()
    member = contact.organisation
    assert isinstance(member, Organisation)
    first = services.open_review(
        consortium,
        title="Kvalitātes pārskats 2024. gada 4. ceturksnis",
        period_start=D(2024, 10, 1),
        period_end=D(2024, 12, 31),
        due_date=D(2025, 1, 15),
        by=coordinator,
    )
    for code, (status, owner, notes) in ANSWERS.items():
        answer = first.answers.get(organisation=member, item__code=code)
        services.save_answer(
            answer, by=contact, status="partly" if status == "met" else status, owner=owner, notes=notes
        )
    services.close_review(first, by=coordinator)
    current = services.open_review(
        consortium,
        title="Kvalitātes pārskats 2025. gada 1. ceturksnis",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 3, 31),
        due_date=D(2025, 4, 15),
        by=coordinator,
    )
    for code, (status, owner, notes) in ANSWERS.items():
        services.save_answer(
            current.answers.get(organisation=member, item__code=code),
            by=contact,
            status=status,
            owner=owner,
            notes=notes,
        )
    workshop = FollowUp.objects.filter(organiser=member, status="delivered").order_by("date").first()
    if workshop is not None:
        services.add_evidence(
            current.answers.get(organisation=member, item__code="4.1"),
            by=contact,
            kind="followup",
            object_id=workshop.pk,
        )
    for mobility in Mobility.objects.filter(project__consortium=consortium, sending_organisation=member).exclude(
        status=MobilityStatus.CANCELLED
    )[:3]:
        services.save_checklist(
            mobility,
            by=coordinator,
            insurance=True,
            travel_accommodation=True,
            preparation=True,
            emergency_contact="Jānis Ozoliņš, +371 20000000",
        )
    goal = consortium.goals.order_by("number").last()
    objective = Objective.objects.filter(consortium=consortium, number=1).first() or services.save_objective(
        consortium,
        by=coordinator,
        number=1,
        title="Kolēģu apmācība pēc mobilitātēm",
        explanation="Katrs dalībnieks pēc mobilitātes vada darbnīcu vai semināru kolēģiem.",
        timing="2024-2027",
        goal=goal,
        measure=ObjectiveMeasure.GOAL_COLLEAGUES,
    )
    for year, target in ((2024, "60"), (2025, "120")):
        services.save_objective_year(objective, by=coordinator, year=year, target=Decimal(target))
    project = consortium.projects.order_by("-call_year").first()
    if project is not None:
        for kind, target in (("participants", 20), ("fewer_opportunities", 2), ("green_travel", 5)):
            services.set_target(project, by=coordinator, kind=kind, target=target)
