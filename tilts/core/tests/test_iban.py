import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tilts.core.iban import validate_iban


@pytest.mark.parametrize(
    "value", ["LV80BANK0000435195001", "lv80 bank 0000 4351 9500 1", "DE89370400440532013000", "BE68539007547034"]
)
def test_valid_ibans_are_normalised(value: str) -> None:
    assert validate_iban(value) == value.replace(" ", "").upper()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("LV81BANK0000435195001", "check digits"),  # one digit wrong
        ("LV80BANK000043519500", "21"),  # a character missing
        ("80BANK0000435195001", "country code"),
        ("", "country code"),
    ],
)
def test_invalid_ibans_say_why(value: str, message: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_iban(value)
    assert message in error.value.messages[0]
