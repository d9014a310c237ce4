from dataclasses import dataclass

from domain.apps.entities import ApiToken, App, AppStatus, TokenType
from domain.apps.errors import AppAbnormal, AppApiDisabled, AppGone, InvalidApiToken, WorkspaceArchived
from domain.apps.ports import CallerCache, KeyOwners, NoCallerCache
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Tenant


@dataclass(frozen=True, slots=True)
class ApiCaller:
    """Who is calling the Service API: the key, its workspace and (for app keys) its app. A web app's visitor
    calls the same routes with a passport instead of a key (no key)."""

    key: ApiToken | None
    tenant: Tenant
    app: App | None


class AuthenticateApiKey:
    """Resolves a Service API bearer key, with Dify's checks in Dify's order.

    Rules: an unknown key, or a key of the other type, is invalid (401); then, for app keys: the app
    exists (403 "no longer exists"), is normal (403), has its API enabled (403); the workspace is not
    archived (403). last_used_at is written at most once a minute. The key, its app and its workspace are
    read in one query, and a key that passed is remembered by the CallerCache for a few seconds (a revoke,
    an app change or deletion forgets it in every process); a refused key is never remembered.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, cache: CallerCache | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache or NoCallerCache()

    async def execute(self, secret: str, type: TokenType) -> ApiCaller:
        if not secret.startswith(type.prefix):
            raise InvalidApiToken()
        owners = self._cache.caller(secret)
        if owners is None or owners.key.type != type:
            async with self._uow() as uow:
                owners = await uow.api_tokens.find_with_owners(secret, type)
            caller = _checked(owners, type)
            self._cache.keep_caller(secret, owners)
        else:
            caller = _checked(owners, type)
        if caller.key.mark_used(self._clock.now()):
            async with self._uow() as uow:
                await uow.api_tokens.touch(caller.key)
                await uow.commit()
        return caller


def _checked(owners: KeyOwners | None, type: TokenType) -> ApiCaller:
    if owners is None:
        raise InvalidApiToken()
    app = None
    if type == TokenType.APP:
        app = owners.app if owners.key.app_id else None
        if app is None:
            raise AppGone()
        if app.status != AppStatus.NORMAL:
            raise AppAbnormal()
        if not app.enable_api:
            raise AppApiDisabled()
    tenant = owners.tenant
    if tenant is None or tenant.is_archived:
        raise WorkspaceArchived()
    return ApiCaller(key=owners.key, tenant=tenant, app=app)
