from django import forms
from django.template.loader import render_to_string


class ChoiceForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=[("yes", "Select"), ("no", "Reject")], widget=forms.RadioSelect
    )


def test_a_radio_group_is_a_fieldset_named_by_its_question() -> None:
    """Screen readers announce "Decision" with each option, not only "Select" / "Reject"."""
    html = render_to_string("includes/form_fields.html", {"form": ChoiceForm({})})
    assert "<legend>Decision" in html
    assert '<label for="">' not in html
    assert html.count('type="radio"') == 2
