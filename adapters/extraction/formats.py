"""One reader a format: bytes in, text out. Each raises on a corrupt file; the extractor translates."""

import csv
import io
import json


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else UTF-16 with a BOM, else Latin-1, which reads any byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# The parsers are imported when a file of their kind is read: together they cost seconds and tens of MB at
# start-up in every process (API, worker, CLI), most of which never extracts a PDF or a Word file.


def read_html(data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode(data), "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup.get_text("\n", strip=True)


def read_pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()


def read_docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(parts)


def read_csv(data: bytes) -> str:
    """Each row as `column: value; column: value` (Dify's CSV loader), one row a line."""
    rows = list(csv.reader(io.StringIO(decode(data))))
    if not rows:
        return ""
    header, lines = rows[0], []
    for row in rows[1:]:
        if any(cell.strip() for cell in row):
            lines.append("; ".join(f"{h.strip()}: {v.strip()}" for h, v in zip(header, row, strict=False)))
    return "\n".join(lines)


def read_json(data: bytes) -> str:
    return json.dumps(json.loads(decode(data)), indent=2, ensure_ascii=False)
