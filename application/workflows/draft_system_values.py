"""The `sys.*` values the variable inspector shows: those of the draft's last test run, rebuilt from what the
run stored (its row, its end user, and for a chatflow its message and conversation)."""

from typing import Any
from uuid import UUID

from application.workflows.run_workflow import DEBUGGING, SYSTEM_FILES
from domain.apps.entities import AppMode
from domain.conversations.debugger import console_user_id
from domain.shared.unit_of_work import UnitOfWork
from domain.workflows.entities import Workflow
from domain.workflows.ports import RunHistoryFilter


async def system_values(uow: UnitOfWork, draft: Workflow, mode: AppMode) -> tuple[UUID, dict[str, Any]] | None:
    """The run's id and its sys values by name. Rules: the newest of the editor's test runs of this draft,
    unless the inspector was cleared since (none before the first run); a chatflow's add its query,
    conversation and dialogue count (Dify's)."""
    entries, _ = await uow.workflow_runs.history(draft.app_id, RunHistoryFilter(triggered_from=DEBUGGING), 1)
    if not entries or entries[0].run.workflow_id != draft.id:
        return None
    entry = entries[0]
    run = entry.run
    cleared = (await uow.workflow_runs.inspector_clears(draft.app_id)).get(("", ""))
    if cleared is not None and cleared >= run.created_at:
        return None
    values: dict[str, Any] = {}
    if mode == AppMode.ADVANCED_CHAT:
        message = await uow.messages.get(entry.message_id) if entry.message_id else None
        values["query"] = message.query if message else ""
    values["files"] = list(run.inputs.get(SYSTEM_FILES) or [])
    if mode == AppMode.ADVANCED_CHAT:
        conversation = await uow.conversations.get(entry.conversation_id) if entry.conversation_id else None
        values["conversation_id"] = str(entry.conversation_id) if entry.conversation_id else ""
        values["dialogue_count"] = max(conversation.dialogue_count, 1) if conversation else 1
    values |= {
        "user_id": console_user_id((entry.end_user or {}).get("session_id") or str(run.created_by)),
        "app_id": str(run.app_id),
        "workflow_id": str(run.workflow_id),
        "workflow_run_id": str(run.id),
        "timestamp": int(run.created_at.timestamp()),
    }
    return run.id, values
