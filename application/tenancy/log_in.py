from dataclasses import dataclass

from application.tenancy.manage_members import open_invitation
from application.tenancy.throttle import AuthThrottle
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.errors import AccountBanned, AuthenticationFailed
from domain.tenancy.ports import AccessTokenIssuer, PasswordHasher, TokenPair
from domain.tenancy.rules import refresh_token_digest


@dataclass(frozen=True, slots=True)
class LogInRequest:
    email: str
    password: str
    ip: str | None = None
    # Dify's console sends the password base64-encoded; `password` is then the decoded text and this the text
    # as sent, tried second, so a client sending the password as is (weir's own scripts, curl) still logs in.
    password_as_sent: str | None = None
    # An invitation link's token: an invited account with no password yet takes this password as its own.
    invite_token: str | None = None


class LogIn:
    """Trades email and password for a console token pair.

    Rules: an unknown email and a wrong password fail the same way (AuthenticationFailed) and take as long
    (the password is checked against an empty digest, which costs one key derivation too), so neither the
    answer nor its timing tells which emails exist; both count as a failed login of that email (LoginLocked
    once there are too many, see LoginLimits); a client address sending too many requests gets
    TooManyAttempts; a banned or closed account cannot log in. Each candidate password costs one key
    derivation whether or not the email exists. The refresh token is remembered server-side,
    once: RefreshSession takes it.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, hasher: PasswordHasher, tokens: AccessTokenIssuer, clock: Clock,
        throttle: AuthThrottle,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._clock = clock
        self._throttle = throttle

    async def execute(self, request: LogInRequest) -> TokenPair:
        email = (request.email or "").strip().lower()
        await self._throttle.admit("login", request.ip)
        await self._throttle.refuse_if_locked(email)
        async with self._uow() as uow:
            account = await uow.accounts.get_by_email(email)
            invited = account is not None and not account.password_hash and request.invite_token is not None and (
                await open_invitation(uow, self._tokens, request.invite_token, email=email)
            ) is not None
        if invited and account is not None and request.password:
            # The invitee's first sign-in: the password they typed becomes theirs (Dify does the same).
            account.password_hash, account.password_salt = await self._hasher.hash(request.password)
        # The password is checked outside any transaction: hashing takes CPU time no connection should wait on.
        digest, salt = (account.password_hash, account.password_salt) if account else ("", "")
        if not await self._matches(request, digest, salt) or account is None:
            await self._throttle.record_failure(email)
            raise AuthenticationFailed()
        if not account.can_log_in:
            raise AccountBanned()
        async with self._uow() as uow:
            now = self._clock.now()
            account.record_login(now, request.ip)
            await uow.accounts.update(account)
            pair = self._tokens.issue(account.id)
            await uow.accounts.add_refresh_token(
                refresh_token_digest(pair.refresh_token), account.id, pair.refresh_expires_at, now
            )
            await uow.commit()
        await self._throttle.forget_failures(email)
        return pair

    async def _matches(self, request: LogInRequest, digest: str, salt: str) -> bool:
        if await self._hasher.verify(request.password or "", digest, salt):
            return True
        if request.password_as_sent is None or request.password_as_sent == request.password:
            return False
        return await self._hasher.verify(request.password_as_sent, digest, salt)
