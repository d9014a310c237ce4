from application.tenancy.authenticate_console import ConsoleSession
from domain.shared.errors import NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.errors import NotSetUp


class FindOperator:
    """The account a command-line operator acts as: the one named by email, else the instance's first account."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, email: str | None = None) -> ConsoleSession:
        async with self._uow() as uow:
            if email:
                account = await uow.accounts.get_by_email(email.strip().lower())
                if account is None:
                    raise NotFound(f"No account with email {email}.")
            else:
                account = await uow.accounts.first()
                if account is None:
                    raise NotSetUp()
            membership = await uow.accounts.current_membership(account.id)
            tenant = await uow.tenants.get(membership.tenant_id) if membership else None
        if membership is None or tenant is None:
            raise NotFound(f"{account.email} has no workspace.")
        return ConsoleSession(account=account, tenant=tenant, role=membership.role)
