"""What an uploaded file really is, from its content (never its name or the browser's claim), and the checks
every upload passes: one size limit (``UPLOAD_MAX_BYTES``), the same messages everywhere, PDFs without anything
active and images that are whole.
"""

import csv
import io
import zipfile
from collections.abc import Collection, Sequence
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


def max_megabytes(limit: int | None = None) -> str:
    """A limit (by default :func:`max_bytes`) as people read it: "10" (megabytes), for labels and messages."""
    return f"{(max_bytes() if limit is None else limit) / 1024 / 1024:g}"


def size_problem(size: int | None, limit: int | None = None) -> str | None:
    """Why a file of ``size`` bytes is refused (a translated sentence): empty, or larger than ``limit`` (by default
    ``UPLOAD_MAX_BYTES``; the mobility import has its own). None when its size is fine."""
    limit = max_bytes() if limit is None else limit
    if not size:
        return _("The file is empty.")
    if size > limit:
        return _("The file is too large: at most %(mb)s MB.") % {"mb": max_megabytes(limit)}
    return None


def check_size(upload: UploadedFile, field: str = "file", *, limit: int | None = None) -> int:
    """The upload's size in bytes; a ValidationError on ``field`` when it is empty or larger than the limit
    (:func:`size_problem`)."""
    size = upload.size or 0
    if problem := size_problem(size, limit):
        raise ValidationError({field: problem})
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

# The text encodings a CSV may be in: UTF-8 (with or without its byte-order mark) unless the caller takes more,
# as the mobility import takes Windows-1257, what a Latvian Excel saves as "CSV".
UTF8: tuple[str, ...] = ("utf-8",)


def decode(data: bytes, encodings: Sequence[str] = UTF8) -> str | None:
    """The text in the first of ``encodings`` that reads the bytes (UTF-8 without its byte-order mark), or None."""
    for encoding in encodings:
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError:
            continue
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


def table_kind(file: Any, encodings: Sequence[str] = UTF8) -> str | None:
    """By content: the Office Open XML kind of a zip archive (xlsx, docx, pptx, see :func:`ooxml_kind`), "csv" for
    text in one of ``encodings`` that reads as a table (:func:`looks_like_csv`), else None. The file is left at its
    start. Every upload of a table (the mobility import, the module's export, follow-up files) is sniffed here."""
    file.seek(0)
    head = file.read(len(XLSX_SIGNATURE))
    file.seek(0)
    if head.startswith(XLSX_SIGNATURE):
        return ooxml_kind(file)
    return "csv" if looks_like_csv(file, encodings) else None


def looks_like_csv(file: Any, encodings: Sequence[str] = UTF8) -> bool:
    """Text in one of ``encodings`` (not a PDF, an image or an old .xls), without control bytes or markup, whose
    first lines split into columns the same way."""
    file.seek(0)
    sample = file.read(64 * 1024)
    file.seek(0)
    if not sample or b"\x00" in sample or sample.startswith(OLE_SIGNATURE) or content_type(sample):
        return False
    # A cut in the middle of a multi-byte character at the end of the sample is still text.
    text = decode(sample, encodings) or decode(sample[:-3], encodings)
    if text is None:
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
