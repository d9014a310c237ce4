from dataclasses import dataclass
from typing import Any

from domain.apps.entities import App, AppMode
from domain.apps.errors import AppUnavailable
from domain.apps.model_config import AppModelConfig, ModelSettings
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.entities import Workflow

WORKFLOW_MODES = (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)
# The features a workflow's `features` may hold that GET /v1/parameters shows as `{enabled, ...}` objects.
_TOGGLES = (
    "suggested_questions_after_answer", "speech_to_text", "text_to_speech", "retriever_resource",
    "annotation_reply", "more_like_this", "sensitive_word_avoidance",
)


@dataclass(frozen=True, slots=True)
class AppParameters:
    config: AppModelConfig | None


class DescribeParameters:
    """What GET /v1/parameters shows. An easy-UI app: its current model config (None if unconfigured).
    A workflow or advanced-chat app, as Dify does: its published workflow's `features` and, as
    `user_input_form`, its Start node's variables, each `{type: variable}`; unpublished, it is unavailable."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App) -> AppParameters:
        async with self._uow() as uow:
            if app.mode not in WORKFLOW_MODES:
                return AppParameters(config=await uow.model_configs.current(app.id))
            workflow = await uow.workflows.published(app.id)
        if workflow is None:
            raise AppUnavailable()
        return AppParameters(config=workflow_parameters(app, workflow))


def workflow_parameters(app: App, workflow: Workflow) -> AppModelConfig:
    """The workflow's parameters stated as a model config has them (it names no model: the graph does)."""
    features: dict[str, Any] = workflow.features or {}
    questions = features.get("suggested_questions") or []
    file_upload = features.get("file_upload")
    form = [{v.get("type") or "text-input": dict(v)} for v in workflow.start_variables() if isinstance(v, dict)]
    return AppModelConfig(
        id=workflow.id,
        app_id=app.id,
        model=ModelSettings(provider="", name=""),
        user_input_form=form,
        opening_statement=str(features.get("opening_statement") or ""),
        suggested_questions=[str(q) for q in questions] if isinstance(questions, list) else [],
        features={name: dict(features[name]) for name in _TOGGLES if isinstance(features.get(name), dict)},
        file_upload=dict(file_upload) if isinstance(file_upload, dict) else {},
    )
