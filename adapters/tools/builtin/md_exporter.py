"""The `md_exporter` builtin (the bowenliang123/md_exporter plugin's tools): Markdown to Word (python-docx), PDF
(fpdf2), Excel (openpyxl), PowerPoint (python-pptx), PNG pages (the PDF drawn by pdfium), and the text formats of
md_formats.py; files are answered as blobs the caller stores as tool files, several when the text makes several
(a CSV per table)."""

import asyncio
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from adapters.tools.builtin.markdown_blocks import Block, blocks, html
from adapters.tools.builtin.md_formats import (
    NoContent,
    Output,
    html_text,
    prepared,
    sheet_names,
    to_csv,
    to_html,
    to_ipynb,
    to_json,
    to_latex,
    to_md,
    to_png,
    to_scripts,
    to_xml,
    unwrapped,
)
from domain.tools.entities import (
    ParameterForm,
    ParameterType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolParameter,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# A converter: (prepared text, the call's parameters) → the files it made.
Converter = Callable[[str, Mapping[str, Any]], list[Output]]
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


def to_xlsx(markdown_text: str, parameters: Mapping[str, Any] | None = None) -> bytes:
    """Each Markdown table a sheet, named by the heading above it; a document without tables one sheet of its
    blocks, a row each. Cells stay text unless `force_text_value` is "false" (the plugin's default is text)."""
    from openpyxl import Workbook

    as_text = str((parameters or {}).get("force_text_value") or "true").lower() != "false"
    workbook = Workbook()
    workbook.remove(workbook.active)
    found = blocks(markdown_text)
    tables = [b for b in found if b.kind == "table" and b.rows]
    names = sheet_names(found) if tables else ["Sheet1"]
    sheets = tables or [Block("table", rows=tuple((b.text,) for b in found if b.text))]
    for name, table in zip(names, sheets, strict=True):
        sheet = workbook.create_sheet(name)
        for row in table.rows:
            sheet.append([value if as_text else _cell(value) for value in row])
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


def _office(convert: Callable[[str], bytes], mime_type: str, extension: str) -> Converter:
    return lambda text, _: [Output(convert(text), mime_type, extension)]


def _pages(text: str, parameters: Mapping[str, Any]) -> list[Output]:
    return to_png(to_pdf(text), parameters)


def _file_names(name: str, outputs: list[Output]) -> list[str]:
    """`name.ext`, or `name_1.ext`, `name_2.ext`… when the text made several files (the plugin's names); a name
    given with its extension keeps it once."""
    names = []
    for index, output in enumerate(outputs, 1):
        stem = name[: -len(output.extension) - 1] if name.lower().endswith("." + output.extension) else name
        names.append(f"{stem}_{index}.{output.extension}" if len(outputs) > 1 else f"{stem}.{output.extension}")
    return names


def _text_of(parameters: Mapping[str, Any], *, strip_fence: bool = True) -> str:
    text = prepared(str(parameters.get("md_text") or ""))
    if not text:
        raise ToolInvokeError("md_text is empty.")
    if len(text) > MAX_MARKDOWN:
        raise ToolInvokeError("md_text is too long.")
    return unwrapped(text) if strip_fence else text


def _exporter(convert: Converter, default_name: str = "output", *, strip_fence: bool = True):
    async def export(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
        text = _text_of(parameters, strip_fence=strip_fence)
        try:
            # building the file is CPU work: off the event loop
            outputs = await asyncio.to_thread(convert, text, parameters)
        except NoContent as error:
            raise ToolInvokeError(str(error)) from None
        except Exception as error:  # a library's own error for a document it cannot lay out
            raise ToolInvokeError(f"Could not export the document: {error}") from None
        name = str(parameters.get("output_filename") or "").strip() or default_name
        return [
            ToolMessage.of_blob(output.data, output.mime_type, filename)
            for output, filename in zip(outputs, _file_names(name, outputs), strict=True)
        ]

    return export


async def _html_text(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    return [ToolMessage.of_text(html_text(_text_of(parameters)))]


TRUE_FALSE = ("true", "false")


def md_exporter_provider() -> BuiltinProvider:
    def tool(name: str, label: str, *extra: ToolParameter, what: str = "Markdown", filename: bool = True) -> Tool:
        parameters = [param("md_text", required=True, description=f"The {what} text")]
        if filename:
            parameters.append(param("output_filename", description="The file name, without extension"))
        return Tool(name, label, f"Converts {what} to {label}.", (*parameters, *extra))

    def choice(name: str, default: str, options: tuple[str, ...], description: str) -> ToolParameter:
        return param(
            name,
            ParameterType.SELECT,
            form=ParameterForm.FORM,
            default=default,
            options=options,
            description=description,
        )

    compress = choice("is_compress", "false", TRUE_FALSE, "One ZIP file of them all")
    tables = "Markdown table"
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
            BuiltinTool(tool("md_to_docx", "a Word file"), _exporter(_office(to_docx, DOCX, "docx"))),
            BuiltinTool(tool("md_to_pdf", "a PDF file"), _exporter(_office(to_pdf, "application/pdf", "pdf"))),
            BuiltinTool(
                tool(
                    "md_to_xlsx",
                    "an Excel file",
                    choice("force_text_value", "true", TRUE_FALSE, "Keep every cell as text (else numbers)"),
                    what=tables,
                ),
                _exporter(lambda text, parameters: [Output(to_xlsx(text, parameters), XLSX, "xlsx")]),
            ),
            BuiltinTool(tool("md_to_pptx", "a PowerPoint file"), _exporter(_office(to_pptx, PPTX, "pptx"))),
            BuiltinTool(tool("md_to_html", "an HTML file"), _exporter(to_html)),
            BuiltinTool(tool("md_to_html_text", "HTML text", filename=False), _html_text),
            BuiltinTool(tool("md_to_md", "a .md file"), _exporter(to_md)),
            BuiltinTool(tool("md_to_csv", "CSV files", what=tables), _exporter(to_csv)),
            BuiltinTool(
                tool(
                    "md_to_json",
                    "JSON files",
                    choice("output_style", "jsonl", ("jsonl", "json_array"), "jsonl: an object a line; json_array"),
                    what=tables,
                ),
                _exporter(to_json),
            ),
            BuiltinTool(tool("md_to_xml", "an XML file"), _exporter(to_xml)),
            BuiltinTool(tool("md_to_latex", "LaTeX files", what=tables), _exporter(to_latex)),
            BuiltinTool(
                tool("md_to_codeblock", "script files", compress, what="Markdown code blocks"),
                _exporter(to_scripts, "code", strip_fence=False),
            ),
            BuiltinTool(tool("md_to_ipynb", "a Jupyter notebook"), _exporter(to_ipynb)),
            BuiltinTool(tool("md_to_png", "PNG images", compress), _exporter(_pages)),
        ],
    )
