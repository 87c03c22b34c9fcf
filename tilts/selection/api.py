"""Calls, applications, evaluation, decisions and agreements over JSON, with the web pages' rules and permissions."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, prefetch_related_objects
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, PatchDict, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth
from pydantic import StringConstraints

from tilts.accounts import wording
from tilts.accounts.models import Role, User
from tilts.accounts.permissions import current_user
from tilts.consortium.selectors import goals_by_number
from tilts.core import keyset
from tilts.core.access import require
from tilts.core.api import ObjectId
from tilts.core.keyset import PageQuery
from tilts.mobility.selectors import access_mobility
from tilts.projects.selectors import access_project
from tilts.selection import pdf, selectors, services
from tilts.selection.models import (
    Agreement,
    AgreementKind,
    Application,
    Assignment,
    Call,
    Criterion,
    DisseminationFormat,
    default_prefinancing_percent,
    default_report_days,
)

router = Router(tags=["selection"])


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: Decimal
    min_score: int
    max_score: int


class CallBase(Schema):
    id: int
    project_id: int
    title: str
    text: str
    eligibility: str
    opens_on: datetime.date
    closes_on: datetime.date
    places: int
    is_open: bool

    @staticmethod
    def resolve_is_open(obj: Call) -> bool:
        return obj.is_open()


class CallOut(CallBase):
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj: Call) -> list[Any]:
        return list(obj.criteria.all())


class CriterionManageOut(CriterionOut):
    """A criterion in each language, shaped as CriterionIn so it can be sent back unchanged."""

    name_lv: str
    name_en: str
    description_lv: str
    description_en: str

    @staticmethod
    def resolve_description_lv(obj: Criterion) -> str:
        return obj.description_lv or ""  # type: ignore[attr-defined]

    @staticmethod
    def resolve_description_en(obj: Criterion) -> str:
        return obj.description_en or ""  # type: ignore[attr-defined]


class CallManageOut(CallBase):
    """A call as the coordinator edits it: every language's text, publication, the committee and the criteria."""

    published: bool
    title_lv: str
    title_en: str
    text_lv: str
    text_en: str
    eligibility_lv: str
    eligibility_en: str
    evaluator_ids: list[int]
    criteria: list[CriterionManageOut]

    @staticmethod
    def resolve_text_en(obj: Call) -> str:
        return obj.text_en or ""  # type: ignore[attr-defined]

    @staticmethod
    def resolve_eligibility_en(obj: Call) -> str:
        return obj.eligibility_en or ""  # type: ignore[attr-defined]

    @staticmethod
    def resolve_evaluator_ids(obj: Call) -> list[int]:
        return sorted(user.pk for user in obj.evaluators.all())

    @staticmethod
    def resolve_criteria(obj: Call) -> list[Any]:
        return list(obj.criteria.all())


# Texts are stripped, as the web form does, so a blank one is refused as empty.
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]


class CriterionIn(Schema):
    name_lv: Name
    name_en: Name
    description_lv: LongText = ""
    description_en: LongText = ""
    weight: Annotated[Decimal, Field(max_digits=5, decimal_places=2)] = Field(
        description="A criterion's score counts this many times in the total; above zero."
    )
    min_score: Annotated[int, Field(ge=0, le=1000)] = 0
    max_score: Annotated[int, Field(ge=0, le=1000)] = Field(10, description="Above min_score.")


class CallIn(Schema):
    """A call in Latvian (required) and English (the title required); criteria in the order evaluators see them."""

    title_lv: Title
    title_en: Title
    text_lv: LongText
    text_en: LongText = ""
    eligibility_lv: LongText
    eligibility_en: LongText = ""
    opens_on: datetime.date
    closes_on: datetime.date
    places: Annotated[int, Field(ge=1, le=32767)]
    published: bool = False
    criteria: Annotated[list[CriterionIn], Field(max_length=50)]


class EvaluatorsIn(Schema):
    evaluator_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**63 - 1)]], Field(max_length=200)]


class PersonOut(Schema):
    id: int
    name: str
    email: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


class ApplicationIn(Schema):
    version: int = Field(ge=1, le=2**31, description="The version you read; a newer one on the server is a conflict.")
    position: str | None = Field(None, max_length=200)
    educational_role: str | None = Field(None, max_length=5000)
    development_programme: str | None = Field(None, max_length=200)
    activity_type: str | None = Field(None, max_length=40)
    receiving_name: str | None = Field(None, max_length=300)
    receiving_oid: str | None = Field(None, max_length=9, description="The host's OID (E and 8 digits), if known.")
    receiving_country: str | None = Field(None, max_length=2)
    venue: str | None = Field(None, max_length=40, description="Place id from /places.")
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    motivation: str | None = Field(None, max_length=10000)
    dissemination_format: DisseminationFormat | None = None
    dissemination_topic: str | None = Field(None, max_length=300)
    dissemination_audience: str | None = Field(None, max_length=300)
    dissemination_colleagues: int | None = Field(None, ge=1, le=100000)
    dissemination_institutions: str | None = Field(None, max_length=5000)
    dissemination_by: datetime.date | None = None
    goals: list[int] | None = Field(None, description="Goal numbers.", max_length=20)


class CheckOut(Schema):
    name: str
    passed: bool
    reason: str


class ApplicationOut(Schema):
    id: int
    call_id: int
    applicant_id: int
    organisation_id: int
    position: str
    educational_role: str
    development_programme: str
    activity_type: str
    receiving_name: str
    receiving_oid: str
    receiving_country: str
    venue: str
    start_date: datetime.date
    end_date: datetime.date
    goals: list[int]
    motivation: str
    dissemination_format: str
    dissemination_topic: str
    dissemination_audience: str
    dissemination_colleagues: int
    dissemination_institutions: str
    dissemination_by: datetime.date
    status: str
    submitted_at: datetime.datetime | None
    support: str
    support_comment: str
    eligibility: str
    eligibility_reason: str
    reserve_rank: int | None
    decision_reason: str
    mobility_id: int | None
    checks: list[CheckOut]
    version: int

    @staticmethod
    def resolve_goals(obj: Application) -> list[int]:
        return [goal.number for goal in obj.goals.all()]

    @staticmethod
    def resolve_receiving_country(obj: Application) -> str:
        return str(obj.receiving_country)

    @staticmethod
    def resolve_checks(obj: Application) -> list[Any]:
        return services.eligibility_checks(obj)

    @staticmethod
    def resolve_decision_reason(obj: Application) -> str:
        return obj.reason_shown


class SupportIn(Schema):
    confirmed: bool
    comment: str = Field("", max_length=2000)


class EligibilityIn(Schema):
    eligible: bool
    reason: str = Field("", max_length=2000)


class DecisionIn(Schema):
    decision: Literal["selected", "reserve", "rejected"]
    reason: str = Field("", max_length=2000)
    reserve_rank: int | None = Field(None, ge=1, le=999)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class ConflictIn(Schema):
    conflict: bool
    note: str = Field("", max_length=2000)


class ScoreIn(Schema):
    criterion_id: int = Field(ge=1, le=2**63 - 1)
    score: int | None = Field(None, ge=0, le=1000)
    comment: str = Field("", max_length=5000)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(max_length=100)
    complete: bool = Field(False, description="Submit the scores for the ranking (every criterion scored).")


class ScoreOut(Schema):
    criterion_id: int
    criterion: str
    score: int | None = Field(description="Empty until the evaluator scores this criterion.")
    comment: str


class EvaluationOut(Schema):
    """One evaluator's work on an application: the conflict declaration and a score per criterion of the call."""

    evaluator: PersonOut
    conflict: bool | None = Field(description="Empty until the evaluator declares whether they have a conflict.")
    conflict_note: str
    completed_at: datetime.datetime | None = Field(description="When the scores were submitted for the ranking.")
    scores: list[ScoreOut]

    @staticmethod
    def resolve_conflict_note(obj: Assignment) -> str:
        return obj.conflict_reason

    @staticmethod
    def resolve_scores(obj: Assignment) -> list[dict[str, Any]]:
        given = {score.criterion_id: score for score in obj.scores.all()}
        return [
            {
                "criterion_id": criterion.pk,
                "criterion": criterion.name,
                "score": given[criterion.pk].score if criterion.pk in given else None,
                "comment": given[criterion.pk].comment if criterion.pk in given else "",
            }
            for criterion in obj.application.call.criteria.all()
        ]


class RankedOut(Schema):
    position: int | None
    application_id: int
    applicant: str
    score: Decimal | None
    percent: Decimal | None
    evaluations: int
    spread: Decimal | None
    spread_flagged: bool
    tied_with_previous: bool
    status: str


class AgreementIn(Schema):
    kind: AgreementKind
    language: str = Field("lv", max_length=2, pattern="^(lv|en)$")
    report_days: int = Field(
        default_factory=default_report_days, ge=1, le=365, description="REPORT_DUE_DAYS if not given."
    )
    prefinancing_percent: int = Field(
        default_factory=default_prefinancing_percent,
        ge=0,
        le=100,
        description="AGREEMENT_PREFINANCING_PERCENT if not given.",
    )
    programme: str = Field("", max_length=10000)
    learning_outcomes: str = Field("", max_length=10000)
    participant_iban: str = Field("", max_length=42, description="Checked (country, length, mod-97); spaces allowed.")
    participant_id_number: str = Field("", max_length=30)
    sending_signatory_name: str = Field("", max_length=200)
    sending_signatory_role: str = Field("", max_length=200)
    receiving_signatory_name: str = Field("", max_length=200)
    receiving_signatory_role: str = Field("", max_length=200)


class AgreementOut(Schema):
    id: int
    mobility_id: int
    kind: str
    number: int
    language: str
    status: str
    issued_at: datetime.datetime
    report_days: int
    prefinancing_percent: int
    participant_iban: str
    participant_id_number: str
    sending_signatory_name: str
    sending_signatory_role: str
    receiving_signatory_name: str
    receiving_signatory_role: str
    signed_uploaded_at: datetime.datetime | None
    status_label: str
    signed_url: str | None = Field(description="The signed copy on the web site, when one has been uploaded.")

    @staticmethod
    def resolve_status_label(obj: Agreement) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_signed_url(obj: Agreement) -> str | None:
        return reverse("selection:agreement_signed", args=[obj.pk]) if obj.signed_file else None


def _application(request: HttpRequest, application_id: int, *, for_write: bool = False) -> Application:
    return selectors.access_application(current_user(request), application_id, for_write=for_write)


def _coordinator(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_coordinator:
        raise PermissionDenied
    return user


def _overseer(request: HttpRequest) -> User:
    """Coordinators and auditors, who see every call (the management pages' rule)."""
    user = current_user(request)
    if not user.can_view_everything:
        raise PermissionDenied
    return user


def _changes(payload: dict[str, Any]) -> dict[str, Any]:
    """The fields a PATCH sent; ``null`` is refused rather than taken as a value."""
    nulls = [name for name, value in payload.items() if value is None]
    if nulls:
        raise ValidationError({name: _("Leave the field out instead of sending null.") for name in nulls})
    return payload


def _managed_calls() -> QuerySet[Call]:
    """Calls with what the management schema reads, fetched in a fixed number of queries."""
    return Call.objects.select_related("project").prefetch_related("criteria", "evaluators")


def _criteria(items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Each criterion whole, defaults included (a PATCH body's criteria carry only the keys sent)."""
    return None if items is None else [CriterionIn.model_validate(item).model_dump() for item in items]


def _evaluators(ids: list[int]) -> list[User]:
    """The people chosen, each of whom the web form offers; anyone else is refused by name (or id)."""
    chosen = list(selectors.evaluator_candidates().filter(pk__in=ids))
    missing = sorted(set(ids) - {user.pk for user in chosen})
    if missing:
        people = {user.pk: user for user in User.objects.filter(pk__in=missing)}
        raise ValidationError(
            {"evaluator_ids": [wording.about(people.get(pk, pk), wording.NOT_AN_EVALUATOR) for pk in missing]}
        )
    return chosen


def _agreement(request: HttpRequest, agreement_id: int, *, for_write: bool = False) -> Agreement:
    return selectors.access_agreement(current_user(request), agreement_id, for_write=for_write)


def _agreement_to_sign(request: HttpRequest, agreement_id: int) -> Agreement:
    """The web upload's rule: coordinators and member contacts (else 403), of the sending institution (else 403
    for an agreement they see, 404 for one they do not)."""
    user = current_user(request)
    if not (user.is_coordinator or user.is_member_contact):
        raise PermissionDenied
    return _agreement(request, agreement_id, for_write=True)


@router.get("/calls", response=list[CallOut], summary="Open calls for participants (public)")
def call_list(request: HttpRequest, response: HttpResponse, rows: Query[PageQuery]) -> Any:
    """Soonest closing first, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    calls = selectors.public_calls().prefetch_related("criteria")
    return keyset.page(request, response, calls, rows, ("closes_on", "pk"))


@router.get("/calls/{call_id}", response=CallOut, summary="A published call (public)")
def call_detail(request: HttpRequest, call_id: ObjectId) -> Call:
    user = request.user
    calls = selectors.calls_for(user) if isinstance(user, User) else Call.objects.filter(published=True)
    return get_object_or_404(calls, pk=call_id)


@router.get("/calls/{call_id}/ranking", response=list[RankedOut], auth=django_auth, summary="Ranking of a call")
def call_ranking(request: HttpRequest, call_id: ObjectId) -> list[dict[str, Any]]:
    user = current_user(request)
    if not user.can_view_everything:
        raise PermissionDenied
    call = selectors.access_call(user, call_id)
    return [
        {
            "position": row.position,
            "application_id": row.application.pk,
            "applicant": str(row.application.applicant),
            "score": row.score,
            "percent": row.percent,
            "evaluations": len(row.evaluations),
            "spread": row.spread,
            "spread_flagged": row.spread_flagged,
            "tied_with_previous": row.tied_with_previous,
            "status": row.application.status,
        }
        for row in selectors.ranking(call)
    ]


@router.get(
    "/projects/{project_id}/calls",
    response=list[CallManageOut],
    auth=django_auth,
    summary="Every call of a project, published or not (coordinator, auditors)",
)
def project_calls(request: HttpRequest, response: HttpResponse, project_id: ObjectId, rows: Query[PageQuery]) -> Any:
    """By opening day, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    project = access_project(_overseer(request), project_id)
    return keyset.page(request, response, _managed_calls().filter(project=project), rows, ("opens_on", "pk"))


@router.post("/projects/{project_id}/calls", response={201: CallManageOut}, auth=django_auth)
def call_create(request: HttpRequest, project_id: ObjectId, payload: CallIn) -> Status[Call]:
    """Create a call with its criteria (coordinator); nothing is saved if any part is refused."""
    project = access_project(_coordinator(request), project_id, for_write=True)
    fields = payload.dict()
    criteria = fields.pop("criteria")
    call = services.save_call(Call(project=project, **fields), criteria=criteria)
    return Status(201, _managed_calls().get(pk=call.pk))


@router.patch("/calls/{call_id}", response=CallManageOut, auth=django_auth)
def call_update(request: HttpRequest, call_id: ObjectId, payload: PatchDict[CallIn]) -> Call:
    """Change the fields sent (coordinator). Criteria sent replace the call's criteria, which is refused once
    evaluators have started scoring unless they are sent unchanged."""
    call = selectors.access_call(_coordinator(request), call_id, for_write=True)
    changes = _changes(dict(payload))
    criteria = _criteria(changes.pop("criteria", None))
    for name, value in changes.items():
        setattr(call, name, value)
    services.save_call(call, criteria=criteria)
    return _managed_calls().get(pk=call.pk)


@router.get("/calls/{call_id}/evaluators", response=list[PersonOut], auth=django_auth, summary="A call's evaluators")
def call_evaluators(request: HttpRequest, response: HttpResponse, call_id: ObjectId, rows: Query[PageQuery]) -> Any:
    """``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    call = selectors.access_call(_overseer(request), call_id)
    return keyset.page(request, response, call.evaluators.all(), rows, ("pk",))


@router.put("/calls/{call_id}/evaluators", response=list[PersonOut], auth=django_auth)
def call_set_evaluators(request: HttpRequest, call_id: ObjectId, payload: EvaluatorsIn) -> Any:
    """Set a call's selection committee (coordinator): users with the evaluator or coordinator role.

    Evaluators who have already scored cannot be removed."""
    coordinator = _coordinator(request)
    call = selectors.access_call(coordinator, call_id, for_write=True)
    evaluators = _evaluators(payload.evaluator_ids)
    try:
        services.set_evaluators(call, evaluators, by=coordinator)
    except ValidationError as error:
        raise ValidationError({"evaluator_ids": error.messages}) from error
    return call.evaluators.order_by("pk")


@router.post("/calls/{call_id}/promote-reserve", response=ApplicationOut, auth=django_auth)
def call_promote(request: HttpRequest, call_id: ObjectId) -> Application:
    """Give a free place to the first on the reserve list (coordinator)."""
    user = _coordinator(request)
    return services.promote_first_reserve(selectors.access_call(user, call_id, for_write=True), by=user)


@router.get("/applications", response=list[ApplicationOut], auth=django_auth, summary="Applications you may see")
def application_list(
    request: HttpRequest, response: HttpResponse, rows: Query[PageQuery], call: int | None = None
) -> Any:
    """By call, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    applications = selectors.applications_for(current_user(request)).prefetch_related("goals")
    if call is not None:
        applications = applications.filter(call_id=call)
    return keyset.page(request, response, applications, rows, ("call_id", "pk"))


@router.post("/calls/{call_id}/applications", response={201: ApplicationOut, 200: ApplicationOut}, auth=django_auth)
def application_start(request: HttpRequest, call_id: ObjectId) -> Status[Application]:
    """Start (or resume) your own draft application to an open call."""
    user = current_user(request)
    call = selectors.access_call(user, call_id)
    existing = Application.objects.filter(call=call, applicant=user).exists()
    return Status(200 if existing else 201, services.start_application(call, user))


@router.get("/applications/{application_id}", response=ApplicationOut, auth=django_auth)
def application_detail(request: HttpRequest, application_id: ObjectId) -> Application:
    return _application(request, application_id)


@router.patch("/applications/{application_id}", response=ApplicationOut, auth=django_auth)
def application_update(request: HttpRequest, application_id: ObjectId, payload: ApplicationIn) -> Application:
    """Save your draft (only the fields sent; ``null`` is not accepted as a value)."""
    application = _application(request, application_id, for_write=True)
    changes = _changes(payload.dict(exclude_unset=True))
    version = changes.pop("version")
    goals = None
    if "goals" in changes:
        goals = goals_by_number(application.call.project.consortium, changes.pop("goals"))
    return services.save_draft(application, version=version, goals=goals, **changes)


@router.post("/applications/{application_id}/submit", response=ApplicationOut, auth=django_auth)
def application_submit(request: HttpRequest, application_id: ObjectId) -> Application:
    application = _application(request, application_id, for_write=True)
    return services.submit(application, by=current_user(request))


@router.post("/applications/{application_id}/withdraw", response=ApplicationOut, auth=django_auth)
def application_withdraw(request: HttpRequest, application_id: ObjectId, payload: ReasonIn) -> Application:
    user = current_user(request)
    application = _application(request, application_id)
    require(application.applicant_id == user.pk or user.is_coordinator)
    return services.withdraw(application, by=user, reason=payload.reason)


@router.post("/applications/{application_id}/support", response=ApplicationOut, auth=django_auth)
def application_support(request: HttpRequest, application_id: ObjectId, payload: SupportIn) -> Application:
    """The member contact confirms employment and support (or declines with a comment)."""
    user = current_user(request)
    application = _application(request, application_id)
    require(selectors.can_support(user, application))
    return services.set_support(application, by=user, confirmed=payload.confirmed, comment=payload.comment)


@router.post("/applications/{application_id}/eligibility", response=ApplicationOut, auth=django_auth)
def application_eligibility(request: HttpRequest, application_id: ObjectId, payload: EligibilityIn) -> Application:
    user = _coordinator(request)
    return services.decide_eligibility(
        _application(request, application_id), by=user, eligible=payload.eligible, reason=payload.reason
    )


@router.post("/applications/{application_id}/decision", response=ApplicationOut, auth=django_auth)
def application_decision(request: HttpRequest, application_id: ObjectId, payload: DecisionIn) -> Application:
    user = _coordinator(request)
    return services.decide(
        _application(request, application_id),
        by=user,
        decision=payload.decision,
        reason=payload.reason,
        reserve_rank=payload.reserve_rank,
    )


@router.post("/applications/{application_id}/conflict", response={204: None}, auth=django_auth)
def application_conflict(request: HttpRequest, application_id: ObjectId, payload: ConflictIn) -> Status[None]:
    """An assigned evaluator declares whether they have a conflict of interest."""
    assignment = selectors.assignment_for(current_user(request), _application(request, application_id))
    if assignment is None:
        raise PermissionDenied
    services.declare_conflict(assignment, conflict=payload.conflict, note=payload.note)
    return Status(204, None)


@router.put("/applications/{application_id}/scores", response={204: None}, auth=django_auth)
def application_scores(request: HttpRequest, application_id: ObjectId, payload: ScoresIn) -> Status[None]:
    assignment = selectors.assignment_for(current_user(request), _application(request, application_id))
    if assignment is None:
        raise PermissionDenied
    scores = {item.criterion_id: (item.score, item.comment) for item in payload.scores}
    services.save_scores(assignment, scores, complete=payload.complete)
    return Status(204, None)


@router.get("/applications/{application_id}/evaluation", response=list[EvaluationOut], auth=django_auth)
def application_evaluation(request: HttpRequest, application_id: ObjectId) -> list[Assignment]:
    """The assigned evaluator's own evaluation; coordinators and auditors read every evaluation of the application."""
    user = current_user(request)
    application = _application(request, application_id)
    prefetch_related_objects([application.call], "criteria")
    evaluations = list(selectors.evaluations_for(user, application))
    if not evaluations and not user.can_view_everything:
        raise PermissionDenied
    return evaluations


@router.get("/mobilities/{mobility_id}/agreements", response=list[AgreementOut], auth=django_auth)
def agreement_list(request: HttpRequest, mobility_id: ObjectId) -> Any:
    return access_mobility(current_user(request), mobility_id).agreements.all()


@router.post("/mobilities/{mobility_id}/agreements", response={201: AgreementOut}, auth=django_auth)
def agreement_issue(request: HttpRequest, mobility_id: ObjectId, payload: AgreementIn) -> Status[Agreement]:
    """Issue a new version of the grant agreement or the mobility and learning agreement."""
    user = current_user(request)
    mobility = access_mobility(user, mobility_id)
    require(
        user.role in (Role.COORDINATOR, Role.MEMBER_CONTACT)
        and selectors.can_issue_agreements(user, mobility.sending_organisation_id)
    )
    return Status(201, services.issue_agreement(mobility, by=user, **payload.dict()))


@router.get("/agreements/{agreement_id}/pdf", auth=django_auth, summary="The agreement as PDF")
def agreement_pdf(request: HttpRequest, agreement_id: ObjectId) -> HttpResponse:
    return pdf.document_response(_agreement(request, agreement_id))


@router.post("/agreements/{agreement_id}/signed", response=AgreementOut, auth=django_auth)
def agreement_upload_signed(request: HttpRequest, agreement_id: ObjectId, file: File[UploadedFile]) -> Agreement:
    """Upload the signed copy of the current version (multipart field ``file``: a PDF up to ``UPLOAD_MAX_BYTES``).

    Coordinators and the contacts of the sending institution, as on the agreements page."""
    agreement = _agreement_to_sign(request, agreement_id)
    return services.upload_signed(agreement, file, by=current_user(request))


@router.get("/agreements/{agreement_id}/signed", auth=django_auth, summary="The signed copy (PDF)")
def agreement_signed(request: HttpRequest, agreement_id: ObjectId) -> FileResponse:
    return pdf.signed_response(_agreement(request, agreement_id))
