from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tilts.projects.models import AwardedBudget, MemberPlan, Project


class AwardedBudgetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AwardedBudget
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["title", "call_year", "grant_agreement_number", "status"]
    inlines = [AwardedBudgetInline]


@admin.register(MemberPlan)
class MemberPlanAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["project", "organisation", "activity_type", "planned_mobilities", "budget_share"]
