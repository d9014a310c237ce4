from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import MAX_KEYS_PER_OWNER, ApiToken, TokenType
from domain.apps.errors import TooManyKeys
from domain.apps.ports import SecretTokenGenerator
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory


class CreateApiKey:
    """Issues a Service API key: `app-…` for one app, `dataset-…` for the whole workspace.

    Rules: an app key needs an app of the caller's workspace; at most 10 keys per app (or per
    workspace for dataset keys), as in Dify.
    """

    def __init__(self, uow: UnitOfWorkFactory, secrets: SecretTokenGenerator, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._secrets = secrets
        self._clock = clock
        self._ids = ids

    async def execute(self, tenant_id: UUID, type: TokenType, app_id: UUID | None = None) -> ApiToken:
        async with self._uow() as uow:
            if type == TokenType.APP:
                assert app_id is not None, "an app key names its app"
                await app_in_tenant(uow, tenant_id, app_id)
            else:
                app_id = None
            existing = await uow.api_tokens.list_for(tenant_id, type, app_id)
            if len(existing) >= MAX_KEYS_PER_OWNER:
                raise TooManyKeys(MAX_KEYS_PER_OWNER)
            key = ApiToken(
                id=self._ids.new_id(),
                tenant_id=tenant_id,
                app_id=app_id,
                type=type,
                token=type.prefix + self._secrets.new_secret(),
                created_at=self._clock.now(),
            )
            await uow.api_tokens.add(key)
            await uow.commit()
        return key
