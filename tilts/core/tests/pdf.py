"""Real, minimal PDFs for tests: uploads are parsed whole (tilts.core.uploads.pdf_problem)."""

import io


def make_pdf(catalogue_extra: str = "", extra_objects: tuple[str, ...] = (), comment: str = "") -> bytes:
    """A minimal one-page PDF with a correct cross-reference table; extras go into the catalogue.

    ``comment`` (a PDF comment line after the header) tells otherwise identical files apart.
    """
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalogue_extra} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    if comment:
        out.write(f"%{comment}\n".encode())
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF Tilts made (an agreement, a pack), for tests to read."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
