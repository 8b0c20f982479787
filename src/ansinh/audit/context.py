"""The request an action runs in, so that audit events can name it without passing it everywhere."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from ansinh.lib.addresses import client_address


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    source: str = "cli"


current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "ansinh_request_context",
    default=RequestContext(),  # noqa: B039 - frozen, immutable
)


def request_client_address(request: Any) -> str | None:
    """The address of the client of a web request, behind the trusted proxies of ``TRUSTED_PROXIES``: what the
    audit trail and the login lock-out record."""
    from django.conf import settings

    meta = request.META
    return client_address(
        meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), getattr(settings, "TRUSTED_PROXIES", ())
    )
