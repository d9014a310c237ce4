"""Feedback on messages and suggested follow-up questions."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel
from quart import Blueprint

from domain.apps.entities import AppMode
from domain.apps.errors import NotChatApp
from entrypoints.http.auth import app_api, current_app_model, current_end_user
from entrypoints.http.bodies import parse_body
from entrypoints.http.deps import container
from entrypoints.http.presenters import feedback_json
from entrypoints.http.query import limit_arg, page_arg

bp = Blueprint("service_feedback", __name__)
NOT_WORKFLOW = (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.ADVANCED_CHAT, AppMode.COMPLETION)


class FeedbackBody(BaseModel):
    rating: Literal["like", "dislike"] | None = None
    user: str | None = None  # required of Service API callers by `app_api`; a web app call has its passport
    content: str | None = None


@bp.post("/messages/<uuid:message_id>/feedbacks")
@app_api(modes=NOT_WORKFLOW, user_from="json", user_required=True)
async def give_feedback(message_id: UUID) -> dict:
    body = await parse_body(FeedbackBody)
    await container().chat.give_feedback().execute(
        current_app_model(), await current_end_user(), message_id, body.rating, body.content
    )
    return {"result": "success"}


@bp.get("/app/feedbacks")
@app_api()
async def app_feedbacks() -> dict:
    page, limit = page_arg(), limit_arg(maximum=101)  # Dify allows 101 here
    feedbacks = await container().chat.list_app_feedbacks().execute(current_app_model(), page, limit)
    return {"data": [feedback_json(f) for f in feedbacks]}


@bp.get("/messages/<uuid:message_id>/suggested")
@app_api(
    modes=(AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.ADVANCED_CHAT), wrong_mode=NotChatApp,
    user_from="query", user_required=True,
)
async def suggested(message_id: UUID) -> dict:
    end_user = await current_end_user()
    questions = await container().chat.suggest_questions().execute(current_app_model(), end_user, message_id)
    return {"result": "success", "data": questions}
