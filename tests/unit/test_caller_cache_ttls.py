"""The callers' cache keeps keys a few seconds but resolved end users far longer; an app's deletion forgets both."""

from datetime import UTC, datetime
from uuid import uuid4

from adapters.coordination.caller_cache import InProcessCallerCache
from domain.apps.entities import ApiToken, EndUser, TokenType
from domain.apps.ports import KeyOwners


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_end_user_outlives_the_key_entries_until_its_app_is_forgotten():
    clock = Clock()
    cache = InProcessCallerCache(10, clock, end_user_ttl_seconds=600)
    app_id, now = uuid4(), datetime.now(UTC)
    key = ApiToken(id=uuid4(), tenant_id=uuid4(), app_id=app_id, type=TokenType.APP, token="app-x", created_at=now)
    user = EndUser(
        id=uuid4(),
        tenant_id=key.tenant_id,
        app_id=app_id,
        session_id="u",
        is_anonymous=False,
        created_at=now,
        updated_at=now,
    )
    cache.keep_caller(key.token, KeyOwners(key=key, app=None, tenant=None))
    cache.keep_end_user(user)
    clock.now = 11
    assert cache.caller("app-x") is None  # a key is looked up again after its 10 s
    assert cache.end_user(app_id, "u") == user
    cache.drop_app(app_id)
    assert cache.end_user(app_id, "u") is None
    cache.keep_end_user(user)
    clock.now = 612
    assert cache.end_user(app_id, "u") is None


def test_end_users_expire_with_the_keys_unless_told_otherwise():
    clock = Clock()
    cache = InProcessCallerCache(10, clock)
    now = datetime.now(UTC)
    user = EndUser(
        id=uuid4(),
        tenant_id=uuid4(),
        app_id=uuid4(),
        session_id="u",
        is_anonymous=False,
        created_at=now,
        updated_at=now,
    )
    cache.keep_end_user(user)
    clock.now = 11
    assert cache.end_user(user.app_id, "u") is None
