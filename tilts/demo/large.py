"""A large synthetic consortium for measuring: ``manage.py seed_demo --size medium|large|huge``.

Built on top of the demo consortium with bulk inserts (with their history rows, as the services would write)
instead of the services, which price and record each mobility one by one (about 0.2 s each). One mobility per
project is planned through the service and priced by the engine; the others copy its grant. Every demo person
gets the same precomputed password hash, so no password is hashed per user.
"""

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium, Membership, MembershipStatus, Organisation, OrganisationType


@dataclass(frozen=True)
class Size:
    members: int
    people: int
    mobilities: tuple[int, ...]  # per project, one project per call year from 2021
    reports: int
    followups: int


SIZES = {
    # The dataset of the scale issue: 60 members, 3,000 people, six projects with 12,000 mobilities (one of 4,000).
    "large": Size(60, 3000, (1600, 1600, 1600, 1600, 1600, 4000), 6000, 6000),
    "medium": Size(20, 300, (160, 160, 160, 160, 160, 400), 600, 600),
    # The next bar, measured but not a goal: 100,000 mobilities (one project of 35,000), the rest in
    # about large's proportions (README, "A large consortium").
    "huge": Size(500, 25000, (13000, 13000, 13000, 13000, 13000, 35000), 50000, 50000),
}
MARKER = "Mērogs"  # the projects' titles start with it; present means already built
CITIES = ["Rīga", "Valmiera", "Cēsis", "Liepāja", "Daugavpils", "Jelgava", "Ventspils", "Rēzekne"]
FIRST_NAMES = ["Anna", "Jānis", "Līga", "Ēriks", "Zane", "Ilze", "Andris", "Māra", "Kristaps", "Dace"]
LAST_NAMES = ["Bērziņa", "Kalniņš", "Ozola", "Liepiņš", "Krūmiņa", "Vītols", "Zariņa", "Eglītis", "Šulca", "Āboliņš"]


def seed_large(consortium: Consortium, size: Size, seed: int = 15) -> dict[str, int]:
    """Add ``size``'s members, people, projects, mobilities, reports and follow-ups to ``consortium`` (once)."""
    from tilts.projects.models import Project

    if Project.objects.filter(consortium=consortium, title__startswith=MARKER).exists():
        return {"mobilities": 0}
    rng = random.Random(seed)
    with transaction.atomic():
        organisations = _members(consortium, size.members)
        people = _people(organisations, size.people)
        mobilities = _mobilities(consortium, organisations, people, size.mobilities, rng)
        reports = _reports(mobilities, size.reports, rng)
        followups = _followups(consortium, mobilities, size.followups, rng)
    return {
        "members": len(organisations),
        "people": len(people),
        "mobilities": len(mobilities),
        "reports": reports,
        "followups": followups,
    }


def _members(consortium: Consortium, count: int) -> list[Organisation]:
    types = [OrganisationType.LIBRARY, OrganisationType.MUSEUM, OrganisationType.ARCHIVE]
    organisations = bulk_create_with_history(
        [
            Organisation(
                legal_name=f"{MARKER} {CITIES[i % len(CITIES)]} iestāde {i + 1}",
                type=types[i % len(types)],
                registration_number=f"8{i + 1:010d}",
                city=CITIES[i % len(CITIES)],
                country="LV",
            )
            for i in range(count)
        ],
        Organisation,
        batch_size=500,
    )
    memberships = bulk_create_with_history(
        [Membership(consortium=consortium, organisation=o, status=MembershipStatus.ACTIVE) for o in organisations],
        Membership,
        batch_size=500,
    )
    goals = list(consortium.goals.all())
    Membership.goals.through.objects.bulk_create(
        [
            Membership.goals.through(membership_id=m.pk, goal_id=goals[i % len(goals)].pk)
            for i, m in enumerate(memberships)
        ]
    )
    return list(organisations)


def _people(organisations: list[Organisation], count: int) -> list[User]:
    from tilts.demo.seed import DEMO_PASSWORD

    password = make_password(DEMO_PASSWORD)  # once: hashing it per user would take minutes
    return list(
        bulk_create_with_history(
            [
                User(
                    email=f"merogs{i + 1}@example.org",
                    password=password,
                    first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                    last_name=f"{LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]}-{i + 1}",
                    role=Role.PARTICIPANT,
                    organisation=organisations[i % len(organisations)],
                    date_of_birth=datetime.date(1965, 1, 1) + datetime.timedelta(days=(i * 37) % 12000),
                    gender="female" if i % 3 else "male",
                    nationality="LV",
                )
                for i in range(count)
            ],
            User,
            batch_size=500,
        )
    )


def _mobilities(
    consortium: Consortium,
    organisations: list[Organisation],
    people: list[User],
    per_project: tuple[int, ...],
    rng: random.Random,
) -> list[Any]:
    from tilts.grants import services as grant_services
    from tilts.mobility import costs
    from tilts.mobility import services as mobility_services
    from tilts.mobility.models import Mobility, MobilityCost, MobilityStatus
    from tilts.projects import services as project_services

    goals = list(consortium.goals.order_by("number"))
    venue = next(p.ref for p in grant_services.search_places("Brussels", 10) if p.country == "BE")
    made: list[Mobility] = []
    for index, count in enumerate(per_project):
        year = 2021 + index
        project = project_services.create_project(
            consortium,
            by=None,
            call_year=year,
            action="KA121-ADU",
            title=f"{MARKER} {year}",
            start_date=datetime.date(year, 6, 1),
            end_date=datetime.date(year + 1, 8, 31),
            status="awarded",
        )
        person = people[index]
        fields = {
            "project": project,
            "participant_kind": "staff",
            "activity_type": "job_shadowing",
            "receiving_name": "Koninklijke Bibliotheek van België (KBR)",
            "receiving_country": "BE",
            "receiving_city": "Brussels",
            "venue": venue,
            "start_date": datetime.date(year, 10, 6),
            "end_date": datetime.date(year, 10, 17),
            "travel_days": 2,
            "topic": "Digitālās kolekcijas un to izmantošana pieaugušo izglītībā",
            "learning_objectives": "Apgūt digitalizācijas darba plūsmas un darbu ar pieaugušo grupām.",
            "followup_plan": "Tematiskā darbnīca kolēģiem",
            "followup_audience": "Novada bibliotekāri",
            "followup_colleagues": 20,
        }
        model = mobility_services.create_mobility(
            goals=goals[:1],
            by=None,
            sending_organisation=person.organisation,
            participant=person,
            origin=mobility_services.default_origin(person.organisation),
            **fields,
        )
        past = year <= 2024
        template_fields = [f for f in Mobility._meta.concrete_fields if not f.primary_key]
        copies = []
        for _ in range(1, count):
            participant = people[rng.randrange(len(people))]
            start = datetime.date(year, 6, 15) + datetime.timedelta(days=rng.randrange(400))
            copy = Mobility(**{f.attname: getattr(model, f.attname) for f in template_fields})
            copy.sending_organisation_id = participant.organisation_id
            copy.participant = participant
            copy.start_date, copy.end_date = start, start + datetime.timedelta(days=11)
            copy.status = rng.choice(
                [MobilityStatus.COMPLETED] * 4 + [MobilityStatus.CANCELLED]
                if past
                else [MobilityStatus.DRAFT, MobilityStatus.SUBMITTED, MobilityStatus.APPROVED]
            )
            copies.append(copy)
        created = bulk_create_with_history(copies, Mobility, batch_size=500)
        Mobility.goals.through.objects.bulk_create(
            [Mobility.goals.through(mobility_id=m.pk, goal_id=goals[m.pk % len(goals)].pk) for m in created],
            batch_size=1000,
        )
        MobilityCost.objects.bulk_create(
            [cost for m in created for cost in costs.rows_for(m.pk, m.grant_breakdown, None)], batch_size=1000
        )
        made += [model, *created]
    return made


def _reports(mobilities: list[Any], count: int, rng: random.Random) -> int:
    from tilts.mobility.models import MobilityStatus
    from tilts.reporting.models import ParticipantReport, ReportStatus

    ended = [m for m in mobilities if m.status == MobilityStatus.COMPLETED]
    statuses = [ReportStatus.ACCEPTED] * 6 + [ReportStatus.SUBMITTED, ReportStatus.PENDING, ReportStatus.DRAFT]
    reports = [
        ParticipantReport(mobility=m, status=rng.choice(statuses), due_date=m.end_date + datetime.timedelta(days=30))
        for m in ended[:count]
        if m.pk != mobilities[0].pk
    ]
    bulk_create_with_history(reports, ParticipantReport, batch_size=500)
    return len(reports)


def _followups(consortium: Consortium, mobilities: list[Any], count: int, rng: random.Random) -> int:
    from tilts.followup.models import FollowUp, FollowUpStatus, FollowUpType
    from tilts.mobility.models import MobilityStatus

    goals = list(consortium.goals.order_by("number"))
    ended = [m for m in mobilities if m.status == MobilityStatus.COMPLETED]
    chosen = [ended[rng.randrange(len(ended))] for _ in range(count)] if ended else []
    types = list(FollowUpType.values)
    followups = bulk_create_with_history(
        [
            FollowUp(
                project_id=m.project_id,
                type=types[i % len(types)],
                title=f"Darbnīca pēc mobilitātes Nr. {i + 1}",
                date=m.end_date + datetime.timedelta(days=rng.randrange(20, 200)),
                place="Rīga",
                organiser_id=m.sending_organisation_id,
                attendees=rng.randrange(5, 40),
                status=FollowUpStatus.DELIVERED if i % 5 else FollowUpStatus.PLANNED,
                no_attendance_list_reason="Demo",
            )
            for i, m in enumerate(chosen)
        ],
        FollowUp,
        batch_size=500,
    )
    FollowUp.mobilities.through.objects.bulk_create(
        [
            FollowUp.mobilities.through(followup_id=f.pk, mobility_id=m.pk)
            for f, m in zip(followups, chosen, strict=True)
        ],
        batch_size=1000,
    )
    FollowUp.goals.through.objects.bulk_create(
        [FollowUp.goals.through(followup_id=f.pk, goal_id=goals[f.pk % len(goals)].pk) for f in followups],
        batch_size=1000,
    )
    return len(followups)
