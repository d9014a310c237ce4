from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from domain.tools.repositories import (
    ApiToolProviderRepository,
    BuiltinCredentialRepository,
    WorkflowToolProviderRepository,
)


class ToolsUnitOfWork(Protocol):
    """One atomic piece of work over the tool tables.

    Contract: used as `async with uow:`; changes are kept only if `await uow.commit()` ran inside the
    block; repositories are valid only inside it. Errors: StoreUnavailable when the database is down.
    """

    builtin_credentials: BuiltinCredentialRepository
    api_providers: ApiToolProviderRepository
    workflow_providers: WorkflowToolProviderRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...


ToolsUnitOfWorkFactory = Callable[[], ToolsUnitOfWork]
