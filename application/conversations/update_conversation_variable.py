from typing import Any
from uuid import UUID

from application.conversations.manage_conversation import VARIABLE_NOT_FOUND, ConversationVariable
from application.conversations.owned import owned_conversation
from application.workflows.run_chatflow import carried_variables
from domain.apps.entities import App, AppMode, EndUser
from domain.conversations.entities import Conversation
from domain.conversations.variable_types import check_value
from domain.shared.clock import Clock
from domain.shared.errors import NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory


class UpdateConversationVariable:
    """Sets one conversation variable of an advanced-chat conversation; the next turn starts from it.

    Rules: the conversation must be the end user's; the variable is one the published workflow declares (by id,
    else 404 "Conversation Variable Not Exists."); the value must fit its declared type (Dify's bad_request
    "Type mismatch: …"); the value is kept where each turn keeps them, with the conversation's last answered
    message, so the carried-over values and the listing both see it."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(
        self, app: App, end_user: EndUser, conversation_id: UUID, variable_id: str, value: Any
    ) -> tuple[Conversation, ConversationVariable]:
        async with self._uow() as uow:
            conversation = await owned_conversation(uow, app, end_user, conversation_id)
            workflow = await uow.workflows.published(app.id) if app.mode == AppMode.ADVANCED_CHAT else None
            declared = next(
                (
                    v
                    for v in (workflow.conversation_variables if workflow else [])
                    if str(v.get("id") or v.get("name")) == variable_id
                ),
                None,
            )
            if workflow is None or declared is None or not declared.get("name"):
                raise NotFound(VARIABLE_NOT_FOUND)
            value_type = str(declared.get("value_type") or "string")
            check_value(declared["name"], value_type, value)
            earlier = await uow.messages.history(conversation.id, 1)
            values = carried_variables(workflow, earlier) | {declared["name"]: value}
            if earlier:
                last = earlier[-1]
                last.metadata = {**last.metadata, "conversation_variables": values}
                await uow.messages.update(last)
            conversation.updated_at = self._clock.now()
            await uow.conversations.update(conversation)
            await uow.commit()
        variable = ConversationVariable(
            id=variable_id,
            name=declared["name"],
            value_type=value_type,
            value=value,
            description=str(declared.get("description") or ""),
        )
        return conversation, variable
