import datetime

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Organisation
from tilts.projects import services as project_services
from tilts.projects.models import Project

RIGA, BRUSSELS, HELSINKI, TARTU = "g:456172", "g:2800866", "g:658225", "g:588335"


def make_project(consortium: Consortium, year: int = 2025) -> Project:
    return project_services.create_project(
        consortium,
        call_year=year,
        action="KA121-ADU",
        title=f"Projekts {year}",
        start_date=datetime.date(year, 6, 1),
        end_date=datetime.date(year + 1, 8, 31),
    )


def make_participant(organisation: Organisation) -> User:
    return UserFactory(role=Role.PARTICIPANT, organisation=organisation)


def mobility_fields(project: Project, organisation: Organisation, participant: User, **overrides: object) -> dict:
    fields: dict[str, object] = {
        "project": project,
        "sending_organisation": organisation,
        "participant": participant,
        "participant_kind": "staff",
        "activity_type": "job_shadowing",
        "receiving_name": "Koninklijke Bibliotheek van België (KBR)",
        "receiving_country": "BE",
        "receiving_city": "Brussels",
        "origin": RIGA,
        "venue": BRUSSELS,
        "start_date": datetime.date(2025, 10, 6),
        "end_date": datetime.date(2025, 10, 20),
        "travel_days": 2,
        "topic": "Digitālās kolekcijas un to izmantošana izglītībā",
        "learning_objectives": "Apgūt KBR digitalizācijas darba plūsmas.",
        "followup_plan": "Tematiskā darbnīca par digitalizāciju",
        "followup_audience": "Novada bibliotekāri",
        "followup_colleagues": 25,
        "followup_due": datetime.date(2026, 2, 28),
    }
    fields.update(overrides)
    return fields


def group_fields(project: Project, organisation: Organisation, lead: User, **overrides: object) -> dict:
    """A group of ten adult learners (two with fewer opportunities) and two accompanying persons, Riga to
    Brussels for five days in October of the project's call year."""
    year = project.call_year
    fields: dict[str, object] = {
        "project": project,
        "sending_organisation": organisation,
        "title": "Digitālo prasmju kursa grupa",
        "activity_type": "group_mobility",
        "receiving_name": "Koninklijke Bibliotheek van België (KBR)",
        "receiving_country": "BE",
        "receiving_city": "Brussels",
        "origin": RIGA,
        "venue": BRUSSELS,
        "start_date": datetime.date(year, 10, 6),
        "end_date": datetime.date(year, 10, 10),
        "travel_days": 2,
        "learners": 10,
        "learners_fewer_opportunities": 2,
        "accompanying_persons": 2,
        "lead_accompanying_person": lead,
        "topic": "Digitālās prasmes senioriem",
    }
    fields.update(overrides)
    return fields
