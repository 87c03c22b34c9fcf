"""E-mails in the recipient's language, rendered from a subject and a body template."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(template: str, to: str, context: Mapping[str, Any], language: str) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in ``language`` and send them to ``to``."""
    known = {code for code, _name in settings.LANGUAGES}
    with translation.override(language if language in known else settings.LANGUAGE_CODE):
        from tilts.core.context_processors import site_context

        ctx = {"site_url": settings.SITE_URL, **site_context(), **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        body = render_to_string(f"{template}_body.txt", ctx)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def url_in_language(language: str, name: str, *args: Any, **kwargs: Any) -> str:
    """The absolute address of a page in the recipient's language (the URL's language prefix), for e-mails."""
    from django.urls import reverse

    with translation.override(language):
        return absolute_url(reverse(name, args=args or None, kwargs=kwargs or None))
