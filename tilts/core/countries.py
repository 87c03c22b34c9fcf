"""Destination countries in the order a Latvian user looks for them: the Erasmus+ programme countries first, then
the rest of the world, each group in Latvian collation of the names in the active language."""

from django.utils.translation import gettext as _
from django_countries import countries

from tilts.core.collation import latvian_sort_key

# EU Member States and the third countries associated to the programme (Iceland, Liechtenstein, Norway, North
# Macedonia, Serbia, Türkiye): the countries of the rate tables' three groups (Programme Guide, Part A).
EU_MEMBER_STATES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    }
)
PROGRAMME_COUNTRIES = EU_MEMBER_STATES | {"IS", "LI", "NO", "MK", "RS", "TR"}


def destination_choices() -> list[tuple[str, object]]:
    """Choices for a country select: a blank, then the programme countries and the others as two groups."""
    names = sorted(((code, name) for code, name in countries), key=lambda item: latvian_sort_key(str(item[1])))
    programme = [(code, name) for code, name in names if code in PROGRAMME_COUNTRIES]
    others = [(code, name) for code, name in names if code not in PROGRAMME_COUNTRIES]
    return [("", "---------"), (_("Erasmus+ programme countries"), programme), (_("Other countries"), others)]
