"""The client's address behind trusted reverse proxies.

A proxy (nginx) connects to the application itself, so ``REMOTE_ADDR`` is the proxy's address; the client's
is in ``X-Forwarded-For``, which anyone can also send. It is read only when the connection comes from a
trusted proxy, and from the right: each trusted proxy appends the address it received the request from, so
the first address from the right that is not a trusted proxy is the client (anything left of it was written
by the client and is not believed).

>>> proxies = parse_networks("127.0.0.1, 10.0.0.0/8")
>>> client_address("127.0.0.1", "203.0.113.7", proxies)
'203.0.113.7'
>>> client_address("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.1.2.3", proxies)  # forged left, proxy right
'203.0.113.7'
>>> client_address("203.0.113.9", "198.51.100.1", proxies)  # not from a proxy: the header is ignored
'203.0.113.9'
>>> client_address("127.0.0.1", "not-an-address", proxies)  # garbage: the proxy's own address
'127.0.0.1'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks (``10.0.0.0/8``), comma-separated or listed; raises ``ValueError`` on a bad one."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(remote_addr: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str | None:
    """The client's address: ``remote_addr``, or, when that is a trusted proxy, the rightmost address of
    ``forwarded_for`` that is not one."""
    if not remote_addr or not forwarded_for or not _trusted(remote_addr, proxies):
        return remote_addr or None
    nearest = remote_addr
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return nearest  # not an address: believe nothing further left
        if not _trusted(hop, proxies):
            return hop
        nearest = hop
    return nearest
