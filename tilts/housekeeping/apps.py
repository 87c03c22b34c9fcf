from django.apps import AppConfig


class HousekeepingConfig(AppConfig):
    """The worker's housekeeping (heartbeat, recovery of interrupted exports) and the retention of personal data:
    rules that reach across the apps, so this app sits on top of them and none imports it."""

    name = "tilts.housekeeping"
