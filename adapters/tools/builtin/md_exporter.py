"""The `md_exporter` builtin: Markdown to Word (python-docx), PDF (fpdf2), Excel (openpyxl) and PowerPoint
(python-pptx) files, answered as blobs the caller stores as tool files."""

import asyncio
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.markdown_blocks import Block, blocks, html
from domain.tools.entities import Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MAX_MARKDOWN = 2_000_000
# A Unicode font when the system has one (PDF core fonts cover Latin-1 only): DejaVu, in its four styles.
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
_STYLES = {"": "", "B": "-Bold", "I": "-Oblique", "BI": "-BoldOblique"}


def _unicode_fonts(pdf) -> bool:
    folder = next((Path(d) for d in _FONT_DIRS if (Path(d) / "DejaVuSans.ttf").exists()), None)
    if folder is None:
        return False
    for family, stem in (("body", "DejaVuSans"), ("mono", "DejaVuSansMono")):
        for style, suffix in _STYLES.items():
            path = folder / f"{stem}{suffix}.ttf"
            pdf.add_font(family, style=style, fname=str(path if path.exists() else folder / "DejaVuSans.ttf"))
    return True


# Each format's library is imported when a document of that format is made: together they cost seconds and
# tens of MB at start-up in every process, for a tool most apps never call.


def to_docx(markdown_text: str) -> bytes:
    from docx import Document

    document = Document()
    for block in blocks(markdown_text):
        if block.kind == "heading":
            document.add_heading(block.text, level=min(block.level, 9))
        elif block.kind == "item":
            style = "List Number" if block.ordered else "List Bullet"
            document.add_paragraph(block.text, style=style if block.level == 0 else f"{style} 2")
        elif block.kind == "code":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text.rstrip("\n"))
            run.font.name = "Courier New"
        elif block.kind == "table" and block.rows:
            width = max(len(r) for r in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(markdown_text: str) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import TextStyle

    pdf = FPDF()
    pdf.add_page()
    text = html(markdown_text)
    if _unicode_fonts(pdf):
        pdf.set_font("body", size=11)
        mono = TextStyle(font_family="mono")
        pdf.write_html(text, font_family="body", tag_styles={"pre": mono, "code": mono})
    else:
        pdf.set_font("helvetica", size=11)
        pdf.write_html(text.encode("latin-1", "replace").decode("latin-1"), font_family="helvetica")
    return bytes(pdf.output())


def to_xlsx(markdown_text: str) -> bytes:
    from openpyxl import Workbook

    """Each Markdown table a sheet; a document without tables one sheet of its blocks, a row each."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    found = blocks(markdown_text)
    tables = [b for b in found if b.kind == "table" and b.rows]
    for index, table in enumerate(tables or [Block("table", rows=tuple((b.text,) for b in found if b.text))]):
        sheet = workbook.create_sheet(f"Sheet{index + 1}")
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
    if not workbook.worksheets:
        workbook.create_sheet("Sheet1")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def to_pptx(markdown_text: str) -> bytes:
    from pptx import Presentation
    from pptx.util import Pt

    """A slide per level-1 or level-2 heading (its title), the blocks under it as the slide's text."""
    presentation = Presentation()
    slides: list[tuple[str, list[Block]]] = []
    for block in blocks(markdown_text):
        if block.kind == "heading" and block.level <= 2:
            slides.append((block.text, []))
        else:
            if not slides:
                slides.append(("", []))
            slides[-1][1].append(block)
    for title, content in slides or [("", [])]:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        frame = slide.placeholders[1].text_frame
        frame.clear()
        first = True
        for block in content:
            lines = [" | ".join(r) for r in block.rows] if block.kind == "table" else [block.text]
            for line in lines:
                if not line:
                    continue
                paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
                first = False
                paragraph.text = line
                paragraph.level = min(block.level, 4) if block.kind == "item" else 0
                paragraph.font.size = Pt(18 if block.kind != "code" else 12)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _exporter(convert: Callable[[str], bytes], mime_type: str, extension: str):
    async def export(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
        text = str(parameters.get("md_text") or "")
        if not text.strip():
            raise ToolInvokeError("md_text is empty.")
        if len(text) > MAX_MARKDOWN:
            raise ToolInvokeError("md_text is too long.")
        try:
            data = await asyncio.to_thread(convert, text)  # building the file is CPU work: off the event loop
        except Exception as error:  # a library's own error for a document it cannot lay out
            raise ToolInvokeError(f"Could not export the document: {error}") from None
        name = str(parameters.get("output_filename") or "").strip() or "output"
        return [ToolMessage.of_blob(data, mime_type, f"{name}.{extension}")]

    return export


def md_exporter_provider() -> BuiltinProvider:
    def tool(name: str, label: str) -> Tool:
        return Tool(
            name,
            label,
            f"Converts Markdown to a {label} file.",
            (
                param("md_text", required=True, description="The Markdown text"),
                param("output_filename", description="The file name, without extension"),
            ),
        )

    return BuiltinProvider(
        ToolProviderInfo(
            id="md_exporter",
            type="builtin",
            name="md_exporter",
            label="Markdown Exporter",
            plugin_id="bowenliang123/md_exporter",
            description="Export Markdown to documents.",
        ),
        [
            BuiltinTool(tool("md_to_docx", "Word"), _exporter(to_docx, DOCX, "docx")),
            BuiltinTool(tool("md_to_pdf", "PDF"), _exporter(to_pdf, "application/pdf", "pdf")),
            BuiltinTool(tool("md_to_xlsx", "Excel"), _exporter(to_xlsx, XLSX, "xlsx")),
            BuiltinTool(tool("md_to_pptx", "PowerPoint"), _exporter(to_pptx, PPTX, "pptx")),
        ],
    )
