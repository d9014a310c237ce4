from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import SetupRecord


class GetSetupStatus:
    """Tells whether the instance has its first account yet."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self) -> SetupRecord | None:
        async with self._uow() as uow:
            return await uow.setups.get()
