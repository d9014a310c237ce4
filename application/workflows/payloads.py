"""Run events as Dify's SSE payloads (`event` + `data`), shared by live streams and the replayable log."""

from datetime import datetime
from typing import Any

from domain.workflows import events as ev
from domain.workflows.entities import WorkflowRun


def _epoch(at: datetime | None) -> int | None:
    return int(at.timestamp()) if at else None


def _scope(scope: ev.Scope | None) -> dict[str, Any]:
    if scope is None:
        return {}
    key = "iteration" if scope.container_type == "iteration" else "loop"
    return {f"{key}_id": scope.container_id, f"{key}_index": scope.index}


def _usage(result) -> dict[str, Any]:
    if result.usage is None:
        return {}
    u = result.usage
    return {
        "total_tokens": u.total_tokens,
        "total_price": u.total_price,
        "currency": u.currency,
        "prompt_tokens": u.prompt_tokens,
        "completion_tokens": u.completion_tokens,
    }


def workflow_started(run: WorkflowRun) -> dict[str, Any]:
    return {
        "event": "workflow_started",
        "data": {
            "id": str(run.id),
            "workflow_id": str(run.workflow_id),
            "inputs": run.inputs,
            "created_at": _epoch(run.created_at),
        },
    }


def workflow_finished(run: WorkflowRun) -> dict[str, Any]:
    return {
        "event": "workflow_finished",
        "data": {
            "id": str(run.id),
            "workflow_id": str(run.workflow_id),
            "status": run.status,
            "outputs": run.outputs,
            "error": run.error,
            "elapsed_time": run.elapsed_time,
            "total_tokens": run.total_tokens,
            "total_steps": run.total_steps,
            "created_at": _epoch(run.created_at),
            "finished_at": _epoch(run.finished_at),
            "exceptions_count": run.exceptions_count,
            "files": [],
        },
    }


def node_event(event: ev.WorkflowEvent) -> dict[str, Any] | None:
    """The SSE payload of an engine event (None for events the stream does not show)."""
    if isinstance(event, ev.NodeStarted):
        return {
            "event": "node_started",
            "data": {
                "id": str(event.execution_id),
                "node_id": event.node.id,
                "node_type": event.node.type,
                "title": event.node.title,
                "index": event.index,
                "predecessor_node_id": event.predecessor_id,
                "inputs": None,
                "created_at": _epoch(event.started_at),
                "extras": {},
                **_scope(event.scope),
            },
        }
    if isinstance(event, ev.NodeFinished):
        r = event.result
        return {
            "event": "node_finished",
            "data": {
                "id": str(event.execution_id),
                "node_id": event.node.id,
                "node_type": event.node.type,
                "title": event.node.title,
                "index": event.index,
                "predecessor_node_id": event.predecessor_id,
                "inputs": dict(r.inputs),
                "process_data": dict(r.process_data),
                "outputs": dict(r.outputs),
                "status": event.status,
                "error": event.error,
                "elapsed_time": event.elapsed,
                "execution_metadata": {**_usage(r), **dict(r.metadata), **_scope(event.scope)},
                "created_at": _epoch(event.started_at),
                "finished_at": _epoch(event.finished_at),
                "files": [],
                **_scope(event.scope),
            },
        }
    if isinstance(event, ev.NodeRetried):
        return {
            "event": "node_retry",
            "data": {
                "id": str(event.execution_id),
                "node_id": event.node.id,
                "node_type": event.node.type,
                "title": event.node.title,
                "index": event.index,
                "retry_index": event.attempt,
                "error": event.error,
                "created_at": _epoch(event.started_at),
                **_scope(event.scope),
            },
        }
    if isinstance(event, ev.TextChunk):
        return {
            "event": "text_chunk",
            "data": {"text": event.text, "from_variable_selector": list(event.from_variable_selector)},
        }
    if isinstance(event, (ev.ContainerStarted, ev.ContainerNext, ev.ContainerCompleted)):
        return _container(event)
    return None


def _container(event) -> dict[str, Any]:
    kind = "iteration" if event.node.type == "iteration" else "loop"
    base = {
        "id": str(event.execution_id),
        "node_id": event.node.id,
        "node_type": event.node.type,
        "title": event.node.title,
    }
    if isinstance(event, ev.ContainerStarted):
        return {
            "event": f"{kind}_started",
            "data": {**base, "inputs": event.inputs, "created_at": _epoch(event.started_at), "metadata": {}},
        }
    if isinstance(event, ev.ContainerNext):
        return {"event": f"{kind}_next", "data": {**base, "index": event.index}}
    return {
        "event": f"{kind}_completed",
        "data": {
            **base,
            "outputs": event.outputs,
            "status": "failed" if event.error else "succeeded",
            "error": event.error,
            "steps": event.steps,
            "created_at": _epoch(event.started_at),
            "finished_at": _epoch(event.finished_at),
            "elapsed_time": max((event.finished_at - event.started_at).total_seconds(), 0.0),
        },
    }
