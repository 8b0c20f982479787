"""Background tasks of imports: validation and commit run in a worker, never in the web process."""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from ansinh.accounts.models import ApiToken
from ansinh.accounts.permissions import shows_full_ids
from ansinh.accounts.tokens import narrowed
from ansinh.imports import actions
from ansinh.imports.export import csv_stream, export_queryset, record_export, write_xlsx
from ansinh.imports.models import ImportBatch
from ansinh.registry.models import Household
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


def api_export_dir() -> Path:
    """Where the API's background exports are written (``MEDIA_ROOT/api-exports``); the signed link names a file."""
    return Path(settings.MEDIA_ROOT) / "api-exports"


@task(kind="imports.api_export")
def export_for_api(progress: Progress, *, token_id: int | None, ward: str, q: str, table: str) -> dict[str, Any]:
    """An export asked for through the API, read through the same scope as the export page: the task's user,
    narrowed by the token the request came with (``accounts.tokens``)."""
    token = ApiToken.objects.select_related("owner").filter(pk=token_id).first() if token_id else None
    user = narrowed(token) if token else progress.user
    qs = export_queryset(user, ward or None, q) if user else Household.objects.none()
    rows = qs.count()
    progress(0, rows)
    record_export(user, ward_code=ward or None, fmt=f"api-csv-{table}", count=rows, q=q)
    target = api_export_dir()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{table}-{ward or 'all'}-{secrets.token_hex(12)}.csv"
    with (target / name).open("wb") as out:
        for chunk in csv_stream(qs, table, full_ids=bool(user) and shows_full_ids(user)):
            out.write(chunk)
    progress(rows, rows)
    return {"file": name, "rows": rows}


def export_file(task_id: int) -> Path:
    """Where a background export's workbook is written (it holds personal data: only its requester downloads it)."""
    return Path(settings.MEDIA_ROOT) / "exports" / f"{task_id}.xlsx"


def purge_exports(*, now: datetime.datetime, dry_run: bool = False) -> list[Path]:
    """Remove the background exports' workbooks written more than ``IMPORT_STAGING_RETENTION_DAYS`` ago (they
    hold personal data, like the staged imports); returns them. Run by ``ansinh purge-imports``."""
    folder = export_file(0).parent
    if not folder.is_dir():
        return []
    limit = (now - datetime.timedelta(days=settings.IMPORT_STAGING_RETENTION_DAYS)).timestamp()
    old = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and p.stat().st_mtime < limit)
    if not dry_run:
        for path in old:
            path.unlink(missing_ok=True)
    return old


@task(kind="imports.export_xlsx")
def export_xlsx(progress: Progress, *, ward: str | None, q: str, name: str) -> dict[str, Any]:
    """Write the requester's export workbook (``export.write_xlsx``) with the households written so far as its
    progress: a city-wide export takes about a minute, too long to hold a page open."""
    households = export_queryset(progress.user, ward, q)
    total = households.count()
    progress(0, total, gettext_noop("Writing the workbook"))
    target = export_file(progress.task.pk)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    count = write_xlsx(
        households, partial, progress=lambda done: progress(done, total), full_ids=shows_full_ids(progress.user)
    )
    partial.replace(target)  # a download never sees a half-written file
    return {"households": count, "name": name}
