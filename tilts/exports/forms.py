from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tilts.consortium.models import Organisation
from tilts.exports.beneficiary_module import load_codes
from tilts.exports.models import MODULE_INPUTS, ExportKind, ModuleMobility


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Export"), choices=ExportKind.choices)
    background = forms.TypedChoiceField(
        label=_("Prepare in the background"),
        choices=[("0", _("No")), ("1", _("Yes"))],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,  # type: ignore[arg-type]  # a bool, which the stubs do not foresee
    )


class ModuleDetailsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The module's inputs of a mobility that the grant engine does not hold (docs/beneficiary-module.md)."""

    class Meta:
        model = ModuleMobility
        fields = list(MODULE_INPUTS)
        widgets = {
            "expensive_travel_justification": forms.Textarea(attrs={"rows": 3}),
            "inclusion_support_justification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "means_of_transport": _("The main means of transport decides green travel in the module."),
            "transport_description": _("Up to 300 characters, e.g. the route and the changes of train."),
            "expensive_travel_cost": _("Only when the travel is exceptionally expensive: the module pays 80 %."),
            "inclusion_support_justification": _("Seen only by the national agency."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "lv"
        transport = load_codes().transport
        self.fields["means_of_transport"] = forms.ChoiceField(
            label=self.fields["means_of_transport"].label,
            help_text=self.fields["means_of_transport"].help_text,
            required=False,
            choices=[("", "—"), *((key, t.label(language)) for key, t in transport.items())],
        )
        for name in ("expensive_travel_cost", "inclusion_support_amount"):
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True
            self.fields[name].min_value = Decimal("0")  # type: ignore[attr-defined]
            self.fields[name].validators.append(MinValueValidator(Decimal("0")))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("expensive_travel_cost") is not None
            and not (data.get("expensive_travel_justification") or "").strip()
        ):
            self.add_error("expensive_travel_justification", _("Explain why the travel is exceptionally expensive."))
        if (
            data.get("inclusion_support_amount") is not None
            and not (data.get("inclusion_support_justification") or "").strip()
        ):
            self.add_error("inclusion_support_justification", _("Justify the inclusion support."))
        return data


class AgreementMembersForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Member organisations the grant agreement names"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A member without an OID cannot be in the module: add its OID on the institution's page."),
    )

    def __init__(self, *args: Any, candidates: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in candidates])  # type: ignore[attr-defined]
        order = {organisation.pk: index for index, organisation in enumerate(candidates)}
        field.choices = [  # type: ignore[attr-defined]
            (o.pk, f"{o} ({o.oid})" if o.oid else f"{o} ({_('no OID')})")
            for o in sorted(candidates, key=lambda o: order[o.pk])
        ]


class ModuleImportForm(forms.Form):
    file = forms.FileField(
        label=_("The module's mobility export (CSV or XLSX)"),
        help_text=_("In the Beneficiary Module, export the project's mobilities and upload the file as it is."),
    )
