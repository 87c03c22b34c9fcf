"""Evidence files leave the server only through here: to those who may read the report, never by a MEDIA path.

The web page (``reporting:evidence``) and the API (``GET /reports/{id}/evidence/{id}/file``) both call
:func:`evidence_file`, so they serve the same people the same way.
"""

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from tilts.accounts.models import User
from tilts.core.downloads import private_file
from tilts.reporting import selectors


def evidence_file(user: User, evidence_id: int, report_id: int | None = None) -> FileResponse:
    """The file as an attachment, if ``user`` may read its report (and it belongs to ``report_id`` if given)."""
    lookup = {"pk": evidence_id} if report_id is None else {"pk": evidence_id, "report_id": report_id}
    evidence = get_object_or_404(selectors.evidence_for(user), **lookup)
    return private_file(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
