"""Telling the person what went wrong: after a form-less POST (a button), and on a form a service refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest


def report_errors(request: HttpRequest, error: ValidationError) -> None:
    """Show each of the error's messages (already translated) as an error message."""
    for message in error.messages:
        messages.error(request, message)


def show_on_form(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form: under the field when the form has it, otherwise above the form.

    Services name what a given form may have no field for (the project, a formset's rows); Django's own
    ``add_error`` raises on such a name, which would turn a clear refusal into a server error.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
