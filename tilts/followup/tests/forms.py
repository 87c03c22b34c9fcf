"""What a person sends on the follow-up form, in one place."""

from tilts.consortium.models import Goal, Organisation
from tilts.mobility.models import Mobility


def followup_form_data(
    mobilities: list[Mobility], goals: list[Goal], organiser: Organisation, **overrides: object
) -> dict[str, object]:
    """Valid data of the follow-up form: a delivered workshop for ``mobilities`` and ``goals``, without a list."""
    data: dict[str, object] = {
        "status": "delivered",
        "type": "workshop",
        "title": "Darbnīca par digitālajām kolekcijām",
        "date": "2025-11-20",
        "place": "Valmieras bibliotēka",
        "mobilities": [m.pk for m in mobilities],
        "goals": [g.pk for g in goals],
        "organiser": organiser.pk,
        "attendees": 24,
        "no_attendance_list_reason": "Saraksts papīra formā.",
    }
    data.update(overrides)
    return data
