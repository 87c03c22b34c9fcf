"""What an uploaded file really is, from its first bytes (never its name or the browser's claim)."""

# The formats people upload as scans and photos: (signature, MIME type).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def content_type(head: bytes) -> str | None:
    """The MIME type the file's first bytes show (PDF, PNG or JPEG), or None."""
    for signature, mime in SIGNATURES:
        if head.startswith(signature):
            return mime
    return None
