"""An llm node's vision: with `vision.enabled`, the image files its `vision.configs.variable_selector` names
(Dify's default: `sys.files`) go to the model as image parts of the last user message, at the node's
`detail`."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from application.files.file_content import FileUnavailable
from application.files.image_parts import BuildImageParts
from application.workflows.nodes.file_reader import run_file_reader
from application.workflows.nodes.selectors import selector
from domain.models.entities import ChatMessage, Role
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.nodes import NodeContext, NodeFailed

DEFAULT_SELECTOR = ("sys", "files")


class NodeVision:
    def __init__(self, uow: UnitOfWorkFactory, images: BuildImageParts) -> None:
        self._uow = uow
        self._images = images

    async def attach(
        self, data: Mapping[str, Any], context: NodeContext, messages: Sequence[ChatMessage]
    ) -> list[ChatMessage]:
        """The messages with the node's images on the last user message (a new user message when the prompt
        ends otherwise); unchanged when vision is off or there are no images."""
        vision = data.get("vision") or {}
        if not isinstance(vision, Mapping) or not vision.get("enabled"):
            return list(messages)
        configs = vision.get("configs") or {}
        value = context.pool.get(selector(configs.get("variable_selector")) or list(DEFAULT_SELECTOR))
        files = value if isinstance(value, list) else [value] if value is not None else []
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
