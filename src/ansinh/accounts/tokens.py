"""API tokens of other systems (ADR 0011): made and revoked by administrators, checked on every request.

A request with a token acts as the token's owner *narrowed* by the token: :func:`authenticate` returns the
owner's ``User`` with ``api_token`` set, and the one permission check (``accounts.permissions.can``) and the one
scope function (``accounts.scope``) read that attribute: a cell of the matrix counts only if the token grants it
too, and a ward only if it is in the token's area as well as the owner's. Nothing else knows about tokens, so an
endpoint reads exactly what the page reads for the same narrowed user. Owners are never superusers (a superuser
skips the matrix and the area, which a token must not).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ansinh.accounts.audit_actions import AccountsAudit
from ansinh.accounts.errors import (
    TokenAddressRefused,
    TokenExpired,
    TokenGrantRefused,
    TokenRefused,
    TokenRevoked,
    TokenSetupInvalid,
)
from ansinh.accounts.models import Actor, ApiToken, User
from ansinh.accounts.permissions import ACTIONS, RESOURCES, matrix
from ansinh.audit.actions import record
from ansinh.geo.models import Province, Ward
from ansinh.lib.addresses import parse_networks
from ansinh.lib.ed25519 import load_public_key

PREFIX = "ans_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _check_grants(owner: User, grants: Iterable[str]) -> list[str]:
    held = matrix().get(owner.role, {})
    checked = []
    for grant in sorted(set(grants)):
        resource, _dot, action = grant.partition(".")
        if resource not in RESOURCES or action not in ACTIONS:
            raise TokenSetupInvalid(reason=f"unknown grant {grant!r}")
        if action not in held.get(resource, frozenset()):
            raise TokenGrantRefused(grant=grant)
        checked.append(grant)
    if not checked:
        raise TokenSetupInvalid(reason="no grant")
    return checked


def check_setup(
    *,
    owner: User,
    grants: Iterable[str],
    wards: Iterable[Ward],
    province: Province | None,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime,
    allowed_addresses: str,
    signing_key: str = "",
    signature_required: bool = False,
) -> tuple[list[str], str]:
    """Refuse a token its owner could not use as set (the grants checked, the networks written out)."""
    if signing_key.strip():
        try:
            load_public_key(signing_key)
        except ValueError as exc:
            raise TokenSetupInvalid(reason=f"signing key: {exc}") from exc
    elif signature_required:
        raise TokenSetupInvalid(reason="a signature is required but no signing key is given")
    if owner.is_superuser or not owner.is_active:
        raise TokenSetupInvalid(reason="the owner must be an active account that is not a superuser")
    try:
        networks = parse_networks(allowed_addresses)
    except ValueError as exc:
        raise TokenSetupInvalid(reason=str(exc)) from exc
    if not networks:
        raise TokenSetupInvalid(reason="no allowed address")
    if province is None and not list(wards):
        raise TokenSetupInvalid(reason="no area")
    if valid_until <= valid_from:
        raise TokenSetupInvalid(reason="valid until is not after valid from")
    return _check_grants(owner, grants), ", ".join(str(n) for n in networks)


@transaction.atomic
def do_create_token(
    *,
    actor: Actor,
    owner: User,
    name: str,
    grants: Iterable[str],
    wards: Iterable[Ward] = (),
    province: Province | None = None,
    valid_from: datetime.datetime | None = None,
    valid_until: datetime.datetime,
    allowed_addresses: str,
    signing_key: str = "",
    signature_required: bool = False,
) -> tuple[ApiToken, str]:
    """Make a token; returns it with its secret, which is shown once and never stored."""
    wards = list(wards)
    valid_from = valid_from or timezone.now()
    checked, addresses = check_setup(
        owner=owner,
        grants=grants,
        wards=wards,
        province=province,
        valid_from=valid_from,
        valid_until=valid_until,
        allowed_addresses=allowed_addresses,
        signing_key=signing_key,
        signature_required=signature_required,
    )
    public = secrets.token_hex(6)
    raw = f"{PREFIX}{public}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        prefix=public,
        token_hash=_hash(raw),
        grants=checked,
        province=province,
        valid_from=valid_from,
        valid_until=valid_until,
        allowed_addresses=addresses,
        signing_key=signing_key.strip(),
        signature_required=signature_required,
        created_by=actor if isinstance(actor, User) else None,
    )
    token.wards.set(wards)
    record(
        actor=actor,
        action=AccountsAudit.TOKEN_CREATE,
        object_type="api_token",
        object_id=public,
        changes={
            "owner": [None, owner.username],
            "grants": [None, checked],
            "province": [None, province.pk if province else None],
            "wards": [None, sorted(w.pk for w in wards)],
            "valid_from": [None, valid_from.isoformat()],
            "valid_until": [None, valid_until.isoformat()],
            "allowed_addresses": [None, token.allowed_addresses],
            "signing_key": [None, bool(token.signing_key)],
            "signature_required": [None, signature_required],
        },
    )
    return token, raw


@transaction.atomic
def do_revoke_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor if isinstance(actor, User) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(actor=actor, action=AccountsAudit.TOKEN_REVOKE, object_type="api_token", object_id=token.prefix)
    return token


def _refuse(token: ApiToken | None, error: TokenRefused, *, method: str, path: str) -> TokenRefused:
    record(
        actor=token.owner if token else None,
        action=AccountsAudit.TOKEN_REFUSED,
        object_type="api_token",
        object_id=token.prefix if token else "?",
        changes={"code": [None, error.code], "request": [None, f"{method} {path}"]},
    )
    return error


def authenticate(raw: str, *, address: str | None, method: str, path: str) -> User:
    """The owner narrowed by the token, or :class:`TokenRefused` (each use and each refusal is audited)."""
    public = raw.removeprefix(PREFIX).partition("_")[0] if raw.startswith(PREFIX) else ""
    token = ApiToken.objects.select_related("owner").filter(prefix=public).first() if public else None
    if token is None or not hmac.compare_digest(token.token_hash, _hash(raw)):
        raise _refuse(None, TokenRefused(), method=method, path=path)
    now = timezone.now()
    if token.revoked_at is not None:
        raise _refuse(token, TokenRevoked(), method=method, path=path)
    if not token.valid_from <= now < token.valid_until:
        raise _refuse(token, TokenExpired(), method=method, path=path)
    if not token.owner.is_active or token.owner.is_superuser:
        raise _refuse(token, TokenRevoked(), method=method, path=path)
    if not address_allowed(token, address):
        raise _refuse(token, TokenAddressRefused(address=address or "?"), method=method, path=path)
    record(
        actor=token.owner,
        action=AccountsAudit.TOKEN_USE,
        object_type="api_token",
        object_id=token.prefix,
        changes={"request": [None, f"{method} {path}"]},
    )
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute; the trail has all
    return narrowed(token)


def address_allowed(token: ApiToken, address: str | None) -> bool:
    import ipaddress

    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in parse_networks(token.allowed_addresses))


def narrowed(token: ApiToken) -> User:
    """The token's owner, carrying the token: what ``can`` and ``scope`` narrow by."""
    user = token.owner
    user.api_token = token  # type: ignore[attr-defined]
    return user


def token_of(user: Any) -> ApiToken | None:
    """The token a user-like object acts through, if any."""
    token = getattr(user, "api_token", None)
    return token if isinstance(token, ApiToken) else None


def grants(user: Any) -> frozenset[str] | None:
    """The token's grants (``resource.action``), or ``None`` when the user acts without a token."""
    token = token_of(user)
    return frozenset(token.grants) if token is not None else None


def area_filter(user: Any, prefix: str = "") -> Q | None:
    """The token's area as a filter on wards (``None`` without a token)."""
    token = token_of(user)
    if token is None:
        return None
    q = Q(**{f"{prefix}code__in": token.wards.values("code")})
    if token.province_id:
        q |= Q(**{f"{prefix}province_id": token.province_id})
    return q


def principal_key(user: Any) -> str:
    """Whose idempotency keys and rate-limit counters these are: the token, or the signed-in user."""
    token = token_of(user)
    return f"token:{token.prefix}" if token is not None else f"user:{getattr(user, 'pk', '')}"
