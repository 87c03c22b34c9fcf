"""Private files leave through tilts.core.downloads: always attachments, never cached, sandboxed unless a PDF."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404

from tilts.core.downloads import SANDBOX, private_file
from tilts.core.tests.pdf import make_pdf
from tilts.reporting.models import Evidence

FIELD = Evidence._meta.get_field("file")


def stored(name: str, content: bytes) -> FieldFile:
    saved = default_storage.save(name, ContentFile(content))
    return FieldFile(None, FIELD, saved)


def test_a_pdf_is_an_attachment_kept_by_no_cache_without_a_sandbox() -> None:
    response = private_file(stored("evidence/a.pdf", make_pdf()), filename="apliecinājums.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "apliec" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response  # a PDF viewer shows a blank page in a sandbox
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("saraksts.csv", "text/csv"),
        ("foto.png", None),  # the type follows the download's name
        ("lapa.html", "text/html"),  # whatever was stored, it runs no script on the site's origin
    ],
)
def test_anything_but_a_pdf_is_also_sandboxed(name: str, content_type: str | None) -> None:
    response = private_file(
        stored(f"evidence/{name}", b"<script>alert(1)</script>"), filename=name, content_type=content_type
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == SANDBOX


def test_no_file_or_one_gone_from_storage_is_not_found() -> None:
    with pytest.raises(Http404):
        private_file(FieldFile(None, FIELD, ""), filename="x.pdf")
    with pytest.raises(Http404):
        private_file(FieldFile(None, FIELD, "evidence/never-saved.pdf"), filename="x.pdf")
