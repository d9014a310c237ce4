"""The console's logs page of an app (Dify's chat- and completion-conversations): a page of conversations with
their summary, first message and feedback tallies, and one conversation's detail."""

from uuid import UUID

from quart import Blueprint, request

from domain.conversations.debugger import debugger_account
from domain.conversations.entities import Feedback
from domain.conversations.logs import ConversationSummary, FeedbackStats, log_filter
from domain.conversations.statistics import statistic_window
from domain.shared.errors import InvalidParam
from entrypoints.http.auth import console_login_required, console_session
from entrypoints.http.bodies import json_object
from entrypoints.http.deps import container
from entrypoints.http.file_urls import file_link
from entrypoints.http.presenters import epoch, message_json
from entrypoints.http.query import int_arg, page_arg

bp = Blueprint("console_logs", __name__)


def _stats(stats: FeedbackStats) -> dict:
    return {"like": stats.like, "dislike": stats.dislike}


def _who(summary: ConversationSummary) -> dict:
    c, account = summary.conversation, console_session().account
    # A debug chat is the account's own (Dify: from the console, by the account), not an end user's: the logs
    # page shows the account's name where an end user's session id would be.
    debugger = debugger_account(summary.end_user_session_id)
    from_account_id = debugger or summary.from_account_id
    mine = from_account_id is not None and from_account_id == account.id
    return {
        "id": str(c.id),
        "status": c.status,
        "from_source": "console" if debugger else summary.from_source,
        "from_end_user_id": str(c.from_end_user_id) if c.from_end_user_id and not debugger else None,
        "from_end_user_session_id": None if debugger else summary.end_user_session_id,
        "from_account_id": str(from_account_id) if from_account_id else None,
        "from_account_name": account.name if mine else None,
        "read_at": None,
        "created_at": epoch(c.created_at),
        "updated_at": epoch(c.updated_at),
        "model_config": {
            "model": {"provider": c.model_provider or "", "name": c.model_id or "", "completion_params": {}},
            "pre_prompt": None,
        },
        "user_feedback_stats": _stats(summary.user_feedback),
        "admin_feedback_stats": _stats(summary.admin_feedback),
    }


def _chat_row(summary: ConversationSummary) -> dict:
    c = summary.conversation
    return {
        **_who(summary),
        "name": c.name,
        "summary": summary.first_query,
        "annotated": False,
        "message_count": summary.message_count,
        "status_count": None,
    }


def _completion_row(summary: ConversationSummary) -> dict:
    c = summary.conversation
    first = {"inputs": c.inputs, "query": summary.first_query, "message": "", "answer": summary.first_answer}
    return {**_who(summary), "annotation": None, "message": first}


async def _page(app_id: UUID, row) -> dict:
    session = console_session()
    window = statistic_window(request.args.get("start"), request.args.get("end"), session.account.timezone)
    page, limit = page_arg(), int_arg("limit", 20, maximum=100)
    log = log_filter(
        window.start, window.end, request.args.get("keyword"), request.args.get("sort_by") or "-created_at", page, limit
    )
    found = await container().console.list_conversation_log().execute(session.tenant.id, app_id, log)
    return {
        "page": page,
        "limit": limit,
        "total": found.total,
        "has_more": page * limit < found.total,
        "data": [row(s) for s in found.items],
    }


@bp.get("/apps/<uuid:app_id>/chat-conversations")
@console_login_required
async def chat_conversations(app_id: UUID) -> dict:
    return await _page(app_id, _chat_row)


@bp.get("/apps/<uuid:app_id>/completion-conversations")
@console_login_required
async def completion_conversations(app_id: UUID) -> dict:
    return await _page(app_id, _completion_row)


@bp.get("/apps/<uuid:app_id>/chat-conversations/<uuid:conversation_id>")
@console_login_required
async def chat_conversation(app_id: UUID, conversation_id: UUID) -> dict:
    tenant = console_session().tenant.id
    summary = await container().console.get_conversation_log().execute(tenant, app_id, conversation_id)
    who = _who(summary)
    return {
        **{k: who[k] for k in ("id", "status", "from_source", "from_end_user_id", "from_account_id")},
        "created_at": who["created_at"],
        "updated_at": who["updated_at"],
        "annotated": False,
        "introduction": summary.conversation.introduction,
        "model_config": who["model_config"],
        "message_count": summary.message_count,
        "user_feedback_stats": who["user_feedback_stats"],
        "admin_feedback_stats": who["admin_feedback_stats"],
    }


@bp.get("/apps/<uuid:app_id>/completion-conversations/<uuid:conversation_id>")
@console_login_required
async def completion_conversation(app_id: UUID, conversation_id: UUID) -> dict:
    tenant = console_session().tenant.id
    summary = await container().console.get_conversation_log().execute(tenant, app_id, conversation_id)
    who, row = _who(summary), _completion_row(summary)
    return {
        **{k: who[k] for k in ("id", "status", "from_source", "from_end_user_id", "from_account_id", "created_at")},
        "model_config": who["model_config"],
        "message": row["message"],
    }


def _feedback_json(f: Feedback) -> dict:
    account = console_session().account
    by_console = f.from_source == "admin"
    return {
        "rating": f.rating.value,
        "content": f.content,
        "from_source": f.from_source,
        "from_end_user_id": str(f.from_end_user_id) if f.from_end_user_id else None,
        # The console's own feedback is the signed-in account's (weir records no other account on it).
        "from_account": {"id": str(account.id), "name": account.name, "email": account.email} if by_console else None,
    }


@bp.get("/apps/<uuid:app_id>/chat-messages")
@console_login_required
async def log_messages(app_id: UUID) -> dict:
    try:
        conversation_id = UUID(request.args.get("conversation_id") or "")
    except ValueError:
        raise InvalidParam("conversation_id must be a UUID.", "conversation_id") from None
    first = request.args.get("first_id")
    try:
        first_id = UUID(first) if first else None
    except ValueError:
        raise InvalidParam("first_id must be a UUID.", "first_id") from None
    limit = int_arg("limit", 20, maximum=100)
    tenant = console_session().tenant.id
    page, feedbacks, thoughts, debugger = (
        await container().console.list_log_messages().execute(tenant, app_id, conversation_id, first_id, limit)
    )
    def row(m) -> dict:
        shown = message_json(m, None, thoughts.get(m.id, ()), file_link)
        del shown["feedback"]
        return {
            **shown,
            # The prompt log the web shows beside the answer: weir keeps no copy of the whole prompt sent, so it is
            # the user's turn alone (the web adds the answer after it).
            "message": [{"role": "user", "text": m.query, "files": []}],
            # A debug chat's turns are the account's, from the console (Dify's), not an end user's over the API.
            "from_source": "console" if debugger else "api",
            "from_end_user_id": str(m.from_end_user_id) if m.from_end_user_id and not debugger else None,
            "from_account_id": str(debugger) if debugger else None,
            "feedbacks": [_feedback_json(f) for f in feedbacks.get(m.id, [])],
            "workflow_run_id": None,
            "annotation": None,
            "annotation_hit_history": None,
            "metadata": m.metadata,
        }

    return {"limit": limit, "has_more": page.has_more, "data": [row(m) for m in reversed(page.items)]}


@bp.post("/apps/<uuid:app_id>/feedbacks")
@console_login_required
async def admin_feedback(app_id: UUID) -> dict:
    body = await json_object()
    try:
        message_id = UUID(str(body.get("message_id")))
    except ValueError:
        raise InvalidParam("message_id must be a UUID.", "message_id") from None
    rating, content = body.get("rating"), body.get("content")
    tenant = console_session().tenant.id
    await (
        container()
        .console.give_admin_feedback()
        .execute(tenant, app_id, message_id, rating, content if isinstance(content, str) else None)
    )
    return {"result": "success"}
