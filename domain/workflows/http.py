"""Port for the http-request node: send one request to a public address and read the answer."""

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class HttpTimeouts:
    connect: float = 10.0
    read: float = 60.0
    write: float = 20.0


@dataclass(frozen=True, slots=True)
class OutgoingRequest:
    """A fully built request: the query string is already in `url`, the body already encoded."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    timeouts: HttpTimeouts = field(default_factory=HttpTimeouts)
    verify_ssl: bool = True


@dataclass(frozen=True, slots=True)
class IncomingResponse:
    status_code: int
    headers: dict[str, str]
    body: bytes
    url: str = ""

    def text(self) -> str:
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class HttpRequestRefused(Exception):
    """The target is not allowed: a private, loopback, link-local, multicast or reserved address."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HttpRequestFailed(Exception):
    """The request was allowed but failed: connection error, timeout, TLS error or an oversized answer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HttpClient(Protocol):
    """Sends one request, following redirects, each hop checked against the same address rules.

    Contract: every address the host resolves to must be public (or allow-listed by configuration);
    the connection goes to the address that was checked, never a second resolution. The body read is
    capped. Errors: HttpRequestRefused (the target or a redirect target is not allowed),
    HttpRequestFailed (transport errors, timeouts, too many redirects, body over the cap).
    """

    async def send(self, request: OutgoingRequest) -> IncomingResponse: ...
