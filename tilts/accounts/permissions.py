"""Who may see and change what. Every view and API endpoint asks these functions, never the template.

Roles (see :class:`tilts.accounts.models.Role`): the coordinator manages the whole consortium; auditors read
everything and change nothing; member contacts manage their own institution; participants and evaluators
see their own data. ``can_*`` checks return ``False``; the ``access_*`` functions (here for people,
institutions and applications to join, in each app's selectors for its own objects) fetch and refuse in one
call: 404 for objects outside the user's reach, so identifiers cannot be probed, 403 for an object the user
sees but may not change (see :mod:`tilts.core.access`).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

from tilts.accounts.models import Role, User
from tilts.consortium.models import JoinApplication, Organisation
from tilts.core.access import access

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def role_required(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Let in logged-in users with one of ``roles`` (no roles: any logged-in user); others get 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            assert isinstance(user, User)
            if not user.is_active:
                raise PermissionDenied
            if roles and not (user.role in roles or (Role.COORDINATOR in roles and user.is_coordinator)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return user.can_view_everything or (user.is_active and user.organisation_id == organisation.pk)


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    return user.is_coordinator or (user.is_member_contact and user.organisation_id == organisation.pk)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    if user.can_view_everything:
        return Organisation.objects.all()
    if user.is_active and user.organisation_id:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()


def access_organisation(user: User, organisation_id: int, *, for_write: bool = False) -> Organisation:
    """An institution the user sees (404 otherwise); ``for_write``: the coordinator, or its own member contact
    (403)."""
    return access(
        organisations_visible_to(user),
        organisation_id,
        for_write=for_write,
        may_change=lambda organisation: can_edit_organisation(user, organisation),
    )


def access_join_application(user: User, application_id: int, *, for_write: bool = False) -> JoinApplication:
    """An application to join: the coordinator and auditors see them (404 for others); the coordinator decides
    (403)."""
    visible = JoinApplication.objects.all() if user.can_view_everything else JoinApplication.objects.none()
    return access(visible, application_id, for_write=for_write, may_change=lambda _: user.is_coordinator)


def people_visible_to(user: User) -> QuerySet[User]:
    if user.can_view_everything:
        return User.objects.all()
    if user.is_member_contact and user.organisation_id is not None:
        return User.objects.filter(organisation_id=user.organisation_id)
    return User.objects.filter(pk=user.pk)


def invitable_roles(user: User) -> list[Role]:
    """Coordinators invite anyone; a member contact invites colleagues of their own institution."""
    if user.is_coordinator:
        return list(Role)
    if user.is_member_contact:
        return [Role.PARTICIPANT, Role.MEMBER_CONTACT]
    return []


def can_edit_person(user: User, person: User) -> bool:
    if user.is_coordinator:
        return True
    return (
        user.is_member_contact
        and person.organisation_id == user.organisation_id
        and person.role in (Role.PARTICIPANT, Role.MEMBER_CONTACT)
    )


def access_person(user: User, person_id: int, *, for_write: bool = False) -> User:
    """A person the user sees (404 otherwise); ``for_write``: only someone they may edit, never themselves
    (their own profile is edited under Profile; 403)."""
    return access(
        people_visible_to(user).select_related("organisation"),
        person_id,
        for_write=for_write,
        may_change=lambda person: can_edit_person(user, person) and person.pk != user.pk,
    )


def current_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``role_required`` (typed for the checker)."""
    assert isinstance(request.user, User)
    return request.user
