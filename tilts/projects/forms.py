from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tilts.consortium.models import Consortium, Organisation
from tilts.consortium.selectors import active_members
from tilts.grants import rules
from tilts.grants.services import activity_type_choices
from tilts.projects.models import BudgetCategory, MemberPlan, Project
from tilts.projects.services import check_dates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):  # type: ignore[type-arg]
    call_year = forms.TypedChoiceField(label=_("Call year"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = ["call_year", "action", "title", "grant_agreement_number", "start_date", "end_date", "status"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["call_year"]).choices = [
            (y, str(y)) for y in reversed(rules.available_call_years())
        ]
        if self.instance.pk:
            self.fields["call_year"].disabled = True  # the rate table was copied from it
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end, action = cleaned.get("start_date"), cleaned.get("end_date"), cleaned.get("action")
        if start and end and action:
            try:
                check_dates(action, start, end)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class BudgetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        awarded = dict(project.awarded.values_list("category", "amount"))
        self.fields["version"].initial = project.version
        for value, label in BudgetCategory.choices:
            self.fields[value] = forms.DecimalField(
                label=label,
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                initial=awarded.get(value, Decimal("0.00")),
            )

    def amounts(self) -> dict[str, Decimal]:
        return {value: self.cleaned_data[value] for value in BudgetCategory.values}


class MemberPlanForm(forms.ModelForm):  # type: ignore[type-arg]
    activity_type = forms.ChoiceField(label=_("Activity type"))

    class Meta:
        model = MemberPlan
        fields = ["organisation", "activity_type", "planned_mobilities", "budget_share"]

    def __init__(self, *args: Any, project: Project, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = active_members(consortium)
        cast(forms.ChoiceField, self.fields["activity_type"]).choices = activity_type_choices(project.rate_table.table)

    def organisation(self) -> Organisation:
        return self.cleaned_data["organisation"]  # type: ignore[no-any-return]
