"""The API's own small endpoints: who am I (the narrowed principal) and a trivial answer for health checks and as
the benchmark's baseline (``bench/api.py``)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from ansinh.accounts.scope import ward_codes
from ansinh.accounts.tokens import grants
from ansinh.api.problems import error_responses
from ansinh.api.security import ApiRequest

router = Router(tags=["meta"])


class Ping(Schema):
    ok: bool


class Me(Schema):
    username: str
    role: str
    token: str | None = None
    grants: list[str] | None = None
    wards: list[str] | None = None


@router.get("/ping", response={200: Ping, **error_responses()}, summary="A trivial answer (authenticated)")
def ping(request: ApiRequest) -> Any:
    return {"ok": True}


@router.get("/me", response={200: Me, **error_responses()}, summary="Who the request acts as, where")
def me(request: ApiRequest) -> Any:
    user = request.auth
    token = getattr(user, "api_token", None)
    granted = grants(user)
    return {
        "username": user.username,
        "role": user.role,
        "token": token.prefix if token else None,
        "grants": sorted(granted) if granted is not None else None,
        "wards": ward_codes(user),
    }
