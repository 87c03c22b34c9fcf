import datetime
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from tilts.accounts.models import User
from tilts.accounts.permissions import (
    access_join_application,
    access_organisation,
    current_user,
    organisations_visible_to,
)
from tilts.consortium import selectors, services
from tilts.consortium.forms import JoinApplicationForm
from tilts.consortium.models import Consortium, Goal, JoinApplication, Organisation
from tilts.core import keyset
from tilts.core.access import require
from tilts.core.api import ObjectId
from tilts.core.collation import latvian
from tilts.core.keyset import PageQuery
from tilts.core.limits import CODE_MAX, LONG_TEXT_MAX, Code, LongText, ShortText
from tilts.core.ratelimit import too_many

router = Router(tags=["consortium"])


class GoalOut(Schema):
    id: int
    number: int
    title_lv: str
    title_en: str
    description_lv: str
    description_en: str

    # modeltranslation stores a language left empty as NULL; the API always answers with text.
    @staticmethod
    def resolve_description_lv(obj: Goal) -> str:
        return obj.description_lv or ""  # type: ignore[attr-defined]  # modeltranslation's column

    @staticmethod
    def resolve_description_en(obj: Goal) -> str:
        return obj.description_en or ""  # type: ignore[attr-defined]  # modeltranslation's column


class ConsortiumOut(Schema):
    name_lv: str
    name_en: str
    accreditation_number: str
    accreditation_start: datetime.date
    accreditation_end: datetime.date | None
    national_agency: str
    country: str
    coordinator: str | None
    contact_email: str
    contact_phones: list[str]
    goals: list[GoalOut]


class MemberOut(Schema):
    id: int
    legal_name: str
    short_name: str
    type: str
    city: str
    country: str
    website: str


class OrganisationOut(MemberOut):
    registration_number: str
    oid: str
    address: str
    email: str
    phone: str


class OrganisationPatch(Schema):
    legal_name: ShortText | None = None
    short_name: ShortText | None = None
    oid: Code | None = None
    address: ShortText | None = None
    city: ShortText | None = None
    website: ShortText | None = None
    email: ShortText | None = None
    phone: Code | None = None


class JoinApplicationIn(Schema):
    legal_name: str = Field(min_length=1, max_length=300)
    type: Code
    registration_number: str = Field(max_length=30)
    oid: Code = ""
    address: str = Field(min_length=1, max_length=300)
    city: str = Field(min_length=1, max_length=100)
    country: Code = "LV"
    website: ShortText = ""
    goals: list[Annotated[int, Field(ge=1, le=32767)]] = Field(
        description="Numbers of the goals the institution shares (at least one).", max_length=50
    )
    motivation: str = Field(min_length=1, max_length=LONG_TEXT_MAX)
    planned_activities: str = Field(min_length=1, max_length=LONG_TEXT_MAX)
    contact_name: str = Field(min_length=1, max_length=200)
    contact_position: ShortText = ""
    contact_email: ShortText
    contact_phone: Code = ""
    consent: bool = Field(description="The applicant agrees to the privacy notice (required).")
    language: str = Field(
        "", max_length=CODE_MAX, description="lv or en: the language of the replies; the request's if empty."
    )


class JoinApplicationOut(Schema):
    id: int
    legal_name: str
    type: str
    registration_number: str
    city: str
    country: str
    status: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    rejection_reason: str
    goals: list[int]
    contact_name: str
    contact_email: str
    motivation: str
    planned_activities: str

    @staticmethod
    def resolve_goals(obj: JoinApplication) -> list[int]:
        return [goal.number for goal in obj.goals.all()]

    @staticmethod
    def resolve_country(obj: JoinApplication) -> str:
        return str(obj.country)


class RejectIn(Schema):
    reason: LongText


class Receipt(Schema):
    id: int
    status: str


def _consortium() -> Consortium:
    consortium = selectors.get_consortium()
    if consortium is None:
        raise Http404
    return consortium


@router.get("/consortium", response=ConsortiumOut, summary="The consortium, its contacts and goals")
def consortium_detail(request: HttpRequest) -> dict[str, object]:
    consortium = _consortium()
    return {
        "name_lv": consortium.name_lv,  # type: ignore[attr-defined]  # modeltranslation's column
        "name_en": consortium.name_en,  # type: ignore[attr-defined]  # modeltranslation's column
        "accreditation_number": consortium.accreditation_number,
        "accreditation_start": consortium.accreditation_start,
        "accreditation_end": consortium.accreditation_end,
        "national_agency": consortium.national_agency,
        "country": str(consortium.country),
        "coordinator": str(consortium.coordinator) if consortium.coordinator else None,
        "contact_email": consortium.contact_email,
        "contact_phones": consortium.phone_list,
        "goals": list(selectors.goals(consortium)),
    }


@router.get("/goals", response=list[GoalOut], summary="The consortium's development goals")
def goal_list(request: HttpRequest) -> object:
    return selectors.goals(_consortium())


@router.get("/members", response=list[MemberOut], summary="Current members (public)")
def member_list(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            **{f: getattr(o, f) for f in ("id", "legal_name", "short_name", "type", "city", "website")},
            "country": str(o.country),
        }
        for o in selectors.active_members(_consortium())
    ]


@router.get("/organisations", response=list[OrganisationOut], auth=django_auth, tags=["back office"])
def organisation_list(request: HttpRequest) -> list[dict[str, object]]:
    return [
        _organisation_out(o) for o in organisations_visible_to(current_user(request)).order_by(latvian("legal_name"))
    ]


def _organisation_out(o: Organisation) -> dict[str, object]:
    fields = ("id", "legal_name", "short_name", "type", "city", "website", "registration_number", "oid")
    return {
        **{f: getattr(o, f) for f in fields},
        "country": str(o.country),
        "address": o.address,
        "email": o.email,
        "phone": o.phone,
    }


@router.get("/organisations/{organisation_id}", response=OrganisationOut, auth=django_auth, tags=["back office"])
def organisation_detail(request: HttpRequest, organisation_id: ObjectId) -> dict[str, object]:
    return _organisation_out(access_organisation(current_user(request), organisation_id))


@router.patch("/organisations/{organisation_id}", response=OrganisationOut, auth=django_auth, tags=["back office"])
def organisation_update(
    request: HttpRequest, organisation_id: ObjectId, payload: OrganisationPatch
) -> dict[str, object]:
    user = current_user(request)
    organisation = access_organisation(user, organisation_id, for_write=True)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return _organisation_out(services.update_organisation(organisation, by=user, **changes))


class TooMany(Schema):
    detail: str


@router.post("/join-applications", response={201: Receipt, 429: TooMany}, summary="Apply to join the consortium")
def join_application_create(request: HttpRequest, payload: JoinApplicationIn) -> Status[dict[str, object]]:
    """The same checks as the public form: goals by number, registration number by country, consent.

    The form's limit applies too, counted together with it: a few applications an hour from one address.
    """
    consortium = _consortium()
    if too_many(request, "join", services.JOIN_ATTEMPTS_PER_HOUR):
        return Status(
            429, {"detail": _("Too many applications from your network in the last hour. Please try again later.")}
        )
    data = payload.dict()
    language = data.pop("language") or get_language() or "lv"
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            {"language": _("Choose one of: %(codes)s.") % {"codes": ", ".join(dict(settings.LANGUAGES))}}
        )
    goals = selectors.goals_by_number(consortium, data.pop("goals"))
    form = JoinApplicationForm(data={**data, "goals": [goal.pk for goal in goals]}, consortium=consortium)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    fields = {k: v for k, v in form.cleaned_data.items() if k not in {"goals", "consent", "nickname"}}
    application = services.submit_join_application(
        consortium, goals=form.cleaned_data["goals"], language=language, **fields
    )
    return Status(201, {"id": application.pk, "status": application.status})


def _reader(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.can_view_everything:
        raise PermissionDenied
    return user


@router.get("/join-applications", response=list[JoinApplicationOut], auth=django_auth, tags=["back office"])
def join_application_list(
    request: HttpRequest, response: HttpResponse, rows: Query[PageQuery], status: str = ""
) -> object:
    """Latest first, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    _reader(request)
    applications = selectors.applications(_consortium(), status=status)
    return keyset.page(request, response, applications, rows, ("-submitted_at", "-pk"))


@router.get("/join-applications/{application_id}", response=JoinApplicationOut, auth=django_auth, tags=["back office"])
def join_application_detail(request: HttpRequest, application_id: ObjectId) -> JoinApplication:
    return access_join_application(_reader(request), application_id)


@router.post("/join-applications/{application_id}/accept", response=Receipt, auth=django_auth, tags=["back office"])
def join_application_accept(request: HttpRequest, application_id: ObjectId) -> dict[str, object]:
    user = current_user(request)
    require(user.is_coordinator)
    application = access_join_application(user, application_id, for_write=True)
    services.accept_join_application(application, by=user)
    return {"id": application.pk, "status": "accepted"}


@router.post("/join-applications/{application_id}/reject", response=Receipt, auth=django_auth, tags=["back office"])
def join_application_reject(request: HttpRequest, application_id: ObjectId, payload: RejectIn) -> dict[str, object]:
    user = current_user(request)
    require(user.is_coordinator)
    application = access_join_application(user, application_id, for_write=True)
    services.reject_join_application(application, by=user, reason=payload.reason)
    return {"id": application.pk, "status": "rejected"}
