"""Staged imports. A batch's lifecycle is data (``TRANSITIONS``); its parsed rows wait in Parquet files
in the staging directory until the user commits the valid ones or cancels."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


def staging_root() -> Path:
    return Path(getattr(settings, "IMPORT_STAGING_DIR", None) or (Path(settings.MEDIA_ROOT) / "imports"))


class ImportBatch(models.Model):
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.UPLOADED)
    file_names = models.JSONField(_("files"), default=list)
    source_kind = models.CharField(max_length=8, default="csv")  # xlsx | csv
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(_("validation summary"), default=dict, blank=True)
    report = models.JSONField(_("commit report"), default=dict, blank=True)
    notices = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    task = models.ForeignKey("tasks.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

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

    def can_commit(self) -> bool:
        return self.status == BatchStatus.VALIDATED and bool(
            self.summary.get("households_valid") or self.summary.get("members_valid"))
