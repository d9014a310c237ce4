"""The only way out of a code node's sandbox: an HTTP forward proxy (CONNECT tunnels and plain-HTTP requests
in absolute form) on a unix socket, with the http-request node's SSRF guard (ssrf.AddressPolicy with
HTTP_REQUEST_ALLOWED_HOSTS).

The sandbox has a network namespace of its own with nothing but a loopback, so it cannot reach any address
itself; its socket folder is bound into the sandbox's root, where the harness relays a 127.0.0.1 listener
(HTTP_PROXY / HTTPS_PROXY for the code) to it. Each request's host is resolved here, every address it
resolves to must pass the policy (or the host name is allow-listed), and the connection goes to the checked
address (pinned: a second resolution cannot rebind it). Redirects are followed by the client, each as a new
request through the proxy, so a redirect to a private address is refused like a direct request. One
request per upstream connection (Connection: close), so later bytes on it can only reach the checked
address.

It runs in a thread with its own event loop, started on first use, so it serves code runs of the API and of
a worker alike without depending on either one's loop.
"""

import asyncio
import contextlib
import ipaddress
import logging
import os
import socket
import tempfile
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from adapters.workflow.ssrf import AddressPolicy, IPAddress

log = logging.getLogger("weir.workflow.code")

SOCKET_NAME = "proxy.sock"
MAX_HEAD = 64 * 1024
HEAD_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
HOP_HEADERS = {"proxy-connection", "proxy-authorization", "connection", "keep-alive"}


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class EgressProxy:
    def __init__(self, allowed_hosts: Iterable[str] = ()) -> None:
        self._policy = AddressPolicy(allowed_hosts)
        self._lock = threading.Lock()
        self._folder: str | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def folder(self) -> str:
        """The folder holding the proxy's socket (SOCKET_NAME); starts the proxy on first call."""
        with self._lock:
            if self._folder is None:
                folder = tempfile.mkdtemp(prefix="weir-egress-")
                os.chmod(folder, 0o755)  # the sandbox's uid (nobody) must reach the socket inside it
                threading.Thread(target=self._serve, args=(folder,), name="code-egress-proxy", daemon=True).start()
                self._ready.wait(10)
                if self._error is not None:
                    raise RuntimeError(f"the egress proxy did not start: {self._error}")
                self._folder = folder
            return self._folder

    def _serve(self, folder: str) -> None:
        async def main() -> None:
            path = os.path.join(folder, SOCKET_NAME)
            server = await asyncio.start_unix_server(self._handle, path, limit=MAX_HEAD)
            os.chmod(path, 0o666)  # connect() needs write permission on the socket
            self._ready.set()
            async with server:
                await server.serve_forever()

        try:
            asyncio.run(main())
        except BaseException as error:  # reported by folder(), which waits for the start
            self._error = error
            self._ready.set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
            method, target, version, headers = _parse(head)
            if method == "CONNECT":
                host, port = _host_port(target, 443)
                up_reader, upstream = await self._connect(host, port)
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                parts = urlsplit(target)
                if parts.scheme != "http" or not parts.hostname:
                    raise Refused(400, "only http:// URLs in absolute form, or CONNECT for https")
                up_reader, upstream = await self._connect(parts.hostname, parts.port or 80)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                kept = [(k, v) for k, v in headers if k.lower() not in HOP_HEADERS]
                lines = [f"{method} {path} {version}", *(f"{k}: {v}" for k, v in kept), "Connection: close"]
                upstream.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            await writer.drain()
            # Either side's end ends both: the in-sandbox relay closes a connection as a whole (no half-close),
            # and an upstream that never closes must not outlive the sandbox that opened it.
            pipes = [asyncio.create_task(_pipe(reader, upstream)), asyncio.create_task(_pipe(up_reader, writer))]
            try:
                await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for pipe in pipes:
                    pipe.cancel()
        except Refused as refusal:
            log.info("code nodes: egress refused: %s", refusal)
            body = f"weir egress proxy: {refusal}\n".encode()
            writer.write(
                f"HTTP/1.1 {refusal.status} Refused\r\nContent-Type: text/plain\r\nX-Weir-Egress: refused\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            with contextlib.suppress(OSError):
                await writer.drain()
        except (OSError, ValueError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            for w in (writer, upstream):
                if w is not None:
                    w.close()

    async def _connect(self, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        address = await self._checked_address(host, port)
        try:
            return await asyncio.wait_for(asyncio.open_connection(str(address), port), CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            raise Refused(502, f"cannot connect to {host}:{port}: {error or type(error).__name__}") from None

    async def _checked_address(self, host: str, port: int) -> IPAddress:
        """As the http-request node does (httpx_client): every address must pass, or the host is allowed."""
        try:
            addresses: list[IPAddress] = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as error:
                raise Refused(502, f"cannot resolve host {host}: {error}") from None
            addresses = list(dict.fromkeys(ipaddress.ip_address(i[4][0].split("%")[0]) for i in infos))
        if not addresses:
            raise Refused(502, f"cannot resolve host {host}")
        if self._policy.host_allowed(host):
            return addresses[0]
        for address in addresses:
            reason = self._policy.address_refusal(address)
            if reason:
                raise Refused(
                    403,
                    f"refused to connect to {host} ({address}): the address is {reason}; "
                    "allow it with HTTP_REQUEST_ALLOWED_HOSTS if this is intended",
                )
        return addresses[0]


def _parse(head: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ")
    except ValueError:
        raise Refused(400, "malformed request line") from None
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return method.upper(), target, version, headers


def _host_port(target: str, default: int) -> tuple[str, int]:
    host, sep, port = target.rpartition(":")
    if not sep or host.endswith(":") or (host.startswith("[") != host.endswith("]")):
        return target, default
    try:
        return host.strip("[]"), int(port)
    except ValueError:
        raise Refused(400, f"bad port in {target!r}") from None


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
