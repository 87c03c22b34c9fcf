from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Participant reports after a mobility: the form, evidence, reminders, review and the final grant."""

    name = "tilts.reporting"
    verbose_name = _("Participant reports")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from tilts.mobility import signals
        from tilts.reporting import personal_data, receivers, waiting  # noqa: F401  (waiting: registers what waits on the dashboard)

        # Selection issues the agreements and does not know about reports; reporting listens instead.
        signals.status_changed.connect(receivers.mobility_status_changed, dispatch_uid="reporting_opens_reports")
        signals.before_shown.connect(receivers.mobility_shown, dispatch_uid="reporting_opens_ended_reports")
        post_save.connect(
            receivers.report_saved, sender="reporting.ParticipantReport", dispatch_uid="mobility-costs-report"
        )
        post_save.connect(
            receivers.grant_agreement_saved, sender="selection.Agreement", dispatch_uid="reporting_follows_agreement"
        )
