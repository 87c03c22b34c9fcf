"""For tests of a list's file: ask for it as the client's person, let the worker write it at once, download it."""

from django.test import Client, override_settings
from django.urls import reverse

from tilts.core.models import ListExport, ListExportStatus

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def ask(
    client: Client, kind: str, target: int | None, fmt: str = "csv", query: str = "", language: str = ""
) -> ListExport:
    """Ask for the list from its page (``language``: "en" for the English site) and run the worker's task."""
    prefix = f"/{language}" if language else ""
    data = {"kind": kind, "target": "" if target is None else str(target), "format": fmt, "query": query}
    with override_settings(TASKS=IMMEDIATE):
        response = client.post(prefix + reverse("listexports:request"), data)
    assert response.status_code == 302, response.content
    return ListExport.objects.filter(owner=response.wsgi_request.user).latest("pk")


def exported(
    client: Client, kind: str, target: int | None, fmt: str = "csv", query: str = "", language: str = ""
) -> bytes:
    """The finished file's bytes, downloaded as the person who asked."""
    export = ask(client, kind, target, fmt, query, language)
    assert export.status == ListExportStatus.DONE, export.error
    response = client.get(reverse("listexports:download", args=[export.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)
