import datetime

from django import forms
from django.utils import translation
from django.utils.formats import date_format


def test_english_dates_are_day_first_as_in_europe() -> None:
    day = datetime.date(2025, 7, 10)
    with translation.override("en"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "10/07/2025"
        assert date_format(day) == "10 July 2025"
        assert forms.DateField().clean("10/07/2025") == day  # never read as 7 October
        assert forms.DateField().clean("2025-07-10") == day
    with translation.override("lv"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "10.07.2025"
