from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tilts.reporting.models import ParticipantReport, ReportReminder


@admin.register(ParticipantReport)
class ParticipantReportAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ("mobility", "status", "due_date", "final_grant_total")
    list_filter = ("status",)
    readonly_fields = ("final_grant_total", "final_grant_breakdown")


@admin.register(ReportReminder)
class ReportReminderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("report", "kind", "key", "sent_at")
