"""Notification e-mails: who gets which, in their own language, after the change is committed, unless they have
turned that kind off; and the weekly digest of what waits for each coordinator and member contact."""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tilts.accounts.models import Role, User
from tilts.core.emails import absolute_url, send_templated_mail, url_in_language
from tilts.notifications.models import DigestSent, EmailKind, EmailPreference

if TYPE_CHECKING:
    from tilts.mobility.models import Mobility
    from tilts.reporting.models import ParticipantReport
    from tilts.selection.models import Agreement, Application, Call

logger = logging.getLogger(__name__)

# Which kinds each role is offered on the preferences page (the others never reach them).
OFFERED = {
    Role.COORDINATOR: [
        EmailKind.NEW_APPLICATION,
        EmailKind.MOBILITY_SUBMITTED,
        EmailKind.REPORT_SUBMITTED,
        EmailKind.WEEKLY_DIGEST,
        EmailKind.EVALUATOR_ASSIGNED,
    ],
    Role.MEMBER_CONTACT: [
        EmailKind.MOBILITY_SUBMITTED,
        EmailKind.MOBILITY_APPROVED,
        EmailKind.AGREEMENT_READY,
        EmailKind.WEEKLY_DIGEST,
    ],
    Role.EVALUATOR: [EmailKind.EVALUATOR_ASSIGNED],
}
PARTICIPANT_KINDS = [EmailKind.MOBILITY_SUBMITTED, EmailKind.MOBILITY_APPROVED, EmailKind.AGREEMENT_READY]


def offered_to(user: User) -> list[EmailKind]:
    kinds = list(OFFERED.get(Role(user.role), []))
    kinds += [kind for kind in PARTICIPANT_KINDS if kind not in kinds]
    return kinds


def muted(user: User) -> set[str]:
    preference = EmailPreference.objects.filter(user=user).first()
    return set(preference.muted) if preference else set()


def set_muted(user: User, kinds: Iterable[str]) -> EmailPreference:
    """Turn off exactly ``kinds`` (unknown ones are ignored) and turn the rest on again."""
    chosen = sorted({kind for kind in kinds if kind in EmailKind.values})
    preference, _created = EmailPreference.objects.update_or_create(user=user, defaults={"muted": chosen})
    return preference


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str
    url: str


def notify(kind: EmailKind, recipients: Iterable[User], notice: Callable[[User], Notice]) -> None:
    """After the commit, e-mail each active recipient who has not turned ``kind`` off, once, in their language.
    ``notice`` builds the subject, text and link for one recipient (called in their language)."""
    people = {user.pk: user for user in recipients if user.is_active and user.email}
    if not people:
        return
    turned_off = {
        preference.user_id
        for preference in EmailPreference.objects.filter(user_id__in=people)
        if kind.value in preference.muted
    }

    def send() -> None:
        for user in people.values():
            if user.pk in turned_off:
                continue
            with translation.override(user.language or "lv"):
                message = notice(user)
            send_templated_mail(
                "notifications/email/notice",
                user.email,
                {"user": user, "notice": message, "preferences_url": preferences_url(user)},
                user.language,
            )

    transaction.on_commit(send, robust=True)


def preferences_url(user: User) -> str:
    return url_in_language(user.language or "lv", "notifications:preferences")


def coordinators() -> QuerySet[User]:
    return User.objects.filter(role=Role.COORDINATOR, is_active=True)


def member_contacts(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(role=Role.MEMBER_CONTACT, organisation_id=organisation_id, is_active=True)


# The notices: each service that makes such a change calls one of these -------------------------------------


def evaluators_assigned(call: "Call", evaluators: Iterable[User]) -> None:
    def notice(user: User) -> Notice:
        return Notice(
            _("Applications to evaluate: %(call)s") % {"call": call.title},
            _(
                "You have been asked to evaluate the applications to the call “%(call)s”. For each, declare whether "
                "you have a conflict of interest, then score it."
            )
            % {"call": call.title},
            url_in_language(user.language, "selection:manage_list"),
        )

    notify(EmailKind.EVALUATOR_ASSIGNED, evaluators, notice)


def application_submitted(application: "Application") -> None:
    def notice(user: User) -> Notice:
        return Notice(
            _("New application: %(person)s, %(call)s")
            % {"person": application.applicant, "call": application.call.title},
            _("%(person)s (%(institution)s) has submitted an application to the call “%(call)s”.")
            % {
                "person": application.applicant,
                "institution": application.organisation,
                "call": application.call.title,
            },
            url_in_language(user.language, "selection:application", application.pk),
        )

    notify(EmailKind.NEW_APPLICATION, coordinators(), notice)


def mobility_moved(mobility: "Mobility") -> None:
    """A mobility submitted (the coordinator, the member contacts, the participant) or approved (the member
    contacts, the participant)."""
    from tilts.mobility.models import MobilityStatus

    people = [*member_contacts(mobility.sending_organisation_id), mobility.participant]
    if mobility.status == MobilityStatus.SUBMITTED:
        kind = EmailKind.MOBILITY_SUBMITTED
        people += list(coordinators())
    elif mobility.status == MobilityStatus.APPROVED:
        kind = EmailKind.MOBILITY_APPROVED
    else:
        return

    def notice(user: User) -> Notice:
        what = {"person": mobility.participant, "host": mobility.receiving_name, "city": mobility.receiving_city}
        if kind == EmailKind.MOBILITY_SUBMITTED:
            return Notice(
                _("Mobility submitted: %(person)s → %(city)s") % what,
                _(
                    "The mobility of %(person)s to %(host)s (%(city)s) has been submitted "
                    "for the coordinator's approval."
                )
                % what,
                url_in_language(user.language, "mobility:detail", mobility.pk),
            )
        return Notice(
            _("Mobility approved: %(person)s → %(city)s") % what,
            _(
                "The mobility of %(person)s to %(host)s (%(city)s) has been approved and its grant fixed. "
                "The agreements can now be issued."
            )
            % what,
            url_in_language(user.language, "mobility:detail", mobility.pk),
        )

    notify(kind, people, notice)


def agreement_issued(agreement: "Agreement") -> None:
    mobility = agreement.mobility

    def notice(user: User) -> Notice:
        document = agreement.get_kind_display()
        return Notice(
            _("Ready to sign: %(document)s") % {"document": document},
            _(
                "The %(document)s (version %(number)s) for the mobility to %(host)s is ready. Read it, sign it and "
                "return it to your institution's contact person."
            )
            % {"document": document, "number": agreement.number, "host": mobility.receiving_name},
            url_in_language(user.language, "selection:agreements", mobility.pk),
        )

    notify(EmailKind.AGREEMENT_READY, [mobility.participant], notice)


def report_submitted(report: "ParticipantReport") -> None:
    mobility = report.mobility

    def notice(user: User) -> Notice:
        what = {"person": mobility.participant, "host": mobility.receiving_name}
        return Notice(
            _("Report submitted: %(person)s") % what,
            _("%(person)s has submitted the participant report on the mobility to %(host)s. It waits for your review.")
            % what,
            url_in_language(user.language, "reporting:detail", report.pk),
        )

    notify(EmailKind.REPORT_SUBMITTED, coordinators(), notice)


# The weekly digest ------------------------------------------------------------------------------------------


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class DigestRun:
    sent: int
    failed: int


def send_weekly_digest(today: datetime.date | None = None) -> DigestRun:
    """E-mail each coordinator and member contact what waits for them (their dashboard's list), once a week.

    Safe to run as often as wanted: a row per person and week records the sending; someone with nothing waiting
    gets nothing (and is marked, so a later run that week sends nothing either). A refused e-mail is logged and
    tried again on the next run.
    """
    from tilts.core.waiting import waiting_for

    today = today or timezone.localdate()
    week = week_of(today)
    people = User.objects.filter(is_active=True).filter(
        Q(role=Role.COORDINATOR) | Q(role=Role.MEMBER_CONTACT, organisation__isnull=False)
    )
    done = set(DigestSent.objects.filter(week=week).values_list("user_id", flat=True))
    turned_off = {p.user_id for p in EmailPreference.objects.all() if EmailKind.WEEKLY_DIGEST.value in p.muted}
    sent = failed = 0
    for user in people.exclude(pk__in=done).order_by("pk"):
        if user.pk in turned_off:
            continue
        with translation.override(user.language or "lv"):
            items = [(item.text, absolute_url(item.url)) for item in waiting_for(user, today)]
        if items:
            try:
                send_templated_mail(
                    "notifications/email/digest",
                    user.email,
                    {"user": user, "items": items, "week": week, "preferences_url": preferences_url(user)},
                    user.language,
                )
            except Exception:
                logger.exception("The weekly digest to user %s could not be sent", user.pk)
                failed += 1
                continue
            sent += 1
        DigestSent.objects.get_or_create(user=user, week=week)
    return DigestRun(sent, failed)
