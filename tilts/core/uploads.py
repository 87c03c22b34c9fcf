"""What an uploaded file really is, from its content (never its name or the browser's claim)."""

import io
from typing import IO

from django.utils.translation import gettext as _

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


# What a PDF may not carry: script, actions run on opening, launching programs, files hidden inside.
ACTIVE_PDF_KEYS = {
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
}
ACTIVE_PDF_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}


def _is_active(value: object, depth: int = 0) -> bool:
    """Whether a PDF object (a dictionary's keys, an action's type, nested arrays) holds anything active."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if depth > 20:
        return False
    if isinstance(value, DictionaryObject):  # stream objects too: their dictionary, never their data
        if ACTIVE_PDF_KEYS.intersection(value.keys()) or value.get("/S") in ACTIVE_PDF_ACTIONS:
            return True
        return any(_is_active(item, depth + 1) for item in value.values())
    if isinstance(value, ArrayObject):
        return any(_is_active(item, depth + 1) for item in value)
    return False


def pdf_problem(file: IO[bytes]) -> str | None:
    """Why a PDF is refused (a translated sentence), or None when its structure parses and nothing in it is active.

    The first bytes only say "PDF"; this parses the whole file (the document catalogue and its pages) and looks at
    every object, those inside compressed object streams too, for script or actions run on opening.
    """
    from pypdf import PdfReader

    file.seek(0)
    data = file.read()
    file.seek(0)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return _("The PDF is password-protected. Upload a copy without a password.")
        if len(reader.pages) == 0:
            raise ValueError("no pages")
        numbers = {(number, generation) for generation, entries in reader.xref.items() for number in entries}
        numbers |= {(number, 0) for number in reader.xref_objStm}
        active = _is_active(reader.trailer["/Root"].get_object()) or any(
            _is_active(reader.get_object(number)) for number, _generation in sorted(numbers)
        )
    except Exception:  # pypdf raises many kinds of errors for broken files
        return _("The PDF cannot be read: it is damaged or not a PDF. Save or scan it again and upload it.")
    if active:
        return _("The PDF contains scripts or automatic actions. Print it to a new PDF (or scan it) and upload that.")
    return None


XLSX_SIGNATURE = b"PK\x03\x04"  # a zip archive, as every .xlsx is
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old Excel .xls (and .doc) format


def spreadsheet_kind(head: bytes) -> str | None:
    """ "xlsx" or "csv" from the file's first bytes (a kilobyte or so), or None for anything else.

    A CSV is text: no NUL bytes and none of the signatures of PDFs, images or the old .xls format.
    """
    if head.startswith(XLSX_SIGNATURE):
        return "xlsx"
    if not head or b"\x00" in head or head.startswith(OLE_SIGNATURE) or content_type(head):
        return None
    return "csv"


def size_problem(size: int | None, limit: int) -> str | None:
    """Why a file is refused for its size (a translated sentence), or None."""
    if not size:
        return _("The file is empty.")
    if size > limit:
        return _("The file is larger than %(megabytes)s MB.") % {"megabytes": limit // (1024 * 1024)}
    return None
