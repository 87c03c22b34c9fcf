"""Every upload passes the same checks (tilts.core.uploads): one size limit, the same messages, the content read."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from tilts.core import uploads
from tilts.core.tests.pdf import make_pdf

PDF = make_pdf()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def refusal(upload: SimpleUploadedFile, **options) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        uploads.checked_type(upload, **options)
    return refused.value.message_dict


def test_one_limit_from_the_settings_and_one_message(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    assert uploads.max_megabytes() == "2"
    big = SimpleUploadedFile("liels.pdf", PDF + b"0" * 2 * 1024 * 1024)
    with translation.override("en"):
        assert refusal(big) == {"file": ["The file is too large: at most 2 MB."]}
    with translation.override("lv"):
        assert refusal(big, field="attendance_list") == {"attendance_list": ["Datne ir par lielu: ne vairāk kā 2 MB."]}
    at_the_limit = SimpleUploadedFile("tieši.pdf", PDF + b"0" * (2 * 1024 * 1024 - len(PDF)))
    assert uploads.checked_type(at_the_limit) == "application/pdf"


def test_the_default_limit_is_ten_megabytes() -> None:
    assert uploads.max_bytes() == 10 * 1024 * 1024


def test_an_empty_file_is_refused() -> None:
    with translation.override("en"):
        assert refusal(SimpleUploadedFile("tukšs.pdf", b"")) == {"file": ["The file is empty."]}


def test_the_kind_comes_from_the_bytes_and_the_callers_refusal_names_what_it_takes() -> None:
    disguised = SimpleUploadedFile("līgums.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")
    with translation.override("en"):
        assert refusal(disguised) == {"file": ["Upload a PDF, JPEG or PNG file."]}
        only_pdf = {"accepted": {"application/pdf"}, "refusal": "Upload the signed copy as a PDF file."}
        assert refusal(SimpleUploadedFile("x.png", png()), **only_pdf) == {
            "file": ["Upload the signed copy as a PDF file."]
        }
    assert uploads.checked_type(SimpleUploadedFile("foto.png", png())) == "image/png"


def test_an_active_pdf_and_a_damaged_image_are_refused() -> None:
    active = SimpleUploadedFile("x.pdf", make_pdf("/OpenAction 4 0 R", ("<< /S /JavaScript /JS (app.alert(1)) >>",)))
    broken = SimpleUploadedFile("x.png", png()[:30])
    with translation.override("en"):
        assert "scripts or automatic actions" in refusal(active)["file"][0]
        assert refusal(broken) == {"file": ["The image is damaged or incomplete."]}


def test_a_table_is_read_in_the_encodings_its_caller_takes() -> None:
    windows_1257 = "Vārds;Pilsēta\nĢirts Ļaviņš;Rīga\nŪna Žagare;Cēsis\n".encode("cp1257")
    assert uploads.table_kind(io.BytesIO(windows_1257)) is None  # UTF-8 only, unless the caller says more
    assert uploads.table_kind(io.BytesIO(windows_1257), ("utf-8", "cp1257")) == "csv"
    assert uploads.decode(windows_1257, ("utf-8", "cp1257")) == windows_1257.decode("cp1257")
    utf8 = "\ufeffVārds;Pilsēta\nĢirts Ļaviņš;Rīga\n".encode()
    assert uploads.table_kind(io.BytesIO(utf8)) == "csv" == uploads.table_kind(io.BytesIO(utf8), ("utf-8", "cp1257"))
    assert uploads.decode(utf8) == "Vārds;Pilsēta\nĢirts Ļaviņš;Rīga\n"
    for not_a_table in (PDF, png(), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", b"<html><table></table></html>"):
        assert uploads.table_kind(io.BytesIO(not_a_table), ("utf-8", "cp1257")) is None


def test_one_size_check_with_the_callers_limit(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    with translation.override("en"):
        assert uploads.size_problem(0) == "The file is empty."
        assert uploads.size_problem(2 * 1024 * 1024) is None
        assert uploads.size_problem(2 * 1024 * 1024 + 1) == "The file is too large: at most 2 MB."
        assert uploads.size_problem(1024 * 1024 + 1, 1024 * 1024) == "The file is too large: at most 1 MB."
