"""Refuse to connect to loopback, private, link-local and metadata addresses, checked at connect time.

The check runs inside the HTTP client's connection step, after DNS resolution, and the socket is
opened to the very address that was checked: a redirect, a DNS answer that changes between check and
use, or an odd spelling of an address (decimal, hex, IPv6-mapped, ``localhost``) cannot slip past.
Operators allow their own services explicitly, as ``host:port`` entries matched exactly as written.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx


class AddressForbidden(Exception):
    """The URL's host resolves to an address Parley must not fetch."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public ``(host, port)`` pairs the operator allows; every public address is allowed."""

    allowed: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @classmethod
    def from_spec(cls, spec: str) -> AddressPolicy:
        """Parse ``PARLEY_ALLOW_PRIVATE_HOSTS``: ``127.0.0.1:8080,[::1]:9000,intranet.example:443``."""
        allowed = set()
        for item in filter(None, (part.strip() for part in spec.split(","))):
            host, sep, port = item.rpartition(":")
            if not sep or not host or not port.isdigit():
                raise ValueError(f"PARLEY_ALLOW_PRIVATE_HOSTS entry {item!r} is not host:port")
            allowed.add((host.strip("[]").lower(), int(port)))
        return cls(frozenset(allowed))

    def permits(self, host: str, port: int) -> bool:
        """Tell whether the operator allowed this exact host spelling and port."""
        return (host.strip("[]").lower(), port) in self.allowed

    def vet(self, host: str, port: int) -> str:
        """Resolve the host and return the address to connect to; raise if any address is forbidden."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = [str(info[4][0]) for info in infos]
        if not self.permits(host, port):
            for address in addresses:
                if not is_public_address(address):
                    raise AddressForbidden(
                        f"{host}:{port} resolves to {address}, a non-public address; allow it with "
                        f"PARLEY_ALLOW_PRIVATE_HOSTS={host}:{port} if it is yours"
                    )
        return addresses[0]


def is_public_address(address: str) -> bool:
    """Tell whether an IP address is globally routable unicast (not loopback, private, link-local…)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    return bool(ip.is_global) and not ip.is_multicast


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = self._policy.vet(host, port)
        # TLS still verifies the certificate against the URL's host name (httpcore passes it to start_tls).
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with every connection vetted by an ``AddressPolicy``."""

    def __init__(self, policy: AddressPolicy, *, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(policy),
        )
