"""Background tasks kept in the database: the embedded default needs no broker.

A task's lifecycle is data (``TRANSITIONS``, checked by ``LIFECYCLE``): the movers in ``tasks.actions`` refuse an
illegal move (``IllegalTransition``) and log each move.
"""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ansinh.lib.lifecycle import Lifecycle
from ansinh.tasks.errors import IllegalTransition


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.QUEUED: frozenset({Status.RUNNING, Status.CANCELLED}),
    # running → queued: a worker that stopped heartbeating is presumed dead and its task is retried.
    Status.RUNNING: frozenset({Status.DONE, Status.FAILED, Status.CANCELLED, Status.QUEUED}),
    Status.DONE: frozenset(),
    Status.FAILED: frozenset(),
    Status.CANCELLED: frozenset(),
}
LIFECYCLE = Lifecycle("task", TRANSITIONS, error=IllegalTransition)
FINISHED = frozenset({Status.DONE, Status.FAILED, Status.CANCELLED})


def stale_after() -> datetime.timedelta:
    """How long without a heartbeat before a running task is presumed orphaned (``TASK_STALE_SECONDS``)."""
    return datetime.timedelta(
        seconds=int(getattr(settings, "TASK_STALE_SECONDS", 0) or os.environ.get("TASK_STALE_SECONDS", "300"))
    )


class Task(models.Model):
    kind = models.CharField(_("kind"), max_length=64)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    idempotency_key = models.CharField(max_length=128, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == Status.DONE else 0
        return min(100, int(100 * self.progress_done / self.progress_total))
