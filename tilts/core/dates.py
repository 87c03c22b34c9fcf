"""Dates as Tilts counts and writes them: whole months, and one way to write a date in a message."""

import calendar
import datetime

from django.utils.formats import date_format


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day where it is shorter (31 August + 6 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def short(day: datetime.date | datetime.datetime) -> str:
    """A date in a message, as the page's language writes it short: 5.03.2026 in Latvian, 05/03/2026 in English."""
    return date_format(day, "SHORT_DATE_FORMAT")
