import datetime
import threading
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from tilts.core.limits import LONG_TEXT_MAX
from tilts.grants import rules

# Parsed rate tables of this process by (id, version); see RateTable.table.
_PARSED_MAX = 64
_parsed: dict[tuple[int, datetime.datetime], rules.RateTable] = {}
_parsed_lock = threading.Lock()
# Their version numbers (how many times each was saved), by the same key; see RateTable.version_number.
_versions: dict[tuple[int, datetime.datetime], int] = {}


class RateTable(models.Model):
    """A rate table in use: a copy of a call year's defaults, corrected from a grant agreement.

    The national agency fixes the actual rates within the Programme Guide's ranges and prints them in the grant
    agreement, so each project prices its mobilities with its own copy (docs/grant-rules.md, "Rate tables").
    """

    name = models.CharField(_("name"), max_length=200)
    call_year = models.PositiveSmallIntegerField(_("call year"))
    data = models.JSONField(_("rates"), help_text=_("The rate table with every value's source and status."))
    notes = models.TextField(_("notes"), max_length=LONG_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("rate table")
        verbose_name_plural = _("rate tables")
        ordering = ["-call_year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.call_year})"

    @cached_property
    def table(self) -> rules.RateTable:
        # Every row of a list gets its own RateTable instance through select_related; parsing the JSON for each
        # one cost seconds on a large list, so stored tables are parsed once per version and shared (the parsed
        # table is frozen). A save changes updated_at, which is the version.
        if self.pk is None or self.updated_at is None:
            return rules.RateTable.from_mapping(self.data)
        key = (self.pk, self.updated_at)
        with _parsed_lock:
            table = _parsed.get(key)
        if table is None:
            table = rules.RateTable.from_mapping(self.data)
            with _parsed_lock:
                if len(_parsed) >= _PARSED_MAX:
                    _parsed.pop(next(iter(_parsed)))
                _parsed[key] = table
        return table

    @property
    def version_number(self) -> int:
        """The table's version shown with every grant it priced: its saves, counted once per version and process
        (pricing ten thousand imported mobilities counted the history twice for each)."""
        if self.pk is None or self.updated_at is None:
            return 1
        key = (self.pk, self.updated_at)
        number = _versions.get(key)
        if number is None:
            number = self.history.count() or 1
            with _parsed_lock:
                if len(_versions) >= _PARSED_MAX:
                    _versions.pop(next(iter(_versions)))
                _versions[key] = number
        return number

    def set_table(self, table: rules.RateTable) -> None:
        """Store ``table`` and keep the cached parsed copy in step with it."""
        self.data = table.to_mapping()
        self.__dict__["table"] = table

    def to_confirm_count(self) -> int:
        return sum(1 for entry in self.table.entries() if entry.status == rules.Status.TO_CONFIRM)


class CustomPlace(models.Model):
    """A place missing from the gazetteer, added by the coordinator with its coordinates."""

    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places added by the coordinator")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="custom_place_coordinates_on_earth",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.country.name}"
