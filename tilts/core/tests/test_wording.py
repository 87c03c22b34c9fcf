"""One Latvian term for each thing, and the words the issue found wrong."""

from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext

PO = Path(__file__).resolve().parents[2] / "locale" / "lv" / "LC_MESSAGES" / "django.po"


def test_logging_in_and_applying_are_different_words() -> None:
    with translation.override("lv"):
        assert gettext("Log in") == "Pieslēgties"
        assert gettext("Apply") == "Pieteikties"


def test_one_term_for_the_receiving_organisation_and_for_nationality() -> None:
    catalogue = PO.read_text()
    assert "uzņēmēj" not in catalogue.lower()  # "uzņemošā organizācija", as in the Programme Guide's Latvian
    assert "pilsonība" not in catalogue.lower()  # "valstspiederība"


def test_whom_the_participant_will_teach() -> None:
    with translation.override("lv"):
        assert gettext("Say whom the participant will teach.") == "Norādiet, kurus kolēģus dalībnieks apmācīs."


def test_djangos_typo_is_corrected() -> None:
    with translation.override("lv"):
        message = gettext("Ensure this value is less than or equal to %(limit_value)s.")
    assert message == "Vērtībai jābūt mazākai vai vienādai ar %(limit_value)s."
