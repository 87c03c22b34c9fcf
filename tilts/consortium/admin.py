from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from tilts.consortium.models import Consortium, Goal, JoinApplication, Membership, Organisation


@admin.register(Consortium)
class ConsortiumAdmin(SimpleHistoryAdmin, TranslationAdmin):  # type: ignore[type-arg]
    list_display = ["name", "accreditation_number"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin, TranslationAdmin):  # type: ignore[type-arg]
    list_display = ["number", "title"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["legal_name", "type", "city", "oid"]
    search_fields = ["legal_name", "registration_number", "oid"]
    list_filter = ["type"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["organisation", "status", "joined_on", "left_on"]
    list_filter = ["status"]


@admin.register(JoinApplication)
class JoinApplicationAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["legal_name", "status", "submitted_at"]
    list_filter = ["status"]
