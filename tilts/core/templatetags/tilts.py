from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def changed_fields(record: Any) -> list[str]:
    """The verbose names of the fields a django-simple-history record changed against the one before it."""
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    model = record.instance_type
    names = []
    for field in delta.changed_fields:
        try:
            names.append(str(model._meta.get_field(field).verbose_name))
        except Exception:  # a field since removed from the model
            names.append(field)
    return names


@register.filter
def rate(value: Decimal | None) -> str:
    """A unit rate with at least two decimals and all those it really has (66.885 stays 66.885), localised."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    decimals = max(2, -exponent) if isinstance(exponent, int) else 2
    return floatformat(value, f"{decimals}g")
