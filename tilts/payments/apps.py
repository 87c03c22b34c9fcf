from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Payments of a mobility's grant: the pre-financing and the balance, due and paid."""

    name = "tilts.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from tilts.exports.workbook import register_sheet
        from tilts.payments import waiting  # noqa: F401  (registers what waits on the dashboard)
        from tilts.payments.exports import payments_sheet

        register_sheet("payments", _("Payments"), payments_sheet)

        from tilts.payments.listexports import register_kinds

        register_kinds()
