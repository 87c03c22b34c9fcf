"""Eligibility, conflicts of interest, ranking and ties, decisions and the reserve list."""

import datetime
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import MembershipStatus
from tilts.core.access import Forbidden
from tilts.mobility import services as mobility_services
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.tests.factories import make_participant
from tilts.selection import selectors, services
from tilts.selection.models import Agreement, Application, ApplicationStatus, Assignment, Support
from tilts.selection.tests.factories import (
    application_fields,
    give_scores,
    make_call,
    ready_to_select,
    submitted_application,
)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the Latvian ones are checked by the translation test)."""
    with translation.override("en"):
        yield


@pytest.fixture
def call(consortium):
    return make_call(consortium)


def check_names(application):
    return {check.name: check for check in services.eligibility_checks(application)}


def test_a_complete_application_passes_every_automatic_check(call, participant, goals) -> None:
    application = submitted_application(call, participant, goals)
    assert application.status == ApplicationStatus.SUBMITTED
    assert all(check.passed for check in services.eligibility_checks(application))


@pytest.mark.parametrize(
    ("overrides", "failing"),
    [
        ({"dissemination_colleagues": 0}, "A plan to teach colleagues, reaching at least one"),
        ({"dissemination_topic": " "}, "A plan to teach colleagues, reaching at least one"),
        ({"dissemination_institutions": ""}, "A plan to teach colleagues, reaching at least one"),
        ({"start_date": datetime.date(2026, 5, 1), "end_date": datetime.date(2026, 5, 10)}, "Dates inside the project"),
        ({"end_date": datetime.date(2027, 9, 30)}, "Dates inside the project"),
        ({"dissemination_by": datetime.date(2027, 3, 5)}, "The follow-up comes after the mobility"),
    ],
)
def test_failed_checks_block_submission_and_say_why(call, participant, goals, overrides, failing) -> None:
    application = services.start_application(call, participant)
    fields = application_fields(**overrides)
    application.__dict__.update(fields)
    checks = check_names(application)
    assert checks[failing].passed is False
    assert checks[failing].reason
    application = Application.objects.get(pk=application.pk)
    if overrides.get("dissemination_colleagues") == 0:
        with pytest.raises(ValidationError):  # the model refuses fewer than one colleague already in the draft
            services.save_draft(application, version=application.version, goals=goals[:1], **fields)
        return
    application = services.save_draft(application, version=application.version, goals=goals[:1], **fields)
    with pytest.raises(ValidationError) as error:
        services.submit(application, by=participant)
    assert failing in str(error.value)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_someone_whose_institution_left_cannot_apply(call, participant, member, goals) -> None:
    member.memberships.update(status=MembershipStatus.LEFT)
    assert services.can_start_application(participant, call) == "Only staff of member institutions can apply."
    with pytest.raises(ValidationError):
        services.start_application(call, participant)


def test_other_roles_are_refused_not_told_a_form_error(call, member) -> None:
    evaluator = UserFactory(role=Role.EVALUATOR, organisation=member)
    with pytest.raises(Forbidden):
        services.start_application(call, evaluator)
    assert not Application.objects.exists()


def test_no_goal_no_submission(call, participant) -> None:
    application = services.start_application(call, participant)
    application = services.save_draft(application, version=application.version, goals=[], **application_fields())
    with pytest.raises(ValidationError, match="Serves at least one goal"):
        services.submit(application, by=participant)


def test_after_the_close_date_nobody_submits_and_the_applicant_is_told_why(call, participant, goals) -> None:
    application = services.start_application(call, participant)
    application = services.save_draft(application, version=application.version, goals=goals[:1], **application_fields())
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.opens_on = call.closes_on - datetime.timedelta(days=10)
    call.save()
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="The call closed on"):
        services.submit(application, by=participant)
    with pytest.raises(ValidationError, match="has closed"):
        services.save_draft(application, version=application.version, position="Cita")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_a_draft_is_resumed_not_duplicated_and_stale_saves_conflict(call, participant, goals) -> None:
    first = services.start_application(call, participant)
    assert services.start_application(call, participant).pk == first.pk
    read_version = first.version
    saved = services.save_draft(first, version=read_version, position="Vecākā bibliotekāre")
    from tilts.core.locking import EditConflict

    with pytest.raises(EditConflict):
        services.save_draft(Application.objects.get(pk=first.pk), version=read_version, position="X")
    assert Application.objects.get(pk=saved.pk).position == "Vecākā bibliotekāre"


def test_submission_asks_the_member_contact_and_confirms_to_the_applicant(
    call, participant, member_contact, goals, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(call, participant, goals)
    assert application.support == Support.PENDING
    assert sorted(m.to[0] for m in mail.outbox) == sorted([participant.email, member_contact.email])


def test_member_contact_confirms_or_declines_with_reason(call, participant, member_contact, goals) -> None:
    application = submitted_application(call, participant, goals)
    with pytest.raises(ValidationError):
        services.set_support(application, by=member_contact, confirmed=False, comment="")
    services.set_support(application, by=member_contact, confirmed=True)
    assert Application.objects.get(pk=application.pk).support == Support.CONFIRMED
    assert selectors.can_support(member_contact, application)


def test_evaluator_from_the_applicants_institution_is_in_conflict_and_cannot_score(call, participant, member, goals):
    colleague = UserFactory(role=Role.EVALUATOR, organisation=member)
    outsider = UserFactory(role=Role.EVALUATOR)
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [colleague, outsider], by=None)
    conflicted = Assignment.objects.get(application=application, evaluator=colleague)
    assert conflicted.conflict is True
    with pytest.raises(ValidationError, match="work at the applicant's institution"):
        services.declare_conflict(conflicted, conflict=False)
    criteria = list(call.criteria.all())
    with pytest.raises(ValidationError, match="no conflict"):
        services.save_scores(conflicted, {c.pk: (5, "") for c in criteria}, complete=True)
    free = Assignment.objects.get(application=application, evaluator=outsider)
    assert free.conflict is None
    with pytest.raises(ValidationError):  # must declare first
        services.save_scores(free, {c.pk: (5, "") for c in criteria}, complete=True)
    services.declare_conflict(free, conflict=False)
    services.save_scores(free, {c.pk: (7, "Labi") for c in criteria}, complete=True)
    assert free.scores.count() == 2


def test_a_declared_conflict_needs_a_note_and_removes_scores(call, participant, goals, evaluator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    assignment = Assignment.objects.get(application=application, evaluator=evaluator)
    services.declare_conflict(assignment, conflict=False)
    services.save_scores(assignment, {c.pk: (5, "") for c in call.criteria.all()}, complete=False)
    with pytest.raises(ValidationError):
        services.declare_conflict(assignment, conflict=True, note="")
    services.declare_conflict(assignment, conflict=True, note="Mana māsa")
    assert assignment.scores.count() == 0


def test_scores_outside_the_range_are_refused_and_nothing_is_saved(call, participant, goals, evaluator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    assignment = Assignment.objects.get(application=application, evaluator=evaluator)
    services.declare_conflict(assignment, conflict=False)
    first, second = call.criteria.all()
    with pytest.raises(ValidationError) as error:
        services.save_scores(assignment, {first.pk: (11, ""), second.pk: (5, "")}, complete=True)
    assert f"score_{first.pk}" in error.value.message_dict
    assert assignment.scores.count() == 0
    with pytest.raises(ValidationError):  # incomplete cannot be submitted
        services.save_scores(assignment, {first.pk: (5, "")}, complete=True)


def test_ranking_by_weighted_mean_with_the_stated_tie_break_and_spread_flag(consortium, call, member, goals):
    e1, e2 = UserFactory(role=Role.EVALUATOR), UserFactory(role=Role.EVALUATOR)
    call.evaluators.set([e1, e2])
    people = [make_participant(member) for _ in range(4)]
    apps = [submitted_application(call, person, goals) for person in people]
    for application in apps:
        services.decide_eligibility(application, by=e1, eligible=True)
    # criteria: weight 2 and weight 1, scores 0-10, possible total 30
    give_scores(call, apps[0], e1, [8, 4])  # 20
    give_scores(call, apps[0], e2, [6, 8])  # 20  → mean 20, top-criterion mean 7
    give_scores(call, apps[1], e1, [9, 2])  # 20
    give_scores(call, apps[1], e2, [9, 2])  # 20  → mean 20, top-criterion mean 9 → wins the tie
    give_scores(call, apps[2], e1, [10, 10])  # 30
    give_scores(call, apps[2], e2, [2, 2])  # 6 → mean 18, spread 24 > 0.2 × 30
    rows = selectors.ranking(call)
    order = [row.application.pk for row in rows]
    assert order == [apps[1].pk, apps[0].pk, apps[2].pk, apps[3].pk]
    assert [row.score for row in rows] == [Decimal("20.00"), Decimal("20.00"), Decimal("18.00"), None]
    assert rows[1].tied_with_previous is True and rows[0].tied_with_previous is False
    assert rows[2].spread == Decimal("24") and rows[2].spread_flagged is True
    assert rows[0].spread_flagged is False
    assert rows[3].position is None
    assert rows[0].percent == Decimal("66.7")


def test_equal_scores_and_equal_tie_break_go_by_earlier_submission(call, member, goals, evaluator) -> None:
    call.evaluators.set([evaluator])
    first = submitted_application(call, make_participant(member), goals)
    second = submitted_application(call, make_participant(member), goals)
    Application.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - datetime.timedelta(hours=1))
    for application in (second, first):
        services.decide_eligibility(application, by=evaluator, eligible=True)
        give_scores(call, application, evaluator, [5, 5])
    assert [row.application.pk for row in selectors.ranking(call)] == [first.pk, second.pk]


def test_ineligible_and_withdrawn_applications_are_not_ranked(call, member, goals, coordinator) -> None:
    kept = submitted_application(call, make_participant(member), goals)
    out = submitted_application(call, make_participant(member), goals)
    gone = submitted_application(call, make_participant(member), goals)
    with pytest.raises(ValidationError):
        services.decide_eligibility(out, by=coordinator, eligible=False, reason="")
    services.decide_eligibility(out, by=coordinator, eligible=False, reason="Nav izglītojošā darba")
    services.withdraw(gone, by=gone.applicant)
    assert [row.application.pk for row in selectors.ranking(call)] == [kept.pk]


def test_selection_creates_a_draft_mobility_with_the_plan_and_respects_places(call, member, goals, coordinator):
    apps = [submitted_application(call, make_participant(member), goals) for _ in range(3)]
    with pytest.raises(ValidationError, match="eligible first"):
        services.decide(apps[0], by=coordinator, decision="selected")
    for application in apps:
        ready_to_select(application, coordinator)
    selected = services.decide(apps[0], by=coordinator, decision="selected")
    services.decide(apps[1], by=coordinator, decision="selected")
    mobility = selected.mobility
    assert mobility is not None and mobility.status == MobilityStatus.DRAFT
    assert mobility.participant == apps[0].applicant
    assert mobility.sending_organisation == member
    assert mobility.followup_colleagues == 20
    assert mobility.followup_due == datetime.date(2027, 5, 31)
    assert mobility.grant_total and mobility.grant_total > 0
    assert list(mobility.goals.all()) == goals[:1]
    with pytest.raises(ValidationError, match="All 2 places are taken"):
        services.decide(apps[2], by=coordinator, decision="selected")
    assert Application.objects.get(pk=apps[2].pk).status == ApplicationStatus.SUBMITTED
    assert Application.objects.get(pk=apps[2].pk).mobility is None


def test_rejection_needs_a_reason_and_reserve_is_ordered(call, member, goals, coordinator) -> None:
    apps = [submitted_application(call, make_participant(member), goals) for _ in range(3)]
    for application in apps:
        services.decide_eligibility(application, by=coordinator, eligible=True)
    with pytest.raises(ValidationError):
        services.decide(apps[0], by=coordinator, decision="rejected", reason=" ")
    services.decide(apps[0], by=coordinator, decision="reserve")
    services.decide(apps[1], by=coordinator, decision="reserve")
    services.decide(apps[2], by=coordinator, decision="reserve", reserve_rank=1)
    ranks = dict(Application.objects.filter(call=call).values_list("pk", "reserve_rank"))
    assert ranks == {apps[2].pk: 1, apps[0].pk: 2, apps[1].pk: 3}


def test_withdrawal_cancels_the_mobility_and_the_first_reserve_is_promoted(call, member, goals, coordinator):
    call.places = 1
    call.save()
    chosen, waiting, later = (submitted_application(call, make_participant(member), goals) for _ in range(3))
    for application in (chosen, waiting, later):
        ready_to_select(application, coordinator)
    chosen = services.decide(chosen, by=coordinator, decision="selected")
    services.decide(waiting, by=coordinator, decision="reserve")
    services.decide(later, by=coordinator, decision="reserve")
    with pytest.raises(ValidationError, match="places are taken"):
        services.promote_first_reserve(call, by=coordinator)
    services.withdraw(chosen, by=chosen.applicant, reason="Slimība")
    chosen.mobility.refresh_from_db()
    assert chosen.mobility.status == MobilityStatus.CANCELLED
    promoted = services.promote_first_reserve(call, by=coordinator)
    assert promoted.pk == waiting.pk and promoted.status == ApplicationStatus.SELECTED and promoted.mobility
    assert Application.objects.get(pk=later.pk).reserve_rank == 1


def test_decisions_are_told_to_the_applicant_in_their_language(
    call, member, goals, coordinator, django_capture_on_commit_callbacks
):
    person = make_participant(member)
    person.language = "en"
    person.save()
    application = submitted_application(call, person, goals)
    services.decide_eligibility(application, by=coordinator, eligible=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            application, by=coordinator, decision="rejected", reason="Too many applications from one library"
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert "has not been selected" in message.body
    assert "Too many applications from one library" in message.body


def test_latvian_applicants_get_latvian_mail(call, member, goals, coordinator, django_capture_on_commit_callbacks):
    person = make_participant(member)
    application = submitted_application(call, person, goals)
    ready_to_select(application, coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(application, by=coordinator, decision="selected")
    assert "Apsveicam" in mail.outbox[0].body


def test_criteria_are_fixed_once_scoring_starts(call, participant, goals, evaluator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    give_scores(call, application, evaluator, [5, 5])
    with pytest.raises(ValidationError, match="can no longer change"):
        services.save_call(
            call, criteria=[{"name_lv": "A", "name_en": "A", "weight": Decimal(1), "min_score": 0, "max_score": 5}]
        )
    with pytest.raises(ValidationError, match="already scored"):
        services.set_evaluators(call, [], by=None)
    assert call.criteria.count() == 2


def test_a_call_cannot_close_after_the_project_or_before_it_opens(consortium) -> None:
    call = make_call(consortium)
    call.closes_on = call.project.end_date + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="before the project ends"):
        services.save_call(call)
    call.closes_on = call.opens_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot close before it opens"):
        services.save_call(call)


def test_self_registration_creates_the_account_only_when_the_link_is_opened(
    call, member, participant, django_capture_on_commit_callbacks
) -> None:
    from allauth.account.models import EmailAddress

    from tilts.accounts.models import User

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_applicant(
            email="Jauna@biblioteka.lv",
            first_name="Ilze",
            last_name="Bērziņa",
            organisation=member,
            position="Bibliotekāre",
            language="lv",
            call=call,
        )
        services.register_applicant(
            email=participant.email,
            first_name="X",
            last_name="Y",
            organisation=member,
            position="",
            language="lv",
            call=call,
        )
    assert {m.to[0] for m in mail.outbox} == {"jauna@biblioteka.lv", participant.email}
    assert User.objects.get(pk=participant.pk).first_name != "X"
    assert not User.objects.filter(email="jauna@biblioteka.lv").exists()

    token = next(m for m in mail.outbox if m.to[0] == "jauna@biblioteka.lv").body.split(f"/{call.pk}/register/")[1]
    new = services.confirm_registration(call, token.split("/")[0])
    assert new.role == Role.PARTICIPANT and new.organisation == member and not new.has_usable_password()
    assert (new.first_name, new.position) == ("Ilze", "Bibliotekāre")
    assert EmailAddress.objects.get(user=new).verified
    assert services.confirm_registration(call, token.split("/")[0]) == new  # opened twice before a password is set


def test_a_registration_link_expires_and_cannot_be_forged(call, member) -> None:
    from django.core import signing

    details = {"email": "x@y.lv", "first_name": "A", "last_name": "B", "organisation": member.pk}
    details |= {"position": "", "language": "lv", "call": call.pk}
    forged = signing.dumps(details, salt="someone-else")
    with pytest.raises(ValidationError, match="not valid"):
        services.confirm_registration(call, forged)
    old = signing.dumps(details, salt=services.REGISTRATION_SALT)
    later = time.time() + services.REGISTRATION_VALID_SECONDS + 5
    with pytest.raises(ValidationError, match="expired"), mock.patch("time.time", return_value=later):
        services.confirm_registration(call, old)


def test_ranking_reads_a_fixed_number_of_queries(call, member, goals, django_assert_max_num_queries) -> None:
    evaluators = [UserFactory(role=Role.EVALUATOR) for _ in range(2)]
    call.evaluators.set(evaluators)
    for index in range(6):
        application = submitted_application(call, make_participant(member), goals)
        for evaluator in evaluators:
            give_scores(call, application, evaluator, [index % 10, 5])
    with django_assert_max_num_queries(4):
        rows = selectors.ranking(call)
    assert len(rows) == 6 and all(row.score is not None for row in rows)


def _selected_with_reserve(call, member, goals, coordinator):
    """One place: the first application selected, the second first on the reserve list."""
    call.places = 1
    call.save()
    chosen, waiting = (submitted_application(call, make_participant(member), goals) for _ in range(2))
    for application in (chosen, waiting):
        ready_to_select(application, coordinator)
    services.decide(waiting, by=coordinator, decision="reserve")
    return services.decide(chosen, by=coordinator, decision="selected"), waiting


def test_cancelling_the_mobility_frees_the_place_and_withdraws_the_application(call, member, goals, coordinator):
    chosen, waiting = _selected_with_reserve(call, member, goals, coordinator)
    mobility_services.transition(chosen.mobility, MobilityStatus.CANCELLED, by=coordinator, reason="Slimība")
    chosen.refresh_from_db()
    assert chosen.status == ApplicationStatus.WITHDRAWN and chosen.decision_reason == "Slimība"
    promoted = services.promote_first_reserve(call, by=coordinator)
    assert promoted.pk == waiting.pk and promoted.status == ApplicationStatus.SELECTED


def test_a_selected_application_whose_mobility_is_cancelled_holds_no_place(call, member, goals, coordinator):
    chosen, waiting = _selected_with_reserve(call, member, goals, coordinator)
    Mobility.objects.filter(pk=chosen.mobility_id).update(status=MobilityStatus.CANCELLED)  # recorded before the fix
    assert services.promote_first_reserve(call, by=coordinator).pk == waiting.pk


def test_an_application_the_member_contact_declined_is_neither_eligible_nor_chosen(
    call, participant, member_contact, goals, coordinator
):
    application = submitted_application(call, participant, goals)
    services.decide_eligibility(application, by=coordinator, eligible=True)
    services.set_support(application, by=member_contact, confirmed=False, comment="Nestrādā pie mums")
    for decision in ("selected", "reserve"):
        with pytest.raises(ValidationError, match="member contact does not support"):
            services.decide(application, by=coordinator, decision=decision)
    with pytest.raises(ValidationError, match="member contact does not support"):
        services.decide_eligibility(application, by=coordinator, eligible=True)
    stored = Application.objects.get(pk=application.pk)
    assert (stored.status, stored.mobility) == (ApplicationStatus.SUBMITTED, None)
    services.decide(application, by=coordinator, decision="rejected", reason="Nav atbalsta")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.REJECTED


def test_pending_support_allows_the_reserve_list_but_not_selection(call, participant, goals, coordinator):
    application = submitted_application(call, participant, goals)
    services.decide_eligibility(application, by=coordinator, eligible=True)
    with pytest.raises(ValidationError, match="has not yet confirmed"):
        services.decide(application, by=coordinator, decision="selected")
    assert services.decide(application, by=coordinator, decision="reserve").status == ApplicationStatus.RESERVE
    with pytest.raises(ValidationError, match="has not yet confirmed"):
        services.promote_first_reserve(call, by=coordinator)
    services.set_support(application, by=coordinator, confirmed=True)
    assert services.promote_first_reserve(call, by=coordinator).status == ApplicationStatus.SELECTED


def test_support_cannot_change_once_selected(call, participant, member_contact, goals, coordinator):
    application = submitted_application(call, participant, goals)
    ready_to_select(application, coordinator)
    services.decide(application, by=coordinator, decision="selected")
    with pytest.raises(ValidationError, match="support can no longer change"):
        services.set_support(application, by=member_contact, confirmed=False, comment="Pārdomāju")
    assert Application.objects.get(pk=application.pk).support == Support.CONFIRMED


def test_an_unknown_decision_is_refused_by_name(call, participant, goals, coordinator) -> None:
    application = submitted_application(call, participant, goals)
    ready_to_select(application, coordinator)
    with pytest.raises(ValidationError) as error:
        services.decide(application, by=coordinator, decision="maybe")
    assert error.value.message_dict == {"decision": ["Choose selected, reserve or rejected."]}
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_submitted_scores_need_a_comment_on_every_criterion(call, participant, goals, evaluator) -> None:
    application = submitted_application(call, participant, goals)
    services.set_evaluators(call, [evaluator], by=None)
    assignment = Assignment.objects.get(application=application, evaluator=evaluator)
    services.declare_conflict(assignment, conflict=False)
    first, second = call.criteria.all()
    services.save_scores(assignment, {first.pk: (5, ""), second.pk: (6, "")}, complete=False)  # a draft may
    with pytest.raises(ValidationError) as error:
        services.save_scores(assignment, {first.pk: (5, "Labi"), second.pk: (6, " ")}, complete=True)
    assert error.value.message_dict == {f"comment_{second.pk}": ["Comment on every criterion before submitting."]}
    assignment.refresh_from_db()
    assert assignment.completed_at is None
    assert sorted(assignment.scores.values_list("comment", flat=True)) == ["", ""]
    services.save_scores(assignment, {first.pk: (5, "Labi"), second.pk: (6, "Skaidrs plāns")}, complete=True)
    assert Assignment.objects.get(pk=assignment.pk).completed_at is not None


def test_prefinancing_rounds_half_up_and_the_balance_makes_up_the_total() -> None:
    agreement = Agreement(snapshot={"grant": {"total": "1234.50"}}, prefinancing_percent=85)
    assert services.payment_schedule(agreement) == [
        ("prefinancing", Decimal("1049.33")),
        ("balance", Decimal("185.17")),
    ]


@given(
    total=st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False),
    percent=st.integers(min_value=0, max_value=100),
)
def test_the_two_payments_always_add_up_to_the_grant(total, percent) -> None:
    agreement = Agreement(snapshot={"grant": {"total": str(total)}}, prefinancing_percent=percent)
    (_, first), (_, balance) = services.payment_schedule(agreement)
    exact = total * percent / 100
    assert first + balance == total
    assert abs(first - exact) <= Decimal("0.005") and first >= 0 and balance >= 0


def test_reserve_promotion_reason_is_told_in_the_applicants_language(
    call, member, goals, coordinator, django_capture_on_commit_callbacks
):
    chosen, waiting = _selected_with_reserve(call, member, goals, coordinator)
    waiting.applicant.language = "en"
    waiting.applicant.save()
    services.withdraw(chosen, by=coordinator, reason="Slimība")
    mail.outbox.clear()
    with translation.override("lv"), django_capture_on_commit_callbacks(execute=True):
        services.promote_first_reserve(call, by=coordinator)
    assert "Reason: A place became free." in mail.outbox[0].body
    promoted = Application.objects.get(pk=waiting.pk)
    assert promoted.reason_shown == "A place became free."
    with translation.override("lv"):
        assert promoted.reason_shown == "Atbrīvojās vieta."


def test_the_automatic_conflict_note_is_shown_in_the_readers_language(call, participant, member, goals) -> None:
    colleague = UserFactory(role=Role.EVALUATOR, organisation=member)
    application = submitted_application(call, participant, goals)
    with translation.override("lv"):
        services.set_evaluators(call, [colleague], by=None)
    assignment = Assignment.objects.get(application=application, evaluator=colleague)
    assert assignment.conflict is True
    assert assignment.conflict_reason == "Works at the applicant's institution."
    with translation.override("lv"):
        assert assignment.conflict_reason == "Strādā pieteicēja iestādē."


def test_texts_stored_in_the_actors_language_become_codes(call, participant, member, goals) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tilts.selection.migrations.0003_texts_in_the_readers_language")
    application = submitted_application(call, participant, goals)
    Application.objects.filter(pk=application.pk).update(decision_reason="Atbrīvojās vieta.")
    colleague = UserFactory(role=Role.EVALUATOR, organisation=member)
    services.set_evaluators(call, [colleague], by=None)
    Assignment.objects.filter(evaluator=colleague).update(conflict_note="Strādā pieteicēja iestādē.")
    migration.forwards(apps, None)
    promoted = Application.objects.get(pk=application.pk)
    assert (promoted.decision_reason, promoted.reason_shown) == ("", "A place became free.")
    assignment = Assignment.objects.get(evaluator=colleague)
    assert (assignment.conflict_note, assignment.conflict_reason) == ("", "Works at the applicant's institution.")
