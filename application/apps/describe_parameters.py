from dataclasses import dataclass

from domain.apps.entities import App
from domain.apps.model_config import AppModelConfig
from domain.shared.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class AppParameters:
    config: AppModelConfig | None


class DescribeParameters:
    """What GET /v1/parameters shows: the app's current model config (None for an unconfigured app)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App) -> AppParameters:
        async with self._uow() as uow:
            return AppParameters(config=await uow.model_configs.current(app.id))
