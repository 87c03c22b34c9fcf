"""Every change in selection goes through here: calls, applications, evaluation, decisions and agreements.

The seed's rule: only people who will educate others are funded, so an application cannot be submitted without a
dissemination plan that reaches at least one colleague, and every selected application becomes a mobility that
carries that plan.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict, Unpack

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tilts.accounts import wording
from tilts.accounts.models import Role, User
from tilts.accounts.services import invite_user, mark_email_verified
from tilts.consortium.models import Goal, Organisation
from tilts.consortium.selectors import is_active_member
from tilts.core import dates, uploads
from tilts.core.access import require
from tilts.core.emails import send_templated_mail, url_in_language
from tilts.core.history import records_by
from tilts.core.iban import validate_iban
from tilts.core.locking import claim_version
from tilts.grants import services as grant_services
from tilts.mobility import services as mobility_services
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.notifications import services as notifications
from tilts.projects.models import ProjectStatus
from tilts.projects.selectors import within_period
from tilts.selection import selectors
from tilts.selection.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    Call,
    Criterion,
    Eligibility,
    ReasonCode,
    Score,
    Support,
    default_prefinancing_percent,
    default_report_days,
)


class ApplicantFields(TypedDict, total=False):
    """The application's own fields an applicant fills in (the rest is set by the workflow); a draft may leave
    any of them empty."""

    position: str
    educational_role: str
    development_programme: str
    activity_type: str
    receiving_name: str
    receiving_oid: str
    receiving_country: str
    venue: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    motivation: str
    dissemination_format: str
    dissemination_topic: str
    dissemination_audience: str
    dissemination_colleagues: int | None
    dissemination_institutions: str
    dissemination_by: datetime.date | None


APPLICANT_FIELDS = tuple(ApplicantFields.__annotations__)


def _notify(template: str, user: User, context: Mapping[str, Any]) -> None:
    """Send after the transaction commits, so a mail server's hiccup never undoes a saved decision."""
    transaction.on_commit(
        lambda: send_templated_mail(template, user.email, {"user": user, **context}, user.language), robust=True
    )


# Calls --------------------------------------------------------------------------------------------------------------


def check_call(call: Call) -> None:
    errors: dict[str, str] = {}
    project = call.project
    if project.status == ProjectStatus.CLOSED:
        errors["project"] = _("The project is closed.")
    if call.closes_on < call.opens_on:
        errors["closes_on"] = _("A call cannot close before it opens.")
    elif call.closes_on > project.end_date:
        errors["closes_on"] = _("The call must close before the project ends (%(date)s).") % {
            "date": dates.short(project.end_date)
        }
    if errors:
        raise ValidationError(errors)


def check_criteria(criteria: list[dict[str, Any]]) -> None:
    if not criteria:
        raise ValidationError({"criteria": _("Add at least one evaluation criterion.")})
    for position, item in enumerate(criteria, start=1):
        if item["max_score"] <= item["min_score"]:
            raise ValidationError(
                {"criteria": _("Criterion %(n)s: the highest score must be above the lowest.") % {"n": position}}
            )
        if item["weight"] <= 0:
            raise ValidationError({"criteria": _("Criterion %(n)s: the weight must be above zero.") % {"n": position}})


# What a criterion is made of; two lists with these values equal, in the same order, are the same criteria.
CRITERION_TEXTS = ("name_lv", "name_en", "description_lv", "description_en")
CRITERION_FIELDS = (*CRITERION_TEXTS, "weight", "min_score", "max_score")


def _criterion_values(item: Mapping[str, Any]) -> tuple[Any, ...]:
    """A criterion's values, an empty text and a missing one (stored as NULL) counting as the same."""
    texts = tuple(item.get(name) or "" for name in CRITERION_TEXTS)
    return (*texts, item.get("weight"), item.get("min_score"), item.get("max_score"))


def _same_criteria(call: Call, criteria: list[dict[str, Any]]) -> bool:
    current = [{name: getattr(criterion, name) for name in CRITERION_FIELDS} for criterion in call.criteria.all()]
    return [_criterion_values(item) for item in current] == [_criterion_values(item) for item in criteria]


@transaction.atomic
def save_call(call: Call, *, criteria: list[dict[str, Any]] | None = None) -> Call:
    """Create or change a call; its criteria are replaced as a whole until the first score is given.

    Criteria sent unchanged are kept as they are, so the rest of a call can still be edited after scoring starts;
    changing them then is refused, since the scores already given were for the old criteria.
    """
    check_call(call)
    call.full_clean()
    call.save()
    if criteria is not None:
        check_criteria(criteria)
        if _same_criteria(call, criteria):
            return call
        if Score.objects.filter(criterion__call=call).exists():
            raise ValidationError(
                {"criteria": _("Evaluators have started scoring; the criteria can no longer change.")}
            )
        call.criteria.all().delete()
        for order, item in enumerate(criteria):
            criterion = Criterion(call=call, order=order, **item)
            criterion.full_clean()
            criterion.save()
    return call


@transaction.atomic
@records_by
def set_evaluators(call: Call, evaluators: Iterable[User], *, by: User | None) -> None:
    """Assign the selection committee; evaluators who have already scored cannot be removed."""
    chosen = {user.pk: user for user in evaluators}
    for user in chosen.values():
        if user.role != Role.EVALUATOR and not user.is_coordinator:
            raise ValidationError({"evaluators": wording.about(user, wording.NOT_AN_EVALUATOR)})
    scored = set(
        Assignment.objects.filter(application__call=call, scores__isnull=False)
        .exclude(evaluator_id__in=chosen)
        .values_list("evaluator_id", flat=True)
    )
    if scored:
        names = ", ".join(str(user) for user in User.objects.filter(pk__in=scored))
        raise ValidationError({"evaluators": _("These evaluators have already scored: %(names)s.") % {"names": names}})
    Assignment.objects.filter(application__call=call).exclude(evaluator_id__in=chosen).delete()
    before = set(call.evaluators.values_list("pk", flat=True))
    call.evaluators.set(chosen.values())
    notifications.evaluators_assigned(call, [user for pk, user in chosen.items() if pk not in before])
    for application in call.applications.exclude(status=ApplicationStatus.DRAFT):
        _assign(application)


def _assign(application: Application) -> None:
    """One assignment per evaluator of the call; someone from the applicant's institution is in conflict.

    That conflict's note is left empty: Assignment.conflict_reason gives it in the reader's language.
    """
    for evaluator in application.call.evaluators.all():
        assignment, created = Assignment.objects.get_or_create(application=application, evaluator=evaluator)
        if created and assignment.same_institution:
            assignment.conflict = True
            assignment.save()


# Applications -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One automatic eligibility check and, when it fails, why."""

    name: str
    passed: bool
    reason: str = ""


def eligibility_checks(application: Application, goals: Iterable[Goal] | None = None) -> list[Check]:
    """The rules Tilts checks by itself; the coordinator still makes the final eligibility decision."""
    call = application.call
    project = call.project
    org = application.organisation
    # A list of applications brings the answer along (selectors.applications_for annotates it).
    is_member = getattr(application, "organisation_is_member", None)
    if is_member is None:
        is_member = is_active_member(org, project.consortium_id)
    works_there = application.applicant.organisation_id == org.pk
    checks = [
        Check(
            _("Works at a member institution"),
            is_member and works_there,
            ""
            if is_member and works_there
            else _("%(org)s is not an active member of the consortium.") % {"org": org}
            if not is_member
            else _("The applicant's account belongs to another institution."),
        )
    ]
    plan_parts = [
        application.dissemination_format,
        application.dissemination_topic.strip(),
        application.dissemination_audience.strip(),
        application.dissemination_institutions.strip(),
    ]
    colleagues = application.dissemination_colleagues or 0
    plan_ok = all(plan_parts) and colleagues >= 1 and application.dissemination_by is not None
    checks.append(
        Check(
            _("A plan to teach colleagues, reaching at least one"),
            plan_ok,
            ""
            if plan_ok
            else _(
                "The dissemination plan must say what, on which topic, for whom, how many colleagues, "
                "at which institutions and by when."
            ),
        )
    )
    start, end = application.start_date, application.end_date
    dates_ok = start is not None and end is not None and start <= end and within_period(project, start, end)
    checks.append(
        Check(
            _("Dates inside the project"),
            dates_ok,
            ""
            if dates_ok
            else _("The project runs from %(start)s to %(end)s.")
            % {"start": dates.short(project.start_date), "end": dates.short(project.end_date)},
        )
    )
    if dates_ok and application.dissemination_by is not None:
        after = application.dissemination_by >= end
        checks.append(
            Check(
                _("The follow-up comes after the mobility"),
                after,
                "" if after else _("The follow-up date is before the mobility ends."),
            )
        )
    goal_list = list(goals) if goals is not None else (list(application.goals.all()) if application.pk else [])
    checks.append(
        Check(_("Serves at least one goal"), bool(goal_list), "" if goal_list else _("Choose the goals it serves."))
    )
    return checks


def can_start_application(user: User, call: Call) -> str | None:
    """Why ``user`` cannot apply to ``call`` now, or None if they can."""
    if not call.is_open():
        return (
            _("The call closed on %(date)s; applications can no longer be submitted.")
            % {"date": dates.short(call.closes_on)}
            if call.has_closed()
            else _("The call is not open.")
        )
    if user.organisation is None or not is_active_member(user.organisation, call.project.consortium_id):
        return _("Only staff of member institutions can apply.")
    if user.role not in (Role.PARTICIPANT, Role.MEMBER_CONTACT):
        return _("Only staff of member institutions can apply.")
    return None


@transaction.atomic
def start_application(call: Call, applicant: User) -> Application:
    existing = Application.objects.filter(call=call, applicant=applicant).first()
    if existing:
        return existing
    # Applying is for staff of member institutions: other roles are refused (403); the rest are rules of the data.
    require(applicant.role in (Role.PARTICIPANT, Role.MEMBER_CONTACT))
    reason = can_start_application(applicant, call)
    if reason:
        raise ValidationError(reason)
    assert applicant.organisation is not None
    return Application.objects.create(
        call=call,
        applicant=applicant,
        organisation=applicant.organisation,
        position=applicant.position,
        receiving_country="",
        venue="",
        activity_type="",
        start_date=call.project.start_date,
        end_date=call.project.start_date,
        dissemination_colleagues=1,
        dissemination_by=call.project.end_date,
    )


def _check_place(application: Application) -> None:
    if not application.venue:
        return
    place = grant_services.resolve_place(application.venue, "venue")
    if application.receiving_country and place.country != str(application.receiving_country):
        raise ValidationError({"venue": _("The city is not in the host country.")})


@transaction.atomic
def save_draft(
    application: Application,
    *,
    version: int,
    goals: Iterable[Goal] | None = None,
    **fields: Unpack[ApplicantFields],
) -> Application:
    """Save what the applicant has written so far; nothing is checked for completeness until submission."""
    if not application.is_editable:
        raise ValidationError(_("A submitted application can no longer be changed."))
    if application.call.has_closed():
        raise ValidationError(_("The call has closed; the application can no longer be changed."))
    unknown = set(fields) - set(APPLICANT_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field, value in fields.items():
        setattr(application, field, value)
    if (
        application.activity_type
        and application.activity_type not in application.call.project.rate_table.table.activity_types
    ):
        raise ValidationError({"activity_type": _("Choose an activity type of this call year.")})
    _check_place(application)
    # A draft may be incomplete; completeness is checked on submission.
    empty = [name for name in APPLICANT_FIELDS if getattr(application, name) in ("", None)]
    application.full_clean(exclude=["goals", "version", *empty])
    claim_version(application, version)
    application.save()
    if goals is not None:
        application.goals.set(list(goals))
    return application


@transaction.atomic
@records_by
def submit(application: Application, *, by: User) -> Application:
    """Submit for the member contact's support and evaluation; refused after the close date or with a failed check."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application has already been submitted."))
    if locked.call.has_closed():
        raise ValidationError(
            _("The call closed on %(date)s; applications can no longer be submitted.")
            % {"date": dates.short(locked.call.closes_on)}
        )
    if not locked.call.is_open():
        raise ValidationError(_("The call is not open."))
    errors: dict[str, list[str]] = {}
    for field in (
        "position",
        "educational_role",
        "activity_type",
        "receiving_name",
        "receiving_country",
        "venue",
        "motivation",
    ):
        if not getattr(locked, field):
            errors.setdefault(field, []).append(_("This field is required."))
    failed = [check for check in eligibility_checks(locked) if not check.passed]
    if failed:
        errors.setdefault("__all__", []).extend(f"{check.name}: {check.reason}" for check in failed)
    if errors:
        raise ValidationError(errors)
    locked.status = ApplicationStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    _assign(locked)
    _notify("selection/email/submitted", locked.applicant, {"application": locked})
    for contact in User.objects.filter(
        organisation=locked.organisation, role=Role.MEMBER_CONTACT, is_active=True
    ).exclude(pk=locked.applicant_id):
        _notify(
            "selection/email/support_requested",
            contact,
            {"application": locked, "url": url_in_language(contact.language, "selection:application", locked.pk)},
        )
    notifications.application_submitted(locked)
    return locked


def _read_state(application: Application) -> None:
    """Lock the row and read its status, support and eligibility afresh: a stale copy must not decide."""
    application.refresh_from_db(
        from_queryset=Application.objects.select_for_update(), fields=["status", "support", "eligibility"]
    )


@transaction.atomic
@records_by
def set_support(application: Application, *, by: User, confirmed: bool, comment: str = "") -> Application:
    """The member contact confirms the applicant works there and supports the application (or does not)."""
    _read_state(application)
    if application.status == ApplicationStatus.DRAFT:
        raise ValidationError(_("The application has not been submitted yet."))
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ValidationError(_("The application has been withdrawn."))
    if application.status == ApplicationStatus.SELECTED:
        raise ValidationError(
            _("The application has been selected; the member contact's support can no longer change.")
        )
    if not confirmed and not comment.strip():
        raise ValidationError({"comment": _("Say why you do not support the application.")})
    application.support = Support.CONFIRMED if confirmed else Support.DECLINED
    application.support_by = by
    application.support_comment = comment.strip()
    application.save(update_fields=["support", "support_by", "support_comment"])
    return application


@transaction.atomic
@records_by
def decide_eligibility(application: Application, *, by: User, eligible: bool, reason: str = "") -> Application:
    _read_state(application)
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        raise ValidationError(_("Only submitted applications are checked for eligibility."))
    if application.status == ApplicationStatus.SELECTED and not eligible:
        raise ValidationError(_("The application has been selected; withdraw it first."))
    if not eligible and not reason.strip():
        raise ValidationError({"reason": _("Give the reason the application is not eligible.")})
    if eligible and application.support == Support.DECLINED:
        raise ValidationError(_("The member contact does not support the application, so it cannot be eligible."))
    application.eligibility = Eligibility.ELIGIBLE if eligible else Eligibility.INELIGIBLE
    application.eligibility_reason = reason.strip()
    application.eligibility_by = by
    application.save(update_fields=["eligibility", "eligibility_reason", "eligibility_by"])
    return application


@transaction.atomic
@records_by
def withdraw(application: Application, *, by: User, reason: str = "") -> Application:
    """The applicant (or coordinator) withdraws; a selected application's draft mobility is cancelled too."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == ApplicationStatus.WITHDRAWN:
        raise ValidationError(_("The application has already been withdrawn."))
    if locked.status == ApplicationStatus.REJECTED:
        raise ValidationError(_("A rejected application cannot be withdrawn."))
    mobility = locked.mobility
    if mobility is not None and mobility.status == MobilityStatus.COMPLETED:
        raise ValidationError(_("The mobility has taken place; it can no longer be withdrawn."))
    was_reserve = locked.status == ApplicationStatus.RESERVE
    locked.status = ApplicationStatus.WITHDRAWN
    locked.reserve_rank = None
    if reason.strip():
        locked.decision_reason = reason.strip()
        locked.reason_code = ""
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    if mobility is not None and mobility.status != MobilityStatus.CANCELLED:
        mobility_services.transition(
            mobility, MobilityStatus.CANCELLED, by=by, reason=reason.strip() or _("The participant withdrew.")
        )
    if was_reserve:
        _renumber_reserve(locked.call)
    return locked


# Evaluation ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def declare_conflict(assignment: Assignment, *, conflict: bool, note: str = "") -> Assignment:
    same_institution = assignment.same_institution
    if same_institution and not conflict:
        raise ValidationError(_("You work at the applicant's institution, so you cannot score this application."))
    if assignment.completed_at is not None:
        raise ValidationError(_("You have already submitted your scores."))
    if conflict and not note.strip() and not same_institution:
        raise ValidationError({"note": _("Say briefly what the conflict is.")})
    assignment.conflict = conflict
    assignment.conflict_note = note.strip() if conflict else ""
    assignment.save(update_fields=["conflict", "conflict_note"])
    if conflict:
        assignment.scores.all().delete()
    return assignment


@transaction.atomic
def save_scores(assignment: Assignment, scores: Mapping[int, tuple[int | None, str]], *, complete: bool) -> Assignment:
    """Save an evaluator's scores (criterion id → score, comment); ``complete`` submits them for the ranking."""
    application = assignment.application
    if assignment.conflict is not False:
        raise ValidationError(_("Declare that you have no conflict of interest before scoring."))
    if application.status not in (ApplicationStatus.SUBMITTED,):
        raise ValidationError(_("Decisions have been made on this application; the scores can no longer change."))
    if application.eligibility == Eligibility.INELIGIBLE:
        raise ValidationError(_("The application is not eligible and is not scored."))
    criteria = {criterion.pk: criterion for criterion in application.call.criteria.all()}
    errors: dict[str, list[str]] = {}
    for criterion_id in scores:
        if criterion_id not in criteria:
            errors.setdefault("__all__", []).append(_("Unknown criterion."))
    for criterion_id, criterion in criteria.items():
        value, comment = scores.get(criterion_id, (None, ""))
        field = f"score_{criterion_id}"
        if value is None:
            if complete:
                errors.setdefault(field, []).append(_("Score every criterion before submitting."))
        elif not criterion.min_score <= value <= criterion.max_score:
            errors.setdefault(field, []).append(
                _("The score is from %(min)s to %(max)s.") % {"min": criterion.min_score, "max": criterion.max_score}
            )
        if complete and not comment.strip():
            errors.setdefault(f"comment_{criterion_id}", []).append(_("Comment on every criterion before submitting."))
    if errors:
        raise ValidationError(errors)
    for criterion_id, (value, comment) in scores.items():
        if value is None:
            Score.objects.filter(assignment=assignment, criterion_id=criterion_id).delete()
            continue
        Score.objects.update_or_create(
            assignment=assignment, criterion_id=criterion_id, defaults={"score": value, "comment": comment.strip()}
        )
    assignment.completed_at = timezone.now() if complete else None
    assignment.save(update_fields=["completed_at"])
    return assignment


# Decisions ----------------------------------------------------------------------------------------------------------


def _renumber_reserve(call: Call) -> None:
    reserve = call.applications.filter(status=ApplicationStatus.RESERVE).order_by("reserve_rank", "pk")
    for rank, application in enumerate(reserve, start=1):
        if application.reserve_rank != rank:
            Application.objects.filter(pk=application.pk).update(reserve_rank=rank)


def _create_mobility(application: Application, by: User) -> Mobility:
    """A selected application becomes a draft mobility carrying its plan; the member contact completes it."""
    # The stored city is the gazetteer's international name (Brussels, not Brisele) in every page language: the
    # Beneficiary Module export and the e-mails take it as written.
    with translation.override("en"):
        place = grant_services.resolve_place(application.venue, "venue")
    format_label = application.get_dissemination_format_display()
    try:
        return mobility_services.create_mobility(
            goals=application.goals.all(),
            by=by,
            project=application.call.project,
            sending_organisation=application.organisation,
            participant=application.applicant,
            activity_type=application.activity_type,
            receiving_name=application.receiving_name,
            receiving_oid=application.receiving_oid,
            receiving_country=application.receiving_country,
            receiving_city=place.name,
            origin=mobility_services.default_origin(application.organisation),
            venue=application.venue,
            start_date=application.start_date,
            end_date=application.end_date,
            topic=application.dissemination_topic,
            learning_objectives=application.motivation,
            followup_plan=f"{format_label}: {application.dissemination_topic}",
            followup_audience=application.dissemination_audience,
            followup_colleagues=application.dissemination_colleagues,
            followup_due=application.dissemination_by,
        )
    except ValidationError as error:
        messages = "; ".join(str(message) for message in error.messages)
        raise ValidationError(
            _("The mobility could not be created from this application: %(problems)s") % {"problems": messages}
        ) from error


DECISIONS = (ApplicationStatus.SELECTED, ApplicationStatus.RESERVE, ApplicationStatus.REJECTED)


def _check_support(application: Application, target: ApplicationStatus) -> None:
    """The member contact's confirmation: declined bars the place and the reserve list; pending bars the place."""
    if target == ApplicationStatus.REJECTED:
        return
    if application.support == Support.DECLINED:
        raise ValidationError(
            _(
                "The member contact does not support the application, so it can be neither selected "
                "nor put on the reserve list."
            )
        )
    if target == ApplicationStatus.SELECTED and application.support != Support.CONFIRMED:
        raise ValidationError(
            _(
                "The member contact has not yet confirmed the applicant's employment and support; "
                "the application cannot be selected before that."
            )
        )


def _select(application: Application, by: User) -> None:
    call = application.call
    if selectors.places_taken(call, besides=application) >= call.places:
        raise ValidationError(
            _("All %(places)s places are taken; withdraw or reject someone first.") % {"places": call.places}
        )
    application.status = ApplicationStatus.SELECTED
    application.reserve_rank = None
    if application.mobility is None:
        application.mobility = _create_mobility(application, by)


@transaction.atomic
@records_by
def decide(
    application: Application,
    *,
    by: User,
    decision: str,
    reason: str = "",
    reserve_rank: int | None = None,
    reason_code: str = "",
) -> Application:
    """Select, put on the reserve list (ordered) or reject with a reason; the applicant is told in their language.

    ``reason_code`` stands for a reason Tilts gives itself, so it is shown in each reader's language.
    """
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose selected, reserve or rejected.")})
    target = ApplicationStatus(decision)
    locked = Application.objects.select_for_update().select_related("call__project").get(pk=application.pk)
    if locked.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        raise ValidationError(_("Only submitted applications can be decided."))
    if locked.status == ApplicationStatus.SELECTED and target != ApplicationStatus.SELECTED:
        raise ValidationError(_("The application has been selected; if the person cannot go, withdraw it."))
    if target != ApplicationStatus.REJECTED and locked.eligibility != Eligibility.ELIGIBLE:
        raise ValidationError(_("Decide that the application is eligible first."))
    _check_support(locked, target)
    if target == ApplicationStatus.REJECTED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection; the applicant will read it.")})
    was = locked.status
    if target == ApplicationStatus.SELECTED:
        _select(locked, by)
    elif target == ApplicationStatus.RESERVE:
        locked.status = ApplicationStatus.RESERVE
        last = (
            locked.call.applications.filter(status=ApplicationStatus.RESERVE)
            .exclude(pk=locked.pk)
            .aggregate(last=Max("reserve_rank"))["last"]
            or 0
        )
        if reserve_rank is not None and 1 <= reserve_rank <= last:
            locked.call.applications.filter(status=ApplicationStatus.RESERVE, reserve_rank__gte=reserve_rank).exclude(
                pk=locked.pk
            ).update(reserve_rank=F("reserve_rank") + 1)
            locked.reserve_rank = reserve_rank
        else:
            locked.reserve_rank = last + 1
    else:
        locked.status = ApplicationStatus.REJECTED
        locked.reserve_rank = None
    locked.decision_reason = reason.strip()
    locked.reason_code = reason_code
    locked.decided_at = timezone.now()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    if was == ApplicationStatus.RESERVE:
        _renumber_reserve(locked.call)
    if was != target:
        _notify(
            "selection/email/decision",
            locked.applicant,
            {
                "application": locked,
                "url": url_in_language(locked.applicant.language, "selection:application", locked.pk),
            },
        )
    return locked


@transaction.atomic
@records_by
def promote_first_reserve(call: Call, *, by: User) -> Application:
    """Give a free place to the first on the reserve list."""
    first = call.applications.filter(status=ApplicationStatus.RESERVE).order_by("reserve_rank", "pk").first()
    if first is None:
        raise ValidationError(_("Nobody is on the reserve list."))
    return decide(first, by=by, decision=ApplicationStatus.SELECTED, reason_code=ReasonCode.PLACE_FREE)


@transaction.atomic
def mobility_cancelled(mobility: Mobility) -> None:
    """A selected application whose mobility is cancelled (on the mobility's page) is withdrawn, freeing the place."""
    for application in Application.objects.select_for_update().filter(
        mobility=mobility, status=ApplicationStatus.SELECTED
    ):
        application.status = ApplicationStatus.WITHDRAWN
        application.decision_reason = mobility.cancellation_reason
        application.reason_code = ""
        application.version = F("version") + 1
        application.save()


# Agreements ---------------------------------------------------------------------------------------------------------


def _money(value: Any) -> str:
    return f"{Decimal(str(value)):.2f}"


def agreement_snapshot(mobility: Mobility, *, programme: str, learning_outcomes: str) -> dict[str, Any]:
    """Everything an agreement prints, frozen when the version is issued."""
    participant = mobility.participant
    organisation = mobility.sending_organisation
    breakdown = mobility.grant_breakdown or {}
    return {
        "participant": {
            "name": participant.get_full_name() or participant.email,
            "email": participant.email,
            "position": participant.position,
        },
        "sending": {
            "name": organisation.legal_name,
            "registration_number": organisation.registration_number,
            "oid": organisation.oid,
            "city": organisation.city,
            "address": organisation.address,
        },
        "project": {
            "title": mobility.project.title,
            "number": mobility.project.grant_agreement_number,
            "action": mobility.project.action,
            "national_agency": mobility.project.consortium.national_agency,
        },
        "activity": {
            "type": mobility.activity_type,
            "topic": mobility.topic,
            "receiving_name": mobility.receiving_name,
            "receiving_city": mobility.receiving_city,
            "receiving_country": str(mobility.receiving_country),
            "start": mobility.start_date.isoformat(),
            "end": mobility.end_date.isoformat(),
            "travel_days": mobility.travel_days,
            "green_travel": mobility.green_travel,
        },
        "grant": {
            "total": _money(mobility.grant_total or 0),
            "lines": breakdown.get("lines", []),
            "by_category": breakdown.get("by_category", {}),
            "funded_days": breakdown.get("funded_days"),
            "band": breakdown.get("band"),
            "distance_km": breakdown.get("distance_km"),
        },
        "objectives": mobility.learning_objectives,
        "followup": {
            "plan": mobility.followup_plan,
            "audience": mobility.followup_audience,
            "colleagues": mobility.followup_colleagues,
            "due": mobility.followup_due.isoformat() if mobility.followup_due else None,
        },
        "goals": [goal.pk for goal in mobility.goals.all()],
        "programme": programme,
        "learning_outcomes": learning_outcomes,
    }


@transaction.atomic
@records_by
def issue_agreement(
    mobility: Mobility,
    *,
    kind: str,
    language: str,
    by: User,
    report_days: int | None = None,
    prefinancing_percent: int | None = None,
    programme: str = "",
    learning_outcomes: str = "",
    participant_iban: str = "",
    participant_id_number: str = "",
    sending_signatory_name: str = "",
    sending_signatory_role: str = "",
    receiving_signatory_name: str = "",
    receiving_signatory_role: str = "",
) -> Agreement:
    """Issue a new version of a document; the previous version of the same document in the same language is
    superseded, so a Latvian and an English version can both be in force (the host reads the English one).

    The participant's IBAN is checked (country, length, mod-97) and stored without spaces. Without ``report_days``
    or ``prefinancing_percent`` the settings' defaults apply (``REPORT_DUE_DAYS``, ``AGREEMENT_PREFINANCING_PERCENT``).
    """
    report_days = default_report_days() if report_days is None else report_days
    prefinancing_percent = default_prefinancing_percent() if prefinancing_percent is None else prefinancing_percent
    if mobility.status not in (MobilityStatus.APPROVED, MobilityStatus.CONFIRMED):
        raise ValidationError(_("Agreements are issued for approved mobilities, whose grant is fixed."))
    kind = AgreementKind(kind)
    errors: dict[str, str] = {}
    if language not in ("lv", "en"):
        errors["language"] = _("Choose Latvian or English.")
    if not 1 <= report_days <= 365:
        errors["report_days"] = _("Between 1 and 365 days.")
    if not 0 <= prefinancing_percent <= 100:
        errors["prefinancing_percent"] = _("Between 0 and 100 per cent.")
    if kind == AgreementKind.LEARNING:
        if not programme.strip():
            errors["programme"] = _("Describe the programme of the activity.")
        if not learning_outcomes.strip():
            errors["learning_outcomes"] = _("Describe the expected learning outcomes.")
    if participant_iban.strip():
        try:
            participant_iban = validate_iban(participant_iban)
        except ValidationError as error:
            errors["participant_iban"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    last = mobility.agreements.filter(kind=kind).aggregate(last=Max("number"))["last"] or 0
    mobility.agreements.filter(kind=kind, language=language).exclude(status=AgreementStatus.SUPERSEDED).update(
        status=AgreementStatus.SUPERSEDED
    )
    agreement = Agreement.objects.create(
        mobility=mobility,
        kind=kind,
        number=last + 1,
        language=language,
        report_days=report_days,
        prefinancing_percent=prefinancing_percent,
        participant_iban=participant_iban.strip(),
        participant_id_number=participant_id_number.strip(),
        sending_signatory_name=sending_signatory_name.strip(),
        sending_signatory_role=sending_signatory_role.strip(),
        receiving_signatory_name=receiving_signatory_name.strip(),
        receiving_signatory_role=receiving_signatory_role.strip(),
        snapshot=agreement_snapshot(mobility, programme=programme.strip(), learning_outcomes=learning_outcomes.strip()),
        issued_by=by,
    )
    notifications.agreement_issued(agreement)
    return agreement


def payment_schedule(agreement: Agreement) -> list[tuple[str, Decimal]]:
    total = Decimal(agreement.snapshot["grant"]["total"])
    first = (total * agreement.prefinancing_percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return [("prefinancing", first), ("balance", total - first)]


def report_due(agreement: Agreement) -> datetime.date:
    return datetime.date.fromisoformat(agreement.snapshot["activity"]["end"]) + datetime.timedelta(
        days=agreement.report_days
    )


@transaction.atomic
@records_by
def upload_signed(agreement: Agreement, upload: UploadedFile, *, by: User) -> Agreement:
    """Keep the signed copy (a PDF scan) of the current version."""
    if agreement.status == AgreementStatus.SUPERSEDED:
        raise ValidationError({"file": _("A newer version has been issued; upload the signed copy of that one.")})
    uploads.checked_type(upload, accepted={"application/pdf"}, refusal=_("Upload the signed copy as a PDF file."))
    # An earlier signed copy stays in storage (auditors may need it); the history keeps its path.
    agreement.signed_file.save(
        f"agreement-{agreement.mobility_id}-{agreement.kind}-v{agreement.number}.pdf", upload, save=False
    )
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_uploaded_at = timezone.now()
    agreement.signed_uploaded_by = by
    agreement.save()
    return agreement


# Accounts for applicants --------------------------------------------------------------------------------------------


REGISTRATION_SALT = "tilts.selection.registration"
# How long the e-mailed confirmation link works (the e-mail says three days); an unused one simply expires.
REGISTRATION_VALID_SECONDS = 3 * 24 * 60 * 60


def register_applicant(
    *, email: str, first_name: str, last_name: str, organisation: Organisation, position: str, language: str, call: Call
) -> None:
    """E-mail a link that creates the participant's account when it is opened (which confirms the address).

    Nothing is stored before that: the details travel signed inside the link, which expires, so an address
    typed by someone else never becomes an account. The answer is the same whether or not the address already
    has an account, so the form reveals nothing; an existing user gets a reminder to log in instead.
    """
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if existing is not None:
        login_url = url_in_language(existing.language, "selection:call", call.pk)
        transaction.on_commit(
            lambda: send_templated_mail(
                "selection/email/already_registered",
                existing.email,
                {"user": existing, "call": call, "url": login_url},
                existing.language,
            ),
            robust=True,
        )
        return
    if not is_active_member(organisation, call.project.consortium_id):
        raise ValidationError({"organisation": _("Only staff of member institutions can apply.")})
    email = User.objects.normalize_email(email.strip()).lower()
    details = {
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "organisation": organisation.pk,
        "position": position,
        "language": language,
        "call": call.pk,
    }
    token = signing.dumps(details, salt=REGISTRATION_SALT, compress=True)
    url = url_in_language(language, "selection:register_confirm", call.pk, token)
    person = User(email=email, first_name=first_name, last_name=last_name, language=language)
    transaction.on_commit(
        lambda: send_templated_mail(
            "selection/email/confirm_address", email, {"user": person, "call": call, "url": url}, language
        ),
        robust=True,
    )


@transaction.atomic
def confirm_registration(call: Call, token: str) -> User:
    """Create the account a registration link describes; its address is then verified (so 2FA can be set up).

    Opening the link again before a password is set finds the same account; afterwards it is refused, as is a
    link older than three days or one for an institution that has left the consortium.
    """
    try:
        details = signing.loads(token, salt=REGISTRATION_SALT, max_age=REGISTRATION_VALID_SECONDS)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired. Please register again.")) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid. Please register again.")) from error
    if details.get("call") != call.pk:
        raise ValidationError(_("This link is not valid. Please register again."))
    existing = User.objects.filter(email__iexact=details["email"]).first()
    if existing is not None:
        if existing.has_usable_password() or existing.invited_by_id is not None:
            raise ValidationError(_("This address already has an account. Please log in."))
        return existing
    organisation = Organisation.objects.filter(pk=details["organisation"]).first()
    if organisation is None or not is_active_member(organisation, call.project.consortium_id):
        raise ValidationError(_("Only staff of member institutions can apply."))
    user = invite_user(
        email=details["email"],
        first_name=details["first_name"],
        last_name=details["last_name"],
        role=Role.PARTICIPANT,
        organisation=organisation,
        invited_by=None,
        language=details["language"],
        position=details["position"],
        send=False,
    )
    mark_email_verified(user)
    return user
