"""What mobility tells the apps built on it, which it does not import (reporting opens reports, notifications
mails people; their receivers are connected in their ``AppConfig.ready``)."""

from django.dispatch import Signal

# Sent inside the transaction of a status change, after the mobility is saved, with ``mobility`` (as saved) and
# ``status`` (the new one).
status_changed = Signal()

# Sent before a mobility's page shows it, with ``mobility`` and ``today``, so that apps keeping state that follows
# the calendar bring it up to date (a report opens once a confirmed mobility has ended). A receiver returns true
# when it changed something the page shows; the page then reads the mobility again.
before_shown = Signal()
