"""Background task handlers of imports: validation and commit run in a worker, never in the web process."""

from __future__ import annotations

from typing import Any

from ansinh.accounts.models import User
from ansinh.imports import actions
from ansinh.imports.models import ImportBatch
from ansinh.tasks.actions import Progress, handler
from ansinh.tasks.errors import Cancelled
from ansinh.tasks.models import Task


def _user(task: Task) -> Any:
    uid = task.args.get("user_id")
    return User.objects.filter(pk=uid).first() if uid else None


def _validation_abandoned(task: Task) -> None:
    batch = ImportBatch.objects.filter(pk=task.args.get("batch_id")).first()
    if batch is not None:
        actions.fail_abandoned_validation(batch)


@handler("imports.validate", abandoned=_validation_abandoned)
def validate(task: Task, progress: Progress) -> dict[str, Any]:
    batch = ImportBatch.objects.get(pk=task.args["batch_id"])
    try:
        batch = actions.validate_batch(batch, actor=_user(task), progress=progress)
    except Cancelled:
        batch.refresh_from_db()
        actions.cancel_batch(batch, actor=_user(task))
        raise
    return {"batch": batch.pk, "status": batch.status, **batch.summary}


@handler("imports.commit")
def commit(task: Task, progress: Progress) -> dict[str, Any]:
    batch = ImportBatch.objects.get(pk=task.args["batch_id"])
    batch = actions.commit_batch(batch, actor=_user(task), progress=progress)
    return {"batch": batch.pk, **batch.report}
