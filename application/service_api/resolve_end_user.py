from domain.apps.entities import DEFAULT_END_USER_SESSION, App, EndUser
from domain.apps.ports import CallerCache, NoCallerCache
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory


class ResolveEndUser:
    """Gets or creates the end user an integrator names with `user`.

    Rules: the same `user` string on the same app is always the same end user (also under
    concurrent first requests); no `user` means the app's shared anonymous DEFAULT-USER. A resolved end user
    is remembered a few seconds (CallerCache; forgotten with its app).
    """

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, cache: CallerCache | None = None
    ) -> None:
        self._uow = uow
        self._cache = cache or NoCallerCache()
        self._clock = clock
        self._ids = ids

    async def execute(self, app: App, user: str | None) -> EndUser:
        session_id = user or DEFAULT_END_USER_SESSION
        cached = self._cache.end_user(app.id, session_id)
        if cached is not None:
            return cached
        stored = await self._find_or_add(app, user, session_id)
        self._cache.keep_end_user(stored)
        return stored

    async def _find_or_add(self, app: App, user: str | None, session_id: str) -> EndUser:
        async with self._uow() as uow:
            found = await uow.end_users.find_by_session(app.id, session_id)
            if found is not None:
                return found
            now = self._clock.now()
            candidate = EndUser(
                id=self._ids.new_id(),
                tenant_id=app.tenant_id,
                app_id=app.id,
                session_id=session_id,
                is_anonymous=not user,
                created_at=now,
                updated_at=now,
            )
            stored = await uow.end_users.add_if_absent(candidate)
            await uow.commit()
            return stored
