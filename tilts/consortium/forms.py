from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tilts.consortium.models import Consortium, Goal, JoinApplication, Membership, Organisation
from tilts.consortium.validators import normalise_registration_number, validate_registration_number
from tilts.core.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX

ORGANISATION_FORM_FIELDS = [
    "legal_name",
    "short_name",
    "type",
    "registration_number",
    "oid",
    "address",
    "city",
    "country",
    "website",
    "email",
    "phone",
]


class RegistrationNumberMixin(forms.ModelForm):  # type: ignore[type-arg]
    """Normalises the registration number and checks it against the rules of the chosen country."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        number = cleaned.get("registration_number")
        if number:
            number = normalise_registration_number(number)
            try:
                validate_registration_number(number, str(cleaned.get("country") or "LV"))
            except ValidationError as error:
                self.add_error("registration_number", error)
            else:
                cleaned["registration_number"] = number
        return cleaned


class GoalChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Goal) -> str:
        return str(obj)


class JoinApplicationForm(RegistrationNumberMixin):
    goals = GoalChoiceField(
        queryset=Goal.objects.none(),
        label=_("Which of the consortium's goals does your institution share?"),
        error_messages={"required": _("Choose at least one goal your institution shares.")},
    )
    consent = forms.BooleanField(
        label=_("I agree that the consortium processes these data to review the application (see the privacy notice)."),
        error_messages={"required": _("We need your consent to review the application.")},
    )
    # A field people do not see; robots fill it in. Such submissions are dropped.
    nickname = forms.CharField(required=False, max_length=SHORT_TEXT_MAX, widget=forms.HiddenInput, label="")

    class Meta:
        model = JoinApplication
        fields = [
            "legal_name",
            "type",
            "registration_number",
            "oid",
            "address",
            "city",
            "country",
            "website",
            "goals",
            "motivation",
            "planned_activities",
            "contact_name",
            "contact_position",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 5}),
            "planned_activities": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "oid": _("If your institution has one: the letter E and 8 digits. You can add it later."),
            "motivation": _("Why does your institution want to join, and how do its goals match the consortium's?"),
            "planned_activities": _(
                "Which educational activities will your staff lead for colleagues after a mobility "
                "(workshops, seminars, courses, programmes)?"
            ),
        }

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consortium = consortium
        cast("forms.ModelChoiceField[Any]", self.fields["goals"]).queryset = consortium.goals.order_by("number")


class OrganisationForm(RegistrationNumberMixin):
    class Meta:
        model = Organisation
        fields = ORGANISATION_FORM_FIELDS


class MemberCreateForm(OrganisationForm):
    joined_on = forms.DateField(
        label=_("Joined on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    goals = GoalChoiceField(queryset=Goal.objects.none(), label=_("Shared goals"), required=False)

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["goals"]).queryset = consortium.goals.order_by("number")


class MembershipGoalsForm(forms.ModelForm):  # type: ignore[type-arg]
    goals = GoalChoiceField(queryset=Goal.objects.none(), label=_("Shared goals"), required=False)

    class Meta:
        model = Membership
        fields = ["goals"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["goals"]).queryset = self.instance.consortium.goals.order_by(
            "number"
        )


class EndMembershipForm(forms.Form):
    left_on = forms.DateField(
        label=_("Left on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RejectApplicationForm(forms.Form):
    reason = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant receives this text by e-mail."),
        error_messages={"required": _("Give the applicant a reason.")},
    )


class GoalForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Goal
        fields = ["number", "title_lv", "title_en", "description_lv", "description_en"]
        widgets = {
            "description_lv": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }


class ConsortiumForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Consortium
        fields = [
            "name_lv",
            "name_en",
            "short_name_lv",
            "short_name_en",
            "accreditation_number",
            "accreditation_start",
            "accreditation_end",
            "national_agency",
            "country",
            "coordinator",
            "contact_unit_lv",
            "contact_unit_en",
            "contact_email",
            "contact_phones",
            "address",
            "about_lv",
            "about_en",
        ]
        widgets = {
            "accreditation_start": forms.DateInput(attrs={"type": "date"}),
            "accreditation_end": forms.DateInput(attrs={"type": "date"}),
            "about_lv": forms.Textarea(attrs={"rows": 4}),
            "about_en": forms.Textarea(attrs={"rows": 4}),
        }
