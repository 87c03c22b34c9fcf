"""Every change to the consortium, its members and applications to join goes through these functions."""

import datetime
from collections.abc import Iterable
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts import services as account_services
from tilts.accounts.models import Role, User
from tilts.consortium.models import (
    Consortium,
    Goal,
    JoinApplication,
    JoinApplicationStatus,
    Membership,
    MembershipStatus,
    Organisation,
)
from tilts.consortium.validators import normalise_registration_number
from tilts.core.emails import send_templated_mail
from tilts.core.history import records_by

# Applications to join from one address in an hour, the public form and the API counted together: enough for
# people, a brake for robots.
JOIN_ATTEMPTS_PER_HOUR = 10


class OrganisationFields(TypedDict, total=False):
    """An institution's details, in the order of the form."""

    legal_name: str
    short_name: str
    type: str
    registration_number: str
    oid: str
    address: str
    city: str
    country: str
    website: str
    email: str
    phone: str


class JoinApplicationFields(TypedDict, total=False):
    """What an institution writes when it applies to join, in the order of the form (its goals apart)."""

    legal_name: str
    type: str
    registration_number: str
    oid: str
    address: str
    city: str
    country: str
    website: str
    motivation: str
    planned_activities: str
    contact_name: str
    contact_position: str
    contact_email: str
    contact_phone: str


ORGANISATION_FIELDS = (
    "legal_name",
    "type",
    "registration_number",
    "oid",
    "address",
    "city",
    "country",
    "website",
)


def check_can_apply(consortium: Consortium, registration_number: str) -> None:
    """An institution may have one pending application, and members need not apply again."""
    number = normalise_registration_number(registration_number)
    if consortium.join_applications.filter(registration_number=number, status=JoinApplicationStatus.PENDING).exists():
        raise ValidationError(
            {
                "registration_number": _(
                    "An application for this registration number is already being reviewed. "
                    "We will contact you as soon as it is decided."
                )
            }
        )
    if Membership.objects.filter(
        consortium=consortium, organisation__registration_number=number, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(
            {"registration_number": _("An institution with this registration number is already a member.")}
        )


@transaction.atomic
def submit_join_application(
    consortium: Consortium, *, goals: Iterable[Goal], language: str, **fields: Unpack[JoinApplicationFields]
) -> JoinApplication:
    """Record an application from the public form and tell the coordinator and the applicant."""
    goals = list(goals)
    if not goals:
        raise ValidationError({"goals": _("Choose at least one goal your institution shares.")})
    if any(goal.consortium_id != consortium.pk for goal in goals):
        raise ValidationError({"goals": _("Choose goals of this consortium.")})
    fields["registration_number"] = normalise_registration_number(fields["registration_number"])
    check_can_apply(consortium, fields["registration_number"])
    application = JoinApplication(consortium=consortium, language=language, **fields)
    application.full_clean(exclude=["goals"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # a concurrent duplicate slipped past the check above
        raise ValidationError(
            {"registration_number": _("An application for this registration number is already being reviewed.")}
        ) from None
    application.goals.set(goals)
    transaction.on_commit(lambda: _notify_application_received(application), robust=True)
    return application


def _notify_application_received(application: JoinApplication) -> None:
    send_templated_mail(
        "consortium/email/application_received",
        application.contact_email,
        {"application": application, "consortium": application.consortium},
        application.language,
    )
    coordinators = User.objects.filter(role=Role.COORDINATOR, is_active=True)
    for coordinator in coordinators:
        send_templated_mail(
            "consortium/email/application_for_review",
            coordinator.email,
            {"application": application, "consortium": application.consortium},
            coordinator.language,
        )


@transaction.atomic
@records_by
def accept_join_application(application: JoinApplication, *, by: User) -> Membership:
    """Create (or reuse) the organisation, start its membership with the goals it shares, invite its contact.

    An institution that left earlier and applies again keeps its organisation record and history.
    """
    application = JoinApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != JoinApplicationStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    consortium = application.consortium
    organisation = Organisation.objects.filter(registration_number=application.registration_number).first()
    if organisation is None:
        organisation = Organisation(**{field: getattr(application, field) for field in ORGANISATION_FIELDS})
        organisation.full_clean()
        organisation.save()
    membership = start_membership(consortium, organisation, goals=application.goals.all())

    contact = User.objects.filter(email__iexact=application.contact_email).first()
    if contact is not None:
        usable = contact.role in (Role.PARTICIPANT, Role.MEMBER_CONTACT) and contact.organisation_id in (
            None,
            organisation.pk,
        )
        if not usable:
            raise ValidationError(
                _(
                    "The contact person's e-mail belongs to an account at another institution or with another role. "
                    "Ask the applicant for another contact, or change that account first."
                )
            )
        # An existing account (e.g. a participant of this institution) becomes its contact person.
        account_services.update_person(contact, by=by, organisation=organisation, role=Role.MEMBER_CONTACT)
    if contact is None:
        first_name, _sep, last_name = application.contact_name.partition(" ")
        account_services.invite_user(
            email=application.contact_email,
            first_name=first_name,
            last_name=last_name,
            role=Role.MEMBER_CONTACT,
            organisation=organisation,
            invited_by=by,
            language=application.language,
            position=application.contact_position,
        )
    application.status = JoinApplicationStatus.ACCEPTED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.organisation = organisation
    application.save()
    transaction.on_commit(lambda: _notify_decision(application), robust=True)
    return membership


@transaction.atomic
@records_by
def reject_join_application(application: JoinApplication, *, by: User, reason: str) -> JoinApplication:
    application = JoinApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != JoinApplicationStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the applicant a reason.")})
    application.status = JoinApplicationStatus.REJECTED
    application.rejection_reason = reason.strip()
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save()
    transaction.on_commit(lambda: _notify_decision(application), robust=True)
    return application


def _notify_decision(application: JoinApplication) -> None:
    send_templated_mail(
        f"consortium/email/application_{application.status}",
        application.contact_email,
        {"application": application, "consortium": application.consortium},
        application.language,
    )


def start_membership(
    consortium: Consortium,
    organisation: Organisation,
    *,
    goals: Iterable[Goal] = (),
    joined_on: datetime.date | None = None,
    is_coordinator: bool = False,
) -> Membership:
    if Membership.objects.filter(
        consortium=consortium, organisation=organisation, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(_("This institution is already a member."))
    membership = Membership.objects.create(
        consortium=consortium,
        organisation=organisation,
        joined_on=joined_on or timezone.localdate(),
        is_coordinator=is_coordinator,
    )
    membership.goals.set(list(goals))
    return membership


@transaction.atomic
@records_by
def create_member(
    consortium: Consortium,
    *,
    by: User | None,
    goals: Iterable[Goal] = (),
    joined_on: datetime.date | None = None,
    **organisation_fields: Unpack[OrganisationFields],
) -> Membership:
    """The coordinator adds a member directly (e.g. one that joined before Tilts was in use)."""
    organisation_fields["registration_number"] = normalise_registration_number(
        organisation_fields["registration_number"]
    )
    organisation = Organisation(**organisation_fields)
    organisation.full_clean()
    organisation.save()
    return start_membership(consortium, organisation, goals=goals, joined_on=joined_on)


@transaction.atomic
@records_by
def update_organisation(
    organisation: Organisation, *, by: User | None, **changes: Unpack[OrganisationFields]
) -> Organisation:
    if "registration_number" in changes:
        changes["registration_number"] = normalise_registration_number(changes["registration_number"])
    for field, value in changes.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
@records_by
def end_membership(membership: Membership, *, left_on: datetime.date, reason: str = "", by: User | None) -> Membership:
    """End a membership. The organisation, its people and everything it did stay on record."""
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("This membership has already ended."))
    if membership.is_coordinator:
        raise ValidationError(_("The coordinating organisation cannot leave its own consortium."))
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("The end date cannot be before the date the member joined.")})
    membership.status = MembershipStatus.LEFT
    membership.left_on = left_on
    membership.leave_reason = reason
    membership.save()
    return membership


def save_goal(goal: Goal) -> Goal:
    if goal.consortium.goals.filter(number=goal.number).exclude(pk=goal.pk).exists():
        raise ValidationError({"number": _("Another goal already has this number.")})
    goal.full_clean()
    goal.save()
    return goal
