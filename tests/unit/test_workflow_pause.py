"""Pausing and resuming a walk (human input), and the rules of a form's answer, without any store."""

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.workflows import run_events as ev
from domain.workflows.engine import GraphEngine, RunFinished, RunPaused
from domain.workflows.graph import parse_graph
from domain.workflows.human_input import FormAnswer, FormSpec, FormStatus, HumanInputForm, InvalidFormData
from domain.workflows.nodes import NodeResult
from domain.workflows.pause import PausedRun
from domain.workflows.variables import VariablePool
from tests.fakes import FixedClock, SequentialIds
from tests.unit.test_workflow_engine import RUN, Scripted
from tests.workflow_fakes import graph

REVIEW = {
    "type": "human-input",
    "form_content": "Ship {{#s.draft#}}? {{#$output.note#}}",
    "inputs": [
        {"type": "paragraph", "output_variable_name": "note"},
        {"type": "select", "output_variable_name": "size", "option_source": {"type": "constant", "value": ["s", "l"]}},
    ],
    "user_actions": [{"id": "yes", "title": "Ship it"}, {"id": "no", "title": "Hold"}],
}
RAW = graph(
    {
        "s": {"type": "start"},
        "h": REVIEW,
        "side": {"type": "value", "value": "side done"},
        "ship": {"type": "value", "value": "shipped"},
        "hold": {"type": "value", "value": "held"},
        "end": {
            "type": "end",
            "outputs": [
                {"variable": "note", "value_selector": ["h", "note"]},
                {"variable": "side", "value_selector": ["side", "value"]},
            ],
        },
    },
    [
        ("s", "h"),
        ("s", "side"),
        ("h", "ship", "yes"),
        ("h", "hold", "no"),
        ("ship", "end"),
        ("hold", "end"),
        ("side", "end"),
    ],
)


async def _run(raw, resume=None, pool=None):
    engine = GraphEngine(
        parse_graph(raw), Scripted(), RUN, pool or VariablePool(), FixedClock(), SequentialIds(), resume=resume
    )
    return [e async for e in engine.run({"draft": "v3"})]


async def test_a_walk_pauses_at_the_form_runs_its_other_branches_and_resumes_along_the_chosen_edge():
    events = await _run(RAW)
    paused = events[-1]
    assert isinstance(paused, RunPaused)
    state = paused.state
    assert state.pending_ids == ("h",) and "side" in state.finished and "end" not in state.started
    assert not any(isinstance(e, ev.NodeFinished) and e.node.id == "h" for e in events)

    # what is stored is JSON and comes back equal, in any process
    at = datetime(2026, 1, 1, tzinfo=UTC)
    record = json.loads(json.dumps(PausedRun(RUN.run_id, "alice", state, at).to_record()))
    restored = PausedRun.from_record(record).state
    assert restored == state

    answer = NodeResult(outputs={"note": "go", "__action_id": "yes"}, edge_handle="yes")
    resumed = await _run(RAW, (restored, {"h": answer}), VariablePool.restored(restored.pool))
    finished = resumed[-1]
    assert isinstance(finished, RunFinished) and finished.status.succeeded
    assert finished.outputs == {"note": "go", "side": "side done"}
    ran = [e.node.id for e in resumed if isinstance(e, ev.NodeFinished)]
    assert ran[0] == "h" and "ship" in ran and "hold" not in ran and "side" not in ran
    h = next(e for e in resumed if isinstance(e, ev.NodeFinished) and e.node.id == "h")
    assert h.execution_id == state.pending[0].execution_id  # the same node row, finished now
    assert finished.total_steps == len(state.started) + 2  # ship and end; the count goes on


async def test_a_resumption_without_an_answer_pauses_again_where_it_was():
    state = (await _run(RAW))[-1].state
    again = await _run(RAW, (state, {}), VariablePool.restored(state.pool))
    assert isinstance(again[-1], RunPaused) and again[-1].state.pending_ids == ("h",)


async def test_a_human_input_node_inside_an_iteration_fails_instead_of_pausing():
    raw = graph(
        {
            "s": {"type": "start"},
            "it": {
                "type": "iteration",
                "iterator_selector": ["s", "items"],
                "output_selector": ["h", "note"],
                "start_node_id": "is",
            },
            "is": {"type": "iteration-start", "parent": "it"},
            "h": {**REVIEW, "parent": "it"},
        },
        [("s", "it"), ("is", "h")],
    )
    engine = GraphEngine(parse_graph(raw), Scripted(), RUN, VariablePool(), FixedClock(), SequentialIds())
    events = [e async for e in engine.run({"items": [1]})]
    assert isinstance(events[-1], RunFinished) and not events[-1].status.succeeded
    assert "iteration or a loop" in events[-1].error


def _form(**changes) -> HumanInputForm:
    spec = FormSpec.of("Review", REVIEW)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    definition = {
        "form_content": "Ship v3? {{#$output.note#}}",
        "inputs": list(spec.inputs),
        "user_actions": list(spec.actions),
    }
    form = HumanInputForm(
        UUID(int=1), "tok", UUID(int=2), UUID(int=3), UUID(int=4), "h", "Review", definition, at, at + spec.timeout
    )
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def test_an_answer_must_name_one_of_the_actions_and_fill_every_input():
    form = _form()
    with pytest.raises(InvalidFormData, match="Invalid action: maybe"):
        form.check_submission("maybe", {"note": "x", "size": "s"})
    with pytest.raises(InvalidFormData, match="Missing required inputs: size"):
        form.check_submission("yes", {"note": "x"})
    with pytest.raises(InvalidFormData, match="select input 'size'"):
        form.check_submission("yes", {"note": "x", "size": "xl"})
    with pytest.raises(InvalidFormData, match="expected string"):
        form.check_submission("yes", {"note": 3, "size": "s"})
    assert form.check_submission("yes", {"note": "x", "size": "s", "extra": 1}) == {"note": "x", "size": "s"}


def test_the_timeout_is_the_nodes_and_defaults_to_36_hours():
    assert FormSpec.of("R", {**REVIEW, "timeout": 2, "timeout_unit": "day"}).timeout == timedelta(days=2)
    assert FormSpec.of("R", {k: v for k, v in REVIEW.items() if k != "timeout"}).timeout == timedelta(hours=36)


@given(note=st.text(max_size=40), action=st.sampled_from(["yes", "no"]))
def test_an_answer_becomes_the_nodes_outputs_and_picks_the_actions_edge(note, action):
    form = _form(status=FormStatus.SUBMITTED, submitted_data={"note": note, "size": "l"}, action_id=action)
    answer = FormAnswer.of(form)
    assert answer is not None and answer.handle == action
    assert answer.outputs["note"] == note and answer.outputs["__action_id"] == action
    assert answer.outputs["__action_value"] == {"yes": "Ship it", "no": "Hold"}[action]
    assert answer.outputs["__rendered_content"] == f"Ship v3? {note}"


def test_a_timed_out_form_takes_the_timeout_edge_and_a_waiting_one_no_edge():
    assert FormAnswer.of(_form(status=FormStatus.TIMEOUT)).handle == "__timeout"
    assert FormAnswer.of(_form()) is None
