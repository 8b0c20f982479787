"""Login throttling: after repeated failures a username (or a client address) is locked out for a while."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ansinh.accounts.models import LoginFailure

# A client address may try more usernames than one username may be tried, before it is stopped too.
ADDRESS_FACTOR = 4


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def check_locked(username: str, ip_address: str | None) -> bool:
    """True when this username or this address has failed too often within the lock-out window."""
    since = _window_start()
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.strip().lower()).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return bool(
        ip_address and recent.filter(ip_address=ip_address).count() >= settings.LOGIN_FAILURE_LIMIT * ADDRESS_FACTOR
    )


def record_failure(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.strip().lower(), ip_address=ip_address, at=timezone.now())


def clear_failures(username: str, ip_address: str | None = None) -> None:
    q = Q(username=username.strip().lower())
    LoginFailure.objects.filter(q).delete()
    # Old rows are useless for throttling; keep the table small.
    LoginFailure.objects.filter(at__lt=_window_start() - timedelta(days=1)).delete()
