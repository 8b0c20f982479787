"""The request an action runs in, so that audit events can name it without passing it everywhere."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    source: str = "cli"


current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "ansinh_request_context",
    default=RequestContext(),  # noqa: B039 - frozen, immutable
)
