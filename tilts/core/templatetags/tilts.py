from typing import Any

from django import template

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
