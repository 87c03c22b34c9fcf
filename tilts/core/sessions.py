"""Django's database sessions, read through SQL compiled once (tilts.core.prepared): every signed-in request reads
its session by key. The same table, the same encoding and the same rules as ``django.contrib.sessions.backends.db``
(``SESSION_ENGINE`` names this module)."""

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from tilts.core import prepared


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> AbstractBaseSession | None:
        try:
            session = prepared.get(self.model, self.session_key)
            if session.expire_date <= timezone.now():  # what the database store's query leaves out
                raise self.model.DoesNotExist
            return session
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{error.__class__.__name__}")
                logger.warning(str(error))
            self._session_key = None
            return None
