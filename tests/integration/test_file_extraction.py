"""Every supported upload type reads back as its text (real libraries, real files built in the test)."""

import io
import json

import docx
import pytest

from adapters.extraction.file_text_extractor import FileTextExtractor
from domain.knowledge.errors import ExtractionFailed, UnsupportedFileType
from tests.sample_files import pdf


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
    ("pdf", pdf("Tomatoes need sun"), "Tomatoes need sun"),
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
