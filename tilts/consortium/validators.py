"""Identifier checks shared by models, forms and the API. Messages are translated; codes are stable."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

OID_RE = re.compile(r"^E\d{8}$")
ACCREDITATION_RE = re.compile(r"^\d{4}-1-[A-Z]{2}\d{2}-KA1\d{2}-[A-Z]{3}-\d{9}$")
# Latvian Enterprise Register numbers have 11 digits; other countries' registers vary, so elsewhere we only
# require a plausible identifier (letters, digits, spaces, dots, slashes, hyphens).
LATVIAN_REGISTRATION_RE = re.compile(r"^\d{11}$")
GENERIC_REGISTRATION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{2,29}$")


def validate_oid(value: str) -> None:
    """Erasmus+ Organisation ID: the letter E followed by eight digits (e.g. E10123456)."""
    if not OID_RE.match(value or ""):
        raise ValidationError(
            _("An organisation ID (OID) is the letter E followed by 8 digits, e.g. E10123456."), code="oid"
        )


def validate_accreditation_number(value: str) -> None:
    """Accreditation references look like 2020-1-LV01-KA120-ADU-000000000."""
    if not ACCREDITATION_RE.match(value or ""):
        raise ValidationError(
            _("An accreditation number looks like 2020-1-LV01-KA120-ADU-000000000."), code="accreditation"
        )


def normalise_registration_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_registration_number(value: str, country: str = "LV") -> None:
    number = normalise_registration_number(value)
    if str(country) == "LV":
        if not LATVIAN_REGISTRATION_RE.match(number):
            raise ValidationError(
                _("A Latvian registration number has 11 digits, e.g. 90000012345."),
                code="registration_number",
            )
    elif not GENERIC_REGISTRATION_RE.match(number):
        raise ValidationError(
            _("Enter the registration number as it stands in the national register."),
            code="registration_number",
        )
