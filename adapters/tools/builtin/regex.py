"""The `regex` builtin: regex_extract, every match of an expression in a text."""

import re
from collections.abc import Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.tools.entities import Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError

MAX_CONTENT = 1_000_000


def extract(content: str, expression: str) -> list[Any]:
    """re.findall's answer: whole matches, a group's text, or tuples of groups as lists (JSON has no tuples)."""
    try:
        pattern = re.compile(expression)
    except re.error as error:
        raise ToolInvokeError(f"Invalid regular expression {expression!r}: {error}") from None
    return [list(m) if isinstance(m, tuple) else m for m in pattern.findall(content[:MAX_CONTENT])]


async def regex_extract(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
    matches = extract(str(parameters.get("content") or ""), str(parameters.get("expression") or ""))
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
