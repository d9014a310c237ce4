"""Wiring of the chat context: model providers, chat and completion messages, conversations, feedback."""

from dependency_injector import containers, providers

from adapters.llm.openai_audio import OpenAIAudioModelFactory
from application.agents.toolbox import InvokeThrough
from application.apps.describe_parameters import DescribeParameters
from application.apps.update_model_config import UpdateModelConfig
from application.audio.audio_models import AudioModels
from application.audio.synthesize_speech import SynthesizeSpeech
from application.audio.transcribe_audio import TranscribeAudio
from application.conversations.agent_answer import AgentAnswers
from application.conversations.answer_progress import ProgressSaves
from application.conversations.debug_message import DebugMessage
from application.conversations.generate_answer import GenerateAnswer
from application.conversations.give_feedback import GiveFeedback, ListAppFeedbacks
from application.conversations.knowledge_context import GatherKnowledgeContext
from application.conversations.list_conversations import ListConversations
from application.conversations.list_messages import ListMessages
from application.conversations.manage_conversation import DeleteConversation, ListConversationVariables
from application.conversations.more_like_this import MoreLikeThis
from application.conversations.rename_conversation import RenameConversation
from application.conversations.send_message import SendMessage
from application.conversations.stop_generation import StopGeneration
from application.conversations.suggest_questions import SuggestQuestions
from application.conversations.update_conversation_variable import UpdateConversationVariable


class ChatContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    uow_factory = providers.Dependency()
    clock = providers.Dependency()
    ids = providers.Dependency()
    metrics_sink = providers.Dependency()
    trace_dispatcher = providers.Dependency()
    record_message_trace = providers.Dependency()  # the telemetry context's: a generation records its own trace
    stop_signals = providers.Dependency()
    concurrency_limiter = providers.Dependency()
    resolve_end_user = providers.Dependency()
    generations = providers.Dependency()
    token_counter = providers.Dependency()
    resolve_model = providers.Dependency()  # the models context's ResolveModel
    retrieve = providers.Dependency()  # the knowledge context's Retrieve use case
    get_dataset = providers.Dependency()
    process_lease = providers.Dependency()  # the maintenance context's ProcessLease
    prepare_sent_files = providers.Dependency()  # a message's `files` (the root's file services)
    tool_providers = providers.Dependency()  # the tools context's ToolProviders (agent-chat apps)
    invoke_tool = providers.Dependency()  # the tools context's InvokeTool
    store_tool_files = providers.Dependency()  # the tools context's StoreToolFiles (files agents' tools make)
    reply_from_annotation = providers.Dependency()  # the annotations context's
    caller_cache = providers.Dependency()  # the root's CallerCache: an app's chat setup (config, credentials)

    update_model_config = providers.Factory(UpdateModelConfig, uow_factory, ids)
    describe_parameters = providers.Factory(DescribeParameters, uow_factory)

    # One saver of the answers streamed so far, for every generation of the process (one transaction a second).
    progress_saves = providers.Singleton(ProgressSaves, uow_factory)
    generate_answer = providers.Factory(
        GenerateAnswer, uow_factory, stop_signals, token_counter, trace_dispatcher, clock,
        recorder=record_message_trace,
        progress_saves=progress_saves,
    )
    # Chat apps with datasets answer from them (Dify's dataset_configs).
    gather_knowledge = providers.Factory(GatherKnowledgeContext, retrieve, get_dataset)
    # Agent-chat apps answer through the agent loop, their tools called through the tools context.
    agent_answers = providers.Factory(
        AgentAnswers, tool_providers, providers.Factory(InvokeThrough, invoke_tool), uow_factory, clock, ids,
        store_tool_files,
    )
    send_message = providers.Factory(
        SendMessage,
        uow_factory,
        resolve_model,
        token_counter,
        stop_signals,
        concurrency_limiter,
        generate_answer,
        generations,
        clock,
        ids,
        config.default_active_requests,
        process_lease,
        knowledge=gather_knowledge,
        sent_files=prepare_sent_files,
        agent=agent_answers,
        annotations=reply_from_annotation,
        cache=caller_cache,
    )
    stop_generation = providers.Factory(StopGeneration, stop_signals)
    debug_message = providers.Factory(DebugMessage, uow_factory, ids, resolve_end_user, send_message)
    list_conversations = providers.Factory(ListConversations, uow_factory)
    delete_conversation = providers.Factory(DeleteConversation, uow_factory, clock)
    rename_conversation = providers.Factory(RenameConversation, uow_factory, resolve_model, clock)
    list_conversation_variables = providers.Factory(ListConversationVariables, uow_factory)
    update_conversation_variable = providers.Factory(UpdateConversationVariable, uow_factory, clock)
    list_messages = providers.Factory(ListMessages, uow_factory)
    give_feedback = providers.Factory(GiveFeedback, uow_factory, metrics_sink, clock, ids)
    list_app_feedbacks = providers.Factory(ListAppFeedbacks, uow_factory)
    suggest_questions = providers.Factory(SuggestQuestions, uow_factory, resolve_model)
    more_like_this = providers.Factory(MoreLikeThis, uow_factory, ids, send_message)

    # Speech: the workspace's speech2text and tts models over OpenAI-compatible /audio endpoints.
    audio_model_factory = providers.Singleton(OpenAIAudioModelFactory)
    audio_models = providers.Factory(AudioModels, uow_factory, audio_model_factory)
    transcribe_audio = providers.Factory(TranscribeAudio, describe_parameters, audio_models)
    synthesize_speech = providers.Factory(SynthesizeSpeech, uow_factory, describe_parameters, audio_models)
