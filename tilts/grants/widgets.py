from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from tilts.grants import services


class PlaceWidget(forms.Widget):
    """A search box with the matching places as radio buttons; the chosen place's reference is the value."""

    template_name = "grants/widgets/place.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        choices = []
        if value:
            try:
                choices = [services.resolve_place(str(value), name)]
            except ValidationError:
                choices = []
        context["widget"].update(places=choices, selected=str(value or ""), field=name)
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)
