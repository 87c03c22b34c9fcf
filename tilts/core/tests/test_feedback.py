from django import forms
from django.core.exceptions import ValidationError

from tilts.core.feedback import show_on_form


class NameForm(forms.Form):
    name = forms.CharField()


def test_errors_for_fields_the_form_lacks_go_above_it() -> None:
    """A service may name the project or a formset's rows; Django's add_error would raise on such a name."""
    form = NameForm({"name": "x"})
    assert form.is_valid()
    show_on_form(form, ValidationError({"name": "Taken.", "project": "The project is closed."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["The project is closed."]


def test_a_plain_error_goes_above_the_form() -> None:
    form = NameForm({"name": "x"})
    assert form.is_valid()
    show_on_form(form, ValidationError("Nothing was changed."))
    assert form.non_field_errors() == ["Nothing was changed."]
    assert "name" not in form.errors
