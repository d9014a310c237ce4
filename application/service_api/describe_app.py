from dataclasses import dataclass

from domain.apps.entities import App
from domain.shared.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class AppInfo:
    name: str
    description: str
    tags: list[str]
    mode: str
    author_name: str


class DescribeApp:
    """What GET /v1/info tells an integrator about the app behind its key."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App) -> AppInfo:
        async with self._uow() as uow:
            author = await uow.accounts.get(app.created_by)
        return AppInfo(
            name=app.name,
            description=app.description,
            tags=[],
            mode=app.mode.value,
            author_name=author.name if author else "",
        )
