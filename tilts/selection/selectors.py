"""Who sees which calls and applications, and the ranking of a call."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tilts.accounts.models import Role, User
from tilts.consortium.models import Membership, MembershipStatus
from tilts.core.access import access
from tilts.core.collation import latvian
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.selectors import mobilities_for
from tilts.selection.models import (
    Agreement,
    Application,
    ApplicationStatus,
    Assignment,
    Call,
    Criterion,
    Eligibility,
)

CENT = Decimal("0.01")


def public_calls() -> QuerySet[Call]:
    """Published calls that are open today, soonest closing first."""
    today = timezone.localdate()
    return Call.objects.filter(published=True, opens_on__lte=today, closes_on__gte=today).order_by("closes_on", "pk")


def calls_for(user: User) -> QuerySet[Call]:
    """Coordinators and auditors see every call; other people the published ones."""
    calls = Call.objects.select_related("project")
    if user.can_view_everything:
        return calls
    return calls.filter(Q(published=True) | Q(evaluators=user)).distinct()


def applications_for(user: User) -> QuerySet[Application]:
    """Applicants see their own; member contacts their institution's; evaluators those assigned; all for the rest."""
    active_membership = Membership.objects.filter(
        organisation=OuterRef("organisation"),
        consortium=OuterRef("call__project__consortium"),
        status=MembershipStatus.ACTIVE,
    )
    base = Application.objects.select_related("call__project", "applicant", "organisation", "mobility").annotate(
        organisation_is_member=Exists(active_membership)
    )
    if user.can_view_everything:
        return base
    mine = Q(applicant=user)
    if user.is_member_contact and user.organisation_id:
        mine |= Q(organisation_id=user.organisation_id) & ~Q(status=ApplicationStatus.DRAFT)
    if user.is_active:
        mine |= Q(assignments__evaluator=user) & ~Q(status=ApplicationStatus.DRAFT)
    return base.filter(mine).distinct()


def access_call(user: User, call_id: int, *, for_write: bool = False) -> Call:
    """A call the user sees (published ones, those they evaluate; every call for the coordinator and auditors;
    404 otherwise); ``for_write``: the coordinator manages calls (403)."""
    return access(calls_for(user), call_id, for_write=for_write, may_change=lambda _: user.is_coordinator)


def access_application(user: User, application_id: int, *, for_write: bool = False) -> Application:
    """An application the user sees (404 otherwise); ``for_write``: only the applicant writes it (403)."""
    return access(
        applications_for(user),
        application_id,
        for_write=for_write,
        may_change=lambda application: application.applicant_id == user.pk,
    )


def access_agreement(user: User, agreement_id: int, *, for_write: bool = False) -> Agreement:
    """An agreement of a mobility the user sees (404 otherwise); ``for_write``: the coordinator or the sending
    institution's contact, who prepare the papers (403)."""
    return access(
        agreements_for(user),
        agreement_id,
        for_write=for_write,
        may_change=lambda agreement: can_issue_agreements(user, agreement.mobility.sending_organisation_id),
    )


def assignment_for(user: User, application: Application) -> Assignment | None:
    return Assignment.objects.filter(application=application, evaluator=user).first()


def can_support(user: User, application: Application) -> bool:
    return user.is_coordinator or (
        user.is_member_contact
        and user.organisation_id == application.organisation_id
        and user.pk != application.applicant_id
    )


def places_taken(call: Call, *, besides: Application | None = None) -> int:
    """Selected applications holding a place: one whose mobility was cancelled holds none."""
    selected = call.applications.filter(status=ApplicationStatus.SELECTED).exclude(
        mobility__status=MobilityStatus.CANCELLED
    )
    if besides is not None:
        selected = selected.exclude(pk=besides.pk)
    return selected.count()


def evaluations_for(user: User, application: Application) -> QuerySet[Assignment]:
    """Coordinators and auditors see every evaluation of an application (as on its page), an evaluator their own."""
    assignments = application.assignments.select_related("evaluator").prefetch_related("scores").order_by("pk")
    return assignments if user.can_view_everything else assignments.filter(evaluator=user)


def evaluator_candidates() -> QuerySet[User]:
    """Whom the coordinator may put on a call's selection committee: active evaluators and coordinators."""
    people = User.objects.filter(is_active=True, role__in=[Role.EVALUATOR, Role.COORDINATOR])
    return people.order_by(latvian("last_name"), latvian("first_name"))


def agreements_for(user: User) -> QuerySet[Agreement]:
    return Agreement.objects.filter(mobility__in=mobilities_for(user)).select_related("mobility")


def can_issue_agreements(user: User, agreement_mobility_org_id: int) -> bool:
    """The sending institution signs with the participant: its contact or the coordinator prepares the papers."""
    return user.is_coordinator or (user.is_member_contact and user.organisation_id == agreement_mobility_org_id)


@dataclass
class EvaluatorTotal:
    evaluator: User
    total: Decimal


@dataclass
class Ranked:
    """An application's place in the ranking: its weighted score and how far its evaluators disagree."""

    application: Application
    score: Decimal | None
    percent: Decimal | None
    evaluations: list[EvaluatorTotal] = field(default_factory=list)
    spread: Decimal | None = None
    spread_flagged: bool = False
    tie_break: Decimal | None = None
    position: int | None = None
    tied_with_previous: bool = False


def max_total(criteria: list[Criterion]) -> Decimal:
    return sum((c.weight * c.max_score for c in criteria), Decimal(0))


def min_total(criteria: list[Criterion]) -> Decimal:
    return sum((c.weight * c.min_score for c in criteria), Decimal(0))


def ranking(call: Call) -> list[Ranked]:
    """Eligible (or not yet decided) submitted applications by weighted score, best first.

    An evaluator's total is the sum of weight × score over the criteria; an application's score is the mean of
    the totals of the evaluators who submitted scores without a conflict of interest. **Tie-break:** equal
    scores are ordered by the mean score on the criterion with the highest weight (the first such criterion),
    then by the earlier submission. Applications not yet scored come last. The spread is the difference between
    the highest and the lowest evaluator total; it is flagged when it exceeds ``SELECTION_SPREAD_FLAG`` (a share
    of the possible range, 0.2 by default).
    """
    criteria = list(call.criteria.all())
    top = max(criteria, key=lambda c: (c.weight, -c.order, -c.pk), default=None)
    possible = max_total(criteria)
    lowest = min_total(criteria)
    threshold = (possible - lowest) * Decimal(str(getattr(settings, "SELECTION_SPREAD_FLAG", "0.2")))
    applications = list(
        call.applications.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .exclude(eligibility=Eligibility.INELIGIBLE)
        .select_related("applicant", "organisation", "mobility")
    )
    assignments = (
        Assignment.objects.filter(application__in=applications, conflict=False, completed_at__isnull=False)
        .select_related("evaluator")
        .prefetch_related("scores")
    )
    by_application: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_application[assignment.application_id].append(assignment)
    weights = {c.pk: c.weight for c in criteria}
    rows: list[Ranked] = []
    for application in applications:
        totals = []
        top_scores = []
        for assignment in by_application.get(application.pk, []):
            scores = {s.criterion_id: s.score for s in assignment.scores.all()}
            total = sum((weights[cid] * value for cid, value in scores.items() if cid in weights), Decimal(0))
            totals.append(EvaluatorTotal(assignment.evaluator, total))
            if top is not None and top.pk in scores:
                top_scores.append(Decimal(scores[top.pk]))
        if not totals:
            rows.append(Ranked(application, None, None))
            continue
        mean = (sum((t.total for t in totals), Decimal(0)) / len(totals)).quantize(CENT, ROUND_HALF_UP)
        spread = max(t.total for t in totals) - min(t.total for t in totals)
        rows.append(
            Ranked(
                application,
                score=mean,
                percent=(mean * 100 / possible).quantize(Decimal("0.1"), ROUND_HALF_UP) if possible else None,
                evaluations=totals,
                spread=spread,
                spread_flagged=len(totals) > 1 and spread > threshold,
                tie_break=(sum(top_scores, Decimal(0)) / len(top_scores)).quantize(CENT, ROUND_HALF_UP)
                if top_scores
                else Decimal(0),
            )
        )
    far_future = timezone.now() + datetime.timedelta(days=36500)

    def order(row: Ranked) -> tuple[int, Decimal, Decimal, object, int]:
        submitted = row.application.submitted_at or far_future
        if row.score is None:
            return (1, Decimal(0), Decimal(0), submitted, row.application.pk)
        return (0, -row.score, -(row.tie_break or Decimal(0)), submitted, row.application.pk)

    rows.sort(key=order)
    previous: Ranked | None = None
    for index, row in enumerate(rows, start=1):
        if row.score is None:
            continue
        row.position = index
        row.tied_with_previous = previous is not None and previous.score == row.score
        previous = row
    return rows


AGREEMENT_CARRIED_FIELDS = (
    "participant_iban",
    "participant_id_number",
    "sending_signatory_name",
    "sending_signatory_role",
    "receiving_signatory_name",
    "receiving_signatory_role",
    "report_days",
    "prefinancing_percent",
)


def agreement_initial(mobility: Mobility) -> dict[str, Any]:
    """The agreement form's starting values: the participant's language, and the account, identifier, signatories
    and terms of the latest version issued for the mobility (so a new version or the other language repeats them)."""
    initial: dict[str, Any] = {"language": mobility.participant.language}
    latest = mobility.agreements.order_by("-issued_at", "-pk").first()
    if latest is not None:
        initial.update({name: getattr(latest, name) for name in AGREEMENT_CARRIED_FIELDS})
    return initial
