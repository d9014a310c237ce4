"""The workflow editor's shapes of stored runs (Dify's console workflow-run fields): a run in the history
list, a run's detail, a node execution (in a run's trace, a single-step run, a node's last run)."""

from typing import Any

from application.workflows.run_history import HistoryRun, Runner
from domain.workflows.entities import NodeExecution, WorkflowRun
from entrypoints.http.file_urls import with_file_urls
from entrypoints.http.presenters import epoch
from entrypoints.http.run_presenter import account_creator


def _account(runner: Runner) -> dict[str, Any] | None:
    return account_creator(runner.account) if runner.account else None


def history_item(item: HistoryRun, chat: bool) -> dict[str, Any]:
    run = item.entry.run
    data = {
        "id": str(run.id),
        "version": run.version,
        "status": run.status.value,
        "elapsed_time": run.elapsed_time,
        "total_tokens": run.total_tokens,
        "total_steps": run.total_steps,
        "created_by_account": _account(item.runner),
        "created_at": epoch(run.created_at),
        "finished_at": epoch(run.finished_at),
        "exceptions_count": run.exceptions_count,
        "retry_index": 0,  # weir retries nodes, never a whole run
    }
    if chat:
        entry = item.entry
        data["conversation_id"] = str(entry.conversation_id) if entry.conversation_id else None
        data["message_id"] = str(entry.message_id) if entry.message_id else None
    return data


def run_detail(run: WorkflowRun, runner: Runner) -> dict[str, Any]:
    return {
        "id": str(run.id),
        "version": run.version,
        "graph": run.graph or {},
        "inputs": run.inputs,
        "status": run.status.value,
        "outputs": with_file_urls(run.outputs),
        "error": run.error,
        "elapsed_time": run.elapsed_time,
        "total_tokens": run.total_tokens,
        "total_steps": run.total_steps,
        "created_by_role": runner.role,
        "created_by_account": _account(runner),
        "created_by_end_user": runner.end_user if runner.account is None else None,
        "created_at": epoch(run.created_at),
        "finished_at": epoch(run.finished_at),
        "exceptions_count": run.exceptions_count,
    }


def node_execution(execution: NodeExecution, runner: Runner) -> dict[str, Any]:
    return {
        "id": str(execution.id),
        "index": execution.index,
        "predecessor_node_id": execution.predecessor_node_id,
        "node_id": execution.node_id,
        "node_type": execution.node_type,
        "title": execution.title,
        "inputs": execution.inputs,
        "process_data": execution.process_data,
        "outputs": with_file_urls(execution.outputs),
        "status": execution.status.value,
        "error": execution.error,
        "elapsed_time": execution.elapsed_time,
        "execution_metadata": execution.metadata,
        "extras": {},
        "created_at": epoch(execution.created_at),
        "created_by_role": runner.role,
        "created_by_account": _account(runner),
        "created_by_end_user": runner.end_user if runner.account is None else None,
        "finished_at": epoch(execution.finished_at),
        # weir stores a node's values whole: nothing is ever cut short for the trace
        "inputs_truncated": False,
        "outputs_truncated": False,
        "process_data_truncated": False,
    }
