"""Pricing open mobilities again when the grant rules change (docs/grant-rules.md, "When the rules change").

Approved, confirmed and completed mobilities keep their frozen grant. Drafts and submitted mobilities are priced
again with their project's table, and every change is recorded as a :class:`~tilts.mobility.models.
GrantRecalculation` (before, after, difference) that the coordinator sees. Each project's table first moves onto
its call year's corrected defaults, keeping every value the coordinator corrected.

The functions take an app registry, so that a data migration runs them with its historical models (the models
as they were at that migration, whatever later branches add) and a test with the current ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from tilts.grants import rules
from tilts.grants.rules import gazetteer
from tilts.mobility.services import quote_breakdown

OPEN_STATUSES = ("draft", "submitted")


def rebase_rate_tables(apps: Any) -> int:
    """Move every stored table onto its call year's current defaults; the number of tables changed.

    A table without history (nothing tells which values the coordinator corrected) is left as it is.
    """
    rate_table_model = apps.get_model("grants", "RateTable")
    history_model = apps.get_model("grants", "HistoricalRateTable")
    changed = 0
    for table in rate_table_model.objects.order_by("pk"):
        first = history_model.objects.filter(id=table.pk).order_by("history_date", "history_id").first()
        if first is None:
            continue
        try:
            rebased = rules.rebase_on_defaults(table.data, first.data, rules.load_call_year(table.call_year))
        except rules.RateTableError:
            continue
        if rebased == table.data:
            continue
        table.data = rebased
        table.save(update_fields=["data", "updated_at"])  # updated_at versions the parsed-table cache
        history_model.objects.create(
            id=table.pk,
            name=table.name,
            call_year=table.call_year,
            data=rebased,
            notes=table.notes,
            created_at=table.created_at,
            history_date=timezone.now(),
            history_type="~",
            history_change_reason="Grant rules, second pass",
        )
        changed += 1
    return changed


def recalculate_open_grants(apps: Any, reason: str) -> int:
    """Price drafts and submitted mobilities again; record each one whose grant changed or can no longer be
    priced. Returns the number of records."""
    mobility_model = apps.get_model("mobility", "Mobility")
    record_model = apps.get_model("mobility", "GrantRecalculation")
    place_model = apps.get_model("grants", "CustomPlace")
    tables: dict[int, rules.RateTable] = {}
    records = 0
    for mobility in mobility_model.objects.filter(status__in=OPEN_STATUSES).select_related("project").order_by("pk"):
        table_id = mobility.project.rate_table_id
        before = mobility.grant_total
        try:
            if table_id not in tables:
                stored = apps.get_model("grants", "RateTable").objects.get(pk=table_id)
                tables[table_id] = rules.RateTable.from_mapping(stored.data)
            quote = rules.calculate_quote(_request(mobility, tables[table_id], place_model))
        except (rules.QuoteValidationError, rules.RateTableError, LookupError) as error:
            record_model.objects.create(
                mobility=mobility, reason=reason, status=mobility.status, before=before, after=None, problem=str(error)
            )
            records += 1
            continue
        mobility.grant_breakdown = quote_breakdown(quote)
        fields = ["grant_breakdown"]
        if before is None or Decimal(before) != quote.total:
            mobility.grant_total = quote.total
            mobility.version = mobility.version + 1  # an edit form opened before this must not overwrite it
            fields += ["grant_total", "version"]
            record_model.objects.create(
                mobility=mobility, reason=reason, status=mobility.status, before=before, after=quote.total
            )
            records += 1
        mobility.save(update_fields=fields)
    return records


def _place(ref: str, place_model: Any) -> tuple[str, float, float]:
    """(country, latitude, longitude) of a stored place reference: ``g:<GeoNames id>`` or ``c:<id>``."""
    prefix, _sep, ident = (ref or "").partition(":")
    if prefix == "g" and ident.isdigit() and (found := gazetteer.get_place(int(ident))) is not None:
        return found.country_code, found.latitude, found.longitude
    if prefix == "c" and ident.isdigit() and (custom := place_model.objects.filter(pk=int(ident)).first()):
        return str(custom.country), float(custom.latitude), float(custom.longitude)
    raise LookupError(f"The place {ref!r} no longer exists.")


def _request(mobility: Any, table: rules.RateTable, place_model: Any) -> rules.QuoteRequest:
    origin_country, *origin = _place(mobility.origin, place_model)
    venue_country, *venue = _place(mobility.venue, place_model)
    km = mobility.ec_distance_km
    source = rules.DistanceSource.EC_CALCULATOR
    if km is None:
        km = rules.haversine_km(origin[0], origin[1], venue[0], venue[1])
        source = rules.DistanceSource.GAZETTEER
    return rules.QuoteRequest(
        activity_type=mobility.activity_type,
        destination_country=venue_country,
        origin_country=origin_country,
        rate_table=table,
        participant_kind=mobility.participant_kind,
        distance_km=km,
        distance_source=source,
        start=mobility.start_date,
        end=mobility.end_date,
        travel_days=mobility.travel_days,
        green_travel=mobility.green_travel,
        course_days=mobility.course_days,
        fewer_opportunities=mobility.fewer_opportunities,
        zero_grant=mobility.zero_grant,
    )
