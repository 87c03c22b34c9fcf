from django import forms
from django.utils.translation import gettext_lazy as _

from tilts.exports.models import ExportKind


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Export"), choices=ExportKind.choices)
    background = forms.TypedChoiceField(
        label=_("Prepare in the background"),
        choices=[("0", _("No")), ("1", _("Yes"))],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
    )
