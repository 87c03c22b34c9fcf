"""The quality standards over JSON: the items, the measures, reviews, answers, evidence and participant support
checklists, with the same rules and permissions as the pages (other institutions' answers answer 404).

Documents are uploaded as multipart form data to ``/quality/answers/{id}/evidence/file``; every piece of
evidence carries the address where it opens (``url``), which checks who may see it.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tilts.accounts.models import User
from tilts.accounts.permissions import current_user
from tilts.consortium.models import Consortium, Organisation
from tilts.consortium.selectors import get_consortium
from tilts.core.api import CallYear, ObjectId
from tilts.core.limits import CODE_MAX, SHORT_TEXT_MAX
from tilts.followup.selectors import Scope
from tilts.projects.models import Project
from tilts.quality import plan, selectors, services
from tilts.quality.models import Answer, AnswerEvidence, Objective, Review, StandardItem, SupportChecklist

router = Router(tags=["quality"])


def _consortium() -> Consortium:
    consortium = get_consortium()
    if consortium is None:
        raise Http404
    return consortium


def _reader(request: HttpRequest) -> User:
    """The coordinator, auditors and member contacts read the standards; others are refused."""
    user = current_user(request)
    if not (user.can_view_everything or (user.is_member_contact and user.organisation_id)):
        raise PermissionDenied
    return user


class ItemOut(Schema):
    id: int
    code: str
    area: int
    title_lv: str
    title_en: str
    measures: list[str]
    guide_year: int | None
    data_version: str
    custom: bool


class ItemIn(Schema):
    code: str = Field(max_length=10)
    area: int = Field(ge=1, le=4)
    title_lv: str = Field(min_length=1, max_length=2000)
    title_en: str = Field(min_length=1, max_length=2000)


class MeasureOut(Schema):
    code: str
    label: str
    count: int
    of: int | None = Field(description="What the count is a share of; null for a plain count.")
    percent: int | None

    @staticmethod
    def resolve_label(obj: selectors.Measure) -> str:
        return str(obj.label)


class ReviewOut(Schema):
    id: int
    title: str
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date
    status: str
    closed_at: datetime.datetime | None


class ReviewIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date


class AnswerEvidenceOut(Schema):
    id: int
    kind: str
    label: str
    object_id: int | None
    url: str

    @staticmethod
    def resolve_url(obj: AnswerEvidence) -> str:
        return services.linked_url(obj)


class AnswerOut(Schema):
    id: int
    review_id: int
    organisation_id: int
    item_code: str
    status: str
    owner: str
    notes: str
    due_date: datetime.date | None
    evidence: list[AnswerEvidenceOut]

    @staticmethod
    def resolve_item_code(obj: Answer) -> str:
        return obj.item.code

    @staticmethod
    def resolve_evidence(obj: Answer) -> list[AnswerEvidence]:
        return list(obj.evidence.all())


class AnswerIn(Schema):
    status: str = Field(description="met, partly, not_yet, na, or empty for not answered.", max_length=10)
    owner: str = Field("", max_length=200)
    notes: str = Field("", max_length=10000)
    due_date: datetime.date | None = None


class EvidenceIn(Schema):
    kind: str = Field(description="call, agreement, report, followup or link.", max_length=12)
    object_id: int | None = Field(None, ge=1, le=2**63 - 1, description="The linked record's id.")
    url: str = Field("", max_length=200)
    label: str = Field("", max_length=300)


class ChecklistOut(Schema):
    mobility_id: int
    insurance: bool = False
    travel_accommodation: bool = False
    preparation: bool = False
    mentor_name: str = ""
    emergency_contact: str = ""
    recognition: bool = False


class ChecklistIn(Schema):
    insurance: bool = False
    travel_accommodation: bool = False
    preparation: bool = False
    mentor_name: str = Field("", max_length=200)
    emergency_contact: str = Field("", max_length=200)
    recognition: bool = False


@router.get("/quality/standards", response=list[ItemOut], auth=django_auth, summary="The quality standards' items")
def standard_list(request: HttpRequest) -> Any:
    _reader(request)
    return selectors.active_items()


@router.post("/quality/standards", response={201: ItemOut}, auth=django_auth, summary="Add the consortium's item")
def standard_create(request: HttpRequest, payload: ItemIn) -> Status[StandardItem]:
    return Status(201, services.add_item(by=current_user(request), **payload.dict()))


@router.get(
    "/quality/measures",
    response=list[MeasureOut],
    auth=django_auth,
    summary="The measures Tilts computes: the consortium's, or one member's (a member contact: always their own)",
)
def measure_list(request: HttpRequest, organisation: int | None = None) -> Any:
    user = _reader(request)
    consortium = _consortium()
    chosen: Organisation | None = None
    if not user.can_view_everything:
        chosen = user.organisation
    elif organisation is not None:
        chosen = get_object_or_404(Organisation, pk=organisation)
    return list(selectors.measures(Scope(consortium, None, chosen)).values())


@router.get("/quality/reviews", response=list[ReviewOut], auth=django_auth, summary="Quality reviews")
@paginate(PageNumberPagination, page_size=50)
def review_list(request: HttpRequest) -> Any:
    return selectors.reviews_for(_reader(request)).order_by("-period_start", "-pk")


@router.post("/quality/reviews", response={201: ReviewOut}, auth=django_auth, summary="Open a review")
def review_create(request: HttpRequest, payload: ReviewIn) -> Status[Review]:
    return Status(201, services.open_review(_consortium(), by=current_user(request), **payload.dict()))


@router.get("/quality/reviews/{review_id}", response=ReviewOut, auth=django_auth)
def review_detail(request: HttpRequest, review_id: ObjectId) -> Review:
    return selectors.access_review(current_user(request), review_id)


@router.post("/quality/reviews/{review_id}/close", response=ReviewOut, auth=django_auth, summary="Close a review")
def review_close(request: HttpRequest, review_id: ObjectId) -> Review:
    user = current_user(request)
    review = selectors.access_review(user, review_id, for_write=True)
    return services.close_review(review, by=user)


@router.get(
    "/quality/reviews/{review_id}/answers",
    response=list[AnswerOut],
    auth=django_auth,
    summary="A review's answers (a member contact's: their institution's)",
)
@paginate(PageNumberPagination, page_size=100)
def answer_list(request: HttpRequest, review_id: ObjectId, organisation: int | None = None) -> Any:
    user = current_user(request)
    review = selectors.access_review(user, review_id)
    answers = selectors.answers_for(user).filter(review=review).prefetch_related("evidence")
    if organisation is not None:
        answers = answers.filter(organisation_id=organisation)
    return answers.order_by("organisation_id", "item__area", "item__custom", "item__code")


def _answer(user: User, answer_id: int) -> Answer:
    return selectors.access_answer(user, answer_id)


@router.get("/quality/answers/{answer_id}", response=AnswerOut, auth=django_auth)
def answer_detail(request: HttpRequest, answer_id: ObjectId) -> Answer:
    return _answer(current_user(request), answer_id)


@router.put("/quality/answers/{answer_id}", response=AnswerOut, auth=django_auth, summary="Answer on an item")
def answer_save(request: HttpRequest, answer_id: ObjectId, payload: AnswerIn) -> Answer:
    user = current_user(request)
    return services.save_answer(_answer(user, answer_id), by=user, **payload.dict())


@router.post(
    "/quality/answers/{answer_id}/evidence",
    response={201: AnswerEvidenceOut},
    auth=django_auth,
    summary="Link a record in Tilts or a web page as evidence",
)
def evidence_create(request: HttpRequest, answer_id: ObjectId, payload: EvidenceIn) -> Status[AnswerEvidence]:
    user = current_user(request)
    return Status(201, services.add_evidence(_answer(user, answer_id), by=user, **payload.dict()))


@router.post(
    "/quality/answers/{answer_id}/evidence/file",
    response={201: AnswerEvidenceOut},
    auth=django_auth,
    summary="Upload a document (PDF, PNG or JPEG) as evidence",
)
def evidence_upload(
    request: HttpRequest,
    answer_id: ObjectId,
    file: File[UploadedFile],
    label: Annotated[str, Form(max_length=SHORT_TEXT_MAX)] = "",
) -> Status[AnswerEvidence]:
    user = current_user(request)
    evidence = services.add_evidence(_answer(user, answer_id), by=user, kind="file", label=label[:300], upload=file)
    return Status(201, evidence)


@router.delete("/quality/evidence/{evidence_id}", response={204: None}, auth=django_auth)
def evidence_delete(request: HttpRequest, evidence_id: ObjectId) -> Status[None]:
    user = current_user(request)
    services.delete_evidence(selectors.access_answer_evidence(user, evidence_id), by=user)
    return Status(204, None)


def _checklist_out(mobility_id: int) -> ChecklistOut:
    checklist = SupportChecklist.objects.filter(mobility_id=mobility_id).first()
    if checklist is None:
        return ChecklistOut(mobility_id=mobility_id)
    return ChecklistOut(
        mobility_id=mobility_id, **{name: getattr(checklist, name) for name in services.CHECKLIST_FIELDS}
    )


@router.get("/quality/mobilities/{mobility_id}/support", response=ChecklistOut, auth=django_auth)
def checklist_detail(request: HttpRequest, mobility_id: ObjectId) -> ChecklistOut:
    mobility = selectors.access_checklist(current_user(request), mobility_id)
    return _checklist_out(mobility.pk)


@router.put(
    "/quality/mobilities/{mobility_id}/support",
    response=ChecklistOut,
    auth=django_auth,
    summary="Record a mobility's participant support checklist",
)
def checklist_save(request: HttpRequest, mobility_id: ObjectId, payload: ChecklistIn) -> ChecklistOut:
    user = current_user(request)
    mobility = selectors.access_checklist(user, mobility_id)
    services.save_checklist(mobility, by=user, **payload.dict())
    return _checklist_out(mobility.pk)


# The Erasmus Plan and targets ------------------------------------------------------------------------------------


class ObjectiveYearOut(Schema):
    year: int
    target: Decimal | None
    value: Decimal | None = Field(description="Computed by Tilts, or entered; null when not known yet.")
    evidence: str


class ObjectiveOut(Schema):
    id: int
    number: int
    title: str
    explanation: str
    timing: str
    goal: int | None = Field(description="The linked goal's number.")
    measure: str
    member_type: str
    measure_description: str
    years: list[ObjectiveYearOut]


class ObjectiveIn(Schema):
    number: int = Field(ge=1, le=999)
    title: str = Field(min_length=1, max_length=300)
    explanation: str = Field("", max_length=10000)
    timing: str = Field("", max_length=200)
    goal: int | None = Field(None, ge=1, le=999, description="A goal number of the consortium.")
    measure: str = Field(
        "entered",
        max_length=CODE_MAX,
        description="entered, goal_colleagues, goal_participants, type_participants or new_members.",
    )
    member_type: str = Field("", max_length=20)
    measure_description: str = Field("", max_length=300)


class ObjectiveYearIn(Schema):
    target: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    value: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    evidence: str = Field("", max_length=10000)


class TargetOut(Schema):
    kind: str
    label: str
    confirmed: bool
    target: int | None
    implemented: int
    planned: int


class TargetIn(Schema):
    target: int | None = Field(None, ge=0, le=100000, description="Null removes the target.")


def _objective_out(progress: plan.ObjectiveProgress) -> ObjectiveOut:
    objective = progress.objective
    return ObjectiveOut(
        id=objective.pk,
        number=objective.number,
        title=objective.title,
        explanation=objective.explanation,
        timing=objective.timing,
        goal=objective.goal.number if objective.goal else None,
        measure=objective.measure,
        member_type=objective.member_type,
        measure_description=objective.measure_description,
        years=[
            ObjectiveYearOut(
                year=y.year,
                target=y.target,
                value=Decimal(y.value) if y.value is not None else None,
                evidence=y.evidence,
            )
            for y in progress.years
        ],
    )


def _progress_of(consortium: Consortium, objective_id: int) -> plan.ObjectiveProgress:
    for row in plan.plan_progress(consortium):
        if row.objective.pk == objective_id:
            return row
    raise Http404


@router.get("/quality/objectives", response=list[ObjectiveOut], auth=django_auth, summary="The Erasmus Plan")
def objective_list(request: HttpRequest) -> list[ObjectiveOut]:
    _reader(request)
    return [_objective_out(row) for row in plan.plan_progress(_consortium())]


def _objective_fields(consortium: Consortium, payload: ObjectiveIn) -> dict[str, Any]:
    data = payload.dict()
    goal_number = data.pop("goal")
    data["goal"] = None
    if goal_number is not None:
        data["goal"] = consortium.goals.filter(number=goal_number).first()
        if data["goal"] is None:
            raise ValidationError({"goal": [_("Choose one of the consortium's goals.")]})
    return data


@router.post("/quality/objectives", response={201: ObjectiveOut}, auth=django_auth, summary="Add an objective")
def objective_create(request: HttpRequest, payload: ObjectiveIn) -> Status[ObjectiveOut]:
    consortium = _consortium()
    objective = services.save_objective(consortium, by=current_user(request), **_objective_fields(consortium, payload))
    return Status(201, _objective_out(_progress_of(consortium, objective.pk)))


@router.put("/quality/objectives/{objective_id}", response=ObjectiveOut, auth=django_auth)
def objective_save(request: HttpRequest, objective_id: ObjectId, payload: ObjectiveIn) -> ObjectiveOut:
    user = _reader(request)
    consortium = _consortium()
    objective = get_object_or_404(Objective.objects.filter(consortium=consortium), pk=objective_id)
    services.save_objective(consortium, by=user, objective=objective, **_objective_fields(consortium, payload))
    return _objective_out(_progress_of(consortium, objective.pk))


@router.put(
    "/quality/objectives/{objective_id}/years/{year}",
    response=ObjectiveOut,
    auth=django_auth,
    summary="An objective's target (and entered value) for a year",
)
def objective_year_save(
    request: HttpRequest, objective_id: ObjectId, year: CallYear, payload: ObjectiveYearIn
) -> ObjectiveOut:
    user = _reader(request)
    consortium = _consortium()
    objective = get_object_or_404(Objective.objects.filter(consortium=consortium), pk=objective_id)
    services.save_objective_year(objective, by=user, year=year, **payload.dict())
    return _objective_out(_progress_of(consortium, objective.pk))


def _project(project_id: int) -> Project:
    return get_object_or_404(Project.objects.filter(consortium=_consortium()), pk=project_id)


@router.get(
    "/quality/projects/{project_id}/targets",
    response=list[TargetOut],
    auth=django_auth,
    summary="A project's grant agreement targets against what is implemented",
)
def target_list(request: HttpRequest, project_id: ObjectId) -> list[plan.TargetRow]:
    _reader(request)
    return plan.project_targets(_project(project_id))


@router.put("/quality/projects/{project_id}/targets/{kind}", response=list[TargetOut], auth=django_auth)
def target_save(request: HttpRequest, project_id: ObjectId, kind: str, payload: TargetIn) -> list[plan.TargetRow]:
    user = _reader(request)
    project = _project(project_id)
    services.set_target(project, by=user, kind=kind, target=payload.target)
    return plan.project_targets(project)
