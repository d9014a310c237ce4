"""Every supported upload type reads back as its text (real libraries, real files built in the test)."""

import io
import json

import docx
import pytest

from adapters.extraction.file_text_extractor import FileTextExtractor
from domain.knowledge.errors import ExtractionFailed, UnsupportedFileType


def _pdf(text: str) -> bytes:
    """A one-page PDF with the text in Helvetica, written by hand with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Quarterly report")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "revenue", "12"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("extension", "data", "expected"), [
    ("txt", "naïve café".encode(), "naïve café"),
    ("md", b"\xef\xbb\xbf# Title\n\nbody", "# Title\n\nbody"),
    ("html", b"<html><script>x()</script><body><h1>Hello</h1><p>world</p></body></html>", "Hello\nworld"),
    ("csv", b"name,age\nAda,36\n,\n", "name: Ada; age: 36"),
    ("json", json.dumps({"a": [1, "é"]}).encode(), '{\n  "a": [\n    1,\n    "é"\n  ]\n}'),
    ("pdf", _pdf("Tomatoes need sun"), "Tomatoes need sun"),
    ("docx", _docx(), "Quarterly report\nrevenue | 12"),
])
async def test_each_format_reads_as_text(extension, data, expected):
    assert await FileTextExtractor().extract(data, extension) == expected


async def test_unknown_types_are_refused_and_corrupt_files_fail_clearly():
    extractor = FileTextExtractor()
    assert not extractor.supports("exe")
    with pytest.raises(UnsupportedFileType):
        await extractor.extract(b"MZ", "exe")
    with pytest.raises(ExtractionFailed):
        await extractor.extract(b"not a pdf", "pdf")
