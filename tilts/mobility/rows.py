"""The mobility list's rows, prepared for its template: every link, label, date and amount of a row as text, so
that rendering a page of 50 is a loop over plain values (resolving `{% url %}`, an include, the amounts filter,
`floatformat` and `date` for each row and cell cost more than the page's queries).

The text is exactly what the template's tags and filters print (the formatters below call them, and remember
their answers per language: a page repeats the same dates and amounts many times)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language

from tilts.core.templatetags.choices import label
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.payments.selectors import amounts

# A number no id reaches, reversed in place of the id: the rest of the address is the same for every row.
_SENTINEL = 987654321


def url_for(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many ids, reversing once (in the active language's URL prefix)."""
    before, after = reverse(name, args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda pk: f"{before}{pk}{after}"


@lru_cache(maxsize=4096)
def _money(language: str | None, value: Decimal) -> str:
    return str(floatformat(value, "2g"))


def money(value: Decimal | None) -> str:
    """``{{ value|floatformat:"2g" }}`` (empty for None)."""
    return "" if value is None else _money(get_language(), value)


@lru_cache(maxsize=4096)
def _short_date(language: str | None, value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def short_date(value: datetime.date) -> str:
    """``{{ value|date:"SHORT_DATE_FORMAT" }}``."""
    return _short_date(get_language(), value)


@dataclass
class ListRow:
    """One row of the mobility list, as printed."""

    pk: int
    url: str
    participant: str
    trip: str
    trip_url: str
    sending_organisation: str
    activity_type: str
    receiving: str
    dates: str
    goal_numbers: str
    status: str
    status_label: str
    report_url: str
    report_status: str
    eu_report_status: str
    agreed: str
    agreed_is_planned: bool
    final: str
    paid: str


def list_rows(mobilities: Iterable[Mobility]) -> list[ListRow]:
    """The rows of a page of the list: mobilities read with what the list shows (views.LIST_COLUMNS, the goals,
    payments.selectors.with_amounts) and their ``project`` set."""
    detail, trip_detail = url_for("mobility:detail"), url_for("mobility:trip")
    report_detail = url_for("reporting:detail")
    statuses = {value: str(label) for value, label in MobilityStatus.choices}
    language = get_language() or "lv"
    activity_labels: dict[tuple[int, str], str] = {}
    rows = []
    for m in mobilities:
        key = (m.project.rate_table_id, m.activity_type)
        if key not in activity_labels:
            activity = m.project.rate_table.table.activity_types.get(m.activity_type)
            activity_labels[key] = activity.label(language) if activity else m.activity_type
        report = getattr(m, "report", None)  # reporting's, read with the row (mobility sits below reporting)
        module = getattr(m, "module", None)
        a = amounts(m)
        rows.append(
            ListRow(
                pk=m.pk,
                url=detail(m.pk),
                participant=str(m.participant),
                trip=str(m.trip) if m.trip_id else "",
                trip_url=trip_detail(m.trip_id) if m.trip_id else "",
                sending_organisation=str(m.sending_organisation),
                activity_type=activity_labels[key],
                receiving=f"{m.receiving_name}, {m.receiving_city} ({m.receiving_country.code})",
                dates=f"{short_date(m.start_date)} – {short_date(m.end_date)}",
                goal_numbers=", ".join(str(goal.number) for goal in m.goals.all()),
                status=m.status,
                status_label=statuses.get(m.status, m.status),
                report_url=report_detail(report.pk) if report else "",
                report_status=label(report, "status") if report else "",
                eu_report_status=label(module, "eu_report_status") if module and module.eu_report_status else "",
                agreed=money(a.agreed),
                agreed_is_planned=a.agreed_is_planned,
                final="—" if a.final is None else money(a.final),
                paid=money(a.paid),
            )
        )
    return rows
