from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tilts.accounts.models import User
from tilts.consortium.forms import GoalChoiceField
from tilts.consortium.models import Goal
from tilts.consortium.selectors import active_members
from tilts.core.countries import destination_choices
from tilts.core.limits import LONG_TEXT_MAX
from tilts.grants.services import activity_type_choices
from tilts.grants.widgets import PlaceWidget
from tilts.mobility.models import PLAN_FIELDS, GroupActivity, Mobility, MobilityStatus, ParticipantKind
from tilts.mobility.selectors import people_for
from tilts.mobility.services import GROUP_FIELDS, GroupChanges, MobilityChanges
from tilts.projects.models import Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHARED_FIELDS = list(PLAN_FIELDS)


class MobilityForm(forms.ModelForm):  # type: ignore[type-arg]
    goals = GoalChoiceField(
        queryset=Goal.objects.none(),
        label=_("Goals served"),
        error_messages={"required": _("Choose at least one goal the mobility serves.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Mobility
        fields = [
            "sending_organisation",
            "participant",
            *SHARED_FIELDS[:10],
            "fewer_opportunities",
            "zero_grant",
            *SHARED_FIELDS[10:],
            "goals",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "followup_due": DATE,
            "origin": PlaceWidget,
            "venue": PlaceWidget,
            "learning_objectives": forms.Textarea(attrs={"rows": 3}),
            "followup_plan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, project: Project, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        members = active_members(project.consortium)
        if not user.is_coordinator:
            members = members.filter(pk=user.organisation_id) if user.organisation_id else members.none()
        cast("forms.ModelChoiceField[Any]", self.fields["sending_organisation"]).queryset = members
        cast("forms.ModelChoiceField[Any]", self.fields["participant"]).queryset = people_for(user)
        self.fields["activity_type"] = forms.ChoiceField(
            label=_("Activity type"), choices=activity_type_choices(project.rate_table.table)
        )
        cast("forms.ModelChoiceField[Any]", self.fields["goals"]).queryset = project.consortium.goals.order_by("number")
        cast(forms.ChoiceField, self.fields["receiving_country"]).choices = destination_choices()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if self.instance.status != MobilityStatus.DRAFT:
            self.fields["sending_organisation"].disabled = True
            self.fields["participant"].disabled = True

    def service_fields(self) -> MobilityChanges:
        return cast(MobilityChanges, {k: v for k, v in self.cleaned_data.items() if k not in ("goals", "version")})


class JointTripForm(forms.ModelForm):  # type: ignore[type-arg]
    title = forms.CharField(label=_("Title of the trip"), max_length=200)
    participants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("Participants"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each travels from their own institution's city. Other members can join the trip afterwards."),
    )
    leader = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Group leader"), required=False)
    goals = GoalChoiceField(queryset=Goal.objects.none(), label=_("Goals served"))

    field_order = ["title", "participants", "leader"]

    class Meta:
        model = Mobility
        fields = [f for f in SHARED_FIELDS if f != "origin"]
        widgets = MobilityForm.Meta.widgets

    def __init__(self, *args: Any, project: Project, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = people_for(user)
        cast("forms.ModelChoiceField[Any]", self.fields["participants"]).queryset = people
        self.fields["participants"].label_from_instance = lambda u: f"{u}, {u.organisation}"  # type: ignore[attr-defined]
        cast("forms.ModelChoiceField[Any]", self.fields["leader"]).queryset = people
        self.fields["activity_type"] = forms.ChoiceField(
            label=_("Activity type"), choices=activity_type_choices(project.rate_table.table)
        )
        cast("forms.ModelChoiceField[Any]", self.fields["goals"]).queryset = project.consortium.goals.order_by("number")
        cast(forms.ChoiceField, self.fields["receiving_country"]).choices = destination_choices()


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=LONG_TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    force_majeure = forms.BooleanField(label=_("Force majeure"), required=False)


class JoinTripForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("Participants from your institution"),
        widget=forms.CheckboxSelectMultiple,
    )
    participant_kind = forms.ChoiceField(
        label=_("They take part as"),
        choices=ParticipantKind.choices,
        help_text=_("E.g. staff accompanying a group of adult learners."),
    )

    def __init__(self, *args: Any, user: User, trip: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        on_trip = trip.mobilities.exclude(status=MobilityStatus.CANCELLED).values("participant")
        first = trip.mobilities.order_by("pk").first()
        self.fields["participant_kind"].initial = first.participant_kind if first else "staff"
        people = people_for(user).exclude(pk__in=on_trip)
        cast("forms.ModelChoiceField[Any]", self.fields["participants"]).queryset = people
        self.fields["participants"].label_from_instance = lambda u: f"{u}, {u.organisation}"  # type: ignore[attr-defined]


class GroupActivityForm(forms.ModelForm):  # type: ignore[type-arg]
    """A group of adult learners and the staff accompanying them (docs/grant-rules.md, "Group activities")."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GroupActivity
        fields = ["sending_organisation", *GROUP_FIELDS]
        widgets = {"start_date": DATE, "end_date": DATE, "origin": PlaceWidget, "venue": PlaceWidget}
        help_texts = {
            "means_of_transport": _("The main means of transport of the group: green travel follows from it."),
            "green_travel": _("Only when no means of transport is chosen."),
        }

    def __init__(self, *args: Any, project: Project, user: User, **kwargs: Any) -> None:
        from tilts.exports.beneficiary_module import load_codes  # the module's code list; exports build on mobility

        super().__init__(*args, **kwargs)
        self.project = project
        members = active_members(project.consortium)
        if not user.is_coordinator:
            members = members.filter(pk=user.organisation_id) if user.organisation_id else members.none()
        self.fields["sending_organisation"].queryset = members  # type: ignore[attr-defined]
        lead = self.fields["lead_accompanying_person"]
        lead.queryset = people_for(user)  # type: ignore[attr-defined]
        lead.label_from_instance = lambda u: f"{u}, {u.organisation}"  # type: ignore[attr-defined]
        language = get_language() or "lv"
        table = project.rate_table.table
        self.fields["activity_type"] = forms.ChoiceField(
            label=_("Activity type"),
            choices=[(key, a.label(language)) for key, a in table.activity_types.items() if a.group],
        )
        self.fields["means_of_transport"] = forms.ChoiceField(
            label=self.fields["means_of_transport"].label,
            help_text=self.fields["means_of_transport"].help_text,
            required=False,
            choices=[("", "—"), *((key, t.label(language)) for key, t in load_codes().transport.items())],
        )
        self.fields["receiving_country"].choices = destination_choices()  # type: ignore[attr-defined]
        self.fields["learner_daily_rate"].localize = True
        self.fields["learner_daily_rate"].widget.is_localized = True
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.status != MobilityStatus.DRAFT:
                self.fields["sending_organisation"].disabled = True

    def service_fields(self) -> GroupChanges:
        return cast(GroupChanges, {k: v for k, v in self.cleaned_data.items() if k != "version"})


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file in the template's layout."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
