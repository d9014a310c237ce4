from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.conversations.owned import owned_conversation
from application.workflows.run_chatflow import conversation_variables
from domain.apps.entities import App, AppMode, EndUser
from domain.conversations.entities import Conversation
from domain.conversations.ports import Page
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory


class DeleteConversation:
    """Hides the conversation from its end user at once (Dify's soft delete); its rows stay for retention."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, app: App, end_user: EndUser, conversation_id: UUID) -> None:
        async with self._uow() as uow:
            conversation = await owned_conversation(uow, app, end_user, conversation_id)
            conversation.is_deleted = True
            conversation.updated_at = self._clock.now()
            await uow.conversations.update(conversation)
            await uow.commit()


@dataclass(frozen=True, slots=True)
class ConversationVariable:
    id: str
    name: str
    value_type: str
    value: Any
    description: str


MAX_VARIABLES_LIMIT = 100
VARIABLE_NOT_FOUND = "Conversation Variable Not Exists."


class ListConversationVariables:
    """Conversation variables exist for advanced-chat apps (their workflow declares them, each turn may
    change them); an easy-UI chat app has none. The conversation must be the end user's.

    Dify's pages: variables in the order the workflow declares them, `limit` of them (1..100); `variable_name`
    keeps those whose name contains it, in any case; `last_id` continues after that variable (one that is not
    there is 404 "Conversation Variable Not Exists."); has_more tells whether any follow the page."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, app: App, end_user: EndUser, conversation_id: UUID, *, limit: int = 20, last_id: str | None = None,
        variable_name: str | None = None,
    ) -> tuple[Conversation, Page[ConversationVariable]]:
        if not 1 <= limit <= MAX_VARIABLES_LIMIT:
            raise InvalidParam(f"limit must be between 1 and {MAX_VARIABLES_LIMIT}.", param="limit")
        async with self._uow() as uow:
            conversation = await owned_conversation(uow, app, end_user, conversation_id)
            workflow = await uow.workflows.published(app.id) if app.mode == AppMode.ADVANCED_CHAT else None
            declared = workflow.conversation_variables if workflow is not None else []
            values = await conversation_variables(uow, workflow, conversation) if workflow is not None else {}
        variables = [
            ConversationVariable(
                id=str(v.get("id") or v["name"]), name=v["name"], value_type=str(v.get("value_type") or "string"),
                value=values.get(v["name"]), description=str(v.get("description") or ""),
            )
            for v in declared if v.get("name")
        ]
        return conversation, _page(variables, limit, last_id, variable_name)


def _page(
    variables: list[ConversationVariable], limit: int, last_id: str | None, variable_name: str | None
) -> Page[ConversationVariable]:
    if variable_name:
        variables = [v for v in variables if variable_name.casefold() in v.name.casefold()]
    start = 0
    if last_id:
        ids = [v.id for v in variables]
        if last_id not in ids:
            raise NotFound(VARIABLE_NOT_FOUND)
        start = ids.index(last_id) + 1
    return Page(items=variables[start : start + limit], has_more=len(variables) > start + limit)
