"""The builtin tools as a user of a tool node sees them: Dify's tool names and parameters, their answers,
and a tool error (never a crash) for bad input. Pure rules are checked with hypothesis."""

import csv
import io
import json
import math
import zipfile
from uuid import uuid4
from xml.etree import ElementTree

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pptx import Presentation

from adapters.tools.builtin.json_process import delete, insert, json_process_provider, query, replace
from adapters.tools.builtin.maths import maths_provider
from adapters.tools.builtin.md_exporter import md_exporter_provider
from adapters.tools.builtin.regex import extract, regex_provider
from adapters.tools.builtin.time import time_provider
from adapters.tools.builtin.webscraper import readable
from domain.tools.arithmetic import ExpressionError, evaluate
from domain.tools.entities import MessageType, ToolInvocation
from domain.tools.errors import ToolInvokeError, ToolParameterError
from domain.tools.parameters import check

INVOCATION = ToolInvocation(tenant_id=uuid4(), user_id="alice")


async def call(provider, tool_name: str, **parameters):
    [tool] = [t for t in await provider.tools() if t.name == tool_name]
    return await provider.invoke(tool_name, check(tool, parameters), INVOCATION)


async def text(provider, tool_name: str, **parameters) -> str:
    return "".join(m.text for m in await call(provider, tool_name, **parameters) if m.type == MessageType.TEXT)


# time


async def test_time_tools_answer_as_dify_does():
    time = time_provider()
    assert (
        await text(
            time,
            "timezone_conversion",
            current_time="2024-06-01 08:30:00",
            current_timezone="Europe/Paris",
            target_timezone="America/New_York",
        )
        == "2024-06-01 02:30:00"
    )
    assert await text(time, "localtime_to_timestamp", localtime="1970-01-01 01:00:00", timezone="Europe/Paris") == "0"
    assert await text(time, "timestamp_to_localtime", timestamp=86400, timezone="UTC") == "1970-01-02 00:00:00"
    assert await text(time, "weekday", year=2024, month=2, day=29) == "February 29, 2024 is Thursday."
    assert len(await text(time, "current_time", timezone="Asia/Tokyo", format="%Y")) == 4
    assert await text(time, "current_time", timezone="Mars/Olympus") == "Invalid timezone: Mars/Olympus"


async def test_time_tools_refuse_bad_input_with_a_tool_error():
    time = time_provider()
    with pytest.raises(ToolInvokeError, match="Invalid timezone"):
        await call(
            time,
            "timezone_conversion",
            current_time="2024-06-01 08:30:00",
            current_timezone="Nowhere",
            target_timezone="UTC",
        )
    with pytest.raises(ToolInvokeError, match="YYYY-MM-DD"):
        await call(time, "localtime_to_timestamp", localtime="June first")
    with pytest.raises(ToolParameterError, match="month"):
        await call(time, "weekday", year=2024, month=13, day=1)


# maths


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_maths_agrees_with_python_on_integer_arithmetic(a, b):
    assert evaluate(f"{a} + {b} * 2 - ({a})") == a + b * 2 - a
    if b:
        assert evaluate(f"{a} // {b}") == a // b and evaluate(f"{a} % {b}") == a % b


@given(st.text(max_size=40))
def test_maths_never_runs_anything_but_arithmetic(expression):
    try:
        value = evaluate(expression)
    except ExpressionError:
        return
    assert isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('true')",
        "(1).__class__",
        "open('/etc/passwd')",
        "9**9**9",
        "10**400",
        "factorial(100000)",
        "[1, 2]",
        "x + 1",
        "lambda: 1",
        "1/0",
        "'a' * 3",
    ],
)
def test_maths_refuses_what_is_not_safe_arithmetic(expression):
    with pytest.raises(ExpressionError):
        evaluate(expression)


async def test_the_maths_tool_answers_text_and_turns_refusals_into_tool_errors():
    assert await text(maths_provider(), "eval_expression", expression="sqrt(16) + 2^3") == "12.0"
    with pytest.raises(ToolInvokeError, match="Invalid expression"):
        await call(maths_provider(), "eval_expression", expression="import os")


# regex


@given(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=10))
def test_regex_extract_finds_every_word_it_was_given(words):
    assert extract(" 123 ".join(words), r"[a-z]+") == words


async def test_regex_tool_answers_matches_and_refuses_a_broken_expression():
    messages = await call(regex_provider(), "regex_extract", content="a1 b22 c333", expression=r"([a-z])(\d+)")
    assert messages[0].text == "[('a', '1'), ('b', '22'), ('c', '333')]"
    assert messages[1].json == {"matches": [["a", "1"], ["b", "22"], ["c", "333"]]}
    with pytest.raises(ToolInvokeError, match="Invalid regular expression"):
        await call(regex_provider(), "regex_extract", content="x", expression="(")


# json_process


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.from_regex(r"[a-z]{1,4}", fullmatch=True), children, max_size=3)
    ),
    max_leaves=8,
)


@given(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), json_values, min_size=1, max_size=5))
def test_json_paths_read_what_was_written_and_delete_removes_it(document):
    key = sorted(document)[0]
    assert query(document, f"$.{key}") == document[key] or isinstance(document[key], list)
    replaced = replace(json.loads(json.dumps(document)), f"$.{key}", "value", "new")
    assert replaced[key] == "new"
    assert key not in delete(json.loads(json.dumps(document)), f"$.{key}")


async def test_json_process_tools_parse_insert_replace_and_delete():
    provider = json_process_provider()
    content = json.dumps({"users": [{"name": "ada", "age": 36}, {"name": "alan", "age": 41}]})
    assert await text(provider, "parse", content=content, json_filter="$.users[*].name") == '["ada", "alan"]'
    assert await text(provider, "parse", content=content, json_filter="$.users[?(@.age > 40)].name") == "alan"
    inserted = json.loads(
        await text(
            provider,
            "insert",
            content=content,
            query="$.users",
            new_value='{"name": "grace"}',
            value_decode=True,
            index=0,
        )
    )
    assert inserted["users"][0] == {"name": "grace"}
    renamed = json.loads(
        await text(
            provider,
            "replace",
            content=content,
            query="$.users[0].name",
            replace_model="key",
            replace_value="first_name",
        )
    )
    assert renamed["users"][0] == {"age": 36, "first_name": "ada"}
    deleted = json.loads(await text(provider, "delete", content=content, query="$.users[1]"))
    assert deleted == {"users": [{"name": "ada", "age": 36}]}
    assert insert({"a": 1}, "$.b.c", 2, create_path=True) == {"a": 1, "b": {"c": 2}}
    with pytest.raises(ToolInvokeError, match="Invalid JSON"):
        await call(provider, "parse", content="{nope", json_filter="$")
    with pytest.raises(ToolInvokeError, match="Invalid JSONPath"):
        await call(provider, "parse", content="{}", json_filter="$[[[")


# webscraper


def test_readable_text_drops_scripts_styles_and_markup():
    title, body = readable(
        "<html><head><title>T</title><style>x{}</style></head><body><script>evil()</script>"
        "<h1>Hello</h1><p>World <b>bold</b></p></body></html>"
    )
    assert title == "T" and "evil" not in body and "x{}" not in body
    assert body.splitlines()[0] == "Hello" and "World" in body and "bold" in body


# md_exporter

MARKDOWN = "# Report\n\nIntro **text**.\n\n- one\n- two\n\n| name | score |\n|---|---|\n| ada | 3 |\n\n## Next\n\nMore."


async def test_markdown_exports_to_files_their_own_libraries_read_back():
    provider = md_exporter_provider()
    [docx] = await call(provider, "md_to_docx", md_text=MARKDOWN, output_filename="report")
    assert docx.type == MessageType.BLOB and docx.filename == "report.docx"
    paragraphs = [p.text for p in Document(io.BytesIO(docx.blob)).paragraphs]
    assert "Report" in paragraphs and "one" in paragraphs
    [xlsx] = await call(provider, "md_to_xlsx", md_text=MARKDOWN)
    sheet = load_workbook(io.BytesIO(xlsx.blob)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["name", "score"], ["ada", "3"]]  # text
    [xlsx] = await call(provider, "md_to_xlsx", md_text=MARKDOWN, force_text_value="false")
    sheet = load_workbook(io.BytesIO(xlsx.blob)).active
    assert sheet.title == "Report" and [c.value for c in sheet[2]] == ["ada", 3]  # named by the heading above
    [pptx] = await call(provider, "md_to_pptx", md_text=MARKDOWN)
    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(pptx.blob)).slides]
    assert titles == ["Report", "Next"]
    [pdf] = await call(provider, "md_to_pdf", md_text=MARKDOWN + "\n\nÜnïcødé")
    assert pdf.blob.startswith(b"%PDF") and pdf.mime_type == "application/pdf"
    with pytest.raises(ToolParameterError):
        await call(provider, "md_to_docx", md_text="")


TWO_TABLES = (
    "<think>The user wants a table.</think>\n```markdown\n## Q1 sales\n\n| region | total | note |\n|---|---|---|\n"
    "| north | 1,200 | a & b |\n| süd | 800 |\n\n## Q2\n\n| region | total |\n|---|---|\n| west | 5 |\n```"
)


async def test_tables_export_as_csv_json_and_latex_files_one_per_table():
    provider = md_exporter_provider()
    first, second = await call(provider, "md_to_csv", md_text=TWO_TABLES, output_filename="sales.csv")
    assert (first.filename, second.filename, first.mime_type) == ("sales_1.csv", "sales_2.csv", "text/csv")
    assert first.blob.startswith(b"\xef\xbb\xbf")  # not ASCII: a BOM, so that Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(first.blob.decode("utf-8-sig"))))
    assert rows == [["region", "total", "note"], ["north", "1,200", "a & b"], ["süd", "800", ""]]
    assert second.blob == b"region,total\nwest,5\n"

    lines, _ = await call(provider, "md_to_json", md_text=TWO_TABLES)
    assert [json.loads(line) for line in lines.blob.decode().splitlines()] == [
        {"region": "north", "total": "1,200", "note": "a & b"},
        {"region": "süd", "total": "800", "note": ""},
    ]
    array, _ = await call(provider, "md_to_json", md_text=TWO_TABLES, output_style="json_array")
    assert json.loads(array.blob)[1]["region"] == "süd" and array.filename == "output_1.json"

    tex, _ = await call(provider, "md_to_latex", md_text=TWO_TABLES)
    source = tex.blob.decode()
    assert source.startswith("\\documentclass") and "\\usepackage{booktabs}" in source
    assert "north & 1,200 & a \\& b \\\\" in source and "\\textbf{region}" in source
    with pytest.raises(ToolInvokeError, match="No Markdown table"):
        await call(provider, "md_to_csv", md_text="just words")


async def test_markdown_exports_as_html_markdown_xml_and_a_notebook():
    provider = md_exporter_provider()
    [page] = await call(provider, "md_to_html", md_text=MARKDOWN, output_filename="r")
    assert page.filename == "r.html" and page.mime_type == "text/html"
    assert "<h1>Report</h1>" in page.blob.decode() and "<td>ada</td>" in page.blob.decode()
    assert "<strong>text</strong>" in await text(provider, "md_to_html_text", md_text=MARKDOWN)

    # An LLM answer as it often arrives: reasoning, a fence around it all, line breaks written as \n.
    [md] = await call(provider, "md_to_md", md_text="<think>hmm</think>```markdown\n# T\\n\\nbody\n```")
    assert md.blob == b"# T\n\nbody" and md.filename == "output.md"

    [xml] = await call(provider, "md_to_xml", md_text=MARKDOWN + "\n\nFish & chips")
    assert xml.blob.startswith(b"<?xml")
    root = ElementTree.fromstring(xml.blob)
    assert root.find("h1").text == "Report" and root.find(".//td").text == "ada"

    [notebook] = await call(provider, "md_to_ipynb", md_text="# Demo\n\nRun it:\n\n```python\nx = 1\nprint(x)\n```\n\nDone.")
    cells = json.loads(notebook.blob)
    assert cells["nbformat"] == 4 and notebook.filename == "output.ipynb"
    assert [(c["cell_type"], "".join(c["source"])) for c in cells["cells"]] == [
        ("markdown", "# Demo\n\nRun it:"),
        ("code", "x = 1\nprint(x)"),
        ("markdown", "Done."),
    ]


async def test_code_blocks_become_script_files_or_one_zip():
    provider = md_exporter_provider()
    answer = "Setup:\n\n```python\nimport os\n```\n\nThen:\n\n```bash\necho hi\n```\n\n```\nplain\n```"
    files = await call(provider, "md_to_codeblock", md_text=answer)
    assert [(f.filename, f.mime_type, f.blob) for f in files] == [
        ("code_1.py", "text/x-python", b"import os\n"),
        ("code_2.sh", "application/x-sh", b"echo hi\n"),
        ("code_3.txt", "text/plain", b"plain\n"),
    ]
    [archive] = await call(provider, "md_to_codeblock", md_text=answer, is_compress="true", output_filename="kit")
    assert archive.filename == "kit.zip"
    assert zipfile.ZipFile(io.BytesIO(archive.blob)).namelist() == ["code_1.py", "code_2.sh", "code_3.txt"]
    with pytest.raises(ToolInvokeError, match="No code block"):
        await call(provider, "md_to_codeblock", md_text="no code here")


async def test_markdown_exports_as_png_pages_with_the_text_drawn():
    from PIL import Image

    provider = md_exporter_provider()
    [page] = await call(provider, "md_to_png", md_text=MARKDOWN)
    assert page.blob.startswith(b"\x89PNG") and page.filename == "output.png"
    image = Image.open(io.BytesIO(page.blob)).convert("L")
    assert image.width > 1000 and image.getextrema()[0] < 100  # dark pixels: the text is drawn
    long = "\n\n".join(f"Paragraph {n} " + "words " * 60 for n in range(40))
    pages = await call(provider, "md_to_png", md_text=long, output_filename="doc")
    assert len(pages) > 1 and [p.filename for p in pages[:2]] == ["doc_1.png", "doc_2.png"]
    [archive] = await call(provider, "md_to_png", md_text=long, is_compress="true")
    assert zipfile.ZipFile(io.BytesIO(archive.blob)).namelist()[:2] == ["page_1.png", "page_2.png"]


async def test_a_catastrophic_regex_is_stopped_not_left_running():
    with pytest.raises(ToolInvokeError, match="took longer"):
        await call(regex_provider(), "regex_extract", content="a" * 40 + "!", expression=r"(a|aa)+$")


async def test_json_tools_answer_to_their_older_names_too_but_are_listed_once():
    provider = json_process_provider()
    assert [t.name for t in provider.info().tools] == ["parse", "insert", "replace", "delete"]
    content = json.dumps({"a": {"b": "c"}})
    assert await text(provider, "json_parse", content=content, json_filter="$.a.b") == "c"
    assert json.loads(await text(provider, "json_parse", content=content)) == {"a": {"b": "c"}}
