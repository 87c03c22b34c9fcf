"""Who may see and change what. Every view and API endpoint asks these functions, never the template.

Roles (see :class:`tilts.accounts.models.Role`): the coordinator manages the whole consortium; auditors read
everything and change nothing; member contacts manage their own institution; participants and evaluators
see their own data. Object checks return ``False`` rather than raising so callers choose 403 or 404; views
use 404 for objects outside the user's reach so identifiers cannot be probed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from tilts.accounts.models import Role, User
from tilts.consortium.models import Organisation

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def role_required(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Let in logged-in users with one of ``roles`` (no roles: any logged-in user); others get 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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


def current_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``role_required`` (typed for the checker)."""
    assert isinstance(request.user, User)
    return request.user
