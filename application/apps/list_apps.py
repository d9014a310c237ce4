from dataclasses import dataclass
from uuid import UUID

from domain.apps.entities import AppMode
from domain.apps.ports import AppPage
from domain.apps.rules import parse_mode
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory

MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class ListAppsRequest:
    tenant_id: UUID
    page: int = 1
    limit: int = 20
    mode: str | None = None
    name: str | None = None
    ids: frozenset[UUID] | None = None  # only these apps (the studio's tag filter)


class ListApps:
    """A page of the workspace's apps, newest first. Rules: page ≥ 1, 1 ≤ limit ≤ 100; mode `all` means any."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, request: ListAppsRequest) -> AppPage:
        if request.page < 1:
            raise InvalidParam("page must be at least 1.", param="page")
        if not 1 <= request.limit <= MAX_LIMIT:
            raise InvalidParam(f"limit must be between 1 and {MAX_LIMIT}.", param="limit")
        mode: AppMode | None = None
        if request.mode and request.mode != "all":
            mode = parse_mode(request.mode)
        async with self._uow() as uow:
            return await uow.apps.list(
                request.tenant_id, page=request.page, limit=request.limit, mode=mode, name=request.name or None,
                ids=request.ids,
            )
