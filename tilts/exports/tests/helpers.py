import csv
import datetime
import io

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import MobilityFactory
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
    mobility = MobilityFactory(
        project=project,
        sending_organisation=organisation,
        participant=participant,
        goals=goals[:1],
        by=by,
        status=status,
        **overrides,
    )
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


# The module's mobility export as the layout (data/bm_mobility_export_*.toml) describes it, built from the confirmed
# facts: the module keeps the beneficiary's Mobility activity ID and codes, adds its Unique Erasmus+ Mobility ID,
# its grant per category and the EU Survey report status.
MODULE_HEADERS = [
    "Mobility Activity ID",
    "Unique Erasmus+ Mobility ID",
    "Activity Type",
    "Start Date",
    "End Date",
    "Travel Days",
    "Distance Band",
    "Main Means of Transport",
    "Green Travel",
    "Participant with Fewer Opportunities",
    "Accompanying Person",
    "Force Majeure",
    "Zero Grant",
    "Participant Email",
    "Travel Grant",
    "Individual Support Grant",
    "Organisational Support Grant",
    "Participant Report Status",
]
SAME_IN_BOTH = [h for h in MODULE_HEADERS if h not in ("Unique Erasmus+ Mobility ID", "Participant Report Status")]


def module_export(tilts_csv: bytes, changes: dict[str, dict[str, str]] | None = None, **extra: str) -> list[dict]:
    """The module's export rows of what Tilts exported (its import CSV): the same inputs, the module's own IDs
    (``2025-LV01-KA121-<n>``), grants and "Request sent"; ``changes`` per Mobility activity ID override cells."""
    from tilts.exports import beneficiary_module
    from tilts.exports.models import ModuleMobility

    rows = read_csv(tilts_csv)
    headers, lines = rows[0], rows[1:]
    records = {r.activity_id: r for r in ModuleMobility.objects.select_related("mobility").exclude(activity_id="")}
    exported = []
    for number, line in enumerate(lines, start=1):
        values = dict(zip(headers, line, strict=True))
        row = {h: values.get(h, "") for h in SAME_IN_BOTH}
        row["Unique Erasmus+ Mobility ID"] = f"2025-1-LV01-KA121-ADU-{number:06d}"
        grants = beneficiary_module.grant_by_category(records[values["Mobility Activity ID"]].mobility) or {}
        for header, category in (
            ("Travel Grant", "travel"),
            ("Individual Support Grant", "individual_support"),
            ("Organisational Support Grant", "organisational_support"),
        ):
            row[header] = f"{grants.get(category, 0):.2f}"
        row["Participant Report Status"] = "Request sent"
        row.update(extra)
        row.update((changes or {}).get(values["Mobility Activity ID"], {}))
        exported.append(row)
    return exported


def module_csv(rows: list[dict], headers: list[str] | None = None, delimiter: str = ",") -> bytes:
    headers = headers or list(rows[0]) if rows else MODULE_HEADERS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def module_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    headers = list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row[h] for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "bm-export.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
