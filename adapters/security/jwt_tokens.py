import secrets
from datetime import datetime, timedelta
from uuid import UUID

import jwt

from domain.shared.clock import Clock
from domain.tenancy.errors import InvalidAccessToken
from domain.tenancy.ports import TokenPair

_ALGORITHM = "HS256"
_ISSUER = "weir"


class JwtAccessTokenIssuer:
    """HS256 tokens signed with SECRET_KEY; the `kind` claim keeps refresh tokens out of API calls, a random
    `jti` makes every token unique (a rotated refresh token never equals the one it replaces)."""

    def __init__(self, secret_key: str, clock: Clock, access_ttl: timedelta, refresh_ttl: timedelta) -> None:
        self._key = secret_key
        self._clock = clock
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl

    def issue(self, account_id: UUID) -> TokenPair:
        now = self._clock.now()
        return TokenPair(
            access_token=self._sign(account_id, "access", now, self._access_ttl),
            refresh_token=self._sign(account_id, "refresh", now, self._refresh_ttl),
            refresh_expires_at=now + self._refresh_ttl,
            # As Dify: the CSRF token lives as long as the access token it guards.
            csrf_token=self._sign(account_id, "csrf", now, self._access_ttl),
        )

    def account_for_access(self, token: str) -> UUID:
        return self._verify(token, "access")

    def account_for_refresh(self, token: str) -> UUID:
        return self._verify(token, "refresh")

    def account_for_csrf(self, token: str) -> UUID:
        return self._verify(token, "csrf")

    def issue_invitation(self, account_id: UUID, tenant_id: UUID, hours: int) -> str:
        return self._sign(account_id, "invite", self._clock.now(), timedelta(hours=hours), tenant=str(tenant_id))

    def invitation_for(self, token: str) -> tuple[UUID, UUID]:
        claims = self._claims(token, "invite")
        try:
            return UUID(claims["sub"]), UUID(str(claims["tenant"]))
        except (KeyError, ValueError):
            raise InvalidAccessToken() from None

    def _sign(self, account_id: UUID, kind: str, now: datetime, ttl: timedelta, **extra: str) -> str:
        claims = {
            "sub": str(account_id), "kind": kind, "iss": _ISSUER, "iat": now, "exp": now + ttl,
            "jti": secrets.token_urlsafe(16), **extra,
        }
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)

    def _verify(self, token: str, kind: str) -> UUID:
        try:
            return UUID(self._claims(token, kind)["sub"])
        except ValueError:
            raise InvalidAccessToken() from None

    def _claims(self, token: str, kind: str) -> dict:
        """The claims of a token of this kind signed with the key and unexpired; InvalidAccessToken otherwise."""
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[_ALGORITHM], issuer=_ISSUER,
                # Expiry is checked against the Clock port, so tests can move time.
                options={"require": ["exp", "sub", "kind"], "verify_iat": False, "verify_exp": False},
            )
            exp, sub = claims["exp"], claims["sub"]
            # A token signed with the key but carrying a non-numeric `exp` (or a non-string `sub`) is as invalid
            # as an expired one, not a TypeError.
            if not isinstance(exp, int | float) or isinstance(exp, bool) or not isinstance(sub, str):
                raise InvalidAccessToken()
            if claims["kind"] != kind or exp <= self._clock.now().timestamp():
                raise InvalidAccessToken()
            return claims
        except jwt.PyJWTError:
            raise InvalidAccessToken() from None
