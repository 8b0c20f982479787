"""Who calls: an API token (systems) or the browser's session (the site's own pages, CSRF-checked for changes),
and how often: per principal and per client address, 429 with ``Retry-After`` beyond the limit.

The counters are Django's cache, as the citizen's follow page counts its attempts (``web/dossiers``): a fixed
window per key, ``cache.add`` then ``cache.incr``. With the default per-process cache each server process counts
on its own; a shared cache (``CACHES``) makes the limit exact across processes.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ansinh.accounts import tokens
from ansinh.api.errors import RateLimited
from ansinh.audit.context import request_client_address


class ApiRequest(HttpRequest):
    """A request as an endpoint sees it: ``auth`` is whom it acts as (the narrowed token owner, or the user)."""

    auth: Any


def _limits() -> tuple[int, int, int]:
    """(per principal, per address, window in seconds)."""
    return (
        int(getattr(settings, "API_RATE_LIMIT", 1200)),
        int(getattr(settings, "API_ADDRESS_RATE_LIMIT", 2400)),
        int(getattr(settings, "API_RATE_WINDOW", 60)),
    )


def hit(key: str, limit: int, window: int) -> None:
    """Count one request under ``key``; :class:`RateLimited` (with the seconds to wait) beyond ``limit``."""
    now = time.time()
    bucket = int(now // window)
    counter = f"api-rate:{key}:{bucket}"
    cache.add(counter, 0, window + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # evicted between add and incr
        cache.add(counter, 1, window + 1)
        count = 1
    if count > limit:
        raise RateLimited(seconds=max(1, int(window - now % window) + 1))


def _count_principal(user: Any) -> None:
    per_principal, _per_address, window = _limits()
    hit(f"p:{tokens.principal_key(user)}", per_principal, window)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ans_…``: the token's owner narrowed by the token (``accounts.tokens``)."""

    def __call__(self, request: HttpRequest) -> Any:
        _per_principal, per_address, window = _limits()
        hit(f"a:{request_client_address(request)}", per_address, window)  # every request, whoever it claims to be
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.authenticate(
            token.strip(), address=request_client_address(request), method=request.method or "", path=request.path
        )
        request.user = user
        _count_principal(user)
        return user


class BrowserSession(SessionAuth):
    """The signed-in user of the site (CSRF token required for POST, PATCH, PUT and DELETE)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        _count_principal(user)
        return user


AUTH = [TokenAuth(), BrowserSession()]
