"""Reads of the quality standards: who sees which reviews, answers and checklists; the measures Tilts computes
from its own records; the comparison of two reviews; the check of mentors in job shadowing.

The measures count the mobilities that took place and the delivered follow-ups exactly as the goals dashboard
does (:mod:`tilts.followup.selectors`), so a number here equals the dashboard's for the same scope.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, MembershipStatus, Organisation
from tilts.core.access import access
from tilts.core.collation import latvian_sort_key
from tilts.followup import selectors as followup_selectors
from tilts.followup.models import TEACHING_TYPES, FollowUpStatus
from tilts.followup.selectors import Scope, counted_followups, counted_mobilities, followup_due, ratio, total_reach
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.selectors import mobilities_for
from tilts.quality.models import Answer, AnswerEvidence, Review, StandardItem, Status, SupportChecklist
from tilts.reporting.models import ParticipantReport
from tilts.selection.models import AgreementKind

JOB_SHADOWING = "job_shadowing"
MENTOR_LIMIT = 2  # Programme Guide 2026: at most two people job-shadowing the same mentor at the same time.

# Who sees and changes what -------------------------------------------------------------------------------------


def reviews_for(user: User) -> QuerySet[Review]:
    """The coordinator, auditors and member contacts see the reviews (a member contact only their institution's
    answers in them); others none."""
    if user.can_view_everything or (user.is_member_contact and user.organisation_id):
        return Review.objects.select_related("consortium")
    return Review.objects.none()


def answers_for(user: User) -> QuerySet[Answer]:
    base = Answer.objects.select_related("item", "organisation", "review")
    if user.can_view_everything:
        return base
    if user.is_member_contact and user.organisation_id:
        return base.filter(organisation_id=user.organisation_id)
    return base.none()


def evidence_for(user: User) -> QuerySet[AnswerEvidence]:
    return AnswerEvidence.objects.filter(answer__in=answers_for(user)).select_related("answer__review")


def can_answer(user: User, review: Review, organisation_id: int) -> bool:
    """While a review is open: the coordinator for any institution, a member contact for their own."""
    if not review.is_open:
        return False
    return user.is_coordinator or (user.is_member_contact and user.organisation_id == organisation_id)


def access_review(user: User, review_id: int, *, for_write: bool = False) -> Review:
    """A quality review the user sees (404 otherwise); ``for_write``: the coordinator runs reviews (403)."""
    return access(reviews_for(user), review_id, for_write=for_write, may_change=lambda _: user.is_coordinator)


def access_answer(user: User, answer_id: int, *, for_write: bool = False) -> Answer:
    """An answer the user sees (404 otherwise); ``for_write``: only while they may answer it (403)."""
    return access(
        answers_for(user),
        answer_id,
        for_write=for_write,
        may_change=lambda answer: can_answer(user, answer.review, answer.organisation_id),
    )


def access_answer_evidence(user: User, evidence_id: int, *, for_write: bool = False) -> AnswerEvidence:
    """Evidence of an answer the user sees (404 otherwise); ``for_write``: only while they may answer (403)."""
    return access(
        evidence_for(user),
        evidence_id,
        for_write=for_write,
        may_change=lambda evidence: can_answer(user, evidence.answer.review, evidence.answer.organisation_id),
    )


def organisations_in(review: Review) -> QuerySet[Organisation]:
    """The institutions answering a review: those that have answers in it."""
    return Organisation.objects.filter(pk__in=review.answers.values("organisation_id"))


def visible_organisations(user: User, review: Review) -> list[Organisation]:
    """The institutions of a review the user sees, in Latvian order."""
    organisations = organisations_in(review)
    if not user.can_view_everything:
        organisations = organisations.filter(pk=user.organisation_id or 0)
    return sorted(organisations, key=lambda o: latvian_sort_key(o.legal_name))


def visible_organisations_all(review: Review) -> list[Organisation]:
    """Every institution of a review, in Latvian order (for the coordinator's and auditors' pack)."""
    return sorted(organisations_in(review), key=lambda o: latvian_sort_key(o.legal_name))


def answering_organisations(consortium: Consortium) -> list[Organisation]:
    """Who answers a new review: the coordinator and every active member (the standards apply to each)."""
    organisations = Organisation.objects.filter(
        memberships__consortium=consortium, memberships__status=MembershipStatus.ACTIVE
    ).distinct()
    result = list(organisations)
    if consortium.coordinator is not None and consortium.coordinator not in result:
        result.append(consortium.coordinator)
    return sorted(result, key=lambda o: latvian_sort_key(o.legal_name))


def checklist_mobilities(user: User) -> QuerySet[Mobility]:
    """Mobilities whose support checklist the user sees: the coordinator and auditors all, a member contact their
    institution's, a participant their own."""
    return mobilities_for(user)


def access_checklist(user: User, mobility_id: int, *, for_write: bool = False) -> Mobility:
    """The mobility whose support checklist the user sees (404 otherwise); ``for_write``: only if they may
    fill it in (403)."""
    return access(
        checklist_mobilities(user),
        mobility_id,
        for_write=for_write,
        may_change=lambda mobility: can_edit_checklist(user, mobility),
    )


def can_edit_checklist(user: User, mobility: Mobility) -> bool:
    """The coordinator, the sending member's contact and the participant; never for a cancelled mobility; auditors
    read only."""
    if not user.is_active or mobility.status == MobilityStatus.CANCELLED:
        return False
    if user.is_coordinator:
        return True
    if user.is_auditor:
        return False
    if user.is_member_contact and mobility.sending_organisation_id == user.organisation_id:
        return True
    return mobility.participant_id == user.pk


def active_items() -> QuerySet[StandardItem]:
    return StandardItem.objects.filter(active=True)


def previous_review(review: Review) -> Review | None:
    """The review before this one (by period, then by when it was opened)."""
    return (
        Review.objects.filter(consortium=review.consortium)
        .filter(Q(period_start__lt=review.period_start) | Q(period_start=review.period_start, pk__lt=review.pk))
        .order_by("-period_start", "-pk")
        .first()
    )


# Progress of a review ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationProgress:
    organisation: Organisation
    answered: int
    total: int
    by_status: dict[str, int]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def progress(review: Review, organisations: list[Organisation]) -> list[OrganisationProgress]:
    """Per institution: how many items it has answered, and how many per status. One query."""
    rows = (
        review.answers.filter(organisation__in=organisations)
        .values("organisation_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["organisation_id"]][row["status"]] = row["n"]
    result = []
    for organisation in organisations:
        by_status = counts.get(organisation.pk, {})
        total = sum(by_status.values())
        result.append(OrganisationProgress(organisation, total - by_status.get("", 0), total, by_status))
    return result


@dataclass(frozen=True)
class ItemSummary:
    item: StandardItem
    by_status: dict[str, int]

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def counts(self) -> list[int]:
        """The number of answers per status, in the order of :class:`Status`."""
        return [self.by_status.get(value, 0) for value in Status.values]


def item_summaries(review: Review, organisation: Organisation | None = None) -> list[ItemSummary]:
    """Per item of a review: how many institutions (or the one given) answered each status. One query."""
    answers = review.answers.all()
    if organisation is not None:
        answers = answers.filter(organisation=organisation)
    rows = answers.values("item_id", "status").annotate(n=Count("pk")).order_by()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["item_id"]][row["status"]] = row["n"]
    items = StandardItem.objects.filter(pk__in=counts)
    return [ItemSummary(item, counts[item.pk]) for item in items]


# What changed since the last review ----------------------------------------------------------------------------

COMPARED_FIELDS = ("status", "owner", "notes", "due_date")


@dataclass(frozen=True)
class Change:
    item: StandardItem
    before: Answer | None
    after: Answer
    fields: list[str]


def changes(review: Review, organisation: Organisation, earlier: Review | None) -> list[Change]:
    """The items whose answer differs between ``earlier`` and ``review`` for one institution (all answered items
    when there is no earlier review)."""
    now = {a.item_id: a for a in review.answers.filter(organisation=organisation).select_related("item")}
    before = {}
    if earlier is not None:
        before = {a.item_id: a for a in earlier.answers.filter(organisation=organisation)}
    result = []
    for item_id, answer in now.items():
        old = before.get(item_id)
        differing = [f for f in COMPARED_FIELDS if old is None or getattr(old, f) != getattr(answer, f)]
        if old is None and not answer.status and not answer.notes:
            continue
        if differing:
            result.append(Change(answer.item, old, answer, differing))
    return sorted(result, key=lambda c: (c.item.area, c.item.custom, c.item.code))


# Measures ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    code: str
    label: str | Promise
    count: int
    of: int | None  # None: a count, not a share
    url: str = ""

    @property
    def percent(self) -> int | None:
        if self.of is None:
            return None
        share = ratio(self.count * 100, self.of, "1")
        return int(share) if share is not None else None


def _share(code: str, label: str | Promise, mobilities: QuerySet[Mobility], condition: Q, url: str = "") -> Measure:
    figures = mobilities.aggregate(of=Count("pk", distinct=True), count=Count("pk", filter=condition, distinct=True))
    return Measure(code, label, figures["count"], figures["of"], url)


def measures(scope: Scope, today: datetime.date | None = None) -> dict[str, Measure]:
    """Every measure Tilts computes for the standards, for the consortium or one member (``scope.organisation``).

    Shares are of the mobilities that took place (as on the goals dashboard): with a learning agreement signed
    before departure, with green travel, with each point of the support checklist; reports submitted by their
    due date (of those due or submitted); follow-ups delivered within ``FOLLOWUP_GRACE_MONTHS`` (of the
    mobilities whose grace period has ended). Colleagues reached and results published are counts.
    """
    today = today or timezone.localdate()
    mobilities = Mobility.objects.filter(pk__in=counted_mobilities(scope).values("pk"))
    support = reverse("quality:support")
    result = [
        _share(
            "agreement_before_departure",
            _("Mobilities with a learning agreement signed before departure"),
            mobilities,
            Q(
                agreements__kind=AgreementKind.LEARNING,
                agreements__signed_uploaded_at__date__lte=F("start_date"),
            ),
        ),
        _share("green_travel", _("Mobilities with green travel"), mobilities, Q(green_travel=True)),
        _share(
            "practical_arrangements",
            _("Mobilities with insurance, travel and accommodation arranged"),
            mobilities,
            Q(support_checklist__insurance=True, support_checklist__travel_accommodation=True),
            support,
        ),
        _share(
            "preparation",
            _("Participants with preparation recorded"),
            mobilities,
            Q(support_checklist__preparation=True),
            support,
        ),
        _share(
            "mentor",
            _("Mobilities with a mentor at the host"),
            mobilities,
            Q(support_checklist__mentor_name__gt=""),
            support,
        ),
        _share(
            "emergency_contact",
            _("Mobilities with an emergency contact"),
            mobilities,
            Q(support_checklist__emergency_contact__gt=""),
            support,
        ),
        _share(
            "recognition",
            _("Mobilities with learning outcomes recognised"),
            mobilities,
            Q(support_checklist__recognition=True),
            support,
        ),
        _reports_on_time(mobilities, today),
        _followups_in_time(mobilities, today),
        Measure(
            "colleagues_reached",
            _("Colleagues reached by follow-up activities"),
            total_reach(scope).colleagues,
            None,
            reverse("followup:dashboard"),
        ),
        Measure(
            "results_published",
            _("Results published on the public results page"),
            counted_followups(scope).filter(type__in=TEACHING_TYPES).count(),
            None,
            reverse("followup:results"),
        ),
    ]
    return {measure.code: measure for measure in result}


def _reports_on_time(mobilities: QuerySet[Mobility], today: datetime.date) -> Measure:
    reports = ParticipantReport.objects.filter(mobility__in=mobilities).filter(
        Q(due_date__lt=today) | Q(submitted_at__isnull=False)
    )
    figures = reports.aggregate(of=Count("pk"), count=Count("pk", filter=Q(submitted_at__date__lte=F("due_date"))))
    return Measure("reports_on_time", _("Participant reports submitted on time"), figures["count"], figures["of"])


def _followups_in_time(mobilities: QuerySet[Mobility], today: datetime.date) -> Measure:
    """Of the mobilities whose grace period has ended, those with a follow-up delivered by its end."""
    rows = mobilities.annotate(
        first_delivered=Min("followups__date", filter=Q(followups__status=FollowUpStatus.DELIVERED))
    ).only("pk", "end_date")
    due = [(followup_due(m), m.first_delivered) for m in rows]
    ended = [(last_day, delivered) for last_day, delivered in due if last_day < today]
    count = sum(1 for last_day, delivered in ended if delivered is not None and delivered <= last_day)
    label = _("Mobilities with a follow-up delivered within %(months)s months") % {
        "months": settings.FOLLOWUP_GRACE_MONTHS
    }
    return Measure("followups_in_time", label, count, len(ended), reverse("followup:index"))


def scope_for(user: User, consortium: Consortium) -> Scope | None:
    """The consortium's numbers for the coordinator and auditors, their institution's for a member contact."""
    return followup_selectors.scope_for(user, consortium)


# The 2026 guide's mentor rule ----------------------------------------------------------------------------------


def _mentor_key(name: str, host: str) -> tuple[str, str]:
    return (" ".join(name.split()).casefold(), " ".join(host.split()).casefold())


def _peak(intervals: list[tuple[datetime.date, datetime.date]]) -> int:
    """The most intervals (inclusive days) that cover one day."""
    events = [(start, 1) for start, _end in intervals]
    events += [(end + datetime.timedelta(days=1), -1) for _start, end in intervals]
    peak = current = 0
    for _day, step in sorted(events, key=lambda e: (e[0], e[1])):
        current += step
        peak = max(peak, current)
    return peak


def _shadowing(consortium: Consortium) -> QuerySet[SupportChecklist]:
    return SupportChecklist.objects.filter(
        mobility__project__consortium=consortium,
        mobility__activity_type=JOB_SHADOWING,
        mentor_name__gt="",
    ).exclude(mobility__status=MobilityStatus.CANCELLED)


@dataclass(frozen=True)
class MentorOverload:
    mentor: str
    host: str
    peak: int
    mobilities: list[Mobility]


def mentor_overloads(consortium: Consortium) -> list[MentorOverload]:
    """Mentors with more than two people job-shadowing them at the same time, across the consortium."""
    groups: dict[tuple[str, str], list[SupportChecklist]] = defaultdict(list)
    for checklist in _shadowing(consortium).select_related("mobility__participant"):
        groups[_mentor_key(checklist.mentor_name, checklist.mobility.receiving_name)].append(checklist)
    result = []
    for rows in groups.values():
        peak = _peak([(c.mobility.start_date, c.mobility.end_date) for c in rows])
        if peak > MENTOR_LIMIT:
            mobilities = sorted((c.mobility for c in rows), key=lambda m: (m.start_date, m.pk))
            result.append(MentorOverload(rows[0].mentor_name, rows[0].mobility.receiving_name, peak, mobilities))
    return result


def mentor_peak_with(mobility: Mobility, mentor_name: str) -> int:
    """How many people would job-shadow ``mentor_name`` at the same time if this mobility had them as mentor."""
    key = _mentor_key(mentor_name, mobility.receiving_name)
    # Clipped to this mobility's dates: an overlap of others outside them is not this mobility's doing.
    others = [
        (max(c.mobility.start_date, mobility.start_date), min(c.mobility.end_date, mobility.end_date))
        for c in _shadowing(mobility.project.consortium).exclude(mobility=mobility).select_related("mobility")
        if _mentor_key(c.mentor_name, c.mobility.receiving_name) == key
        and c.mobility.start_date <= mobility.end_date
        and c.mobility.end_date >= mobility.start_date
    ]
    return _peak([*others, (mobility.start_date, mobility.end_date)])


def answered_status_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Status.choices if value]
