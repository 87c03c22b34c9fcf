from django import template

from tilts.mobility.models import Mobility
from tilts.payments import selectors

register = template.Library()


@register.filter
def amounts(mobility: Mobility) -> selectors.Amounts:
    """A mobility's agreed, final and paid amounts (see tilts.payments.selectors); cheap on a list from
    ``selectors.with_amounts``."""
    return selectors.amounts(mobility)
