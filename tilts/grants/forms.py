from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tilts.core.limits import SHORT_TEXT_MAX
from tilts.grants import rules
from tilts.grants.models import CustomPlace, RateTable
from tilts.grants.services import activity_type_choices

PARTICIPANT_KINDS = [
    ("staff", _("Staff member")),
    ("learner", _("Adult learner")),
    ("accompanying", _("Accompanying person")),
]


class QuoteForm(forms.Form):
    """The public grant calculator. Places are chosen from search results; the EC figure may replace the distance."""

    call_year = forms.TypedChoiceField(label=_("Call year"), coerce=int)
    activity_type = forms.ChoiceField(label=_("Activity type"))
    participant_kind = forms.ChoiceField(label=_("Participant"), choices=PARTICIPANT_KINDS, initial="staff")
    origin = forms.CharField(max_length=SHORT_TEXT_MAX, label=_("From"), required=False, widget=forms.HiddenInput)
    destination = forms.CharField(max_length=SHORT_TEXT_MAX, label=_("To"), required=False, widget=forms.HiddenInput)
    ec_distance_km = forms.IntegerField(
        label=_("Distance from the EC distance calculator (km, one way)"),
        required=False,
        min_value=0,
        max_value=40000,
        help_text=_("Leave empty to use the distance Tilts computes between the places."),
    )
    activity_days = forms.IntegerField(
        label=_("Activity days"), min_value=1, max_value=400, initial=5, help_text=_("Without travel days.")
    )
    travel_days = forms.IntegerField(label=_("Travel days"), min_value=0, max_value=30, initial=2)
    green_travel = forms.BooleanField(
        label=_("Green travel (train, bus, car-pooling for the main part of the trip)"), required=False
    )
    course_days = forms.IntegerField(
        label=_("Course days (for courses with a fee)"), min_value=0, max_value=400, required=False
    )
    fewer_opportunities = forms.BooleanField(label=_("Participant with fewer opportunities"), required=False)
    zero_grant = forms.BooleanField(label=_("Zero-grant participant"), required=False)
    daily_rate_override = forms.DecimalField(
        label=_("Daily rate from the grant agreement (EUR)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        help_text=_("Only where the table has none: adult learners from 2024, countries outside the groups."),
    )

    rate_table = forms.ModelChoiceField(
        queryset=RateTable.objects.none(),
        required=False,
        label=_("Rate table"),
        empty_label=_("The call year's defaults"),
        help_text=_("A project's own table, corrected from its grant agreement."),
    )

    def __init__(self, *args: Any, can_use_rate_tables: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_use_rate_tables:
            cast("forms.ModelChoiceField[Any]", self.fields["rate_table"]).queryset = RateTable.objects.all()
        else:
            del self.fields["rate_table"]
        years = rules.available_call_years()
        cast(forms.ChoiceField, self.fields["call_year"]).choices = [(year, str(year)) for year in reversed(years)]
        year = self._chosen_year(years)
        cast(forms.ChoiceField, self.fields["activity_type"]).choices = activity_type_choices(
            rules.load_call_year(year)
        )

    def _chosen_year(self, years: list[int]) -> int:
        raw = self.data.get("call_year") if self.is_bound else self.initial.get("call_year")
        try:
            year = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return years[-1]
        return year if year in years else years[-1]

    def to_request(self) -> rules.QuoteRequest:
        """What the engine prices; the places and a project's rate table go to ``services.price`` beside it."""
        data = self.cleaned_data
        return rules.QuoteRequest(
            activity_type=data["activity_type"],
            destination_country="",
            call_year=data["call_year"],
            participant_kind=data["participant_kind"],
            distance_km=data["ec_distance_km"],
            activity_days=data["activity_days"],
            travel_days=data["travel_days"],
            green_travel=data["green_travel"],
            course_days=data["course_days"] or 0,
            fewer_opportunities=data["fewer_opportunities"],
            zero_grant=data["zero_grant"],
            daily_rate_override=data["daily_rate_override"],
        )


class RateTableCreateForm(forms.ModelForm):  # type: ignore[type-arg]
    call_year = forms.TypedChoiceField(label=_("Call year"), coerce=int)

    class Meta:
        model = RateTable
        fields = ["name", "call_year", "notes"]
        help_texts = {"name": _("E.g. the project's grant agreement number.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["call_year"]).choices = [
            (y, str(y)) for y in reversed(rules.available_call_years())
        ]


class RateEntryForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), min_value=Decimal("0"), max_digits=10, decimal_places=2)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(rules.Status.CONFIRMED.value, _("Confirmed")), (rules.Status.TO_CONFIRM.value, _("To confirm"))],
    )
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("Where the value comes from, e.g. the grant agreement's annex.")
    )


class CustomPlaceForm(forms.ModelForm):  # type: ignore[type-arg]
    country = CountryField().formfield(label=_("Country"))

    class Meta:
        model = CustomPlace
        fields = ["name", "country", "latitude", "longitude"]
        help_texts = {
            "latitude": _("Decimal degrees, north positive, e.g. 56.94600."),
            "longitude": _("Decimal degrees, east positive, e.g. 24.10589."),
        }


class CountryGroupForm(forms.Form):
    """A project's own group for one country, as printed in its grant agreement."""

    group = forms.TypedChoiceField(label=_("Country group"), coerce=int)
    status = RateEntryForm.base_fields["status"]
    source = RateEntryForm.base_fields["source"]

    def __init__(self, *args: Any, groups: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group"]).choices = [
            (group, _("Group %(group)s") % {"group": group}) for group in groups
        ]


class RateChangesForm(forms.Form):
    """Which two call years' defaults to compare."""

    before = forms.TypedChoiceField(label=_("From call year"), coerce=int)
    after = forms.TypedChoiceField(label=_("To call year"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = [(y, str(y)) for y in rules.available_call_years()]
        cast(forms.ChoiceField, self.fields["before"]).choices = years
        cast(forms.ChoiceField, self.fields["after"]).choices = years
