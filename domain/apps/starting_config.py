"""The model config an easy-UI app starts with (Dify's app templates): the workspace's default LLM, so the
orchestrate page opens on a model the workspace can run; a completion app also starts with a `query` paragraph
that its prompt uses."""

from uuid import UUID

from domain.apps.entities import AppMode
from domain.apps.model_config import AppModelConfig, ModelSettings

_QUERY_FORM = [{"paragraph": {"label": "Query", "variable": "query", "required": True, "default": ""}}]


def starting_model_config(
    app_id: UUID, config_id: UUID, mode: AppMode, model: ModelSettings | None
) -> AppModelConfig | None:
    """None for workflow and chatflow apps (their workflow is their config) and when the workspace has no
    default LLM: the app then has no config until the console saves one."""
    if mode not in (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.COMPLETION) or model is None:
        return None
    if mode is AppMode.COMPLETION:
        return AppModelConfig(config_id, app_id, model, pre_prompt="{{query}}", user_input_form=list(_QUERY_FORM))
    return AppModelConfig(config_id, app_id, model)
