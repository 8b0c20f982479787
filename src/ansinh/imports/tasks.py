"""Background tasks of imports: validation and commit run in a worker, never in the web process."""

from __future__ import annotations

from typing import Any

from ansinh.imports import actions
from ansinh.imports.models import ImportBatch
from ansinh.tasks.actions import Progress, task
from ansinh.tasks.errors import Cancelled


def _validation_abandoned(*, batch_id: int) -> None:
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        actions.fail_abandoned_validation(batch)


@task(kind="imports.validate", abandoned=_validation_abandoned)
def validate_import(progress: Progress, *, batch_id: int) -> dict[str, Any]:
    """Read and check the batch's files (``actions.validate_batch``); a cancel cancels the batch too."""
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        batch = actions.validate_batch(batch, actor=progress.user, progress=progress)
    except Cancelled:
        batch.refresh_from_db()
        actions.cancel_batch(batch, actor=progress.user)
        raise
    return {"batch": batch.pk, "status": batch.status, **batch.summary}


@task(kind="imports.commit")
def commit_import(progress: Progress, *, batch_id: int) -> dict[str, Any]:
    """Write the batch's valid rows to the registry (``actions.commit_batch``)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    batch = actions.commit_batch(batch, actor=progress.user, progress=progress)
    return {"batch": batch.pk, **batch.report}
