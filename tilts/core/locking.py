"""Optimistic locking: a save is refused when somebody else saved the same object since the form was opened.

Models that take part have an integer ``version`` field; a form or API client sends back the version it read.
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext as _


class EditConflict(ValidationError):
    """Somebody else saved the same object since this form was opened (the API answers 409)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Somebody else has changed this in the meantime. Your changes were not saved: reload the page, "
                "check their changes and enter yours again."
            ),
            code="conflict",
        )


def claim_version(instance: Model, version: int) -> None:
    """Take the next version of ``instance`` if its stored version is still ``version``, else :class:`EditConflict`.

    The stored version goes up in one UPDATE, so of two saves that read the same version only one gets through;
    ``instance.version`` follows, so the caller's ``save()`` writes the same number.
    """
    claimed = type(instance)._default_manager.filter(pk=instance.pk, version=version).update(version=F("version") + 1)
    if claimed != 1:
        raise EditConflict()
    instance.version = version + 1  # type: ignore[attr-defined]
