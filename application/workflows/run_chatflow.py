import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.conversations.answer_progress import AnswerProgress
from application.conversations.generations import Generations
from application.conversations.message_files import PrepareSentFiles, SentFiles
from application.conversations.owned import owned_conversation
from application.workflows.run_handle import WorkflowRunHandle
from application.workflows.run_workflow import (
    DEBUGGING,
    RunSetup,
    RunWorkflow,
    WorkflowNotPublished,
    environment_variables,
    system_variables,
)
from domain.apps.entities import App, AppMode, EndUser
from domain.apps.errors import NotChatApp
from domain.conversations.entities import Conversation, Message, MessageStatus, name_from_query
from domain.conversations.ports import StopSignals
from domain.maintenance.leases import SHUT_DOWN_MESSAGE, WorkLease
from domain.models.entities import Usage
from domain.models.pricing import price_usage
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.telemetry.ports import TraceDispatcher
from domain.telemetry.records import EventTimes
from domain.workflows import run_events as ev
from domain.workflows.engine import RunFinished, RunPaused
from domain.workflows.entities import DraftWorkflowNotExist, Workflow, WorkflowRun
from domain.workflows.graph import parse_graph
from domain.workflows.ports import RunEventLog
from domain.workflows.variables import VariablePool

log = logging.getLogger("weir.workflow")

HISTORY_TURNS = 50  # the most an llm node's memory window can ask for


@dataclass(frozen=True, slots=True)
class ChatflowRequest:
    app: App
    end_user: EndUser
    query: str
    inputs: dict[str, Any]
    conversation_id: UUID | None = None
    streaming: bool = False
    files: tuple[Any, ...] = ()  # Dify's file mappings: the run's `sys.files`
    draft: bool = False  # the workflow editor's test chat: the app's draft, a debugging run, a debugger message


@dataclass(frozen=True)
class ChatflowHandle:
    """A chatflow answering: its message and conversation, and the run's events (its last is MessageEnd)."""

    stream: WorkflowRunHandle
    message: Message
    conversation: Conversation

    @property
    def task_id(self) -> UUID:
        return self.stream.task_id

    @property
    def run(self) -> WorkflowRun:
        return self.stream.run

    async def next_event(self, timeout: float | None = None) -> ev.RunEvent | None:
        return await self.stream.next_event(timeout)


def carried_variables(workflow: Workflow, earlier: list[Message]) -> dict[str, Any]:
    """The workflow's defaults, updated by the last answered turn (each message keeps the values after it)."""
    values = {v["name"]: v.get("value") for v in workflow.conversation_variables if v.get("name")}
    if earlier:
        values |= earlier[-1].metadata.get("conversation_variables") or {}
    return values


class RunChatflow:
    """Answers a message of an advanced-chat app by running its published workflow (Dify's chatflow).

    Rules: as a chat message (query required, the conversation must be the end user's, inputs checked
    against the Start node), as a workflow run (a run row and node rows, telemetry: RunWorkflow.drive does
    the run); the Answer nodes' text streams as AnswerChunk; conversation variables start from the
    workflow's defaults and carry over from turn to turn (kept with each message); a run that does not
    succeed fails the message; the message's updated_at is when the answer completed; MessageEnd is last.
    Crash truthfulness, as a chat message: the message is `generating` (and the run `running`) with this
    process's lease as owner until it settles, its streamed answer saved at a bounded interval
    (AnswerProgress); storing and spawning are one detached step (a client going away does not leave them
    unanswered); a chatflow cancelled by a shutdown fails its message with the reason.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        workflows: RunWorkflow,
        stops: StopSignals,
        traces: TraceDispatcher,
        events: RunEventLog,
        generations: Generations,
        clock: Clock,
        ids: IdGenerator,
        lease: WorkLease,
        sent_files: PrepareSentFiles | None = None,
    ) -> None:
        self._uow = uow
        self._lease = lease
        self._sent_files = sent_files
        self._workflows = workflows
        self._stops = stops
        self._traces = traces
        self._events = events
        self._generations = generations
        self._clock = clock
        self._ids = ids

    async def start(self, request: ChatflowRequest) -> ChatflowHandle:
        if request.app.mode != AppMode.ADVANCED_CHAT:
            raise NotChatApp()
        if not request.query.strip():
            raise InvalidParam("query is required", param="query")
        async with self._uow() as uow:
            workflow = await self._workflow(uow, request)
            conversation = None
            earlier = []
            if request.conversation_id is not None:
                conversation = await owned_conversation(uow, request.app, request.end_user, request.conversation_id)
                earlier = await uow.messages.history(conversation.id, HISTORY_TURNS)
            variables = carried_variables(workflow, earlier)
        parse_graph(workflow.graph)
        if conversation:
            inputs = conversation.inputs
        else:
            inputs = await self._workflows.checked_inputs(workflow, request.app, request.end_user, request.inputs)
        sent = SentFiles()
        if self._sent_files is not None and request.files:
            # The files reach models through llm nodes with vision (their `sys.files`), not here.
            sent = await self._sent_files.execute(request.app, request.end_user, workflow.features.get("file_upload"),
                                                  request.files, with_images=False)
        begin = self._begin(request, workflow, conversation, earlier, variables, inputs, sent)
        return await self._generations.detached(begin)

    async def _workflow(self, uow: UnitOfWork, request: ChatflowRequest) -> Workflow:
        if request.draft:
            draft = await uow.workflows.draft(request.app.id)
            if draft is None:
                raise DraftWorkflowNotExist()
            return draft
        workflow = await uow.workflows.published(request.app.id)
        if workflow is None:
            raise WorkflowNotPublished()
        return workflow

    async def _begin(
        self,
        request: ChatflowRequest,
        workflow: Workflow,
        conversation: Conversation | None,
        earlier: list[Message],
        variables: dict[str, Any],
        inputs: dict[str, Any],
        sent: SentFiles,
    ) -> ChatflowHandle:
        """Stores the message and its run, then spawns the run: one detached step."""
        owner = await self._lease.hold()
        now = self._clock.now()
        new = conversation is None
        if conversation is None:
            conversation = Conversation(
                id=self._ids.new_id(), app_id=request.app.id, mode=request.app.mode.value,
                from_end_user_id=request.end_user.id, created_at=now, updated_at=now, inputs=inputs,
            )
        run = WorkflowRun(
            id=self._ids.new_id(), tenant_id=workflow.tenant_id, app_id=workflow.app_id, workflow_id=workflow.id,
            type="chat", triggered_from=DEBUGGING if request.draft else "app-run", version=workflow.version,
            inputs=inputs, created_by_role="end_user", created_by=request.end_user.id, created_at=now,
            lease_owner=owner, graph=workflow.graph,
        )
        message = Message(
            id=self._ids.new_id(), app_id=request.app.id, conversation_id=conversation.id, query=request.query,
            inputs=inputs, model_provider="", model_id="", from_end_user_id=request.end_user.id,
            created_at=now, updated_at=now, is_streaming=request.streaming, status=MessageStatus.GENERATING,
            lease_owner=owner,
        )
        if request.draft:
            message.invoke_from = "debugger"  # as the orchestrate page's debug chat: logged, not counted
        message.files = sent.records(message.id, self._ids, now)
        handle = ChatflowHandle(WorkflowRunHandle(self._ids.new_id(), run, self._events), message, conversation)
        user = request.end_user.session_id
        await self._stops.register(handle.task_id, user)
        try:
            async with self._uow() as uow:
                if new:
                    await uow.conversations.add(conversation)
                await uow.messages.add(message)
                await uow.workflow_runs.add(run)
                await uow.workflow_runs.link_message(run.id, message.id)
                if not request.draft:
                    await uow.workflow_runs.add_app_log(run, "service-api")
                await uow.commit()
        except BaseException:
            await self._stops.forget(handle.task_id)
            raise
        system = {
            **system_variables(run, workflow, user), "query": request.query, "files": list(sent.files),
            "conversation_id": str(conversation.id), "dialogue_count": conversation.dialogue_count + 1,
        }
        pool = VariablePool(system=system, environment=environment_variables(workflow), conversation=variables)
        history = tuple((m.query, m.answer) for m in earlier)
        setup = RunSetup(user, pool, history=history, message_id=message.id, conversation_id=conversation.id)
        self._generations.spawn(self._answer(handle, workflow, setup))
        return handle

    async def answer(self, handle: ChatflowHandle, workflow: Workflow, setup: RunSetup) -> RunFinished | RunPaused:
        """Answers with a run prepared elsewhere: a paused chatflow going on (ResumeWorkflowRun), its
        message `generating` again with this process as owner."""
        return await self._answer(handle, workflow, setup)

    async def _answer(self, handle: ChatflowHandle, workflow: Workflow, setup: RunSetup) -> RunFinished | RunPaused:
        progress = AnswerProgress(self._uow, handle.message.id)
        if handle.message.answer:  # a resumed chatflow: what it answered before its pause stays
            progress.add(handle.message.answer)

        paused = False

        async def publish(event: ev.RunEvent) -> None:
            nonlocal paused
            # In a chatflow the response text is the message's answer.
            if isinstance(event, ev.TextChunk):
                progress.add(event.text)
                event = ev.AnswerChunk(event.text)
            elif isinstance(event, ev.HumanInputRequired | ev.WorkflowPaused) and not paused:
                # Before anyone can see a form's token, so an answer never finds the message still generating.
                paused = True
                await self._paused(handle, progress.text)
            await handle.stream.publish(event)

        try:
            async with progress:
                outcome = await self._workflows.drive(handle.stream, workflow, setup, publish)
        except asyncio.CancelledError:
            await self._interrupted(handle, progress.text)
            raise
        if isinstance(outcome, RunPaused):
            return outcome
        await self._settle(handle, outcome)
        return outcome

    async def _paused(self, handle: ChatflowHandle, answered: str) -> None:
        """The run waits for people: the message keeps the answer streamed so far, `paused`, owned by no
        process (the resumed run completes or fails it)."""
        message = handle.message
        message.status, message.answer, message.lease_owner = MessageStatus.PAUSED, answered, None
        async with self._uow() as uow:
            await uow.messages.update(message)
            await uow.commit()

    async def _interrupted(self, handle: ChatflowHandle, answer: str) -> None:
        message = handle.message
        message.fail(SHUT_DOWN_MESSAGE, answer, None, self._clock.now(), 0.0)
        try:
            async with self._uow() as uow:
                await uow.messages.update(message)
                await uow.commit()
        except Exception:
            log.warning("could not mark the interrupted message %s failed", message.id, exc_info=True)

    async def _settle(self, handle: ChatflowHandle, outcome: RunFinished) -> None:
        message, conversation = handle.message, handle.conversation
        now = self._clock.now()
        latency = max((now - message.created_at).total_seconds(), 0.0)
        usage = price_usage(Usage.of(0, outcome.total_tokens), None, latency)
        if outcome.status.succeeded:
            message.complete(outcome.answer, usage, now, None)
        else:
            message.fail(outcome.error or outcome.status.value, outcome.answer, usage, now, latency)
        message.metadata = {
            "usage": usage.as_dict(), "retriever_resources": [],
            "conversation_variables": outcome.conversation_variables,
        }
        conversation.updated_at = now
        conversation.dialogue_count += 1
        if not conversation.name:
            conversation.name = name_from_query(message.query)
        async with self._uow() as uow:
            await uow.messages.update(message)
            await uow.conversations.update(conversation)
            await uow.commit()
        await handle.stream.publish(ev.MessageEnd(message.metadata))
        await self._traces.message_finished(message.id, EventTimes(message.created_at, now, message.status.value))


async def conversation_variables(uow: UnitOfWork, workflow: Workflow, conversation: Conversation) -> dict:
    """The conversation's variables now."""
    return carried_variables(workflow, await uow.messages.history(conversation.id, 1))
