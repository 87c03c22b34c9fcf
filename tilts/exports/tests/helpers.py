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
    transport: str | None = "",
    in_agreement: bool = True,
    **overrides: object,
) -> Mobility:
    """A mobility moved along the workflow to ``status`` (approved and later ones have a frozen grant).

    Its main means of transport for the Beneficiary Module is ``transport``; by default a train with green travel,
    a plane without; ``None`` leaves it out. The sending member is put in the project's grant agreement unless
    ``in_agreement`` is false."""
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
    if in_agreement:
        from tilts.exports.models import AgreementMember

        AgreementMember.objects.get_or_create(project=project, organisation=organisation)
    if transport is not None:
        from tilts.exports.services import save_module_details

        save_module_details(mobility, means_of_transport=transport or ("train" if mobility.green_travel else "plane"))
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


AGREEMENT = "2025-1-LV01-KA121-ADU-000123456"


def awarded(project: Project, number: str = AGREEMENT) -> Project:
    """A project with its grant agreement number: the Mobility activity IDs start with it."""
    project.grant_agreement_number = number
    project.save(update_fields=["grant_agreement_number"])
    return project


def row_pks(rows: list[list[str]]) -> list[int]:
    """The mobilities of a module import's rows (after the header), by their Mobility activity ID."""
    from tilts.exports.models import ModuleMobility

    ids = dict(ModuleMobility.objects.values_list("activity_id", "mobility_id"))
    return [ids[row[0]] for row in rows[1:]]
