"""RunChatflow over in-memory fakes: a chatflow answers as a chat message and as a workflow run, its
conversation variables and history carry over turns, a failed run fails the message, MessageEnd is last."""

from itertools import pairwise

import pytest

from application.conversations import answer_progress
from application.workflows.run_chatflow import ChatflowRequest
from domain.apps.entities import AppMode
from domain.apps.errors import NotChatApp
from domain.conversations.entities import MessageStatus
from domain.conversations.errors import ConversationNotFound
from domain.maintenance.leases import SHUT_DOWN_MESSAGE, SHUT_DOWN_RUN
from domain.shared.errors import InvalidParam
from domain.workflows import run_events as ev
from domain.workflows.entities import RunStatus
from tests.polling import eventually
from tests.workflow_fakes import events_until, graph, make_app, make_end_user, publish

APP = make_app(AppMode.ADVANCED_CHAT)
ALICE, BOB = make_end_user(APP, "alice", 1), make_end_user(APP, "bob", 2)
TURNS = [{"id": "v-turns", "name": "turns", "value_type": "number", "value": 0}]


def _chatflow(*after_answer: tuple[str, dict], start: dict | None = None) -> dict:
    nodes = {
        "s": start or {"type": "start", "variables": []},
        "llm": {"type": "llm", "pieces": ["Hi", " there"]},
        "count": {"type": "count"},
        "a": {"type": "answer", "answer": "{{#llm.text#}} (turn {{#conversation.turns#}})"},
        **dict(after_answer),
    }
    return graph(nodes, list(pairwise(nodes)))


async def _ask(run_chatflow, query="Hello", user=ALICE, **request):
    handle = await run_chatflow.start(ChatflowRequest(APP, user, query, request.pop("inputs", {}), **request))
    return handle, await events_until(handle, ev.MessageEnd)


async def test_a_chatflow_streams_its_answer_as_message_events_and_ends_with_message_end(run_chatflow, workflow_db):
    await publish(workflow_db, APP, _chatflow(), conversation_variables=TURNS)
    handle, events = await _ask(run_chatflow)

    assert isinstance(events[0], ev.WorkflowStarted) and isinstance(events[-2], ev.WorkflowFinished)
    assert isinstance(events[-1], ev.MessageEnd) and not any(isinstance(e, ev.TextChunk) for e in events)
    answer = "".join(e.text for e in events if isinstance(e, ev.AnswerChunk))
    assert answer == "Hi there (turn 1)"
    message = workflow_db.state.chat_messages[handle.message.id]
    assert (message.status, message.answer, message.query) == (MessageStatus.NORMAL, answer, "Hello")
    assert message.metadata == events[-1].metadata and message.metadata["conversation_variables"] == {"turns": 1}
    conversation = workflow_db.state.conversations[handle.conversation.id]
    assert (conversation.name, conversation.dialogue_count) == ("Hello", 1)
    run = workflow_db.state.workflow_runs[handle.run.id]
    assert (run.type, run.status, run.total_tokens) == ("chat", RunStatus.SUCCEEDED, 5)


async def test_conversation_variables_and_history_carry_over_turns(run_chatflow, workflow_db, scripted_nodes):
    await publish(workflow_db, APP, _chatflow(), conversation_variables=TURNS)
    first, _ = await _ask(run_chatflow, "One")
    second, _ = await _ask(run_chatflow, "Two", conversation_id=first.conversation.id)
    assert workflow_db.state.chat_messages[second.message.id].answer == "Hi there (turn 2)"
    assert scripted_nodes.histories == [(), (("One", "Hi there (turn 1)"),)]
    assert workflow_db.state.conversations[first.conversation.id].dialogue_count == 2

    fresh, _ = await _ask(run_chatflow, "Again")  # a new conversation starts from the workflow's defaults
    assert fresh.conversation.id != first.conversation.id
    assert workflow_db.state.chat_messages[fresh.message.id].answer == "Hi there (turn 1)"


async def test_a_failed_run_fails_the_message_and_message_end_still_comes_last(run_chatflow, workflow_db, workflow_traces):
    await publish(workflow_db, APP, _chatflow(("boom", {"type": "fail"})), conversation_variables=TURNS)
    handle, events = await _ask(run_chatflow)
    finished = next(e for e in events if isinstance(e, ev.WorkflowFinished))
    assert (finished.status, finished.error) == (RunStatus.FAILED, "boom broke")
    assert isinstance(events[-1], ev.MessageEnd)
    message = workflow_db.state.chat_messages[handle.message.id]
    assert (message.status, message.error) == (MessageStatus.ERROR, "boom broke")
    assert [(m, t.status) for m, t in workflow_traces.messages] == [(handle.message.id, "error")]


async def test_what_is_checked_before_anything_is_stored(run_chatflow, workflow_db):
    required = {"type": "start", "variables": [{"variable": "topic", "label": "Topic", "type": "text-input", "required": True}]}
    await publish(workflow_db, APP, _chatflow(start=required), conversation_variables=TURNS)
    with pytest.raises(InvalidParam):  # the query
        await run_chatflow.start(ChatflowRequest(APP, ALICE, "  ", {"topic": "x"}))
    with pytest.raises(InvalidParam):  # the inputs
        await run_chatflow.start(ChatflowRequest(APP, ALICE, "Hello", {}))
    chat = make_app(AppMode.CHAT, number=2)
    with pytest.raises(NotChatApp):
        await run_chatflow.start(ChatflowRequest(chat, make_end_user(chat), "Hello", {}))
    assert workflow_db.state.chat_messages == {} and workflow_db.state.workflow_runs == {}


async def test_a_conversation_of_another_user_is_not_found(run_chatflow, workflow_db):
    await publish(workflow_db, APP, _chatflow(), conversation_variables=TURNS)
    alices, _ = await _ask(run_chatflow)
    with pytest.raises(ConversationNotFound):
        await run_chatflow.start(ChatflowRequest(APP, BOB, "Hi", {}, conversation_id=alices.conversation.id))


# Crash truthfulness: the message is generating (owned by this process) until it settles, its text saved


async def test_the_message_is_generating_with_its_owner_and_its_streamed_answer_saved_until_it_settles(
    run_chatflow, workflow_db, scripted_nodes, work_lease, monkeypatch
):
    monkeypatch.setattr(answer_progress, "SAVE_EVERY_SECONDS", 0.01)
    await publish(workflow_db, APP, _chatflow(("w", {"type": "wait"})), conversation_variables=TURNS)
    handle = await run_chatflow.start(ChatflowRequest(APP, ALICE, "Hello", {}))
    await eventually(lambda: workflow_db.state.chat_messages[handle.message.id].answer == "Hi there (turn 1)",
                     what="the answer streamed so far to be saved while the run waits")
    message = workflow_db.state.chat_messages[handle.message.id]
    assert (message.status, message.lease_owner) == (MessageStatus.GENERATING, work_lease.owner)
    assert workflow_db.state.workflow_runs[handle.run.id].lease_owner == work_lease.owner
    scripted_nodes.release.set()
    await events_until(handle, ev.MessageEnd)
    assert workflow_db.state.chat_messages[handle.message.id].status is MessageStatus.NORMAL


async def test_a_chatflow_cancelled_by_a_shutdown_fails_its_message_and_its_run(
    run_chatflow, workflow_db, workflow_generations
):
    await publish(workflow_db, APP, _chatflow(("w", {"type": "wait"})), conversation_variables=TURNS)
    handle = await run_chatflow.start(ChatflowRequest(APP, ALICE, "Hello", {}))
    await events_until(handle, lambda e: isinstance(e, ev.NodeStarted) and e.node.id == "w")
    await workflow_generations.drain(timeout=0)
    await eventually(lambda: not workflow_db.state.chat_messages[handle.message.id].generating,
                     what="the message to be settled")
    message = workflow_db.state.chat_messages[handle.message.id]
    assert (message.status, message.error, message.answer) == (
        MessageStatus.ERROR, SHUT_DOWN_MESSAGE, "Hi there (turn 1)"
    )
    run = workflow_db.state.workflow_runs[handle.run.id]
    assert (run.status, run.error) == (RunStatus.FAILED, SHUT_DOWN_RUN)
