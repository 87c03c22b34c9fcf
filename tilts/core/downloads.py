"""Private files (uploads and exports) leave the server only through here, after the caller's permission check.

Every one is an attachment (never opened on the site's origin), kept by no cache (``private, no-store``: they hold
personal data), and anything but a PDF also gets ``Content-Security-Policy: sandbox``, so a file opened in the
browser anyway runs no script and cannot reach the site's cookies. PDFs get no sandbox (Chrome and Safari then show
a blank page instead of their viewer); uploaded PDFs are refused with anything active in them (core.uploads).
"""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


def private_file(stored: FieldFile | None, *, filename: str, content_type: str | None = None) -> FileResponse:
    """The stored file as a download named ``filename``; 404 when there is none or it is gone from storage.

    Without ``content_type`` the type follows the file name's extension.
    """
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if not response.get("Content-Type", "").startswith("application/pdf"):
        response["Content-Security-Policy"] = SANDBOX
    return response
