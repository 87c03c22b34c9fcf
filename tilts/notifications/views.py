"""The person's choice of e-mails (linked from their profile)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tilts.accounts.permissions import current_user, role_required
from tilts.notifications import services
from tilts.notifications.models import EmailKind


class PreferencesForm(forms.Form):
    receive = forms.MultipleChoiceField(
        label=gettext_lazy("E-mails I receive"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, kinds: list[EmailKind], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.kinds = kinds
        self.fields["receive"].choices = [(kind.value, kind.label) for kind in kinds]  # type: ignore[attr-defined]


@role_required()
def preferences(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    kinds = services.offered_to(user)
    muted = services.muted(user)
    form = PreferencesForm(
        request.POST or None, kinds=kinds, initial={"receive": [k.value for k in kinds if k.value not in muted]}
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["receive"])
        # Kinds not offered to this role stay as they were.
        services.set_muted(user, (muted - {k.value for k in kinds}) | {k.value for k in kinds if k.value not in chosen})
        messages.success(request, _("Your choice of e-mails has been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
