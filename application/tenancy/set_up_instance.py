from dataclasses import dataclass

from application.tenancy.throttle import AuthThrottle
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Account, AccountStatus, Membership, Role, SetupRecord, Tenant
from domain.tenancy.errors import AlreadySetUp
from domain.tenancy.ports import PasswordHasher
from domain.tenancy.rules import check_account_name, check_password, normalize_email

SETUP_VERSION = "1"


@dataclass(frozen=True, slots=True)
class SetUpRequest:
    email: str
    name: str
    password: str
    ip: str | None = None


class SetUpInstance:
    """Creates the first account, its workspace and the owner seat, exactly once per instance.

    Rules: valid email, a name of 1-30 characters, a password of 8+ characters with letters and
    digits; a second setup (even a concurrent one) raises AlreadySetUp and changes nothing; a client address
    sending too many setup requests gets TooManyAttempts before anything else is looked at.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock, ids: IdGenerator, throttle: AuthThrottle
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock
        self._ids = ids
        self._throttle = throttle

    async def execute(self, request: SetUpRequest) -> Account:
        await self._throttle.admit("setup", request.ip)
        email = normalize_email(request.email)
        name = check_account_name(request.name)
        password = check_password(request.password)
        async with self._uow() as uow:
            if await uow.setups.get() is not None:
                raise AlreadySetUp()
        digest, salt = await self._hasher.hash(password)
        now = self._clock.now()
        tenant = Tenant(id=self._ids.new_id(), name=f"{name}'s Workspace", created_at=now, updated_at=now)
        account = Account(
            id=self._ids.new_id(), name=name, email=email, password_hash=digest, password_salt=salt,
            created_at=now, updated_at=now, status=AccountStatus.ACTIVE, initialized_at=now,
        )
        account.record_login(now, request.ip)
        membership = Membership(
            id=self._ids.new_id(), tenant_id=tenant.id, account_id=account.id, role=Role.OWNER, created_at=now
        )
        async with self._uow() as uow:
            await uow.setups.add(SetupRecord(version=SETUP_VERSION, setup_at=now))
            await uow.tenants.add(tenant)
            await uow.accounts.add(account)
            await uow.accounts.add_membership(membership)
            await uow.commit()
        return account
