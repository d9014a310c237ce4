"""Errors the core raises. The HTTP layer maps each class to Dify's `{code, message, status}` once."""


class DomainError(Exception):
    """Base of every error raised on purpose by the core."""

    default_message = "Domain error."
    # For refusals that lift with time (429s): how many seconds until a retry can succeed, sent as Retry-After.
    retry_after: int | None = None

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    def after(self, seconds: float) -> "DomainError":
        """This error, telling the client to retry in `seconds` (rounded up, at least 1)."""
        self.retry_after = max(1, -int(-seconds // 1))
        return self

    @property
    def message(self) -> str:
        return str(self.args[0])


class InvalidParam(DomainError):
    """Input broke a business rule; `param` names the offending field when there is one."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class NotFound(DomainError):
    default_message = "Not found."


class Forbidden(DomainError):
    default_message = "Forbidden."


class Unauthorized(DomainError):
    default_message = "Unauthorized."


class StoreUnavailable(DomainError):
    """A backing store (database, queue, vector store) could not be reached; the work was not done."""

    default_message = "A backing service is unavailable."
