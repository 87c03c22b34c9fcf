from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tilts.accounts.models import User
from tilts.consortium.forms import GoalChoiceField
from tilts.consortium.models import Goal, Organisation
from tilts.core import dates
from tilts.core.collation import latvian
from tilts.followup import selectors
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility
from tilts.projects.models import Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MobilityChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Mobility) -> str:
        return f"{obj.participant} → {obj.receiving_name} ({dates.short(obj.start_date)}–{dates.short(obj.end_date)})"


class FollowUpForm(forms.ModelForm):  # type: ignore[type-arg]
    mobilities = MobilityChoiceField(
        queryset=Mobility.objects.none(),
        label=_("Mobilities it draws on"),
        help_text=_("One or several: e.g. colleagues who travelled together lead one seminar."),
        error_messages={"required": _("Choose at least one mobility the follow-up draws on.")},
    )
    goals = GoalChoiceField(
        queryset=Goal.objects.none(),
        label=_("Goals served"),
        error_messages={"required": _("Choose at least one goal the follow-up serves.")},
    )
    attendee_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Attendees' institutions in the consortium"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendance_list = forms.FileField(
        label=_("Attendance list"),
        required=False,
        help_text=_("PDF, XLSX, CSV, PNG or JPEG. It is kept privately and shown only to those who may see it."),
    )
    materials_file = forms.FileField(
        label=_("Materials (file)"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX, PPTX or XLSX."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = [
        "status",
        "type",
        "title",
        "date",
        "online",
        "place",
        "online_link",
        "mobilities",
        "goals",
        "organiser",
        "attendees",
        "attendee_organisations",
        "other_attendee_institutions",
        "attendance_list",
        "no_attendance_list_reason",
        "materials_file",
        "materials_link",
    ]

    class Meta:
        model = FollowUp
        fields = [
            "status",
            "type",
            "title",
            "date",
            "online",
            "place",
            "online_link",
            "organiser",
            "attendees",
            "other_attendee_institutions",
            "no_attendance_list_reason",
            "materials_link",
        ]
        widgets = {
            "date": DATE,
            "other_attendee_institutions": forms.Textarea(attrs={"rows": 2}),
            "no_attendance_list_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, project: Project, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["mobilities"].queryset = (  # type: ignore[attr-defined]
            selectors.recordable_mobilities(user)
            .filter(project=project)
            .select_related("participant")
            .order_by("start_date", "pk")
        )
        self.fields["goals"].queryset = project.consortium.goals.order_by("number")  # type: ignore[attr-defined]
        organisations = Organisation.objects.filter(memberships__consortium=project.consortium).distinct()
        self.fields["organiser"].queryset = organisations.order_by(latvian("legal_name"))  # type: ignore[attr-defined]
        self.fields["attendee_organisations"].queryset = organisations.order_by(  # type: ignore[attr-defined]
            latvian("legal_name")
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            in_reach = self.fields["mobilities"].queryset  # type: ignore[attr-defined]
            self.initial["mobilities"] = [m.pk for m in self.instance.mobilities.all() if m in in_reach]
            self.initial["goals"] = [g.pk for g in self.instance.goals.all()]
            self.initial["attendee_organisations"] = [o.pk for o in self.instance.attendee_organisations.all()]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the service takes it (no empty file fields, no version)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for name in ("attendance_list", "materials_file"):
            if not data.get(name):
                data.pop(name, None)
        return data
