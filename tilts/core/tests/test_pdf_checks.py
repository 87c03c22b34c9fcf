"""Uploaded PDFs are parsed whole: a damaged file or one carrying script or automatic actions is refused."""

import io

import pytest
from django.utils import translation

from tilts.core.tests.pdf import make_pdf
from tilts.core.uploads import pdf_problem


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def test_a_plain_pdf_passes() -> None:
    assert pdf_problem(io.BytesIO(make_pdf())) is None


def test_script_run_on_opening_is_refused() -> None:
    pdf = make_pdf("/OpenAction 4 0 R", ("<< /S /JavaScript /JS (app.alert(1)) >>",))
    assert "scripts" in pdf_problem(io.BytesIO(pdf))


def test_document_level_javascript_is_refused() -> None:
    pdf = make_pdf("/Names << /JavaScript 4 0 R >>", ("<< /Names [(a) 5 0 R] >>", "<< /S /JavaScript /JS (x) >>"))
    assert "scripts" in pdf_problem(io.BytesIO(pdf))


def test_a_launch_action_in_an_unreferenced_object_is_refused() -> None:
    assert "scripts" in pdf_problem(io.BytesIO(make_pdf("", ("<< /S /Launch /F (calc.exe) >>",))))


def test_a_file_that_only_starts_like_a_pdf_is_refused() -> None:
    assert "cannot be read" in pdf_problem(io.BytesIO(b"%PDF-1.7\n<html><script>alert(1)</script></html>"))


def test_the_reason_is_given_in_latvian() -> None:
    with translation.override("lv"):
        assert "skriptus" in pdf_problem(io.BytesIO(make_pdf("", ("<< /S /Launch /F (calc.exe) >>",))))
