"""The signature of a DCI envelope, checked with the Ed25519 public key registered on the caller's API token.

The envelope's ``signature`` is written as DCI writes it (after the HTTP-signature style):

    Signature: namespace="dci", kidId="<sender_id>|<token prefix>|ed25519", algorithm="ed25519",
    created="<unix seconds>", expires="<unix seconds>", headers="(created) (expires) digest",
    signature="<base64 of the Ed25519 signature of the signing string>"

and the signing string is the three lines

    (created): <created>
    (expires): <expires>
    digest: BLAKE-512=<base64 of the BLAKE2b-512 digest of the canonical JSON of {"header": …, "message": …}>

where the canonical JSON is the envelope's ``header`` and ``message`` exactly as sent, written with sorted keys,
no spaces (``","`` and ``":"``) and UTF-8 text (``json.dumps(…, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``). :func:`sign` writes one (tests, clients in Python). The signature is accepted while
``created`` is at most ``SKEW`` seconds ahead of the server's clock, ``expires`` has not passed and the two are at
most ``MAX_LIFETIME`` apart, and only once: the same ``message_id`` signed for the same token is refused as a
replay until its signature has expired. A token with ``signature_required`` refuses an envelope without one; a
token with a key checks every signature sent; a token without a key ignores it (the caller is its token).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from ansinh.accounts.audit_actions import AccountsAudit
from ansinh.api.errors import DciSignatureRefused
from ansinh.audit.actions import record
from ansinh.lib.ed25519 import verifies

SKEW = 300
MAX_LIFETIME = 3600
MISSING = "err.signature.missing"
INVALID = "err.signature.invalid"
EXPIRED = "err.signature.expired"
_PARAM = re.compile(r'(\w+)="([^"]*)"')


def canonical(envelope: dict[str, Any]) -> bytes:
    """The bytes the digest is taken of: the envelope's header and message, canonical JSON."""
    body = {"header": envelope.get("header"), "message": envelope.get("message")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signing_string(envelope: dict[str, Any], created: int, expires: int) -> bytes:
    digest = base64.b64encode(hashlib.blake2b(canonical(envelope), digest_size=64).digest()).decode("ascii")
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}".encode("ascii")


def sign(envelope: dict[str, Any], private_key: Any, *, key_id: str, created: int, expires: int) -> str:
    """The ``signature`` value for ``envelope`` by ``private_key`` (an ``Ed25519PrivateKey``)."""
    sender = (envelope.get("header") or {}).get("sender_id", "")
    value = base64.b64encode(private_key.sign(signing_string(envelope, created, expires))).decode("ascii")
    return (
        f'Signature: namespace="dci", kidId="{sender}|{key_id}|ed25519", algorithm="ed25519", '
        f'created="{created}", expires="{expires}", headers="(created) (expires) digest", signature="{value}"'
    )


def _check(token: Any, envelope: dict[str, Any], now: float) -> tuple[str, str] | None:
    """None if the envelope may be answered, else (DCI reason code, why)."""
    signature = envelope.get("signature")
    if not signature:
        return (MISSING, "no signature") if token.signature_required else None
    if not token.signing_key:
        return None
    params = dict(_PARAM.findall(str(signature)))
    try:
        created, expires = int(params["created"]), int(params["expires"])
    except (KeyError, ValueError):
        return INVALID, "created and expires are required"
    if params.get("algorithm", "").lower() != "ed25519":
        return INVALID, "the algorithm is ed25519"
    sender, _bar, rest = params.get("kidId", "").partition("|")
    key_id = rest.partition("|")[0]
    header = envelope.get("header")
    header = header if isinstance(header, dict) else {}
    if key_id != token.prefix or sender != str(header.get("sender_id", "")):
        return INVALID, "kidId is <sender_id>|<token prefix>|ed25519"
    if not verifies(token.signing_key, params.get("signature", ""), signing_string(envelope, created, expires)):
        return INVALID, "the signature does not match the message and the key"
    if created > now + SKEW or expires - created > MAX_LIFETIME or expires < created:
        return INVALID, "created and expires are out of range"
    if expires < now:
        return EXPIRED, "the signature has expired"
    return _first_time(token, str(header.get("message_id", "")), expires, now)


def _first_time(token: Any, message_id: str, expires: int, now: float) -> tuple[str, str] | None:
    """None the first time ``message_id`` comes signed for ``token``; a refusal for a replay."""
    from ansinh.accounts.models import SignedMessage

    if not message_id:
        return INVALID, "a signed envelope names its message_id"
    SignedMessage.objects.filter(token=token, expires_at__lt=dt.datetime.fromtimestamp(now, dt.UTC)).delete()
    try:
        with transaction.atomic():
            SignedMessage.objects.create(
                token=token, message_id=message_id, expires_at=dt.datetime.fromtimestamp(expires, dt.UTC)
            )
    except IntegrityError:
        return INVALID, "this message_id was already answered: each signed envelope is answered once"
    return None


def check(request: HttpRequest, user: Any) -> None:
    """Refuse (:class:`DciSignatureRefused`, audited) an envelope whose signature the caller's token refuses."""
    token = getattr(user, "api_token", None)
    if token is None:
        return  # the site's own session: no system key to check with
    try:
        envelope = json.loads(request.body)
    except ValueError:
        envelope = {}
    refused = _check(token, envelope if isinstance(envelope, dict) else {}, time.time())
    if refused is None:
        return
    code, reason = refused
    record(
        actor=token.owner,
        action=AccountsAudit.SIGNATURE_REFUSED,
        object_type="api_token",
        object_id=token.prefix,
        changes={"code": [None, code], "request": [None, f"{request.method} {request.path}"]},
        note=reason,
    )
    raise DciSignatureRefused(reason=reason, dci_code=code)
