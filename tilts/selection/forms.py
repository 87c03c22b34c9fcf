from decimal import Decimal
from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from tilts.accounts.models import User
from tilts.consortium.forms import GoalChoiceField
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.consortium.selectors import active_members
from tilts.core import uploads
from tilts.core.countries import destination_choices
from tilts.core.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX
from tilts.grants.services import activity_type_choices
from tilts.grants.widgets import PlaceWidget
from tilts.selection import selectors
from tilts.selection.models import (
    AgreementKind,
    Application,
    Assignment,
    Call,
    Criterion,
    default_prefinancing_percent,
    default_report_days,
)
from tilts.selection.services import APPLICANT_FIELDS, ApplicantFields

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LANGUAGES = [("lv", "Latviešu"), ("en", "English")]


class CallForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Call
        fields = [
            "title_lv",
            "title_en",
            "text_lv",
            "text_en",
            "eligibility_lv",
            "eligibility_en",
            "opens_on",
            "closes_on",
            "places",
            "published",
        ]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "text_lv": forms.Textarea(attrs={"rows": 6}),
            "text_en": forms.Textarea(attrs={"rows": 6}),
            "eligibility_lv": forms.Textarea(attrs={"rows": 3}),
            "eligibility_en": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title_lv": _("Title in Latvian"),
            "title_en": _("Title in English"),
            "text_lv": _("Text in Latvian"),
            "text_en": _("Text in English"),
            "eligibility_lv": _("Eligibility criteria in Latvian"),
            "eligibility_en": _("Eligibility criteria in English"),
        }


class CriterionForm(forms.Form):
    name_lv = forms.CharField(label=_("Criterion in Latvian"), max_length=200)
    name_en = forms.CharField(label=_("Criterion in English"), max_length=200)
    description_lv = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("What evaluators look for (Latvian)"), required=False
    )
    description_en = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("What evaluators look for (English)"), required=False
    )
    weight = forms.DecimalField(label=_("Weight"), min_value=Decimal("0.01"), max_digits=5, decimal_places=2)
    min_score = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=1000, initial=0)
    max_score = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=1000, initial=10)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        low, high = cleaned.get("min_score"), cleaned.get("max_score")
        if low is not None and high is not None and high <= low:
            self.add_error("max_score", _("The highest score must be above the lowest."))
        return cleaned


CriterionFormSet = formset_factory(CriterionForm, extra=3, can_delete=True, min_num=1, validate_min=True)


def criteria_initial(call: Call) -> list[dict[str, Any]]:
    fields = ("name_lv", "name_en", "description_lv", "description_en", "weight", "min_score", "max_score")
    return [{name: getattr(criterion, name) for name in fields} for criterion in call.criteria.all()]


def criteria_from(formset: Any) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class EvaluatorsForm(forms.Form):
    evaluators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), label=_("Evaluators"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["evaluators"]).queryset = selectors.evaluator_candidates()


class FieldGroup:
    """Some of a form's fields under a legend; quacks like a form for ``includes/form_fields.html``."""

    def __init__(self, form: forms.BaseForm, title: Any, names: list[str]) -> None:
        self.title = title
        self.fields = [form[name] for name in names]

    def visible_fields(self) -> list[Any]:
        return self.fields

    def hidden_fields(self) -> list[Any]:
        return []

    def non_field_errors(self) -> list[str]:
        return []


class ApplicationForm(forms.ModelForm):  # type: ignore[type-arg]
    goals = GoalChoiceField(queryset=Goal.objects.none(), label=_("Goals served"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Application
        fields = [*APPLICANT_FIELDS, "goals"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "dissemination_by": DATE,
            "venue": PlaceWidget,
            "educational_role": forms.Textarea(attrs={"rows": 3}),
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "dissemination_institutions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        call = self.instance.call
        # A draft may be incomplete: completeness is checked on submission, with reasons.
        for name in APPLICANT_FIELDS:
            self.fields[name].required = False
        self.fields["activity_type"] = forms.ChoiceField(
            label=_("Activity type"),
            choices=[("", "—"), *activity_type_choices(call.project.rate_table.table)],
            required=False,
        )
        cast("forms.ModelChoiceField[Any]", self.fields["goals"]).queryset = call.project.consortium.goals.order_by(
            "number"
        )
        self.fields["version"].initial = self.instance.version
        cast(forms.ChoiceField, self.fields["receiving_country"]).choices = destination_choices()

    def sections(self) -> list["FieldGroup"]:
        """The form in three parts, each shown as a fieldset with its own legend."""
        return [
            FieldGroup(self, _("About you"), ["position", "educational_role", "development_programme"]),
            FieldGroup(
                self,
                _("The mobility"),
                [
                    "activity_type",
                    "receiving_name",
                    "receiving_oid",
                    "receiving_country",
                    "venue",
                    "start_date",
                    "end_date",
                    "goals",
                    "motivation",
                ],
            ),
            FieldGroup(
                self,
                _("What you will teach afterwards"),
                [name for name in APPLICANT_FIELDS if name.startswith("dissemination_")],
            ),
        ]

    def service_fields(self) -> ApplicantFields:
        """The draft's fields; an emptied number or date keeps its previous value (the columns cannot be empty)."""
        fields = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("goals", "version") and value is not None
        }
        return cast(ApplicantFields, fields)


class RegisterForm(forms.Form):
    """An applicant without an account: the e-mailed link confirms the address and sets the password."""

    email = forms.EmailField(label=_("Work e-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Institution where you work"))
    position = forms.CharField(label=_("Position"), max_length=200)
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=LANGUAGES)
    consent = forms.BooleanField(
        label=_("I agree that the consortium processes these data to handle my application (see the privacy notice)."),
        error_messages={"required": _("We need your consent to handle the application.")},
    )
    nickname = forms.CharField(required=False, max_length=SHORT_TEXT_MAX, widget=forms.HiddenInput, label="")

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = active_members(consortium)


class _OwnIds(forms.Form):
    """Several of these forms share a page (and field names such as ``reason``): each gets its own element ids."""

    ids = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.ids}_%s")
        super().__init__(*args, **kwargs)


class SupportForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("Your decision"),
        choices=[
            ("1", _("I confirm the applicant works at our institution and support the application")),
            ("0", _("I do not support the application")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class EligibilityForm(_OwnIds):
    ids = "eligibility"
    eligible = forms.TypedChoiceField(
        label=_("Eligibility"),
        choices=[("1", _("Eligible")), ("0", _("Not eligible"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecisionForm(_OwnIds):
    ids = "decision"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("selected", _("Select")), ("reserve", _("Reserve list")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reserve_rank = forms.IntegerField(
        label=_("Place on the reserve list"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("Leave empty to add at the end."),
    )
    reason = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label=_("Reason (the applicant reads it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class WithdrawForm(_OwnIds):
    ids = "withdraw"
    reason = forms.CharField(
        max_length=LONG_TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ConflictForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[("0", _("No, I can evaluate it impartially")), ("1", _("Yes, I have a conflict of interest"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label=_("About the conflict"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("E.g. a family member, a close colleague, your own institution."),
    )


class ScoreForm(forms.Form):
    """One score and comment per criterion of the call."""

    def __init__(self, *args: Any, criteria: list[Criterion], assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = {score.criterion_id: score for score in assignment.scores.all()}
        self.criteria = criteria
        for criterion in criteria:
            score = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("%(criterion)s (weight %(weight)s)")
                % {"criterion": criterion.name, "weight": criterion.weight},
                help_text=_("From %(min)s to %(max)s. %(description)s")
                % {"min": criterion.min_score, "max": criterion.max_score, "description": criterion.description},
                required=False,
                initial=score.score if score else None,
                widget=forms.NumberInput(attrs={"min": criterion.min_score, "max": criterion.max_score}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                max_length=LONG_TEXT_MAX,
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}") or "")
            for c in self.criteria
        }


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=AgreementKind.choices)
    language = forms.ChoiceField(label=_("Language of the document"), choices=LANGUAGES)
    report_days = forms.IntegerField(
        label=_("Report due, days after the end"), min_value=1, max_value=365, initial=default_report_days
    )
    prefinancing_percent = forms.IntegerField(
        label=_("Pre-financing, %"), min_value=0, max_value=100, initial=default_prefinancing_percent
    )
    programme = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label=_("Programme of the activity"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the learning agreement: the days and what happens on them."),
    )
    learning_outcomes = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label=_("Expected learning outcomes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the learning agreement: what the participant will know and be able to do."),
    )
    participant_iban = forms.CharField(
        label=_("Participant's bank account (IBAN)"),
        required=False,
        max_length=42,
        help_text=_("For the grant agreement: the account the grant is paid to, e.g. LV80BANK0000435195001."),
    )
    participant_id_number = forms.CharField(
        label=_("Participant's personal code or staff ID"), required=False, max_length=30
    )
    sending_signatory_name = forms.CharField(label=_("Signs for the sending institution"), max_length=200)
    sending_signatory_role = forms.CharField(label=_("Their position"), max_length=200)
    receiving_signatory_name = forms.CharField(
        label=_("Signs for the host organisation"), required=False, max_length=200
    )
    receiving_signatory_role = forms.CharField(label=_("Their position at the host"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AgreementKind.GRANT:
            for name, message in (
                ("participant_iban", _("The grant agreement names the account the grant is paid to.")),
                ("participant_id_number", _("The grant agreement identifies the participant.")),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        return data


class SignedCopyForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Signed copy (PDF, up to %(mb)s MB)") % {"mb": uploads.max_megabytes()}
