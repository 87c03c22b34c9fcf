"""People: the list of users one may see, invitations, role changes and one's own profile."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts import personal_data, services
from tilts.accounts.forms import InviteForm, PersonForm, ProfileForm
from tilts.accounts.models import AccessRecord, Role, User
from tilts.accounts.permissions import (
    access_person,
    can_edit_person,
    current_user,
    invitable_roles,
    people_visible_to,
    role_required,
)
from tilts.core import figures
from tilts.core.access import require
from tilts.core.collation import latvian
from tilts.core.feedback import show_on_form
from tilts.core.pagination import paginate


@role_required(Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)
@figures.kept_page
def person_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    people = people_visible_to(user).select_related("organisation")
    role = request.GET.get("role", "")
    if role in Role.values:
        people = people.filter(role=role)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation__legal_name__icontains=query)
        )
    people = people.order_by(latvian("last_name"), latvian("first_name"), "email")
    # The table is kept rendered until the next change to Tilts' data (tilts.core.figures), for this person and
    # language; the page's links keep the whole query string, so it is the key.
    table = figures.cached_html(
        request,
        "people:list",
        (figures.query_of(request),),
        lambda: render_to_string(
            "accounts/_person_table.html", {"page": paginate(request, people), "request": request}
        ),
    )
    return render(
        request,
        "accounts/person_list.html",
        {"table": table, "role": role, "q": query, "roles": Role.choices, "can_invite": bool(invitable_roles(user))},
    )


@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def person_invite(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = InviteForm(request.POST or None, inviter=user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invite_user(invited_by=user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": person.email})
            return redirect("people:detail", pk=person.pk)
    return render(request, "accounts/person_invite.html", {"form": form}, status=422 if form.errors else 200)


def _person_for(request: HttpRequest, pk: int, *, for_write: bool = False) -> User:
    return access_person(current_user(request), pk, for_write=for_write)


@role_required(Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "can_edit": can_edit_person(current_user(request), person) and person.pk != request.user.pk,
            "history": person.history.select_related("history_user")[:20],
        },
    )


@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = _person_for(request, pk, for_write=True)
    form = PersonForm(request.POST or None, instance=person, editor=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "accounts/person_form.html",
        {"form": form, "person": person},
        status=422 if form.errors else 200,
    )


@require_POST
@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def person_resend(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    require(can_edit_person(current_user(request), person))
    try:
        services.resend_invitation(person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation has been sent again to %(email)s.") % {"email": person.email})
    return redirect("people:detail", pk=person.pk)


@require_POST
@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, for_write=True)
    active = request.POST.get("active") == "1"
    services.set_active(person, active, by=current_user(request))
    messages.success(request, _("The account is active again.") if active else _("The account has been deactivated."))
    return redirect("people:detail", pk=person.pk)


@role_required()
def profile(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.update_person(user, by=user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("people:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=422 if form.errors else 200)


# Personal data (GDPR) ----------------------------------------------------------------------------------------------


def _zip_of(person: User) -> HttpResponse:
    response = HttpResponse(personal_data.data_download(person), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="tilts-personal-data-{person.pk}-{stamp}.zip"'
    return response


@role_required()
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything Tilts keeps about the person, with their files, as a zip (the right of access)."""
    return _zip_of(current_user(request))


@role_required(Role.COORDINATOR)
def person_data(request: HttpRequest, pk: int) -> HttpResponse:
    return _zip_of(_person_for(request, pk))


@require_POST
@role_required(Role.COORDINATOR)
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erasure by anonymisation; the coordinator confirms with a tick, and cannot erase themselves."""
    person = _person_for(request, pk, for_write=True)
    if request.POST.get("confirm") != "on":
        messages.error(request, _("Tick the box to confirm that this person's data should be erased."))
        return redirect("people:detail", pk=person.pk)
    personal_data.erase(person)
    messages.success(request, _("The person's identifying data has been erased; the mobility records stay."))
    return redirect("people:detail", pk=person.pk)


@role_required(Role.COORDINATOR, Role.AUDITOR)
def access_log(request: HttpRequest) -> HttpResponse:
    """Who viewed or exported personal data, newest first (kept ``ACCESS_LOG_DAYS``)."""
    records = AccessRecord.objects.select_related("user")
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/access_log.html", {"page": page})
