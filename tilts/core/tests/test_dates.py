"""One way to count months and to write a date in a message (tilts.core.dates)."""

import datetime

import pytest
from django.utils import translation

from tilts.core import dates

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 10, 10), 6, D(2026, 4, 10)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2026, 1, 31), -13, D(2024, 12, 31)),
        (D(2025, 6, 1), 15, D(2026, 9, 1)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day: datetime.date, months: int, expected) -> None:
    assert dates.add_months(day, months) == expected


def test_a_date_in_a_message_is_written_as_the_page_language_writes_it() -> None:
    day = D(2026, 3, 5)
    with translation.override("lv"):
        assert dates.short(day) == "5.03.2026"
    with translation.override("en"):
        assert dates.short(day) == "05/03/2026"


def test_a_message_date_in_a_service_follows_the_language(db: None, consortium) -> None:
    """The call's closing date in a refusal: the same service, Latvian and English ways of writing it."""
    from django.core.exceptions import ValidationError

    from tilts.mobility.tests.factories import make_project
    from tilts.selection.models import Call
    from tilts.selection.services import check_call

    project = make_project(consortium)
    call = Call(project=project, title="Uzsaukums", opens_on=D(2025, 6, 1), closes_on=D(2026, 9, 30))
    for language, written in (("lv", "31.08.2026"), ("en", "31/08/2026")):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            check_call(call)
        assert written in str(refused.value)
