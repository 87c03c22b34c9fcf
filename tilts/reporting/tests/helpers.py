"""Set-up shared by the report tests: a confirmed mobility that has ended, its report, and files to upload."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.core.tests.pdf import make_pdf
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import MobilityFactory
from tilts.projects.models import Project
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport

PDF = make_pdf()


def confirmed_mobility(
    project: Project, member: Organisation, person: User, goals: list[Goal], by: User, **overrides: object
) -> Mobility:
    """Approved (grant frozen) and confirmed before it began: 15 days in Brussels, 2 travel days, 3468.00 EUR.

    Confirmed on its first day, as in real life; confirming a mobility that has already ended opens its report
    at once (``test_opening``), which these tests leave to ``open_due_reports``.
    """
    return MobilityFactory(
        project=project,
        sending_organisation=member,
        participant=person,
        goals=goals[:2],
        by=by,
        confirmed=True,
        on_day_one=True,
        **overrides,
    )


def complete_answers(report: ParticipantReport) -> dict[str, object]:
    return {
        "satisfaction": 4,
        "learned": "KBR digitalizācijas darba plūsmas un darbs ar pieaugušo grupām.",
        "competences": ["digital", "teaching"],
        "goal_contributions": {str(g.number): "Dalīšos ar kolēģiem." for g in report.mobility.goals.all()},
        "followup_decision": "keep",
    }


def pdf(name: str = "apliecinajums.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _image(name: str, image_format: str, content_type: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def png(name: str = "foto.png") -> SimpleUploadedFile:
    return _image(name, "PNG", "image/png")


def jpeg(name: str = "foto.jpg") -> SimpleUploadedFile:
    return _image(name, "JPEG", "image/jpeg")


def submitted_report(report: ParticipantReport, **changes: object) -> ParticipantReport:
    participant = report.mobility.participant
    report = services.save_draft(report, by=participant, **{**complete_answers(report), **changes})
    services.add_evidence(report, kind="certificate", upload=pdf(), by=participant)
    if report.actual_green_travel:
        services.add_evidence(report, kind="travel", upload=pdf("biletes.pdf"), by=participant)
    return services.submit(report, by=participant)


AFTER = datetime.date(2025, 10, 21)  # the day after the mobility of mobility_fields() ends
