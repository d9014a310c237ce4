"""What the model reads back from a tool: its messages as one text (Dify's agent does the same folding),
and the error text a failed call leaves so the agent can go on."""

import json
from collections.abc import Sequence

from domain.tools.entities import MessageType, ToolMessage

MAX_OBSERVATION_CHARS = 20_000  # a tool that answers a whole web page must not fill the context alone


def observation_text(messages: Sequence[ToolMessage]) -> str:
    parts: list[str] = []
    for message in messages:
        if message.type is MessageType.TEXT:
            parts.append(message.text)
        elif message.type in (MessageType.LINK, MessageType.IMAGE_LINK):
            parts.append(f"Result link: {message.text} (tell the user to open it).")
        elif message.type is MessageType.JSON:
            parts.append(json.dumps(message.json, ensure_ascii=False))
        elif message.type in (MessageType.IMAGE, MessageType.BLOB, MessageType.FILE):
            name = message.filename or (message.file or {}).get("filename") or "a file"
            parts.append(f"The tool produced {name}; it has been sent to the user.")
        elif message.type is MessageType.VARIABLE:
            parts.append(json.dumps({message.variable_name: message.variable_value}, ensure_ascii=False))
    text = "\n".join(part for part in parts if part)
    if len(text) > MAX_OBSERVATION_CHARS:
        text = text[:MAX_OBSERVATION_CHARS] + "… (truncated)"
    return text or "The tool returned nothing."


def error_observation(tool_name: str, message: str) -> str:
    return f"Tool {tool_name} failed: {message}"


def unknown_tool_observation(tool_name: str, known: Sequence[str]) -> str:
    listed = ", ".join(known) or "none"
    return f"There is no tool named {tool_name!r}. Available tools: {listed}."
