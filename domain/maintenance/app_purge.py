"""What removing a deleted app takes away, children before parents (so no step waits on a cascade)."""

from enum import StrEnum


class AppRecords(StrEnum):
    FEEDBACKS = "message_feedbacks"
    MESSAGES = "messages"
    CONVERSATIONS = "conversations"
    NODE_EXECUTIONS = "workflow_node_executions"
    APP_LOGS = "workflow_app_logs"
    WORKFLOW_RUNS = "workflow_runs"
    UPLOAD_FILES = "upload_files"  # uploaded by the app's end users; their bytes go too
    WORKFLOWS = "workflows"
    MODEL_CONFIGS = "app_model_configs"
    TAG_BINDINGS = "tag_bindings"
    API_KEYS = "api_tokens"
    END_USERS = "end_users"


PURGE_ORDER: tuple[AppRecords, ...] = tuple(AppRecords)
