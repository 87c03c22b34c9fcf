"""Changes to people and their access. Views, the API, commands and tests all go through these."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts.models import Role, User
from tilts.consortium.models import Organisation
from tilts.core.emails import send_templated_mail, url_in_language
from tilts.core.history import records_by

ROLES_WITH_INSTITUTION = (Role.MEMBER_CONTACT, Role.PARTICIPANT)


def _check_role_and_institution(role: str, organisation: Organisation | None) -> None:
    if role in ROLES_WITH_INSTITUTION and organisation is None:
        raise ValidationError({"organisation": _("Member contacts and participants must belong to an institution.")})


def invitation_url(user: User) -> str:
    """A one-time link where the invited person sets their password (allauth's reset-by-key view)."""
    key = default_token_generator.make_token(user)
    return url_in_language(user.language, "account_reset_password_from_key", uidb36=user_pk_to_url_str(user), key=key)


def mark_email_verified(user: User) -> None:
    """The person has shown they read mail at their address (an invitation or registration link was opened).

    allauth's two-factor setup requires a verified address; nobody adds addresses by hand here.
    """
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )


def send_invitation(user: User) -> None:
    send_templated_mail(
        "accounts/email/invitation",
        user.email,
        {"user": user, "url": invitation_url(user), "inviter": user.invited_by},
        user.language,
    )


@transaction.atomic
def invite_user(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation: Organisation | None,
    invited_by: User | None,
    language: str = "lv",
    position: str = "",
    send: bool = True,
) -> User:
    """Create an account without a password and e-mail the person a link to set one.

    Inviting an e-mail that already has an account is refused rather than silently changing that account.
    """
    email = User.objects.normalize_email(email).lower()
    _check_role_and_institution(role, organisation)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = User.objects.create_user(
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        organisation=organisation,
        language=language,
        position=position,
        invited_by=invited_by,
        invited_at=timezone.now(),
    )
    if send:
        transaction.on_commit(lambda: send_invitation(user), robust=True)
    return user


def resend_invitation(user: User) -> None:
    if user.has_accepted_invitation:
        raise ValidationError(_("This person has already set a password."))
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    send_invitation(user)


@transaction.atomic
@records_by
def update_person(user: User, *, by: User | None, **changes: object) -> User:
    role = changes.get("role", user.role)
    organisation = changes.get("organisation", user.organisation)
    assert organisation is None or isinstance(organisation, Organisation)
    _check_role_and_institution(str(role), organisation)
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def end_sessions(user: User) -> int:
    """Log the person out everywhere: delete every session that belongs to them (how many were ended)."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@records_by
def set_active(user: User, active: bool, *, by: User | None) -> None:
    """Deactivating keeps the account and its history; the person can no longer log in.

    Their open sessions end at once and are deleted, so reactivating the account later does not revive them.
    """
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_sessions(user)
