from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tilts.consortium.models import Consortium, OrganisationType
from tilts.core.limits import LONG_TEXT_MAX
from tilts.quality.models import Area, EvidenceKind, Objective, Status, SupportChecklist

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    due_date = forms.DateField(label=_("Answers due"), widget=DATE)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, required=False)
    owner = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    notes = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(label=_("To be done by"), required=False, widget=DATE)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    object_id = forms.IntegerField(
        label=_("Record number"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("For a call, agreement, report or follow-up: its number, as in its address."),
    )
    url = forms.URLField(label=_("Web link"), required=False, max_length=200)
    file = forms.FileField(label=_("Document (PDF, PNG or JPEG)"), required=False)
    label = forms.CharField(
        label=_("Description"), max_length=300, required=False, help_text=_("Empty: the record's name.")
    )


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10, help_text=_("E.g. 3.7"))
    area = forms.TypedChoiceField(label=_("Area"), choices=Area.choices, coerce=int)
    title_lv = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Text in Latvian"), widget=forms.Textarea(attrs={"rows": 2})
    )
    title_en = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Text in English"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ChecklistForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SupportChecklist
        fields = ["insurance", "travel_accommodation", "preparation", "mentor_name", "emergency_contact", "recognition"]


class ObjectiveForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Objective
        fields = ["number", "title", "explanation", "timing", "goal", "measure", "member_type", "measure_description"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = consortium.goals.order_by("number")  # type: ignore[attr-defined]
        self.fields["member_type"] = forms.ChoiceField(
            label=_("Member type"),
            choices=[("", "—"), *OrganisationType.choices],
            required=False,
            help_text=_("For participants from members of one type."),
        )


class ObjectiveYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2014, max_value=2100)
    # Localised, so a decimal comma ("2,5") is read as Latvians write it.
    target = forms.DecimalField(
        label=_("Target"), required=False, min_value=0, max_digits=10, decimal_places=2, localize=True
    )
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        localize=True,
        help_text=_("Only where Tilts does not compute it."),
    )
    evidence = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TargetsForm(forms.Form):
    """One number per kind of target (the kinds are data)."""

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in kinds:
            self.fields[code] = forms.IntegerField(label=label, required=False, min_value=0, max_value=100000)
