"""What a tool node outputs from a tool's messages, as Dify's tool node does: `text` (text and links
joined), `files` (images, blobs and files, once stored), `json` (every json message, in order), plus one
output per `variable` message."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.tools.entities import MessageType, ToolMessage


@dataclass(frozen=True, slots=True)
class ToolOutputs:
    text: str = ""
    files: tuple[Mapping[str, Any], ...] = ()
    json: tuple[Any, ...] = ()
    variables: Mapping[str, Any] = field(default_factory=dict)

    def as_outputs(self) -> dict[str, Any]:
        return {"text": self.text, "files": list(self.files), "json": list(self.json), **self.variables}


def collect(messages: Sequence[ToolMessage], files: Sequence[Mapping[str, Any]] = ()) -> ToolOutputs:
    """`files` are the file mappings already stored for the blob/image/file messages, in order (storing
    is the caller's job: it needs the file store)."""
    text: list[str] = []
    json_values: list[Any] = []
    variables: dict[str, Any] = {}
    for message in messages:
        if message.type == MessageType.TEXT:
            text.append(message.text)
        elif message.type in (MessageType.LINK, MessageType.IMAGE_LINK):
            text.append(f"Link: {message.text}\n" if message.type == MessageType.LINK else message.text)
        elif message.type == MessageType.JSON:
            json_values.append(message.json)
        elif message.type == MessageType.VARIABLE:
            variables[message.variable_name] = message.variable_value
    return ToolOutputs(text="".join(text), files=tuple(files), json=tuple(json_values), variables=variables)
