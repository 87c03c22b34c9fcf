"""A small OpenDocument Text (ODT) writer: headings, paragraphs and tables, enough for an editable report.

An ODT file is a ZIP holding XML (ISO/IEC 26300); LibreOffice, Word and Google Docs open and edit it. Written
here rather than with a library because the pack needs only these three elements.
"""

import io
import zipfile
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.text"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.05cm" '
    'fo:border="0.5pt solid #000000"/></style:style>'
    '<style:style style:name="Bold" style:family="paragraph"><style:text-properties fo:font-weight="bold"/>'
    "</style:style>"
    "</office:automatic-styles>"
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _text(value: object) -> str:
    """Text for XML: escaped, line breaks kept as ODT line breaks."""
    return "<text:line-break/>".join(escape(line) for line in str(value).split("\n"))


class Document:
    def __init__(self) -> None:
        self._body: list[str] = []
        self._tables = 0

    def heading(self, text: str, level: int = 1) -> None:
        self._body.append(f'<text:h text:outline-level="{level}">{_text(text)}</text:h>')

    def paragraph(self, text: str) -> None:
        self._body.append(f"<text:p>{_text(text)}</text:p>")

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        self._tables += 1
        parts = [f'<table:table table:name="Table{self._tables}">']
        parts.append(f'<table:table-column table:number-columns-repeated="{len(header)}"/>')
        parts.append("<table:table-header-rows><table:table-row>")
        for title in header:
            parts.append(
                f'<table:table-cell table:style-name="Cell" office:value-type="string">'
                f'<text:p text:style-name="Bold">{_text(title)}</text:p></table:table-cell>'
            )
        parts.append("</table:table-row></table:table-header-rows>")
        for row in rows:
            parts.append("<table:table-row>")
            for cell in row:
                parts.append(
                    f'<table:table-cell table:style-name="Cell" office:value-type="string">'
                    f"<text:p>{_text('' if cell is None else cell)}</text:p></table:table-cell>"
                )
            parts.append("</table:table-row>")
        parts.append("</table:table>")
        self._body.append("".join(parts))

    def content_xml(self) -> str:
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES} office:version="1.2">'
            f"{STYLES}<office:body><office:text>{''.join(self._body)}</office:text></office:body>"
            "</office:document-content>"
        )

    def save(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            # The mimetype comes first and uncompressed, so programs recognise the file by its first bytes.
            archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
            archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr("content.xml", self.content_xml(), compress_type=zipfile.ZIP_DEFLATED)
        return buffer.getvalue()
