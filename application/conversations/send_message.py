import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from application.annotations.reply_from_annotation import AnnotationQuery, ReplyFromAnnotation
from application.conversations.agent_answer import AgentAnswers, AgentPlan
from application.conversations.generate_answer import AnswerGeneration, GenerateAnswer
from application.conversations.generations import Generations, MessageRun
from application.conversations.knowledge_context import CONTEXT_PROMPT, GatherKnowledgeContext, KnowledgeContext
from application.conversations.message_files import PrepareSentFiles, SentFiles
from application.conversations.owned import owned_conversation
from application.models.resolve_model import ResolveModel
from domain.apps.entities import App, AppMode, EndUser
from domain.apps.input_form import validate_inputs
from domain.apps.model_config import AppModelConfig, ModelSettings
from domain.apps.ports import CallerCache, NoCallerCache
from domain.conversations.debugger import debugger_account
from domain.conversations.entities import Conversation, Message, MessageStatus
from domain.conversations.errors import TooManyRequests
from domain.conversations.events import GenerationStarted
from domain.conversations.ports import ConcurrencyLimiter, StopSignals
from domain.conversations.prompt import Turn, assemble_chat_prompt, render_template
from domain.maintenance.leases import WorkLease
from domain.models.entities import ChatMessage, ChatRequest
from domain.models.ports import ChatModel, TokenCounter
from domain.models.pricing import ModelPrice
from domain.models.providers import ProviderCredentials
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("weir.generation")

HISTORY_LIMIT = 50  # turns loaded before trimming to the context budget


@dataclass(frozen=True, slots=True)
class SendMessageRequest:
    app: App
    end_user: EndUser
    query: str
    inputs: dict[str, Any]
    streaming: bool
    conversation_id: UUID | None = None
    auto_generate_name: bool = True
    files: tuple[Any, ...] = ()  # Dify's file mappings (application.conversations.message_files)
    # The console's debugger: the orchestrate page's unsaved config instead of the app's, and its messages marked
    # as debug chats (left out of the app's statistics, as Dify's).
    draft_config: AppModelConfig | None = None
    draft_body: dict[str, Any] | None = None  # that config as the page sent it, kept on a new conversation
    invoke_from: str = "service-api"


@dataclass(frozen=True, slots=True)
class ChatSetup:
    """What a message of the app reads before the model is called, kept by the callers' cache (forgotten when
    the app's config, its annotation reply setting or its workspace's providers change)."""

    config: AppModelConfig
    credentials: ProviderCredentials | None


class SendMessage:
    """Starts answering a chat or completion message; the answer is generated in the background.

    Rules: inputs are validated against the app's form before anything is written; a conversation
    must belong to the same app and end user ("Conversation Not Exists." otherwise); the prompt is the
    app's pre_prompt with inputs, then history trimmed to the model's context, then the query; the
    app's concurrency cap (max_active_requests, else APP_MAX_ACTIVE_REQUESTS; 0 = none) answers 429;
    the message row is committed `generating`, with this process's lease (ProcessLease) as its owner, before
    any of the answer is shown or saved (the model request itself goes out while the row is written; when the
    write fails the request is dropped), and no database connection is held while the model answers; from the
    slot to the spawned generation nothing is cancelled by the client going away (a stored message is always
    answered or failed, never left `generating` by a live process).
    Files: checked against the app's `file_upload` and kept with the message; images reach the model as image
    parts of the query (application.conversations.message_files).
    Reads: the app's stored config and its provider's credentials come from the callers' cache when it has them
    (ChatSetup), so a message that starts a conversation reads nothing before it is stored.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        resolve_model: ResolveModel,
        counter: TokenCounter,
        stops: StopSignals,
        limiter: ConcurrencyLimiter,
        generate: GenerateAnswer,
        generations: Generations,
        clock: Clock,
        ids: IdGenerator,
        default_active_requests: int,
        lease: WorkLease,
        knowledge: GatherKnowledgeContext | None = None,
        sent_files: PrepareSentFiles | None = None,
        agent: AgentAnswers | None = None,
        annotations: ReplyFromAnnotation | None = None,
        cache: CallerCache | None = None,
    ) -> None:
        self._uow = uow
        self._cache = cache or NoCallerCache()
        self._sent_files = sent_files
        self._agent = agent
        self._annotations = annotations
        self._lease = lease
        self._knowledge = knowledge
        self._resolve = resolve_model
        self._counter = counter
        self._stops = stops
        self._limiter = limiter
        self._generate = generate
        self._generations = generations
        self._clock = clock
        self._ids = ids
        self._default_limit = default_active_requests

    async def execute(self, request: SendMessageRequest) -> MessageRun:
        app, chat = request.app, request.app.mode != AppMode.COMPLETION
        if chat and not request.query.strip():
            raise InvalidParam("query is required", param="query")
        config, conversation, history, settings, credentials = await self._read(request)
        inputs = validate_inputs(config.user_input_form if config else [], request.inputs)
        if conversation is not None:
            inputs = conversation.inputs or inputs  # a conversation keeps the inputs it started with (Dify)
        stored_config = config if request.draft_config is None else None
        may_annotate = stored_config is None or stored_config.annotation_reply is not False
        if self._annotations is not None and may_annotate and (reply := await self._annotations.execute(AnnotationQuery(
            app, request.end_user, request.query, inputs, conversation, request.streaming, settings.provider,
            settings.name, auto_name=request.auto_generate_name and chat,
            source="console" if debugger_account(request.end_user.session_id) else "api",
        ))):
            return reply  # answered from an annotation: the model is not called
        resolved = self._resolve.resolved(credentials, settings)
        context = None
        if config is not None and self._knowledge is not None and config.dataset_configs:
            context = await self._knowledge.execute(app.tenant_id, config.dataset_configs, request.query)
        messages = self._prompt(
            chat, config, settings, inputs, history, request.query, resolved.entry.context_size, context
        )
        sent = SentFiles()
        if self._sent_files is not None and request.files:
            sent = await self._sent_files.execute(app, request.end_user, config.file_upload if config else None,
                                                  request.files)
            messages[-1] = replace(messages[-1], images=sent.images)  # the query's message
        model_request = ChatRequest(model=settings.name, messages=tuple(messages), params=settings.completion_params)
        # An agent-chat app answers through its agent; its tools are found now, before anything is stored.
        plan = None
        if app.mode == AppMode.AGENT_CHAT and self._agent is not None:
            plan = await self._agent.prepare(app, config, request.end_user)

        return await self._generations.detached(self._start(
            request, conversation, settings, inputs, resolved.model, resolved.entry.price, model_request, context,
            chat, sent, plan,
        ))

    async def _start(
        self,
        request: SendMessageRequest,
        conversation: Conversation | None,
        settings: ModelSettings,
        inputs: dict[str, Any],
        model: ChatModel,
        price: ModelPrice | None,
        model_request: ChatRequest,
        context: KnowledgeContext | None,
        chat: bool,
        sent: SentFiles,
        plan: AgentPlan | None = None,
    ) -> MessageRun:
        """Takes a slot, stores the message and spawns its generation: one detached step (a client that goes
        away meanwhile does not stop it), so a stored message always has a generation that finishes it."""
        app = request.app
        owner = await self._lease.hold()
        task_id = self._ids.new_id()
        limit = app.max_active_requests or self._default_limit
        if limit > 0 and not await self._limiter.acquire(app.id, task_id, limit):
            raise TooManyRequests()
        new = conversation is None
        conversation, message = self._records(request, conversation, settings, inputs, owner)
        message.files = sent.records(message.id, self._ids, message.created_at)
        run = MessageRun(GenerationStarted(task_id=task_id, message=message, conversation=conversation))
        generation = AnswerGeneration(
            run=run,
            model=model,
            request=model_request,
            price=price,
            conversation=conversation,
            message=message,
            release=lambda: self._limiter.release(app.id, task_id),
            auto_name=request.auto_generate_name and chat and not conversation.name,
            retriever_resources=context.resources if context else [],
            tenant_id=app.tenant_id,
        )
        stored: asyncio.Future[bool] | None = None
        if plan is not None and self._agent is not None:
            generation.produce = self._agent.producer(plan, generation)
        else:
            # The model request goes out while the row is written (the first token usually takes longer than
            # the commit); the generation shows and writes nothing before the row is committed.
            stored = generation.stored = asyncio.get_running_loop().create_future()
        early = None
        try:
            await self._stops.register(task_id, request.end_user.session_id)
            if stored is not None:
                early = self._generations.spawn(self._generate.run(generation))
            await self._persist(new, conversation, message)
        except BaseException:
            if early is not None:
                stored.set_result(False)
                early.cancel()  # the model request in flight is dropped: no message will show its answer
            await self._abandon(message)
            await self._stops.forget(task_id)
            await self._limiter.release(app.id, task_id)
            raise
        if stored is not None:
            stored.set_result(True)
        else:
            self._generations.spawn(self._generate.run(generation))
        return run

    async def _read(self, request: SendMessageRequest) -> tuple[
        AppModelConfig | None, Conversation | None, list[Message], ModelSettings, ProviderCredentials | None
    ]:
        """The config, conversation, history, model settings and credentials, in one transaction (none when the
        cache has the app's setup and no conversation is named)."""
        app = request.app
        kept = self._cache.chat_setup(app.id) if request.draft_config is None else None
        if kept is not None and request.conversation_id is None:
            return kept.config, None, [], kept.config.model, kept.credentials
        async with self._uow() as uow:  # one transaction reads all the message needs before the model is called
            config = request.draft_config or (kept.config if kept else await uow.model_configs.current(app.id))
            conversation = await self._conversation(uow, request)
            history = await uow.messages.history(conversation.id, HISTORY_LIMIT) if conversation else []
            settings = config.model if config else await self._resolve.default_settings(app.tenant_id, uow)
            credentials = kept.credentials if kept else await self._resolve.credentials(uow, app.tenant_id, settings)
        if kept is None and request.draft_config is None and config is not None:
            self._cache.keep_chat_setup(app.id, app.tenant_id, ChatSetup(config, credentials))
        return config, conversation, history, settings, credentials

    async def _conversation(self, uow: UnitOfWork, request: SendMessageRequest) -> Conversation | None:
        if request.conversation_id is None:
            return None
        return await owned_conversation(uow, request.app, request.end_user, request.conversation_id)

    def _prompt(
        self,
        chat: bool,
        config: AppModelConfig | None,
        settings: ModelSettings,
        inputs: dict[str, Any],
        history: list[Message],
        query: str,
        context_size: int,
        context: KnowledgeContext | None = None,
    ) -> list[ChatMessage]:
        pre_prompt = config.pre_prompt if config else ""
        if context is not None:
            # Retrieved text is data, not a template: its braces must not reach the variable substitution.
            pre_prompt = CONTEXT_PROMPT.format(context=context.text.replace("{{", "{ {")) + pre_prompt
        if not chat:
            return assemble_chat_prompt(
                pre_prompt="",
                inputs={},
                history=[],
                query=_completion_prompt(pre_prompt, inputs, query),
                count_tokens=lambda m: self._counter.count_messages(m, settings.name),
            )
        return assemble_chat_prompt(
            pre_prompt=pre_prompt,
            inputs=inputs,
            # A failed message may keep the part streamed before the failure: that is no answer to remember.
            history=[Turn(m.query, m.answer) for m in history if m.status is MessageStatus.NORMAL],
            query=query,
            count_tokens=lambda m: self._counter.count_messages(m, settings.name),
            context_size=context_size,
            max_tokens=int(settings.completion_params.get("max_tokens") or 0),
            window=config.memory_window if config else None,
        )

    def _records(
        self,
        request: SendMessageRequest,
        conversation: Conversation | None,
        settings: ModelSettings,
        inputs: dict[str, Any],
        owner: UUID,
    ) -> tuple[Conversation, Message]:
        now = self._clock.now()
        if conversation is None:
            conversation = Conversation(
                id=self._ids.new_id(),
                app_id=request.app.id,
                mode=request.app.mode.value,
                from_end_user_id=request.end_user.id,
                created_at=now,
                updated_at=now,
                inputs=inputs,
                model_provider=settings.provider,
                model_id=settings.name,
                override_model_config=request.draft_body if request.draft_config is not None else None,
            )
        message = Message(
            id=self._ids.new_id(),
            app_id=request.app.id,
            conversation_id=conversation.id,
            query=request.query,
            inputs=inputs,
            model_provider=settings.provider,
            model_id=settings.name,
            from_end_user_id=request.end_user.id,
            created_at=now,
            updated_at=now,
            is_streaming=request.streaming,
            status=MessageStatus.GENERATING,
            lease_owner=owner,
            invoke_from=request.invoke_from,
        )
        return conversation, message

    async def _persist(self, new: bool, conversation: Conversation, message: Message) -> None:
        async with self._uow() as uow:
            if new:
                await uow.conversations.add(conversation)
            await uow.messages.add(message)
            await uow.commit()

    async def _abandon(self, message: Message) -> None:
        """A message that may have been stored but whose generation will not start ends `error` (best effort:
        if this fails too, the message's owner is this live process and the row stays `generating`)."""
        message.fail("The answer could not be started.", "", None, self._clock.now(), 0.0)
        try:
            async with self._uow() as uow:
                if await uow.messages.get(message.id) is not None:
                    await uow.messages.update(message)
                    await uow.commit()
        except Exception:
            log.warning("could not mark message %s failed; it stays generating", message.id, exc_info=True)


def _completion_prompt(pre_prompt: str, inputs: dict[str, Any], query: str) -> str:
    rendered = render_template(pre_prompt, inputs)
    return "\n\n".join(part for part in (rendered, query) if part.strip()) or query
