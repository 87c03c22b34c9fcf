from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tilts.accounts.models import LANGUAGE_CHOICES, User
from tilts.accounts.permissions import invitable_roles, organisations_visible_to
from tilts.core.collation import latvian

# What the Beneficiary Module asks about a participant: the person, their member contact or the coordinator fill it.
BM_FIELDS = ["date_of_birth", "gender", "nationality"]
BM_WIDGETS = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(queryset=None, label=_("Institution"), required=False)  # type: ignore[var-annotated]
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args: Any, inviter: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (role.value, role.label) for role in invitable_roles(inviter)
        ]
        organisations = organisations_visible_to(inviter).order_by(latvian("legal_name"))
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = organisations
        if not inviter.is_coordinator:
            self.fields["organisation"].required = True
            self.fields["organisation"].initial = inviter.organisation_id


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["first_name", "last_name", "role", "organisation", "position", "phone", "language", *BM_FIELDS]
        widgets = BM_WIDGETS

    def __init__(self, *args: Any, editor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (role.value, role.label) for role in invitable_roles(editor)
        ]
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = organisations_visible_to(
            editor
        ).order_by(latvian("legal_name"))
        if not editor.is_coordinator:
            self.fields["organisation"].required = True


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["first_name", "last_name", "position", "phone", "language", *BM_FIELDS]
        widgets = BM_WIDGETS
