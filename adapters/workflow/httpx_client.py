"""HttpClient on httpx, with the SSRF guard: every hop's host is resolved once, each address checked, and the
connection made to the checked address (Host header and TLS SNI keep the name), so DNS rebinding between the
check and the connect is not possible. Redirects are followed here, each target checked the same way."""

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from adapters.workflow.ssrf import AddressPolicy, IPAddress
from domain.workflows.http import HttpRequestFailed, HttpRequestRefused, IncomingResponse, OutgoingRequest

MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class HttpxHttpClient:
    def __init__(
        self,
        allowed_hosts: tuple[str, ...] | list[str] = (),
        max_body_bytes: int = MAX_BODY_BYTES,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        self._policy = AddressPolicy(allowed_hosts)
        self._max_body = max_body_bytes
        self._max_redirects = max_redirects
        # Loading the CA bundle costs tens of milliseconds of CPU: once per flag, not once per request (an
        # agent calling a custom tool three times a message paid it three times).
        self._ssl = {True: httpx.create_ssl_context(verify=True), False: httpx.create_ssl_context(verify=False)}

    async def send(self, request: OutgoingRequest) -> IncomingResponse:
        method, url, headers, body = request.method, request.url, list(request.headers), request.body
        timeout = httpx.Timeout(
            connect=request.timeouts.connect,
            read=request.timeouts.read,
            write=request.timeouts.write,
            pool=request.timeouts.connect,
        )
        # No keep-alive: connections are keyed by the pinned address, and two host names on one address
        # must never share a TLS connection; trust_env=False: an environment proxy would bypass the pin.
        async with httpx.AsyncClient(
            verify=self._ssl[bool(request.verify_ssl)],
            trust_env=False,
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as client:
            for _ in range(self._max_redirects + 1):
                response = await self._hop(client, method, url, headers, body, timeout)
                location = response.headers.get("location")
                if response.status_code not in REDIRECTS or not location:
                    return response
                next_url = urljoin(url, location)
                if urlsplit(next_url).hostname != urlsplit(url).hostname:
                    headers = [(k, v) for k, v in headers if k.lower() not in ("authorization", "cookie")]
                if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                    method, body = ("HEAD" if method == "HEAD" else "GET"), None
                    headers = [(k, v) for k, v in headers if k.lower() not in ("content-type", "content-length")]
                url = next_url
        raise HttpRequestFailed(f"Too many redirects (more than {self._max_redirects})")

    async def _hop(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        timeout: httpx.Timeout,
    ) -> IncomingResponse:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpRequestRefused(f"Refused URL {url!r}: only http and https URLs are allowed")
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = await self._checked_address(host, port, timeout.connect)
        literal = f"[{address}]" if address.version == 6 else str(address)
        pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        if ":" in host:
            host_header = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
        sent = [(k, v) for k, v in headers if k.lower() != "host"] + [("Host", host_header)]
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        try:
            built = client.build_request(
                method, pinned, headers=sent, content=body, timeout=timeout, extensions=extensions
            )
            response = await client.send(built, stream=True)
            try:
                content = await self._capped_body(response)
            finally:
                await response.aclose()
        except httpx.TimeoutException as error:
            raise HttpRequestFailed(f"Request to {host} timed out ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            raise HttpRequestFailed(f"Request to {host} failed: {error or type(error).__name__}") from None
        return IncomingResponse(response.status_code, dict(response.headers), content, url)

    async def _capped_body(self, response: httpx.Response) -> bytes:
        chunks, size = [], 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > self._max_body:
                raise HttpRequestFailed(f"Response body is larger than {self._max_body // (1024 * 1024)} MiB")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _checked_address(self, host: str, port: int, timeout: float | None) -> IPAddress:
        """The address to connect to: every address the host resolves to must pass, or the host is allowed."""
        try:
            literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            loop = asyncio.get_running_loop()
            try:
                infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
            except (OSError, TimeoutError) as error:
                raise HttpRequestFailed(f"Cannot resolve host {host}: {error}") from None
            addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        if not addresses:
            raise HttpRequestFailed(f"Cannot resolve host {host}")
        if self._policy.host_allowed(host):
            return addresses[0]
        for address in addresses:
            reason = self._policy.address_refusal(address)
            if reason:
                raise HttpRequestRefused(
                    f"Refused to connect to {host} ({address}): the address is {reason}. "
                    "Allow it with HTTP_REQUEST_ALLOWED_HOSTS if this is intended."
                )
        return addresses[0]
