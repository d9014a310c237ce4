"""An llm node's images: with `vision.enabled`, the image files its `vision.configs.variable_selector` names
(Dify's default: `sys.files`); and, as in Dify whether vision is on or not, the image files its prompt
template references (`{{#start.photo#}}`), which read as no text. They go to the model as image parts of the
last user message, at the node's `detail`."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from application.files.file_content import FileUnavailable
from application.files.image_parts import BuildImageParts
from application.workflows.nodes.file_reader import run_file_reader
from application.workflows.nodes.selectors import selector
from domain.files.workflow_files import is_file
from domain.models.entities import ChatMessage, Role
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.nodes import NodeContext, NodeFailed
from domain.workflows.variables import REFERENCE, VariablePool

DEFAULT_SELECTOR = ("sys", "files")


def _files(value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if is_file(item)]


def without_file_references(template: str, pool: VariablePool) -> str:
    """The template with its references to files (or lists of files) removed: they are parts, not text."""
    return REFERENCE.sub(lambda m: "" if _files(pool.get(m.group(1).split("."))) else m.group(0), template)


def referenced_files(data: Mapping[str, Any], pool: VariablePool) -> list[Any]:
    """The files a basic (not jinja2) prompt template references, in order."""
    template = data.get("prompt_template") or []
    entries = [template] if isinstance(template, Mapping) else list(template)
    found = []
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("edition_type") != "jinja2":
            for match in REFERENCE.finditer(str(entry.get("text") or "")):
                found += _files(pool.get(match.group(1).split(".")))
    return found


class NodeVision:
    def __init__(self, uow: UnitOfWorkFactory, images: BuildImageParts) -> None:
        self._uow = uow
        self._images = images

    async def attach(
        self, data: Mapping[str, Any], context: NodeContext, messages: Sequence[ChatMessage]
    ) -> list[ChatMessage]:
        """The messages with the node's images on the last user message (a new user message when the prompt
        ends otherwise); unchanged when vision is off or there are no images."""
        vision = data.get("vision") if isinstance(data.get("vision"), Mapping) else {}
        configs = vision.get("configs") or {}
        files = referenced_files(data, context.pool)
        if vision.get("enabled"):
            value = context.pool.get(selector(configs.get("variable_selector")) or list(DEFAULT_SELECTOR))
            files += value if isinstance(value, list) else [value] if value is not None else []
        if not files:
            return list(messages)
        reader = await run_file_reader(self._uow, context.run)
        try:
            images = await self._images.execute(files, str(configs.get("detail") or "high"), reader)
        except FileUnavailable as error:
            raise NodeFailed(error.message) from None
        if not images:
            return list(messages)
        out = list(messages)
        if out and out[-1].role is Role.USER:
            out[-1] = replace(out[-1], images=out[-1].images + images)
        else:
            out.append(ChatMessage(Role.USER, "", images=images))
        return out
