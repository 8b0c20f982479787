"""The life of an import batch: upload → validate → commit (or cancel). Each move is checked against
``TRANSITIONS``; a commit is one transaction that also marks the batch committed."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.permissions import can
from ansinh.audit.actions import record
from ansinh.imports.commit import plan_and_write
from ansinh.imports.context import file_keys, load_context
from ansinh.imports.errors import IllegalBatchTransition, ImportError_, NothingToCommit, UnreadableFile
from ansinh.imports.models import TRANSITIONS, BatchStatus, ImportBatch
from ansinh.imports.reading import read_files
from ansinh.imports.validation import validate

Progress = Callable[..., None]


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


def _move(batch: ImportBatch, new: str, **fields: Any) -> ImportBatch:
    """Change status only from the status we believe it has (a conditional update), else refuse."""
    old = batch.status
    if new not in TRANSITIONS[old]:
        raise IllegalBatchTransition(f"Không thể chuyển lượt nhập từ “{old}” sang “{new}”.")
    moved = ImportBatch.objects.filter(pk=batch.pk, status=old).update(status=new, **fields)
    if moved != 1:
        batch.refresh_from_db()
        raise IllegalBatchTransition(f"Lượt nhập đã ở trạng thái “{batch.status}”.")
    batch.refresh_from_db()
    return batch


def can_import(user: Any) -> bool:
    return can(user, "household", "create") and can(user, "household", "change")


def create_batch(*, actor: Any, files: list[tuple[str, bytes | Path]]) -> ImportBatch:
    """Store uploaded files in the staging area; nothing is read yet."""
    batch = ImportBatch.objects.create(created_by=actor if getattr(actor, "pk", None) else None,
                                       file_names=[name for name, _ in files])
    batch.directory.mkdir(parents=True, exist_ok=True)
    for i, (name, content) in enumerate(files):
        suffix = Path(name).suffix.lower()[:8]
        target = batch.directory / f"upload-{i}{suffix}"
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
    return batch


def uploads(batch: ImportBatch) -> list[Path]:
    return sorted(batch.directory.glob("upload-*"))


def validate_batch(batch: ImportBatch, *, actor: Any, progress: Progress = _noop) -> ImportBatch:
    batch = _move(batch, BatchStatus.VALIDATING)
    try:
        progress(0, 3, "Đọc tệp")
        raw = read_files(uploads(batch))
        progress(1, 3, "Đối chiếu với sổ")
        codes, ids = file_keys(raw)
        ctx = load_context(actor, codes, ids, timezone.localdate())
        progress(2, 3, "Kiểm tra từng dòng")
        result = validate(raw, ctx)
    except UnreadableFile as exc:
        return _move(batch, BatchStatus.FAILED, error=exc.message)
    result.households.write_parquet(batch.directory / "households.parquet")
    result.members.write_parquet(batch.directory / "members.parquet")
    result.issues.write_parquet(batch.directory / "issues.parquet")
    (batch.directory / "present.json").write_text(json.dumps({k: sorted(v) for k, v in result.present.items()}))
    progress(3, 3, "Xong")
    return _move(batch, BatchStatus.VALIDATED, summary=result.summary(), notices=result.notices,
                 source_kind=raw.source_kind, validated_at=timezone.now())


def issues(batch: ImportBatch) -> pl.DataFrame:
    path = batch.directory / "issues.parquet"
    return pl.read_parquet(path) if path.exists() else pl.DataFrame()


def start_commit(batch: ImportBatch) -> ImportBatch:
    if not batch.can_commit():
        raise NothingToCommit("Không có dòng hợp lệ nào để ghi vào sổ.")
    return _move(batch, BatchStatus.COMMITTING)


def commit_batch(batch: ImportBatch, *, actor: Any, progress: Progress = _noop) -> ImportBatch:
    """Write the valid rows in one transaction; the batch is marked committed in the same transaction,
    so a crash leaves both the registry and the batch (``committing``, retried) as they were."""
    batch.refresh_from_db()
    if batch.status == BatchStatus.VALIDATED:
        batch = start_commit(batch)
    if batch.status != BatchStatus.COMMITTING:
        raise IllegalBatchTransition(f"Lượt nhập đang ở trạng thái “{batch.status}”, không thể ghi.")
    households = pl.read_parquet(batch.directory / "households.parquet")
    members = pl.read_parquet(batch.directory / "members.parquet")
    present = {k: set(v) for k, v in json.loads((batch.directory / "present.json").read_text()).items()}
    in_transaction = getattr(progress, "transaction", None) or contextlib.nullcontext
    try:
        with in_transaction(), transaction.atomic():
            report = plan_and_write(households, members, present, actor=actor, source=batch.source,
                                    today=timezone.localdate(), progress=progress)
            record(actor=actor, action="import.commit", object_type="import", object_id=batch.pk,
                   changes={k: [None, v] for k, v in report.items()}, source=batch.source,
                   note=", ".join(batch.file_names))
            _move(batch, BatchStatus.COMMITTED, report=report, committed_at=timezone.now())
    except Exception as exc:
        batch.refresh_from_db()
        if batch.status == BatchStatus.COMMITTING:
            message = exc.message if isinstance(exc, ImportError_) else str(exc)
            _move(batch, BatchStatus.VALIDATED, error=f"Chưa ghi được: {message}"[:2000])
        raise
    return batch


def cancel_batch(batch: ImportBatch, *, actor: Any) -> ImportBatch:
    batch = _move(batch, BatchStatus.CANCELLED)
    shutil.rmtree(batch.directory, ignore_errors=True)
    return batch
