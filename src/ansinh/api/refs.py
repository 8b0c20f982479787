"""External references of records that have no code of their own (members, rounds, decisions, payrolls…).

The API never shows a database id. A record with a code of its own is named by it (a household's code, a
ward's code, a dossier's code); another gets a reference: its id through a keyed permutation (a four-round
Feistel network over 40 bits, HMAC-SHA256 rounds keyed by ``API_REF_KEY``, default the ``SECRET_KEY``) written
in base 32, with the kind as a prefix (``m-…`` a member). A reference is stable as long as the key is, says
nothing about how many records there are, and cannot be guessed from a neighbour's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from django.conf import settings

from ansinh.api.errors import NotFound

BITS = 40
HALF = BITS // 2
MASK = (1 << HALF) - 1
KINDS = {"member": "m", "round": "r", "decision": "d", "payroll": "p", "enrolment": "e", "task": "x"}


@cache
def _key(kind: str) -> bytes:
    secret = str(getattr(settings, "API_REF_KEY", "") or settings.SECRET_KEY)
    return hashlib.sha256(f"ansinh.api.refs:{kind}:{secret}".encode()).digest()


def _round(kind: str, i: int, value: int) -> int:
    digest = hmac.new(_key(kind), bytes([i]) + value.to_bytes(4, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") & MASK


def _permute(kind: str, value: int, *, reverse: bool = False) -> int:
    left, right = value >> HALF, value & MASK
    rounds = range(3, -1, -1) if reverse else range(4)
    for i in rounds:
        if reverse:
            left, right = right ^ _round(kind, i, left), left
        else:
            left, right = right, left ^ _round(kind, i, right)
    return (left << HALF) | right


def ref(kind: str, pk: int) -> str:
    """``ref("member", 12)`` → ``"m-…"``."""
    if not 0 <= pk < 1 << BITS:
        raise ValueError(pk)
    code = base64.b32encode(_permute(kind, pk).to_bytes(5, "big")).decode("ascii").lower()
    return f"{KINDS[kind]}-{code}"


def pk_of(kind: str, reference: str) -> int:
    """The id behind a reference of ``kind``; :class:`NotFound` for anything else."""
    prefix, _dash, code = reference.partition("-")
    if prefix != KINDS[kind] or len(code) != 8:
        raise NotFound
    try:
        value = int.from_bytes(base64.b32decode(code.upper()), "big")
    except (ValueError, TypeError) as exc:
        raise NotFound from exc
    return _permute(kind, value, reverse=True)
