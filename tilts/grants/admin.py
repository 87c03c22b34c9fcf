from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tilts.grants.models import CustomPlace, RateTable


@admin.register(RateTable)
class RateTableAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["name", "call_year", "updated_at"]


@admin.register(CustomPlace)
class CustomPlaceAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["name", "country", "latitude", "longitude"]
