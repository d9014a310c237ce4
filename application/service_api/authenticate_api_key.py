from dataclasses import dataclass

from domain.apps.entities import ApiToken, App, AppStatus, TokenType
from domain.apps.errors import AppAbnormal, AppApiDisabled, AppGone, InvalidApiToken, WorkspaceArchived
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Tenant


@dataclass(frozen=True, slots=True)
class ApiCaller:
    """Who is calling the Service API: the key, its workspace and (for app keys) its app."""

    key: ApiToken
    tenant: Tenant
    app: App | None


class AuthenticateApiKey:
    """Resolves a Service API bearer key, with Dify's checks in Dify's order.

    Rules: an unknown key, or a key of the other type, is invalid (401); then, for app keys: the app
    exists (403 "no longer exists"), is normal (403), has its API enabled (403); the workspace is not
    archived (403). last_used_at is written at most once a minute.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, secret: str, type: TokenType) -> ApiCaller:
        if not secret.startswith(type.prefix):
            raise InvalidApiToken()
        async with self._uow() as uow:
            key = await uow.api_tokens.find(secret, type)
            if key is None:
                raise InvalidApiToken()
            app = None
            if type == TokenType.APP:
                app = await uow.apps.get(key.app_id) if key.app_id else None
                if app is None:
                    raise AppGone()
                if app.status != AppStatus.NORMAL:
                    raise AppAbnormal()
                if not app.enable_api:
                    raise AppApiDisabled()
            tenant = await uow.tenants.get(key.tenant_id)
            if tenant is None or tenant.is_archived:
                raise WorkspaceArchived()
            if key.mark_used(self._clock.now()):
                await uow.api_tokens.touch(key)
                await uow.commit()
        return ApiCaller(key=key, tenant=tenant, app=app)
