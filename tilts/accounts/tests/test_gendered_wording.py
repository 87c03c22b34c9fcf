"""Latvian about a person: the right form when their gender is known, neutral wording when it is not."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tilts.accounts import wording
from tilts.accounts.models import User
from tilts.selection import services as selection_services
from tilts.selection.tests.factories import make_call

PO = Path(__file__).resolve().parents[2] / "locale" / "lv" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(
    ("gender", "latvian"),
    [
        ("female", "Anna Liepa jau ir šī brauciena dalībniece."),
        ("male", "Anna Liepa jau ir šī brauciena dalībnieks."),
        ("", "Anna Liepa jau piedalās šajā braucienā."),
        ("undisclosed", "Anna Liepa jau piedalās šajā braucienā."),
    ],
)
def test_a_named_person_is_described_by_their_gender(gender: str, latvian: str) -> None:
    person = User(first_name="Anna", last_name="Liepa", email="anna@muzejs.lv", gender=gender)
    with translation.override("lv"):
        assert wording.about(person, wording.ALREADY_ON_TRIP) == latvian
    with translation.override("en"):
        assert wording.about(person, wording.ALREADY_ON_TRIP) == "Anna Liepa is already on this trip."


@pytest.mark.django_db
def test_choosing_a_non_evaluator_names_her_in_the_feminine(consortium, participant) -> None:
    participant.first_name, participant.last_name, participant.gender = "Ilze", "Bērziņa", "female"
    participant.save()
    with translation.override("lv"), pytest.raises(ValidationError) as raised:
        selection_services.set_evaluators(make_call(consortium), [participant], by=None)
    assert raised.value.message_dict["evaluators"] == ["Ilze Bērziņa nav vērtētāja."]


def test_messages_to_the_reader_do_not_assume_a_gender() -> None:
    """ "Jūs esat iesniedzis" fits only a man: the reader's gender is not known, so the wording avoids it."""
    gendered = re.findall(r"\b(?:ne)?esat \w+(?:ts|is|ies|usi)\b", PO.read_text())
    assert gendered == []
    with translation.override("lv"):
        assert translation.gettext("You have already submitted your scores.") == "Jūs jau iesniedzāt vērtējumus."
        assert translation.gettext("4 – satisfied") == "4 – apmierina"
