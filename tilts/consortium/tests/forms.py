"""What an institution sends to join, in one place: the public form's data and the API's body."""

from tilts.consortium.models import Goal

# The institution and its contact, as both the form and the API take them.
INSTITUTION: dict[str, object] = {
    "legal_name": "Talsu novada muzejs",
    "type": "museum",
    "registration_number": "90000012345",
    "address": "Rožu iela 7",
    "city": "Talsi",
    "country": "LV",
    "contact_name": "Ilze Krūmiņa",
}


def join_form_data(goal_list: list[Goal], /, **overrides: object) -> dict[str, object]:
    """Valid data of the public join form, sharing the second and third of ``goal_list``."""
    data: dict[str, object] = {
        **INSTITUTION,
        "oid": "E10000001",
        "website": "https://muzejs.example.lv",
        "goals": [goal_list[1].pk, goal_list[2].pk],
        "motivation": "Gribam mācīt kolēģus.",
        "planned_activities": "Darbnīcas novada muzejiem.",
        "contact_position": "Direktore",
        "contact_email": "ilze@muzejs.example.lv",
        "contact_phone": "+371 20000000",
        "consent": "on",
    }
    data.update(overrides)
    return data


def join_payload(**overrides: object) -> dict[str, object]:
    """A valid body of ``POST /api/v1/join-applications``, sharing goals 2 and 3, in English."""
    data: dict[str, object] = {
        **INSTITUTION,
        "goals": [2, 3],
        "motivation": "M",
        "planned_activities": "P",
        "contact_email": "ilze@example.lv",
        "consent": True,
        "language": "en",
    }
    data.update(overrides)
    return data
