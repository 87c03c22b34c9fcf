"""Mobilities and follow-ups for the tests: mobilities stored as given (no grant engine, no workflow), since the
numbers are what is tested."""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from PIL import Image

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.core.tests.pdf import make_pdf
from tilts.followup import services
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import MobilityFactory
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
    """A mobility stored as it is (MobilityFactory's ``stored``): ``status``, five days ending on ``end``, ``grant``."""
    return MobilityFactory(
        stored=True,
        project=project,
        sending_organisation=organisation,
        participant=person,
        status=status,
        goals=goals or [],
        grant_total=Decimal(grant),
        receiving_name="KBR",
        start_date=end - datetime.timedelta(days=4),
        end_date=end,
        topic="Digitālās kolekcijas",
        learning_objectives="Apgūt darba plūsmas.",
        followup_plan="Darbnīca novada bibliotekāriem\nar praktiskiem uzdevumiem",
        followup_audience="Novada bibliotekāri",
        followup_colleagues=20,
        followup_due=end + datetime.timedelta(days=90),
    )


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


# Files people upload with a follow-up: whole ones (uploads are read to their end) of every kind it takes.
PDF = make_pdf()


def image(image_format: str) -> bytes:
    """A whole image (uploads are read to their end: a damaged one is refused)."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, image_format)
    return buffer.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")
CSV = "Iestāde;Dalībnieki\nValmieras bibliotēka;12\nCēsu Centrālā bibliotēka;9\n".encode()


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Iestāde", "Dalībnieki"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def plain_zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("list.txt", "nothing")
    return output.getvalue()


def stored_files(settings: Any) -> list[Path]:
    """Every file under the media root (the uploads kept)."""
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
