from dataclasses import replace
from uuid import UUID

from application.conversations.generations import MessageRun
from application.conversations.owned import owned_message
from application.conversations.send_message import SendMessage, SendMessageRequest
from domain.apps.entities import App, EndUser
from domain.apps.errors import MoreLikeThisDisabled
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory

# Dify's: another answer to the same inputs is asked for warmer, so it differs from the first.
TEMPERATURE = 0.9


class MoreLikeThis:
    """Another completion for a message of a completion app (the web app's "More like this"): the message's own
    query and inputs, the app's current config at temperature 0.9, a new message of the same visitor.

    Rules (Dify's): only the caller's own message of this app (else "Message Not Exists."); the app's
    `more_like_this` feature must be on (else 403 app_more_like_this_disabled).
    """

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, send_message: SendMessage) -> None:
        self._uow = uow
        self._ids = ids
        self._send = send_message

    async def execute(
        self, app: App, end_user: EndUser, message_id: UUID, streaming: bool, invoke_from: str
    ) -> MessageRun:
        async with self._uow() as uow:
            message = await owned_message(uow, app, end_user, message_id)
            config = await uow.model_configs.current(app.id)
        if config is None or not config.feature_enabled("more_like_this"):
            raise MoreLikeThisDisabled()
        params = {**config.model.completion_params, "temperature": TEMPERATURE}
        warmer = replace(config, id=self._ids.new_id(), model=replace(config.model, completion_params=params))
        return await self._send.execute(
            SendMessageRequest(
                app=app, end_user=end_user, query=message.query, inputs=message.inputs, streaming=streaming,
                draft_config=warmer, invoke_from=invoke_from,
            )
        )
