"""Agreements as PDF (WeasyPrint), rendered in the agreement's language from the data frozen when it was issued."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django_countries import countries

from tilts.consortium.models import Goal
from tilts.core.downloads import private_file
from tilts.selection import services
from tilts.selection.models import Agreement, AgreementKind

TEMPLATES = {
    AgreementKind.GRANT: "selection/pdf/grant_agreement.html",
    AgreementKind.LEARNING: "selection/pdf/learning_agreement.html",
}


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def context(agreement: Agreement) -> dict[str, Any]:
    data = agreement.snapshot
    language = agreement.language
    table = agreement.mobility.project.rate_table.table
    activity = table.activity_types.get(data["activity"]["type"])
    with translation.override(language):
        country = countries.name(data["activity"]["receiving_country"])
    return {
        "agreement": agreement,
        "data": data,
        "activity_label": activity.label(language) if activity else data["activity"]["type"],
        "country": country,
        "start": _date(data["activity"]["start"]),
        "end": _date(data["activity"]["end"]),
        "followup_due": _date(data["followup"]["due"]),
        "report_due": services.report_due(agreement),
        "schedule": services.payment_schedule(agreement),
        "total": Decimal(data["grant"]["total"]),
        "lines": [
            {**line, "amount": Decimal(line["amount"]), "rate": Decimal(line["rate"])}
            for line in data["grant"]["lines"]
        ],
        "goals": Goal.objects.filter(pk__in=data["goals"]).order_by("number"),
        # KA1 projects are managed by the national agency, which the EU disclaimer names (earlier versions did not
        # keep it in their data: the consortium's as now).
        "national_agency": data["project"].get("national_agency")
        or agreement.mobility.project.consortium.national_agency,
        "site_url": settings.SITE_URL,
    }


def render_html(agreement: Agreement) -> str:
    with translation.override(agreement.language):
        return render_to_string(TEMPLATES[AgreementKind(agreement.kind)], context(agreement))


def render(agreement: Agreement) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    return HTML(string=render_html(agreement), base_url=str(settings.BASE_DIR)).write_pdf()  # type: ignore[no-any-return]


def filename(agreement: Agreement) -> str:
    return f"{agreement.kind}-agreement-{agreement.mobility_id}-v{agreement.number}-{agreement.language}.pdf"


def document_response(agreement: Agreement) -> HttpResponse:
    """The issued version as PDF, shown in the browser (the web page and the API answer alike)."""
    response = HttpResponse(render(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename(agreement)}"'
    return response


def signed_response(agreement: Agreement) -> FileResponse:
    """The uploaded signed copy, served after the caller's permission check; 404 when none has been uploaded.

    Downloaded, never shown inline: an uploaded file is not opened on the site's origin.
    """
    return private_file(agreement.signed_file, filename=f"signed-{filename(agreement)}", content_type="application/pdf")
