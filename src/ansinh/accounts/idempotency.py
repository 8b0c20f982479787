"""Idempotency records (ADR 0011): the first request with a key claims it and stores its answer in the same
transaction as the object it creates; a replay reads the answer back; another request under the key is refused.

On PostgreSQL a second request with the same key waits on the unique index until the first commits, then reads
its answer; on SQLite the writes are serialised (``IMMEDIATE`` transactions). A claim whose request failed is
rolled back with it, so the key may be used again. Records older than ``IDEMPOTENCY_HOURS`` (24) are forgotten.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.accounts.models import IdempotencyRecord


def _expiry() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=int(getattr(settings, "IDEMPOTENCY_HOURS", 24)))


def claim(principal: str, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """The record of ``key`` and whether this request claimed it (``False``: an earlier one did). Call inside
    the transaction that creates the object."""
    IdempotencyRecord.objects.filter(principal=principal, key=key, created_at__lt=_expiry()).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                principal=principal, key=key, fingerprint=fingerprint, created_at=timezone.now()
            )
        return record, True
    except IntegrityError:
        return IdempotencyRecord.objects.get(principal=principal, key=key), False


def store(record: IdempotencyRecord, status: int, response: Any, headers: dict[str, str]) -> None:
    record.status = status
    record.response = response
    record.headers = headers
    record.save(update_fields=["status", "response", "headers"])
