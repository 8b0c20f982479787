"""Staged imports. A batch's lifecycle is data (``TRANSITIONS``, checked by ``LIFECYCLE``); its parsed rows wait
in Parquet files in the staging directory until the user commits the valid ones or cancels."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ansinh.imports import notices as file_notices
from ansinh.imports.errors import IllegalTransition
from ansinh.lib.lifecycle import Lifecycle
from ansinh.tasks.models import Status as TaskStatus
from ansinh.tasks.models import stale_after


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Validating")
    VALIDATED = "validated", _("Validated")
    COMMITTING = "committing", _("Committing")
    COMMITTED = "committed", _("Committed")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


TRANSITIONS: dict[str, frozenset[str]] = {
    BatchStatus.UPLOADED: frozenset({BatchStatus.VALIDATING, BatchStatus.CANCELLED, BatchStatus.FAILED}),
    BatchStatus.VALIDATING: frozenset({BatchStatus.VALIDATED, BatchStatus.FAILED, BatchStatus.CANCELLED}),
    BatchStatus.VALIDATED: frozenset({BatchStatus.COMMITTING, BatchStatus.CANCELLED}),
    # committing → validated: the commit was cancelled or rolled back; the staged rows are intact.
    BatchStatus.COMMITTING: frozenset({BatchStatus.COMMITTED, BatchStatus.VALIDATED, BatchStatus.FAILED}),
    BatchStatus.COMMITTED: frozenset(),
    BatchStatus.CANCELLED: frozenset(),
    BatchStatus.FAILED: frozenset(),
}
LIFECYCLE = Lifecycle("import", TRANSITIONS, error=IllegalTransition)
# A batch left unfinished past ``IMPORT_UNFINISHED_RETENTION_DAYS`` is ended by the system: cancelled where
# the lifecycle allows it; a commit whose worker gave up (committing, its transaction rolled back) fails.
EXPIRES_TO: dict[str, str] = {
    BatchStatus.UPLOADED: BatchStatus.CANCELLED,
    BatchStatus.VALIDATING: BatchStatus.CANCELLED,
    BatchStatus.VALIDATED: BatchStatus.CANCELLED,
    BatchStatus.COMMITTING: BatchStatus.FAILED,
}


class ErrorCode(models.TextChoices):
    """Why the system ended a batch, stored as a code (``ImportBatch.error_code``) with its numbers in
    ``error_params``, so that the message is rendered in the reader's language (``error_message``)."""

    EXPIRED = "expired"  # left unfinished past IMPORT_UNFINISHED_RETENTION_DAYS; params: {"days": n}
    # The file could not be read (``errors.UnreadableFile``); params: {"reason": a code of ``notices.MESSAGES``,
    # "params": its parameters}.
    UNREADABLE = "unreadable_file"


# Ended batches whose files are kept ``IMPORT_STAGING_RETENTION_DAYS`` (the marked error file stays available).
KEEPS_FILES = frozenset({BatchStatus.COMMITTED, BatchStatus.FAILED})


def staging_root() -> Path:
    return Path(getattr(settings, "IMPORT_STAGING_DIR", None) or (Path(settings.MEDIA_ROOT) / "imports"))


def retention() -> datetime.timedelta:
    """How long the files of a committed or failed batch are kept."""
    return datetime.timedelta(days=settings.IMPORT_STAGING_RETENTION_DAYS)


def unfinished_limit() -> datetime.timedelta:
    """How long a batch may stay unfinished before the system cancels it and removes its files."""
    return datetime.timedelta(days=settings.IMPORT_UNFINISHED_RETENTION_DAYS)


def _last_step_before(moment: datetime.datetime) -> LessThan:
    """The batch last moved (committed, else validated, else uploaded) before ``moment``: the database side of
    :meth:`ImportBatch.last_step`. A failed batch counts from its upload or validation."""
    return LessThan(Coalesce("committed_at", "validated_at", "created_at"), moment)


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def abandoned(self, *, now: datetime.datetime) -> ImportBatchQuerySet:
        """Unfinished batches past the limit that no live worker is running. A running task keeps its files
        while its worker heartbeats; one silent past ``TASK_STALE_SECONDS`` counts as dead, the rule of
        ``ansinh.tasks.actions.reap_stale`` (which the purge runs first)."""
        alive = models.Q(task__status=TaskStatus.RUNNING) & (
            models.Q(task__heartbeat_at__gte=now - stale_after()) | models.Q(task__heartbeat_at__isnull=True)
        )
        return (
            self.filter(_last_step_before(now - unfinished_limit()), status__in=list(EXPIRES_TO))
            .exclude(alive)
            .select_related("task")
            .order_by("pk")
        )

    def files_due(self, *, now: datetime.datetime) -> ImportBatchQuerySet:
        """Ended batches whose files are still there and due: cancelled at once, the others after
        the retention period."""
        past_retention = models.Q(_last_step_before(now - retention()), status__in=list(KEEPS_FILES))
        return (
            self.filter(files_purged_at__isnull=True)
            .filter(models.Q(status=BatchStatus.CANCELLED) | past_retention)
            .order_by("pk")
        )


class ImportBatch(models.Model):
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.UPLOADED)
    file_names = models.JSONField(_("files"), default=list)
    source_kind = models.CharField(max_length=8, default="csv")  # xlsx | csv
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(_("validation summary"), default=dict, blank=True)
    report = models.JSONField(_("commit report"), default=dict, blank=True)
    # What reading said about the whole file: [{"code", "params"}] (``notices``), worded by ``notice_messages``.
    # ``notices`` holds the Vietnamese text of batches validated before the codes existed.
    notice_codes = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    # A failure is either a code (``ErrorCode``: an expiry, an unreadable file; rendered by ``error_message``)
    # or, for failures of committing (and of reading or expiring before the codes existed), text in ``error``.
    error = models.TextField(blank=True, default="")
    error_code = models.CharField(max_length=32, choices=ErrorCode.choices, blank=True, default="")
    error_params = models.JSONField(default=dict, blank=True)
    task = models.ForeignKey("tasks.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The batch, its summary and its report stay as history; the staged files (personal data) do not.
    files_purged_at = models.DateTimeField(_("files removed at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import:{self.pk} {self.status}"

    @property
    def directory(self) -> Path:
        return staging_root() / str(self.pk)

    @property
    def source(self) -> str:
        """How audit events name this import."""
        return f"import:{self.pk}"

    def last_step(self) -> datetime.datetime:
        """When the batch last moved; its files' retention counts from here (see ``_last_step_before``)."""
        return self.committed_at or self.validated_at or self.created_at

    def files_due_at(self) -> datetime.datetime | None:
        """When the staged files are due to go: after the retention once committed or failed, with the
        system's cancel when left unfinished; ``None`` once gone (a cancel removes them at once)."""
        if self.files_purged_at is not None or self.status == BatchStatus.CANCELLED:
            return None
        if self.status in KEEPS_FILES:
            return self.last_step() + retention()
        return self.last_step() + unfinished_limit()

    def error_message(self) -> str:
        """The batch's error in the active language; ``""`` when there is none."""
        if self.error_code == ErrorCode.EXPIRED:
            days = int(self.error_params.get("days", 0))
            if self.status == BatchStatus.FAILED:
                text = ngettext(
                    "The commit did not finish within %(days)d day, so the system marked the import failed. "
                    "Nothing was written to the registry.",
                    "The commit did not finish within %(days)d days, so the system marked the import failed. "
                    "Nothing was written to the registry.",
                    days,
                )
            else:
                text = ngettext(
                    "The system cancelled this import because it was neither committed nor cancelled within "
                    "%(days)d day. Nothing was written to the registry.",
                    "The system cancelled this import because it was neither committed nor cancelled within "
                    "%(days)d days. Nothing was written to the registry.",
                    days,
                )
            return text % {"days": days}
        if self.error_code == ErrorCode.UNREADABLE:
            return file_notices.word(str(self.error_params.get("reason", "")), self.error_params.get("params") or {})
        return self.error

    def notice_messages(self) -> list[str]:
        """What reading said about the whole file, in the active language (an older batch: its stored text)."""
        return [file_notices.word(n["code"], n.get("params") or {}) for n in self.notice_codes] + [
            str(n) for n in self.notices
        ]

    def can_commit(self) -> bool:
        return self.status == BatchStatus.VALIDATED and bool(
            self.summary.get("households_valid") or self.summary.get("members_valid")
        )
