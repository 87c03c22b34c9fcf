"""What an uploaded file really is, from its content (never its name or the browser's claim), and the checks
every upload passes: one size limit (``UPLOAD_MAX_BYTES``), the same messages everywhere, PDFs without anything
active and images that are whole.
"""

import csv
import io
import zipfile
from collections.abc import Collection
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# The formats people upload as scans and photos: (signature, MIME type).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


# What a scan or a photo of a document may be (quality evidence, a report's evidence).
DOCUMENT_TYPES = frozenset(mime for _signature, mime in SIGNATURES)


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


def max_bytes() -> int:
    """The largest file anyone may upload (``UPLOAD_MAX_BYTES``)."""
    return int(settings.UPLOAD_MAX_BYTES)


def max_megabytes() -> str:
    """The limit as people read it: "10" (megabytes), for the forms' labels and the messages."""
    return f"{max_bytes() / 1024 / 1024:g}"


def check_size(upload: UploadedFile, field: str = "file") -> int:
    """The upload's size in bytes; a ValidationError on ``field`` when it is empty or larger than the limit."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: _("The file is empty.")})
    if size > max_bytes():
        raise ValidationError({field: _("The file is too large: at most %(mb)s MB.") % {"mb": max_megabytes()}})
    return size


def head_type(upload: IO[bytes]) -> str | None:
    """:func:`content_type` of an upload's first bytes; the upload is left at its start."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return content_type(head)


def is_whole_image(upload: IO[bytes]) -> bool:
    """Whether Pillow reads the image to its end (a truncated or damaged PNG or JPEG is not)."""
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except Exception:  # Pillow raises many kinds of errors for broken files
        return False
    finally:
        upload.seek(0)
    return True


def check_content(upload: IO[bytes], mime: str, field: str = "file") -> None:
    """A ValidationError on ``field`` for a PDF with anything active or unreadable, or a damaged image."""
    if mime == "application/pdf" and (problem := pdf_problem(upload)):
        raise ValidationError({field: problem})
    if mime.startswith("image/") and not is_whole_image(upload):
        raise ValidationError({field: _("The image is damaged or incomplete.")})


def checked_type(
    upload: UploadedFile,
    *,
    field: str = "file",
    accepted: Collection[str] = DOCUMENT_TYPES,
    refusal: str = "",
) -> str:
    """Every check of an upload in one call; the MIME type its content shows, which is one of ``accepted``.

    ``refusal`` is the message for a file of another kind (by default: upload a PDF, JPEG or PNG file).
    """
    check_size(upload, field)
    mime = head_type(upload)
    if mime is None or mime not in accepted:
        raise ValidationError({field: refusal or _("Upload a PDF, JPEG or PNG file.")})
    check_content(upload, mime, field)
    return mime


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


# Office Open XML files are zip archives; the part that names the application tells them apart.
OOXML_PARTS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml", "pptx": "ppt/presentation.xml"}


def ooxml_kind(file: Any) -> str | None:
    """xlsx, docx or pptx when the file is an Office Open XML archive of that kind, else None."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in OOXML_PARTS.items() if part in names), None)


def table_kind(file: Any) -> str | None:
    """By content: the Office Open XML kind of a zip archive (xlsx, docx, pptx, see :func:`ooxml_kind`), "csv" for
    text that reads as a UTF-8 table (:func:`looks_like_csv`), else None. The file is left at its start."""
    file.seek(0)
    head = file.read(len(XLSX_SIGNATURE))
    file.seek(0)
    if head.startswith(XLSX_SIGNATURE):
        return ooxml_kind(file)
    return "csv" if looks_like_csv(file) else None


def looks_like_csv(file: Any) -> bool:
    """UTF-8 text without control bytes or markup whose first lines split into columns the same way."""
    file.seek(0)
    sample = file.read(64 * 1024)
    file.seek(0)
    if not sample or b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A cut in the middle of a multi-byte character at the end of the sample is still text.
        try:
            text = sample[:-3].decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return False
    if text.lstrip().startswith("<"):  # HTML, SVG or XML dressed as a list
        return False
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
    except csv.Error:
        return len(lines) >= 1 and all("," not in line and ";" not in line for line in lines)
    widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)), dialect)}
    return len(widths) == 1
