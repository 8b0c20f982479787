"""Safe writes: no change without the version it was made from, no creation twice (ADR 0011).

* A record's version is its ``ETag`` (``"7"``). A change must send ``If-Match`` with it: without, 428
  ``if_match_required``; with another, 412 ``version_stale``. The action is then called with that version as
  its ``expected_version``, so of two changes from one version exactly one is made (the other gets 412 from
  the action's own check under the row lock), the same rule as the pages' (``registry.actions``).
* A creation must send an ``Idempotency-Key``: without, 428 ``idempotency_key_required``. The key's first
  request stores its answer with the object, in one transaction; the same request again gets that answer
  (``Idempotent-Replayed: true``); another request with the key gets 422 ``idempotency_key_reused``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from ansinh.accounts import idempotency, tokens
from ansinh.api.errors import (
    IdempotencyInProgress,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    PreconditionFailed,
    PreconditionRequired,
)


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request: HttpRequest, current: int) -> int:
    """The version the change is made from (the current one), or 428 / 412."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        raise PreconditionRequired
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    if etag(current) not in tags:
        raise PreconditionFailed(etag=etag(current))
    return current


def _fingerprint(request: HttpRequest) -> str:
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        body = request.body
    return hashlib.sha256(f"{request.method} {request.path}\n".encode() + body).hexdigest()


def created(request: HttpRequest, make: Callable[[], tuple[int, Any, dict[str, str]]]) -> HttpResponse:
    """Run ``make`` (returns status, JSON body, headers) once per ``Idempotency-Key``."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > 255:
        raise IdempotencyKeyRequired
    principal = tokens.principal_key(getattr(request, "auth", None) or request.user)
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        record, first = idempotency.claim(principal, key, fingerprint)
        if not first:
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyReused
            if not record.status:
                raise IdempotencyInProgress
            response = JsonResponse(record.response, status=record.status, safe=False)
            for name, value in record.headers.items():
                response[name] = value
            response["Idempotent-Replayed"] = "true"
            return response
        status, body, headers = make()
        idempotency.store(record, status, body, headers)
    response = JsonResponse(body, status=status, safe=False)
    for name, value in headers.items():
        response[name] = value
    return response
