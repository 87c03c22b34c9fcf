from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tilts.api import api
from tilts.core.views import healthz
from tilts.mobility.views import ical

# Our own error pages (404.html through the default handler, with the site's context).
handler500 = "tilts.core.views.server_error"

# The admin logs in through allauth, so two-factor authentication applies there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("api/v1/", api.urls),
    # iCal feeds are read by calendar programs: no language prefix, a secret token instead of a login.
    path("calendar/<str:token>.ics", ical, name="mobility-ical"),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    # Inside the language prefix so that switching from /en/... back to Latvian finds the page it came from.
    path("i18n/", include("django.conf.urls.i18n")),
    # E-mail addresses are the login and are set by invitation; people do not add or change them themselves.
    path("accounts/email/", RedirectView.as_view(pattern_name="people:profile"), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("manage/", include("tilts.consortium.urls")),
    path("people/", include("tilts.accounts.urls")),
    path("grants/", include("tilts.grants.urls")),
    path("projects/", include("tilts.projects.urls")),
    path("mobilities/", include("tilts.mobility.urls")),
    path("calls/", include("tilts.selection.urls")),
    path("reports/", include("tilts.reporting.urls")),
    path("follow-up/", include("tilts.followup.urls")),
    path("exports/", include("tilts.exports.urls")),
    path("list-exports/", include("tilts.core.list_export_urls")),
    path("quality/", include("tilts.quality.urls")),
    path("payments/", include("tilts.payments.urls")),
    path("notifications/", include("tilts.notifications.urls")),
    path("admin/", admin.site.urls),
    path("", include("tilts.public.urls")),
    prefix_default_language=False,
)
