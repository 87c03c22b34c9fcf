import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GRANT_AGREEMENT_RE = re.compile(r"^\d{4}-\d-[A-Z]{2}\d{2}-KA1\d{2}-[A-Z]{3}-\d{9}$")


def validate_grant_agreement_number(value: str) -> None:
    """Erasmus+ project numbers look like 2025-1-LV01-KA121-ADU-000123456."""
    if not GRANT_AGREEMENT_RE.match(value or ""):
        raise ValidationError(
            _("A grant agreement number looks like 2025-1-LV01-KA121-ADU-000123456."), code="grant_agreement"
        )
