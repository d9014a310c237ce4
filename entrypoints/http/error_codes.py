"""Dify's (code, HTTP status) for each domain error, in one table (a leaf: it imports the domain only)."""

from domain.apps import errors as apps
from domain.conversations import errors as conversations
from domain.conversations import variable_types
from domain.files import entities as files
from domain.knowledge import errors as knowledge
from domain.models import audio
from domain.models import errors as models
from domain.shared import errors as shared
from domain.tenancy import errors as tenancy
from domain.tools import errors as tools
from domain.workflows import entities as workflow_entities
from domain.workflows import graph as workflow_graph
from domain.workflows import human_input

# Most specific first: the first class in an exception's MRO found here decides.
DOMAIN_CODES: dict[type[Exception], tuple[str, int]] = {
    tenancy.AlreadySetUp: ("already_setup", 403),
    tenancy.NotSetUp: ("not_setup", 401),
    tenancy.AuthenticationFailed: ("authentication_failed", 401),
    tenancy.AccountBanned: ("account_banned", 403),
    tenancy.LoginLocked: ("email_code_login_limit", 429),
    tenancy.TooManyAttempts: ("too_many_requests", 429),
    tenancy.InvalidRole: ("invalid-role", 400),
    tenancy.CannotOperateSelf: ("cannot-operate-self", 400),
    tenancy.NoMemberPermission: ("forbidden", 403),
    tenancy.MemberNotFound: ("member-not-found", 404),
    tenancy.InvitationInvalid: ("already_activate", 403),
    tenancy.AccountNotLinkTenant: ("account_not_link_tenant", 403),
    tenancy.CurrentPasswordIncorrect: ("current_password_incorrect", 400),
    tenancy.RepeatPasswordNotMatch: ("repeat_password_not_match", 400),
    apps.EndUserNotFound: ("end_user_not_found", 404),
    apps.TooManyKeys: ("max_keys_exceeded", 400),
    apps.AppUnavailable: ("app_unavailable", 400),
    apps.NotChatApp: ("not_chat_app", 400),
    apps.NotCompletionApp: ("not_completion_app", 400),
    apps.NotWorkflowApp: ("not_workflow_app", 400),
    apps.MoreLikeThisDisabled: ("app_more_like_this_disabled", 403),
    audio.ProviderNotSupportSpeechToText: ("provider_not_support_speech_to_text", 400),
    audio.ProviderNotSupportTextToSpeech: ("provider_not_support_text_to_speech", 400),
    audio.SpeechToTextDisabled: ("speech_to_text_disabled", 400),
    audio.NoAudioUploaded: ("no_audio_uploaded", 400),
    audio.AudioTooLarge: ("audio_too_large", 413),
    audio.UnsupportedAudioType: ("unsupported_audio_type", 415),
    models.ProviderNotInitialized: ("provider_not_initialize", 400),
    models.ProviderQuotaExceeded: ("provider_quota_exceeded", 400),
    models.RateLimitError: ("rate_limit_error", 429),
    models.CompletionRequestError: ("completion_request_error", 400),
    conversations.TooManyRequests: ("too_many_requests", 429),
    conversations.ConversationCompleted: ("conversation_completed", 400),
    conversations.SuggestionsDisabled: ("bad_request", 400),
    variable_types.VariableTypeMismatch: ("bad_request", 400),
    files.NoFileUploaded: ("no_file_uploaded", 400),
    files.TooManyFiles: ("too_many_files", 400),
    files.FileTooLarge: ("file_too_large", 413),
    files.UnsupportedFileType: ("unsupported_file_type", 415),
    files.FileNotFound: ("file_not_found", 404),
    files.FileAccessDenied: ("file_access_denied", 403),
    workflow_graph.InvalidGraph: ("invalid_param", 400),
    tools.ToolInvokeError: ("tool_invoke_error", 400),
    workflow_entities.DraftWorkflowNotExist: ("draft_workflow_not_exist", 404),
    human_input.FormAlreadySubmitted: ("human_input_form_submitted", 412),
    human_input.FormExpired: ("human_input_form_expired", 412),
    human_input.InvalidFormData: ("invalid_form_data", 400),
    # The Knowledge API's own codes.
    knowledge.DatasetNameDuplicate: ("dataset_name_duplicate", 409),
    knowledge.NoWebsiteCrawler: ("crawl_failed", 400),
    knowledge.DatasetNotInitialized: ("dataset_not_initialized", 400),
    knowledge.ArchivedDocumentImmutable: ("archived_document_immutable", 403),
    knowledge.DocumentIndexing: ("document_indexing", 400),
    knowledge.DocumentAlreadyFinished: ("document_already_finished", 400),
    knowledge.InvalidAction: ("invalid_action", 400),
    knowledge.InvalidStatusTransition: ("invalid_action", 400),
    knowledge.NoFileUploaded: ("no_file_uploaded", 400),
    knowledge.UnsupportedFileType: ("unsupported_file_type", 415),
    knowledge.FileTooLarge: ("file_too_large", 413),
    knowledge.ExtractionFailed: ("invalid_param", 400),
    knowledge.VectorStoreUnavailable: ("service_unavailable", 503),
    knowledge.EmbeddingUnavailable: ("service_unavailable", 503),
    # The generic kinds last.
    shared.InvalidParam: ("invalid_param", 400),
    shared.NotFound: ("not_found", 404),
    shared.Forbidden: ("forbidden", 403),
    shared.Unauthorized: ("unauthorized", 401),
    shared.StoreUnavailable: ("service_unavailable", 503),
}


def dify_code(error: shared.DomainError) -> tuple[str, int]:
    """Dify's (code, HTTP status) for a domain error: the first class of its MRO with an entry."""
    for cls in type(error).__mro__:
        if cls in DOMAIN_CODES:
            return DOMAIN_CODES[cls]
    return "internal_server_error", 500
