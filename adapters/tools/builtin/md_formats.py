"""The md_exporter formats beyond the office ones: HTML, Markdown, CSV, JSON, XML and LaTeX from the text or its
tables, script files from its code blocks, a Jupyter notebook, PNG pages. Each converter answers the files it
made (`Output`); the provider names them and hands them back as blobs."""

import csv
import io
import json
import re
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import markdown

from adapters.tools.builtin.markdown_blocks import Block, blocks, html

THINK = re.compile(r"<think>.*?</think>", flags=re.DOTALL)
# A fenced block: its info string's first word is the language.
FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)\n[ \t]*```[ \t]*$", flags=re.DOTALL | re.MULTILINE)
# Language of a code block → (file suffix, MIME type); any other is a .txt of text/plain.
SCRIPTS = {
    "python": (".py", "text/x-python"),
    "py": (".py", "text/x-python"),
    "javascript": (".js", "text/javascript"),
    "js": (".js", "text/javascript"),
    "typescript": (".ts", "application/typescript"),
    "ts": (".ts", "application/typescript"),
    "bash": (".sh", "application/x-sh"),
    "sh": (".sh", "application/x-sh"),
    "shell": (".sh", "application/x-sh"),
    "json": (".json", "application/json"),
    "yaml": (".yaml", "text/yaml"),
    "yml": (".yaml", "text/yaml"),
    "xml": (".xml", "text/xml"),
    "html": (".html", "text/html"),
    "css": (".css", "text/css"),
    "csv": (".csv", "text/csv"),
    "svg": (".svg", "image/svg+xml"),
    "markdown": (".md", "text/markdown"),
    "md": (".md", "text/markdown"),
    "sql": (".sql", "application/sql"),
    "ruby": (".rb", "text/x-ruby"),
    "php": (".php", "application/x-httpd-php"),
    "java": (".java", "text/x-java-source"),
    "go": (".go", "text/x-go"),
    "rust": (".rs", "text/x-rust"),
    "c": (".c", "text/x-c"),
    "cpp": (".cpp", "text/x-c++"),
    "c++": (".cpp", "text/x-c++"),
}
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# pdfium is not thread-safe: one rendering at a time in the process.
_PDFIUM = threading.Lock()


class NoContent(ValueError):
    """The text has nothing the format is made from (no table, no code block)."""


@dataclass(frozen=True, slots=True)
class Output:
    data: bytes
    mime_type: str
    extension: str  # without its dot


def prepared(text: str) -> str:
    """The text as the plugin reads it: trimmed, a reasoning model's <think> part dropped, and a literal `\\n`
    (an LLM answer quoted twice) read as a line break."""
    text = THINK.sub("", text.strip()).strip()
    return text.replace("\\n", "\n") if "\\n" in text else text


def unwrapped(text: str, openings: tuple[str, ...] = ("```markdown", "```md", "```")) -> str:
    """The text without the ``` (or ```markdown) fence an LLM often puts around a whole answer; `openings`
    names the fences to take off, most specific first (```sql for SQL)."""
    text = text.strip()
    for opening in openings:
        if text.startswith(opening) and text.endswith("```") and len(text) > len(opening) + 2:
            return text[len(opening) : -3].strip()
    return text


# Tables


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    heading: str = ""  # the nearest heading above it


def tables(text: str) -> list[Table]:
    """The Markdown tables of the text, each row as long as its header (short rows padded with "")."""
    found: list[Table] = []
    heading = ""
    for block in blocks(unwrapped(text)):
        if block.kind == "heading":
            heading = block.text
        elif block.kind == "table" and block.rows:
            header = _unique(block.rows[0])
            width = len(header)
            rows = tuple(tuple(row[:width]) + ("",) * (width - len(row)) for row in block.rows[1:])
            found.append(Table(header, rows, heading))
    if not found:
        raise NoContent("No Markdown table found in the text.")
    return found


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    """Header names made unique as pandas does (`a`, `a.1`), an empty one named by its column (`Unnamed: 2`)."""
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(names):
        name = name or f"Unnamed: {index}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        result.append(name)
    return tuple(result)


def to_csv(text: str, _: Mapping[str, Any]) -> list[Output]:
    """A CSV file per table, header first; UTF-8 with a byte-order mark when it is not ASCII, so that Excel
    reads it as UTF-8."""
    outputs = []
    for table in tables(text):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.header)
        writer.writerows(table.rows)
        content = buffer.getvalue()
        outputs.append(Output(content.encode("utf-8" if content.isascii() else "utf-8-sig"), "text/csv", "csv"))
    return outputs


def to_json(text: str, parameters: Mapping[str, Any]) -> list[Output]:
    """A file per table of its rows as objects keyed by the header: one a line (`jsonl`, the default) or one
    array (`json_array`)."""
    style = str(parameters.get("output_style") or "jsonl")
    outputs = []
    for table in tables(text):
        records = [dict(zip(table.header, row, strict=True)) for row in table.rows]
        if style == "json_array":
            content = json.dumps(records, ensure_ascii=False)
        else:
            content = "\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "\n"
        outputs.append(Output(content.encode(), "application/json", "json"))
    return outputs


def _latex(value: str) -> str:
    return "".join(LATEX_SPECIALS.get(char, char) for char in value)


def to_latex(text: str, _: Mapping[str, Any]) -> list[Output]:
    """A LaTeX document per table: a booktabs tabular, the header in bold."""
    outputs = []
    for table in tables(text):
        lines = [
            r"\documentclass{article}",
            r"\usepackage[utf8]{inputenc}",
            r"\usepackage{booktabs}",
            r"\begin{document}",
            "",
            r"\begin{tabular}{" + "l" * len(table.header) + "}",
            r"\toprule",
            " & ".join(r"\textbf{" + _latex(name) + "}" for name in table.header) + r" \\",
            r"\midrule",
            *(" & ".join(_latex(cell) for cell in row) + r" \\" for row in table.rows),
            r"\bottomrule",
            r"\end{tabular}",
            "",
            r"\end{document}",
            "",
        ]
        outputs.append(Output("\n".join(lines).encode(), "application/x-tex", "tex"))
    return outputs


# The whole text


def to_html(text: str, _: Mapping[str, Any]) -> list[Output]:
    return [Output(html(text).encode(), "text/html", "html")]


def html_text(text: str) -> str:
    return html(text)


def to_md(text: str, _: Mapping[str, Any]) -> list[Output]:
    return [Output(text.encode(), "text/markdown", "md")]


def to_xml(text: str, _: Mapping[str, Any]) -> list[Output]:
    """The text's HTML (tables, fenced code, footnotes, heading ids) as an XML document under one root."""
    from lxml import etree
    from lxml import html as lxml_html

    rendered = markdown.markdown(text, extensions=["extra", "toc", "sane_lists"])
    root = lxml_html.fragment_fromstring(rendered or "<p></p>", create_parent="div")
    data = etree.tostring(root, xml_declaration=True, pretty_print=True, encoding="UTF-8")
    return [Output(data, "application/xml", "xml")]


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, code) of each fenced code block; a block that names no language is "text"."""
    return [(language.lower() or "text", code.strip("\n")) for language, code in FENCE.findall(text)]


def to_scripts(text: str, parameters: Mapping[str, Any]) -> list[Output]:
    """A file per code block, its suffix from its language; with `is_compress` one ZIP of them all
    (`code_1.py`, …)."""
    found = code_blocks(text)
    if not found:
        raise NoContent("No code block found in the text.")
    files = [(SCRIPTS.get(language, (".txt", "text/plain")), code) for language, code in found]
    if _flag(parameters.get("is_compress")):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, ((suffix, _), code) in enumerate(files, 1):
                archive.writestr(f"code_{index}{suffix}", code + "\n")
        return [Output(buffer.getvalue(), "application/zip", "zip")]
    return [Output((code + "\n").encode(), mime, suffix.lstrip(".")) for (suffix, mime), code in files]


def to_ipynb(text: str, _: Mapping[str, Any]) -> list[Output]:
    """A Jupyter notebook (nbformat 4.5): each fenced code block a code cell, the text between a markdown cell."""
    cells: list[dict[str, Any]] = []

    def markdown_cell(part: str) -> None:
        if part.strip():
            cells.append({"cell_type": "markdown", "metadata": {}, "source": _lines(part.strip("\n"))})

    position = 0
    for match in FENCE.finditer(text):
        markdown_cell(text[position : match.start()])
        cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": _lines(match.group(2).strip("\n")),
            }
        )
        position = match.end()
    markdown_cell(text[position:])
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index + 1}"
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return [Output(json.dumps(notebook, ensure_ascii=False, indent=1).encode(), "application/x-ipynb+json", "ipynb")]


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def to_png(pdf: bytes, parameters: Mapping[str, Any]) -> list[Output]:
    """Each page of the PDF the text makes as a PNG (144 dpi); with `is_compress` one ZIP of them all."""
    import pypdfium2

    pages = []
    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            for page in document:
                image = page.render(scale=2).to_pil()
                out = io.BytesIO()
                image.save(out, format="PNG")
                pages.append(out.getvalue())
                page.close()
        finally:
            document.close()
    if _flag(parameters.get("is_compress")):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, page in enumerate(pages, 1):
                archive.writestr(f"page_{index}.png", page)
        return [Output(buffer.getvalue(), "application/zip", "zip")]
    return [Output(page, "image/png", "png") for page in pages]


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def sheet_names(found: list[Block]) -> list[str]:
    """A sheet name per table of the blocks: the heading above it (Excel's 31 characters, no `[]:*?/\\`), made
    unique; `Sheet<n>` when no heading is above it."""
    names: list[str] = []
    heading = ""
    for block in found:
        if block.kind == "heading":
            heading = re.sub(r"[\[\]:*?/\\]", " ", block.text).strip()[:31]
        elif block.kind == "table" and block.rows:
            name = heading or f"Sheet{len(names) + 1}"
            base, n = name, 1
            while name.lower() in (taken.lower() for taken in names):
                n += 1
                name = f"{base[: 31 - len(str(n)) - 1]}_{n}"
            names.append(name)
            heading = ""
    return names
