"""Telling the person what went wrong after a form-less POST (a button), on the page they return to."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def report_errors(request: HttpRequest, error: ValidationError) -> None:
    """Show each of the error's messages (already translated) as an error message."""
    for message in error.messages:
        messages.error(request, message)
