"""Dify's stream events and blocking bodies for generations, made from typed events: workflow runs, their
replay, chatflows (advanced-chat) and chat/completion messages; and a stored run as its detail and log
entry. The only place these wire shapes are made.

A workflow run event becomes Dify's pair (`event` name, `data` object) through `_RUN_PAYLOADS`, one entry
per event class of domain/workflows/run_events.py (a new event kind gets its entry here); each kind of
stream then wraps that pair in its own envelope (task and run ids, or a chatflow's message ids). Error
codes stay with errors.py: the routes pass its mapping in (`codes`) where a stream reports a failure.
"""

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from application.conversations.generations import MessageRun
from application.workflows.run_chatflow import ChatflowHandle
from application.workflows.run_handle import WorkflowRunHandle
from domain.apps.entities import AppMode
from domain.conversations.debugger import debugger_account
from domain.conversations.events import AgentThoughtUpdated, AnswerDelta, GenerationEvent, MessageEnded
from domain.files.workflow_files import files_in
from domain.shared.errors import DomainError
from domain.workflows import run_events as ev
from domain.workflows.entities import WorkflowRun
from domain.workflows.ports import RunLogEntry
from entrypoints.http import sse
from entrypoints.http.file_urls import with_file_urls
from entrypoints.http.human_input_presenter import HUMAN_INPUT_PAYLOADS, workflow_paused_data
from entrypoints.http.presenters import agent_thought_json, epoch

ErrorCodes = Callable[[DomainError], tuple[str, int]]  # Dify's (code, HTTP status) of an error

# --- workflow run events as Dify's (event, data)


def _scope(scope: ev.Scope | None) -> dict[str, Any]:
    if scope is None:
        return {}
    key = "iteration" if scope.container_type == "iteration" else "loop"
    return {f"{key}_id": scope.container_id, f"{key}_index": scope.index}


def _usage(event: ev.NodeFinished) -> dict[str, Any]:
    if event.usage is None:
        return {}
    u = event.usage
    return {
        "total_tokens": u.total_tokens,
        "total_price": u.total_price,
        "currency": u.currency,
        "prompt_tokens": u.prompt_tokens,
        "completion_tokens": u.completion_tokens,
    }


def _node(node: ev.NodeRef) -> dict[str, Any]:
    return {"node_id": node.id, "node_type": node.type, "title": node.title}


def _workflow_started(event: ev.WorkflowStarted) -> dict[str, Any]:
    return {
        "id": str(event.run_id),
        "workflow_id": str(event.workflow_id),
        "inputs": event.inputs,
        "created_at": epoch(event.created_at),
        "reason": event.reason,
    }


def _node_started(event: ev.NodeStarted) -> dict[str, Any]:
    return {
        "id": str(event.execution_id),
        **_node(event.node),
        "index": event.index,
        "predecessor_node_id": event.predecessor_id,
        "inputs": None,
        "created_at": epoch(event.started_at),
        "extras": {},
        **_scope(event.scope),
    }


def _node_retried(event: ev.NodeRetried) -> dict[str, Any]:
    return {
        "id": str(event.execution_id),
        **_node(event.node),
        "index": event.index,
        "retry_index": event.attempt,
        "error": event.error,
        "created_at": epoch(event.started_at),
        **_scope(event.scope),
    }


def _node_finished(event: ev.NodeFinished) -> dict[str, Any]:
    return {
        "id": str(event.execution_id),
        **_node(event.node),
        "index": event.index,
        "predecessor_node_id": event.predecessor_id,
        "inputs": dict(event.inputs),
        "process_data": dict(event.process_data),
        "outputs": with_file_urls(dict(event.outputs)),
        "status": event.status.value,
        "error": event.error,
        "elapsed_time": event.elapsed,
        "execution_metadata": {**_usage(event), **dict(event.metadata), **_scope(event.scope)},
        "created_at": epoch(event.started_at),
        "finished_at": epoch(event.finished_at),
        "files": files_in(event.outputs),
        **_scope(event.scope),
    }


def _text_chunk(event: ev.TextChunk) -> dict[str, Any]:
    return {"text": event.text, "from_variable_selector": list(event.from_variable_selector)}


def _container(node: ev.NodeRef) -> str:
    return "iteration" if node.type == "iteration" else "loop"


def _container_base(event: ev.ContainerStarted | ev.ContainerNext | ev.ContainerCompleted) -> dict[str, Any]:
    return {"id": str(event.execution_id), **_node(event.node)}


def _container_started(event: ev.ContainerStarted) -> dict[str, Any]:
    return {**_container_base(event), "inputs": event.inputs, "created_at": epoch(event.started_at), "metadata": {}}


def _container_next(event: ev.ContainerNext) -> dict[str, Any]:
    return {**_container_base(event), "index": event.index}


def _container_completed(event: ev.ContainerCompleted) -> dict[str, Any]:
    return {
        **_container_base(event),
        "outputs": event.outputs,
        "status": "failed" if event.error else "succeeded",
        "error": event.error,
        "steps": event.steps,
        "created_at": epoch(event.started_at),
        "finished_at": epoch(event.finished_at),
        "elapsed_time": event.elapsed,
    }


def _workflow_finished(event: ev.WorkflowFinished) -> dict[str, Any]:
    return {
        "id": str(event.run_id),
        "workflow_id": str(event.workflow_id),
        "status": event.status.value,
        "outputs": with_file_urls(event.outputs),
        "error": event.error,
        "elapsed_time": event.elapsed_time,
        "total_tokens": event.total_tokens,
        "total_steps": event.total_steps,
        "created_at": epoch(event.created_at),
        "finished_at": epoch(event.finished_at),
        "exceptions_count": event.exceptions_count,
        "files": files_in(event.outputs or {}),
    }


def _agent_log(event: ev.AgentLog) -> dict[str, Any]:
    return {
        "node_execution_id": str(event.execution_id),
        "id": event.id,
        "label": event.label,
        "parent_id": event.parent_id,
        "error": event.error,
        "status": event.status,
        "data": event.data,
        "metadata": event.metadata,
        "node_id": event.node.id,
    }


_Payload = Callable[[Any], tuple[str, dict[str, Any]]]

_RUN_PAYLOADS: dict[type, _Payload] = {
    ev.WorkflowStarted: lambda e: ("workflow_started", _workflow_started(e)),
    ev.NodeStarted: lambda e: ("node_started", _node_started(e)),
    ev.NodeRetried: lambda e: ("node_retry", _node_retried(e)),
    ev.NodeFinished: lambda e: ("node_finished", _node_finished(e)),
    ev.TextChunk: lambda e: ("text_chunk", _text_chunk(e)),
    ev.ContainerStarted: lambda e: (f"{_container(e.node)}_started", _container_started(e)),
    ev.ContainerNext: lambda e: (f"{_container(e.node)}_next", _container_next(e)),
    ev.ContainerCompleted: lambda e: (f"{_container(e.node)}_completed", _container_completed(e)),
    ev.WorkflowFinished: lambda e: ("workflow_finished", _workflow_finished(e)),
    ev.AnswerChunk: lambda e: ("message", {"answer": e.text}),
    ev.MessageEnd: lambda e: ("message_end", {"metadata": e.metadata}),
    ev.AgentLog: lambda e: ("agent_log", _agent_log(e)),
    **HUMAN_INPUT_PAYLOADS,
}


def run_payload(event: ev.RunEvent) -> tuple[str, dict[str, Any]]:
    """Dify's event name and data object for a run event."""
    return _RUN_PAYLOADS[type(event)](event)


# --- workflow runs: /workflows/run (streaming and blocking) and the replay of /workflow/{id}/events


def account_creator(account: Any) -> dict[str, str]:
    """Who ran it, as workflow_finished names an account (the editor's test run shows it as the executor)."""
    return {"id": str(account.id), "name": account.name, "email": account.email}


def end_user_creator(end_user: Any) -> dict[str, str] | None:
    """Who ran it, as workflow_finished names an end user of the Service API or a web app; None for the end user
    behind a console account's runs from Explore (its session id is weir's own, not a name to show)."""
    if debugger_account(end_user.session_id) is not None:
        return None
    return {"id": str(end_user.id), "user": end_user.session_id}


def _with_creator(event: ev.RunEvent, data: dict[str, Any], created_by: dict[str, str] | None) -> dict[str, Any]:
    return {**data, "created_by": created_by} if created_by and isinstance(event, ev.WorkflowFinished) else data


def workflow_stream_event(
    handle: WorkflowRunHandle, event: ev.RunEvent, created_by: dict[str, str] | None = None
) -> dict[str, Any]:
    name, data = run_payload(event)
    data = _with_creator(event, data, created_by)
    return {"event": name, "task_id": str(handle.task_id), "workflow_run_id": str(handle.run.id), "data": data}


def workflow_blocking(handle: WorkflowRunHandle, finished: ev.WorkflowFinished) -> dict[str, Any]:
    return {"task_id": str(handle.task_id), "workflow_run_id": str(handle.run.id), "data": run_payload(finished)[1]}


def workflow_paused_blocking(handle: WorkflowRunHandle, paused: ev.WorkflowPaused) -> dict[str, Any]:
    """A blocking run that paused: the run so far, `paused`, with its waiting nodes and their forms."""
    data = workflow_paused_data(paused)
    return {
        "task_id": str(handle.task_id),
        "workflow_run_id": str(handle.run.id),
        "data": {
            "id": str(handle.run.id), "workflow_id": str(handle.run.workflow_id), "status": "paused",
            "outputs": data["outputs"], "error": None, "elapsed_time": data["elapsed_time"],
            "total_tokens": data["total_tokens"], "total_steps": data["total_steps"], "created_at": data["created_at"],
            "finished_at": None, "paused_nodes": data["paused_nodes"], "reasons": data["reasons"],
        },
    }


def replayed_event(run_id: UUID, event: ev.RunEvent) -> dict[str, Any]:
    name, data = run_payload(event)
    return {"event": name, "workflow_run_id": str(run_id), "data": data}


def run_detail(run: WorkflowRun) -> dict[str, Any]:
    """GET /workflows/run/{id}: Dify sends the inputs as JSON text here."""
    return {
        "id": str(run.id),
        "workflow_id": str(run.workflow_id),
        "status": run.status.value,
        "inputs": json.dumps(run.inputs, ensure_ascii=False),
        "outputs": with_file_urls(run.outputs),
        "error": run.error,
        "total_steps": run.total_steps,
        "total_tokens": run.total_tokens,
        "created_at": epoch(run.created_at),
        "finished_at": epoch(run.finished_at),
        "elapsed_time": run.elapsed_time,
    }


def run_log_entry(entry: RunLogEntry) -> dict[str, Any]:
    """One item of GET /workflows/logs."""
    run = entry.run
    return {
        "id": str(run.id),
        "workflow_run": {
            "id": str(run.id),
            "version": run.version,
            "status": run.status.value,
            "error": run.error,
            "elapsed_time": run.elapsed_time,
            "total_tokens": run.total_tokens,
            "total_steps": run.total_steps,
            "created_at": epoch(run.created_at),
            "finished_at": epoch(run.finished_at),
            "exceptions_count": run.exceptions_count,
            "triggered_from": run.triggered_from,
        },
        "created_from": entry.created_from,
        "created_by_role": "account" if entry.account else run.created_by_role,
        "created_by_account": account_creator(entry.account) if entry.account else None,
        "created_by_end_user": entry.end_user,
        "created_at": epoch(run.created_at),
        "details": None,
    }


# --- chatflows (advanced-chat) on /chat-messages: message events flat, workflow events with their data


def _chatflow_ids(handle: ChatflowHandle) -> dict[str, str]:
    return {
        "task_id": str(handle.task_id), "id": str(handle.message.id), "message_id": str(handle.message.id),
        "conversation_id": str(handle.conversation.id),
    }


def chatflow_stream_event(
    handle: ChatflowHandle, event: ev.RunEvent, created_by: dict[str, str] | None = None
) -> dict[str, Any]:
    ids, created_at = _chatflow_ids(handle), epoch(handle.message.created_at)
    if isinstance(event, ev.AnswerChunk):
        return {"event": "message", **ids, "answer": event.text, "created_at": created_at}
    if isinstance(event, ev.MessageEnd):
        return {"event": "message_end", **ids, "metadata": event.metadata, "created_at": created_at}
    name, data = run_payload(event)
    data = _with_creator(event, data, created_by)
    return {"event": name, **ids, "workflow_run_id": str(handle.run.id), "data": data}


def chatflow_paused_blocking(handle: ChatflowHandle, paused: ev.WorkflowPaused) -> dict[str, Any]:
    """A blocking chatflow whose run paused: the answer so far and the forms it waits on."""
    data = workflow_paused_data(paused)
    ids = _chatflow_ids(handle)
    return {
        "event": "workflow_paused", "task_id": ids["task_id"],
        "data": {
            "id": ids["id"], "mode": "advanced-chat", "conversation_id": ids["conversation_id"],
            "message_id": ids["message_id"], "workflow_run_id": str(handle.run.id), "answer": handle.message.answer,
            "metadata": {}, "created_at": epoch(handle.message.created_at), "paused_nodes": data["paused_nodes"],
            "reasons": data["reasons"], "status": "paused", "elapsed_time": data["elapsed_time"],
            "total_tokens": data["total_tokens"], "total_steps": data["total_steps"],
        },
    }


def chatflow_blocking(handle: ChatflowHandle, end: ev.MessageEnd) -> dict[str, Any]:
    return {
        **_chatflow_ids(handle), "event": "message", "mode": "advanced-chat", "answer": handle.message.answer,
        "metadata": end.metadata, "created_at": epoch(handle.message.created_at),
    }


# --- chat, agent-chat and completion messages on /chat-messages and /completion-messages


def _identity(run: MessageRun, chat: bool) -> dict[str, str]:
    started = run.started
    ids = {"task_id": str(started.task_id), "id": str(started.message.id), "message_id": str(started.message.id)}
    if chat:
        ids["conversation_id"] = str(started.conversation.id)
    return ids


def message_stream_event(run: MessageRun, chat: bool, item: GenerationEvent, codes: ErrorCodes) -> dict[str, Any]:
    identity, created_at = _identity(run, chat), epoch(run.started.message.created_at)
    if isinstance(item, AnswerDelta):
        # Dify names an agent-chat app's answer text agent_message.
        event = "agent_message" if run.started.conversation.mode == AppMode.AGENT_CHAT.value else "message"
        return {"event": event, **identity, "answer": item.text, "created_at": created_at}
    if isinstance(item, AgentThoughtUpdated):
        return {"event": "agent_thought", **identity, **agent_thought_json(item.thought)}
    if isinstance(item, MessageEnded):
        return {"event": "message_end", **identity, "metadata": item.message.metadata, "created_at": created_at}
    code, status = codes(item.error)
    return {
        "event": "error", **identity, "status": status, "code": code, "message": item.error.message,
        "created_at": created_at,
    }


class MessageStreamFrames:
    """A message stream's SSE frames. An answer delta (most of a stream) is its text between a head and a tail
    made once per message: the same bytes as `sse.event(message_stream_event(...))`, without building and
    encoding the whole event for every token."""

    def __init__(self, run: MessageRun, chat: bool, codes: ErrorCodes) -> None:
        self._run, self._chat, self._codes = run, chat, codes
        empty = sse.event(message_stream_event(run, chat, AnswerDelta(""), codes))
        head, _, self._tail = empty.partition(b'"answer":""')
        self._head = head + b'"answer":'

    def __call__(self, item: GenerationEvent) -> bytes:
        if type(item) is AnswerDelta:
            return self._head + json.dumps(item.text, ensure_ascii=False).encode() + self._tail
        return sse.event(message_stream_event(self._run, self._chat, item, self._codes))


def message_blocking(run: MessageRun, chat: bool, mode: str, ended: MessageEnded) -> dict[str, Any]:
    return {
        "event": "message",
        **_identity(run, chat),
        "mode": mode,
        "answer": ended.message.answer,
        "metadata": ended.message.metadata,
        "created_at": epoch(ended.message.created_at),
    }
