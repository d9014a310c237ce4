"""Which addresses an http-request node may reach: public ones, plus what the operator allow-lists."""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, 6to4, Teredo client, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why the address is not public (None when it is)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return refusal_reason(inner)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


class AddressPolicy:
    """Allow-list entries are host names (matched case-insensitively, exactly), addresses or networks
    ("10.0.0.0/8", "::1")."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._hosts: set[str] = set()
        self._networks: list[Network] = []
        for entry in (e.strip() for e in allowed):
            if not entry:
                continue
            try:
                self._networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                self._hosts.add(entry.lower().rstrip("."))

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".").strip("[]") in self._hosts

    def address_refusal(self, address: IPAddress) -> str | None:
        if any(address.version == n.version and address in n for n in self._networks):
            return None
        return refusal_reason(address)


def parse_allowed_hosts(value: str) -> list[str]:
    """HTTP_REQUEST_ALLOWED_HOSTS: comma- or whitespace-separated entries."""
    return [part for part in value.replace(",", " ").split() if part]


async def host_refusal(policy: AddressPolicy, host: str, port: int, timeout: float) -> str | None:
    """Why `host` may not be reached (None when it may): "cannot be resolved (…)", or "the address is
    private" and the like. Every address it resolves to must be public or
    allow-listed, and an allow-listed name passes as it is. For clients that are not the http-request node's
    (MCP sessions, database connections), which connect by name after this check."""
    if policy.host_allowed(host):
        return None
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
        except (OSError, TimeoutError) as error:
            return f"cannot be resolved ({error})"
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        reason = policy.address_refusal(address)
        if reason:
            return f"the address is {reason}"
    return None
