"""The `regex` builtin: regex_extract, every match of an expression in a text. The `regex` package (a
superset of `re`'s syntax) runs it, because it can stop a catastrophic pattern after a time limit and
releases the GIL while matching, so one bad expression neither hangs a run nor stalls the server."""

import asyncio
from collections.abc import Mapping
from typing import Any

import regex as re

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.tools.entities import Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError

MAX_CONTENT = 1_000_000
TIMEOUT_SECONDS = 2.0


def extract(content: str, expression: str) -> list[Any]:
    """re.findall's answer: whole matches, a group's text, or tuples of groups as lists (JSON has no tuples)."""
    try:
        pattern = re.compile(expression)
    except re.error as error:
        raise ToolInvokeError(f"Invalid regular expression {expression!r}: {error}") from None
    try:
        found = pattern.findall(content[:MAX_CONTENT], timeout=TIMEOUT_SECONDS, concurrent=True)
    except TimeoutError:
        raise ToolInvokeError(f"The regular expression took longer than {TIMEOUT_SECONDS:g} s.") from None
    return [list(m) if isinstance(m, tuple) else m for m in found]


async def regex_extract(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    content, expression = str(parameters.get("content") or ""), str(parameters.get("expression") or "")
    matches = await asyncio.to_thread(extract, content, expression)
    return [
        ToolMessage.of_text(str([tuple(m) if isinstance(m, list) else m for m in matches])),
        ToolMessage.of_json({"matches": matches}),
    ]


def regex_provider() -> BuiltinProvider:
    return BuiltinProvider(
        ToolProviderInfo(
            id="regex",
            type="builtin",
            name="regex",
            label="Regex",
            plugin_id="langgenius/regex",
            description="A tool for regex extraction.",
        ),
        [
            BuiltinTool(
                Tool(
                    "regex_extract",
                    "Regex Extract",
                    "Extracts every match of a regular expression.",
                    (
                        param("content", required=True, description="The text to search"),
                        param("expression", required=True, description="The regular expression (Python syntax)"),
                    ),
                ),
                regex_extract,
            )
        ],
    )
