from domain.tenancy.errors import LoginLocked, TooManyAttempts
from domain.tenancy.ports import AttemptCounter
from domain.tenancy.rules import LoginLimits


class AuthThrottle:
    """The guards login and setup share: a request budget per client address and Dify's per-email lockout.

    Keys follow Dify's (`login_error_rate_limit:<email>`); a refused request counts nothing.
    """

    def __init__(self, counter: AttemptCounter, limits: LoginLimits) -> None:
        self._counter = counter
        self._limits = limits

    async def admit(self, action: str, ip: str | None) -> None:
        """Counts one `action` request from `ip`; raises TooManyAttempts once the address's window is full."""
        limits = self._limits
        if not ip or limits.requests_per_ip <= 0:
            return
        key = f"{action}_ip_rate_limit:{ip}"
        if not await self._counter.take(key, limits.requests_per_ip, limits.ip_window_seconds):
            raise TooManyAttempts().after(limits.ip_window_seconds)

    async def refuse_if_locked(self, email: str) -> None:
        if self._limits.locks(await self._counter.count(_failures_key(email))):
            raise LoginLocked().after(self._limits.lockout_seconds)

    async def record_failure(self, email: str) -> None:
        await self._counter.add(_failures_key(email), self._limits.lockout_seconds)

    async def forget_failures(self, email: str) -> None:
        await self._counter.clear(_failures_key(email))


def _failures_key(email: str) -> str:
    return f"login_error_rate_limit:{email}"
