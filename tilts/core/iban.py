"""International bank account numbers (ISO 13616): written form, length per country, and the mod-97 checksum."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Lengths of the countries a consortium's participants bank in most (SEPA); others are checked by checksum only.
LENGTHS = {
    "LV": 21, "LT": 20, "EE": 20, "FI": 18, "SE": 24, "DK": 18, "NO": 15, "DE": 22, "PL": 28, "BE": 16,
    "NL": 18, "FR": 27, "ES": 24, "IT": 27, "PT": 25, "AT": 20, "IE": 22, "CZ": 24, "SK": 24, "HU": 28,
}  # fmt: skip


def normalise(value: str) -> str:
    """Capitals without spaces: ``lv80 bank 0000 4351 9500 1`` → ``LV80BANK0000435195001``."""
    return re.sub(r"\s+", "", value).upper()


def validate_iban(value: str) -> str:
    """The normalised IBAN, or a ValidationError saying what is wrong (a typo almost always breaks the checksum)."""
    iban = normalise(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        raise ValidationError(
            _("An IBAN starts with the country code and two check digits, e.g. LV80BANK0000435195001.")
        )
    expected = LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise ValidationError(
            _("An IBAN of %(country)s has %(expected)d characters, this one %(actual)d.")
            % {"country": iban[:2], "expected": expected, "actual": len(iban)}
        )
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValidationError(_("This IBAN's check digits do not match: check it for a typo."))
    return iban
