from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tilts.reporting.models import Competence, EvidenceKind, FollowupDecision, ParticipantReport
from tilts.reporting.services import ReportDraft
from tilts.selection.models import plan_in_language

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SATISFACTION = [
    ("", "—"),
    (5, _("5 – very satisfied")),
    (4, _("4 – satisfied")),
    (3, _("3 – neither satisfied nor dissatisfied")),
    (2, _("2 – dissatisfied")),
    (1, _("1 – very dissatisfied")),
]


class ReportForm(forms.Form):
    """The participant's report. Nothing is required here: a draft may be incomplete; submitting checks the rest."""

    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with the mobility?"),
        choices=SATISFACTION,
        coerce=int,
        empty_value=None,
        required=False,
    )
    learned = forms.CharField(
        label=_("What did you learn?"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )
    competences = forms.MultipleChoiceField(
        label=_("Competences gained"),
        choices=Competence.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    followup_decision = forms.ChoiceField(
        label=_("Follow-up plan"), choices=[("", "—"), *FollowupDecision.choices], required=False
    )
    followup_new_plan = forms.CharField(
        label=_("The new follow-up plan"),
        help_text=_("Only if the plan has changed: what you will teach, to whom, and by when."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    actual_start = forms.DateField(label=_("Actual start"), widget=DATE, required=False)
    actual_end = forms.DateField(label=_("Actual end"), widget=DATE, required=False)
    actual_travel_days = forms.IntegerField(label=_("Actual travel days"), min_value=0, max_value=30, required=False)
    actual_green_travel = forms.BooleanField(
        label=_("I travelled green (train, bus, car-sharing) for most of the journey"), required=False
    )

    def __init__(self, *args: Any, report: ParticipantReport, **kwargs: Any) -> None:
        self.report = report
        mobility = report.mobility
        self.goals = list(mobility.goals.order_by("number"))
        initial = {
            "satisfaction": report.satisfaction,
            "learned": report.learned,
            "competences": report.competences,
            "followup_decision": report.followup_decision,
            "followup_new_plan": report.followup_new_plan,
            "actual_start": report.actual_start,
            "actual_end": report.actual_end,
            "actual_travel_days": report.actual_travel_days,
            "actual_green_travel": report.actual_green_travel,
        }
        for goal in self.goals:
            initial[f"goal_{goal.number}"] = (report.goal_contributions or {}).get(str(goal.number), "")
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["followup_decision"].help_text = _("Agreed: %(plan)s") % {
            "plan": plan_in_language(mobility.followup_plan)
        }
        for goal in self.goals:
            self.fields[f"goal_{goal.number}"] = forms.CharField(
                label=_("How does the mobility serve goal %(number)s: %(title)s?")
                % {"number": goal.number, "title": goal.title},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
            )
        # The order of the page: experience, goals, follow-up, then the realised dates and travel.
        order = ["satisfaction", "learned", "competences", *(f"goal_{g.number}" for g in self.goals)]
        self.order_fields(order)

    def goal_field_names(self) -> list[str]:
        return [f"goal_{goal.number}" for goal in self.goals]

    def service_fields(self) -> ReportDraft:
        data = dict(self.cleaned_data)
        data["goal_contributions"] = {str(g.number): data.pop(f"goal_{g.number}") or "" for g in self.goals}
        return cast(ReportDraft, data)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is the file?"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, max_mb: int = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(mb)s MB.") % {"mb": max_mb}


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the participant change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
