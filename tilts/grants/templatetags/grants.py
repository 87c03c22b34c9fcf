from django import template
from django.utils.translation import gettext

from tilts.grants.rules import CATEGORY_LABELS, Category

register = template.Library()


@register.filter
def category_label(value: str) -> str:
    """A grant category of the rules engine in the current language."""
    try:
        return gettext(CATEGORY_LABELS[Category(value)])
    except ValueError:
        return value
