from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """The follow-up cascade: what participants teach after a mobility, its reach, and the goals dashboard."""

    name = "tilts.followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from tilts.followup import personal_data, sheets  # noqa: F401  (sheets and personal_data register)
        from tilts.followup.listexports import register_kinds

        register_kinds()
