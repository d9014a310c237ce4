"""Run events survive the event log (their records, through JSON) and render as Dify's stream events."""

import json
from uuid import UUID

import pytest

from domain.workflows import run_events as ev
from entrypoints.http import run_presenter
from tests.workflow_fakes import sample_run_events

RUN = UUID(int=1)


def test_the_samples_cover_every_event_kind():
    assert {type(e) for e in sample_run_events()} == set(ev.KINDS.values())


@pytest.mark.parametrize("event", sample_run_events(), ids=lambda e: e.kind)
def test_every_event_survives_its_record_through_json(event):
    record = json.loads(json.dumps(event.to_record()))
    assert record["kind"] == event.kind
    assert ev.from_record(record) == event


def test_a_record_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="tool_called"):
        ev.from_record({"kind": "tool_called"})


def test_every_event_kind_has_its_dify_event():
    names = [run_presenter.replayed_event(RUN, e)["event"] for e in sample_run_events()]
    assert names == [
        "workflow_started", "node_started", "node_retry", "node_finished", "text_chunk", "loop_started",
        "loop_next", "loop_completed", "workflow_finished", "message", "message_end", "agent_log",
        "workflow_started", "human_input_required", "workflow_paused", "human_input_form_filled",
        "human_input_form_timeout",
    ]


def test_a_node_finished_in_an_iteration_carries_usage_and_scope_in_difys_order():
    finished = next(e for e in sample_run_events() if isinstance(e, ev.NodeFinished))
    rendered = run_presenter.replayed_event(RUN, finished)
    assert json.dumps(rendered) == json.dumps({
        "event": "node_finished",
        "workflow_run_id": str(RUN),
        "data": {
            "id": str(UUID(int=3)), "node_id": "llm", "node_type": "llm", "title": "Draft", "index": 2,
            "predecessor_node_id": "start", "inputs": {"q": "hi"},
            "process_data": {"prompts": [{"role": "user", "text": "hi"}]}, "outputs": {"text": "Hello"},
            "status": "succeeded", "error": None, "elapsed_time": 2.0,
            "execution_metadata": {
                "total_tokens": 5, "total_price": "0.0001", "currency": "USD", "prompt_tokens": 3,
                "completion_tokens": 2, "note": 1, "iteration_id": "it", "iteration_index": 1,
            },
            "created_at": 1767268800, "finished_at": 1767268802, "files": [],
            "iteration_id": "it", "iteration_index": 1,
        },
    })


def test_workflow_finished_is_the_stored_run_in_difys_shape():
    finished = next(e for e in sample_run_events() if isinstance(e, ev.WorkflowFinished))
    assert json.dumps(run_presenter.run_payload(finished)) == json.dumps(("workflow_finished", {
        "id": str(RUN), "workflow_id": str(UUID(int=2)), "status": "partial-succeeded", "outputs": {"reply": "ok"},
        "error": None, "elapsed_time": 2.0, "total_tokens": 5, "total_steps": 4, "created_at": 1767268800,
        "finished_at": 1767268802, "exceptions_count": 1, "files": [],
    }))


def test_an_iterations_events_are_named_for_it():
    node = ev.NodeRef("it", "iteration", "Each")
    assert run_presenter.run_payload(ev.ContainerNext(UUID(int=5), node, 3)) == (
        "iteration_next", {"id": str(UUID(int=5)), "node_id": "it", "node_type": "iteration", "title": "Each", "index": 3}
    )
