"""The CallerCache port: authenticated keys, resolved end users, published workflows and chat setups, a few
seconds, in this process's memory.

`InProcessCallerCache` alone serves the single-process mode. `RedisCallerCache` adds the notices: a forget is
published on a Redis channel and every process (this one too) drops its matching entries when it hears it;
while its subscription is not live it answers nothing, so a key revoked elsewhere is never served stale.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from uuid import UUID

import redis.asyncio as redis

from domain.apps.entities import EndUser
from domain.apps.ports import KeyOwners

log = logging.getLogger("weir.coordination")

CHANNEL = "weir:caller_cache"
MAX_ENTRIES = 10_000  # past this, the oldest entries go first (a flood of distinct users must not grow memory)
RESUBSCRIBE_SECONDS = 1.0


class InProcessCallerCache:
    """`ttl_seconds` bounds keys, workflows and chat setups; `end_user_ttl_seconds` (default the same) bounds end
    users, which only an app's deletion removes (and that forgets them, while the app's keys stop authenticating
    once their own entries expire), so they may be kept far longer."""

    def __init__(
        self,
        ttl_seconds: float,
        now: Callable[[], float] = time.monotonic,
        end_user_ttl_seconds: float | None = None,
    ) -> None:
        self._ttl = ttl_seconds
        self._end_user_ttl = ttl_seconds if end_user_ttl_seconds is None else end_user_ttl_seconds
        self._now = now
        self._callers: dict[str, tuple[float, KeyOwners]] = {}
        self._end_users: dict[tuple[UUID, str], tuple[float, EndUser]] = {}
        self._workflows: dict[UUID, tuple[float, object]] = {}
        self._chat_setups: dict[UUID, tuple[float, tuple[UUID, object]]] = {}  # app → (its workspace, setup)

    def caller(self, secret: str) -> KeyOwners | None:
        return self._fresh(self._callers, secret)

    def keep_caller(self, secret: str, owners: KeyOwners) -> None:
        self._keep(self._callers, secret, owners)

    def end_user(self, app_id: UUID, session_id: str) -> EndUser | None:
        return self._fresh(self._end_users, (app_id, session_id))

    def keep_end_user(self, end_user: EndUser) -> None:
        self._keep(self._end_users, (end_user.app_id, end_user.session_id), end_user, self._end_user_ttl)

    def published_workflow(self, app_id: UUID) -> object | None:
        return self._fresh(self._workflows, app_id)

    def keep_published_workflow(self, app_id: UUID, workflow: object) -> None:
        self._keep(self._workflows, app_id, workflow)

    def chat_setup(self, app_id: UUID) -> object | None:
        kept = self._fresh(self._chat_setups, app_id)
        return kept[1] if kept is not None else None

    def keep_chat_setup(self, app_id: UUID, tenant_id: UUID, setup: object) -> None:
        self._keep(self._chat_setups, app_id, (tenant_id, setup))

    async def forget_key(self, key_id: UUID) -> None:
        self.drop_key(key_id)

    async def forget_app(self, app_id: UUID) -> None:
        self.drop_app(app_id)

    async def forget_workspace(self, tenant_id: UUID) -> None:
        self.drop_workspace(tenant_id)

    def drop_key(self, key_id: UUID) -> None:
        for secret in [s for s, (_, o) in self._callers.items() if o.key.id == key_id]:
            self._callers.pop(secret, None)

    def drop_app(self, app_id: UUID) -> None:
        for secret in [s for s, (_, o) in self._callers.items() if o.key.app_id == app_id]:
            self._callers.pop(secret, None)
        for key in [k for k in self._end_users if k[0] == app_id]:
            self._end_users.pop(key, None)
        self._workflows.pop(app_id, None)
        self._chat_setups.pop(app_id, None)

    def drop_workspace(self, tenant_id: UUID) -> None:
        for app_id in [a for a, (_, (t, _)) in self._chat_setups.items() if t == tenant_id]:
            self._chat_setups.pop(app_id, None)

    def clear(self) -> None:
        self._callers.clear()
        self._end_users.clear()
        self._workflows.clear()
        self._chat_setups.clear()

    def _fresh(self, entries: dict, key: object):
        entry = entries.get(key)
        if entry is None:
            return None
        if entry[0] < self._now():
            entries.pop(key, None)
            return None
        return entry[1]

    def _keep(self, entries: dict, key: object, value: object, ttl: float | None = None) -> None:
        if len(entries) >= MAX_ENTRIES:
            entries.pop(next(iter(entries)))
        entries[key] = (self._now() + (self._ttl if ttl is None else ttl), value)


class RedisCallerCache:
    """The in-process cache, kept in step across processes by notices on CHANNEL."""

    def __init__(self, client: redis.Redis, ttl_seconds: float, end_user_ttl_seconds: float | None = None) -> None:
        self._redis = client
        self._local = InProcessCallerCache(ttl_seconds, end_user_ttl_seconds=end_user_ttl_seconds)
        self._live = False  # subscribed: the notices of other processes reach this one
        self._listener: asyncio.Task[None] | None = None

    def caller(self, secret: str) -> KeyOwners | None:
        return self._local.caller(secret) if self.listening() else None

    def keep_caller(self, secret: str, owners: KeyOwners) -> None:
        if self.listening():
            self._local.keep_caller(secret, owners)

    def end_user(self, app_id: UUID, session_id: str) -> EndUser | None:
        return self._local.end_user(app_id, session_id) if self.listening() else None

    def keep_end_user(self, end_user: EndUser) -> None:
        if self.listening():
            self._local.keep_end_user(end_user)

    def published_workflow(self, app_id: UUID) -> object | None:
        return self._local.published_workflow(app_id) if self.listening() else None

    def keep_published_workflow(self, app_id: UUID, workflow: object) -> None:
        if self.listening():
            self._local.keep_published_workflow(app_id, workflow)

    def chat_setup(self, app_id: UUID) -> object | None:
        return self._local.chat_setup(app_id) if self.listening() else None

    def keep_chat_setup(self, app_id: UUID, tenant_id: UUID, setup: object) -> None:
        if self.listening():
            self._local.keep_chat_setup(app_id, tenant_id, setup)

    async def forget_key(self, key_id: UUID) -> None:
        self._local.drop_key(key_id)
        await self._notify({"key": str(key_id)})

    async def forget_app(self, app_id: UUID) -> None:
        self._local.drop_app(app_id)
        await self._notify({"app": str(app_id)})

    async def forget_workspace(self, tenant_id: UUID) -> None:
        self._local.drop_workspace(tenant_id)
        await self._notify({"workspace": str(tenant_id)})

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _notify(self, notice: dict) -> None:
        try:
            await self._redis.publish(CHANNEL, json.dumps(notice))
        except Exception:  # other processes cannot be told: make sure none serves from its cache meanwhile
            log.warning("could not publish a caller cache notice; entries expire on their own", exc_info=True)

    def listening(self) -> bool:
        """Starts the subscription on first use; True while it is live (only then the cache answers)."""
        loop = asyncio.get_running_loop()
        if self._listener is None or self._listener.done() or self._listener.get_loop() is not loop:
            self._live = False  # a listener of another (closed) event loop hears nothing here
            self._local.clear()
            self._listener = loop.create_task(self._listen())
        return self._live

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._live = True
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._apply(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("caller cache notices lost; serving without the cache", exc_info=True)
            finally:
                self._live = False
                self._local.clear()  # notices may have been missed while not subscribed
            await asyncio.sleep(RESUBSCRIBE_SECONDS)

    def _apply(self, data: bytes | str) -> None:
        try:
            notice = json.loads(data)
            if "key" in notice:
                self._local.drop_key(UUID(notice["key"]))
            if "app" in notice:
                self._local.drop_app(UUID(notice["app"]))
            if "workspace" in notice:
                self._local.drop_workspace(UUID(notice["workspace"]))
        except (ValueError, TypeError, KeyError):
            self._local.clear()
