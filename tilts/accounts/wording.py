"""Messages about a named person that Latvian words by the person's gender ("dalībnieks" / "dalībniece").

The person's gender (asked for the Beneficiary Module) picks the translation context; when it is not known or not
disclosed, the neutral context's Latvian avoids the gendered word ("piedalās šajā braucienā"). English reads the
same in every context.
"""

from typing import Any

from django.utils.translation import pgettext, pgettext_lazy

FEMALE = "female person"
MALE = "male person"
UNKNOWN = "person of unknown gender"
CONTEXTS = {"female": FEMALE, "male": MALE}

# The messages worded this way, listed once per context (lazily, never evaluated) so that makemessages extracts each.
ALREADY_ON_TRIP = "%(name)s is already on this trip."
NOT_AN_EVALUATOR = "%(name)s is not an evaluator."
_EXTRACTED = (
    pgettext_lazy("female person", "%(name)s is already on this trip."),
    pgettext_lazy("male person", "%(name)s is already on this trip."),
    pgettext_lazy("person of unknown gender", "%(name)s is already on this trip."),
    pgettext_lazy("female person", "%(name)s is not an evaluator."),
    pgettext_lazy("male person", "%(name)s is not an evaluator."),
    pgettext_lazy("person of unknown gender", "%(name)s is not an evaluator."),
)


def about(person: Any, message: str) -> str:
    """``message`` (one of those above) about ``person``, in the active language, with ``%(name)s`` filled in."""
    gender = getattr(person, "gender", "") or ""
    return pgettext(CONTEXTS.get(gender, UNKNOWN), message) % {"name": person}
