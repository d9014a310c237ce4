"""An easy-UI app's configuration (Dify's app_model_configs): the model, its prompt and the features."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.apps.agent_mode import AgentMode, parse_agent_mode
from domain.apps.input_form import parse_input_form
from domain.shared.errors import InvalidParam

_FEATURES = (
    "suggested_questions_after_answer", "speech_to_text", "text_to_speech", "more_like_this",
    "retriever_resource", "sensitive_word_avoidance", "annotation_reply",
)
MODEL_MODES = ("chat", "completion")


@dataclass(frozen=True, slots=True)
class ModelSettings:
    provider: str
    name: str
    mode: str = "chat"
    completion_params: dict[str, Any] = field(default_factory=dict)


@dataclass
class AppModelConfig:
    id: UUID
    app_id: UUID
    model: ModelSettings
    pre_prompt: str = ""
    user_input_form: list[dict[str, Any]] = field(default_factory=list)
    opening_statement: str = ""
    suggested_questions: list[str] = field(default_factory=list)
    features: dict[str, dict[str, Any]] = field(default_factory=dict)
    dataset_configs: dict[str, Any] = field(default_factory=dict)
    file_upload: dict[str, Any] = field(default_factory=dict)
    memory_window: int | None = None
    agent_mode: AgentMode | None = None
    # Whether the app's annotation reply is on, when the store said so with the config (None: not known here,
    # ask the annotations context). Not part of the config's body: Dify keeps it in its own setting.
    annotation_reply: bool | None = field(default=None, compare=False)
    # Who saved this version and when (the store's record; None before it is stored). The console takes the
    # current version's updated_at as the app's last publish: without it, Publish looks never done.
    created_by: UUID | None = field(default=None, compare=False)
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def runs_agent(self) -> bool:
        """Whether messages are answered by the agent loop (an agent-chat app's agent_mode.enabled)."""
        return self.agent_mode is not None and self.agent_mode.enabled

    def feature_enabled(self, name: str) -> bool:
        return bool(self.features.get(name, {}).get("enabled", False))

    def feature(self, name: str) -> dict[str, Any]:
        return {"enabled": False, **self.features.get(name, {})}


def parse_model_config(app_id: UUID, config_id: UUID, body: dict[str, Any]) -> AppModelConfig:
    """Validates Dify's model-config body (as the console posts it) into an AppModelConfig."""
    model = body.get("model")
    if not isinstance(model, dict) or not model.get("provider") or not model.get("name"):
        raise InvalidParam("model.provider and model.name are required", param="model")
    mode = model.get("mode") or "chat"
    if mode not in MODEL_MODES:
        raise InvalidParam("model.mode must be chat or completion", param="model")
    params = model.get("completion_params") or {}
    if not isinstance(params, dict):
        raise InvalidParam("model.completion_params must be an object", param="model")
    form = body.get("user_input_form") or []
    if not isinstance(form, list):
        raise InvalidParam("user_input_form must be a list", param="user_input_form")
    parse_input_form(form)  # raises InvalidParam on a malformed form
    questions = body.get("suggested_questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise InvalidParam("suggested_questions must be a list of strings", param="suggested_questions")
    features = {}
    for name in _FEATURES:
        value = body.get(name)
        if value is not None and not isinstance(value, dict):
            raise InvalidParam(f"{name} must be an object", param=name)
        features[name] = {"enabled": False, **(value or {})}
    window = _memory_window(body.get("memory"))
    return AppModelConfig(
        id=config_id, app_id=app_id,
        model=ModelSettings(str(model["provider"]), str(model["name"]), mode, dict(params)),
        pre_prompt=str(body.get("pre_prompt") or ""), user_input_form=list(form),
        opening_statement=str(body.get("opening_statement") or ""), suggested_questions=list(questions),
        features=features, dataset_configs=dict(body.get("dataset_configs") or {}),
        file_upload=dict(body.get("file_upload") or {}), memory_window=window,
        agent_mode=parse_agent_mode(body.get("agent_mode")),
    )


def _memory_window(memory: object) -> int | None:
    if not isinstance(memory, dict):
        return None
    window = memory.get("window") or {}
    if isinstance(window, dict) and window.get("enabled") and isinstance(window.get("size"), int):
        if window["size"] < 1:
            raise InvalidParam("memory.window.size must be at least 1", param="memory")
        return window["size"]
    return None
