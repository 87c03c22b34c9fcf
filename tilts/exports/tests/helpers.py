import csv
import datetime
import io

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.mobility import services
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant, mobility_fields
from tilts.projects.models import Project


def make_mobility(
    project: Project,
    organisation: Organisation,
    goals: list[Goal],
    *,
    by: User,
    status: str = "approved",
    participant: User | None = None,
    **overrides: object,
) -> Mobility:
    """A mobility moved along the workflow to ``status`` (approved and later ones have a frozen grant)."""
    person = participant or make_participant(organisation)
    mobility = services.create_mobility(
        goals=goals[:1], by=None, **mobility_fields(project, organisation, person, **overrides)
    )
    path = {
        "draft": [],
        "submitted": ["submitted"],
        "approved": ["submitted", "approved"],
        "confirmed": ["submitted", "approved", "confirmed"],
        "completed": ["submitted", "approved", "confirmed", "completed"],
        "cancelled": ["cancelled"],
    }[status]
    for step in path:
        mobility = services.transition(mobility, step, by=by, reason="Slimība" if step == "cancelled" else "")
    return mobility


def with_details(person: User, **overrides: object) -> User:
    fields: dict[str, object] = {
        "date_of_birth": datetime.date(1984, 3, 15),
        "gender": "female",
        "nationality": "LV",
    }
    fields.update(overrides)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()
    return person


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
