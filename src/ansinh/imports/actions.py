"""The life of an import batch: upload → validate → commit (or cancel). Each move is checked against
``TRANSITIONS``; a commit is one transaction that also marks the batch committed.

The staged files hold citizens' personal data: a cancel removes them once it is committed, and
``purge_staged_files`` (``ansinh purge-imports``, run daily) removes those of ended batches after
``IMPORT_STAGING_RETENTION_DAYS`` and ends batches left unfinished past ``IMPORT_UNFINISHED_RETENTION_DAYS``.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ansinh.accounts.models import Actor, acting_user
from ansinh.accounts.permissions import can
from ansinh.audit.actions import record
from ansinh.imports import problems
from ansinh.imports.audit_actions import ImportAudit
from ansinh.imports.commit import plan_and_write
from ansinh.imports.context import file_keys, load_context
from ansinh.imports.errors import (
    IllegalTransition,
    ImportError_,
    NothingToCommit,
    RegistryBusy,
    UnreadableFile,
    UnsafeStagingPath,
)
from ansinh.imports.models import (
    EXPIRES_TO,
    KEEPS_FILES,
    LIFECYCLE,
    BatchStatus,
    ErrorCode,
    ImportBatch,
    staging_root,
    unfinished_limit,
)
from ansinh.imports.reading import read_files
from ansinh.imports.validation import validate
from ansinh.tasks import actions as tasks
from ansinh.tasks.errors import Cancelled
from ansinh.tasks.models import Status as TaskStatus

log = logging.getLogger(__name__)

Progress = Callable[..., None]


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


def _label(status: str) -> str:
    """A batch status as the user knows it: its label in the active language."""
    return str(BatchStatus(status).label)


def _move(batch: ImportBatch, new: str, **fields: Any) -> ImportBatch:
    """Change status only from the status we believe it has (a conditional update), else refuse."""
    old = batch.status
    LIFECYCLE.check(old, new)
    moved = ImportBatch.objects.filter(pk=batch.pk, status=old).update(status=new, **fields)
    if moved != 1:
        batch.refresh_from_db()
        raise IllegalTransition(
            "import",
            old,
            new,
            _("The import is already “%(status)s”.") % {"status": _label(batch.status)},
        )
    LIFECYCLE.move(batch, old, new)
    batch.refresh_from_db()
    return batch


def can_import(user: Any) -> bool:
    return can(user, "household", "create") and can(user, "household", "change")


def create_batch(*, actor: Actor, files: list[tuple[str, bytes | Path]]) -> ImportBatch:
    """Store uploaded files in the staging area; nothing is read yet."""
    batch = ImportBatch.objects.create(created_by=acting_user(actor), file_names=[name for name, _content in files])
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


def validate_batch(batch: ImportBatch, *, actor: Actor, progress: Progress = _noop) -> ImportBatch:
    batch = _move(batch, BatchStatus.VALIDATING)
    # Progress notes are stored untranslated and shown in the reader's language (imports/_progress.html).
    try:
        progress(0, 3, gettext_noop("Reading the files"))
        paths = uploads(batch)  # upload-<n>, in the order of file_names: refusals and notices name the user's files
        raw = read_files(paths, batch.file_names if len(batch.file_names) == len(paths) else None)
        progress(1, 3, gettext_noop("Checking against the registry"))
        codes, ids = file_keys(raw)
        ctx = load_context(actor, codes, ids, timezone.localdate())
        progress(2, 3, gettext_noop("Checking each row"))
        result = validate(raw, ctx)
    except UnreadableFile as exc:  # stored as its code, worded in the reader's language (error_message)
        return _fail_reading(batch, exc.reason, exc.params)
    except Cancelled:
        raise
    except BaseException as exc:  # any other failure of reading or validating (a reader's panic included)
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        log.exception("import:%s: the file could not be read", batch.pk)
        return _fail_reading(batch, "read_failed", {"detail": f"{type(exc).__name__}: {exc}"[:300]})
    result.households.write_parquet(batch.directory / "households.parquet")
    result.members.write_parquet(batch.directory / "members.parquet")
    result.issues.write_parquet(batch.directory / "issues.parquet")
    (batch.directory / "present.json").write_text(json.dumps({k: sorted(v) for k, v in result.present.items()}))
    progress(3, 3, gettext_noop("Done"))
    return _move(
        batch,
        BatchStatus.VALIDATED,
        summary=result.summary(),
        notices=[],
        notice_codes=[n.as_json() for n in result.notices],
        source_kind=raw.source_kind,
        validated_at=timezone.now(),
    )


def _fail_reading(batch: ImportBatch, reason: str, params: dict[str, Any]) -> ImportBatch:
    """The batch failed, with why as a code of ``notices.MESSAGES`` and its parameters."""
    batch.refresh_from_db()
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.VALIDATING):  # cancelled meanwhile: it stays so
        return batch
    return _move(
        batch,
        BatchStatus.FAILED,
        error="",
        error_code=ErrorCode.UNREADABLE,
        error_params={"reason": reason, "params": params},
    )


def fail_abandoned_validation(batch: ImportBatch) -> ImportBatch:
    """The worker validating the batch died (its task went silent, ``tasks.actions.reap_stale``): the batch
    fails with that reason instead of staying “validating”; the user uploads the file again."""
    return _fail_reading(batch, "worker_died", {})


def has_staged_files(batch: ImportBatch) -> bool:
    """Whether the uploads and the issues found in them are still there (not purged, not lost)."""
    return batch.files_purged_at is None and bool(uploads(batch)) and (batch.directory / "issues.parquet").exists()


def issues(batch: ImportBatch) -> pl.DataFrame:
    """The problems found in the batch's rows, unworded (``problems.rows`` words those shown); a batch
    staged before the problems had codes has their Vietnamese text in ``message`` instead."""
    path = batch.directory / "issues.parquet"
    return problems.normalise(pl.read_parquet(path)) if path.exists() else pl.DataFrame()


def start_commit(batch: ImportBatch) -> ImportBatch:
    if not batch.can_commit():
        raise NothingToCommit(_("There are no valid rows to write to the registry."))
    return _move(batch, BatchStatus.COMMITTING)


def commit_batch(batch: ImportBatch, *, actor: Actor, progress: Progress = _noop) -> ImportBatch:
    """Write the valid rows in one transaction; the batch is marked committed in the same transaction,
    so a crash leaves both the registry and the batch (``committing``, retried) as they were."""
    batch.refresh_from_db()
    if batch.status == BatchStatus.VALIDATED:
        batch = start_commit(batch)
    if batch.status != BatchStatus.COMMITTING:
        raise IllegalTransition(
            "import",
            batch.status,
            BatchStatus.COMMITTED,
            _("The import is “%(status)s”; it cannot be committed.") % {"status": _label(batch.status)},
        )
    households = pl.read_parquet(batch.directory / "households.parquet")
    members = pl.read_parquet(batch.directory / "members.parquet")
    present = {k: set(v) for k, v in json.loads((batch.directory / "present.json").read_text()).items()}
    in_transaction = getattr(progress, "transaction", None) or contextlib.nullcontext
    try:
        with in_transaction(), transaction.atomic():
            report = plan_and_write(
                households,
                members,
                present,
                actor=actor,
                source=batch.source,
                today=timezone.localdate(),
                progress=progress,
            )
            record(
                actor=actor,
                action=ImportAudit.COMMIT,
                object_type="import",
                object_id=batch.pk,
                changes={k: [None, v] for k, v in report.items()},
                source=batch.source,
                note=", ".join(batch.file_names),
            )
            _move(batch, BatchStatus.COMMITTED, report=report, committed_at=timezone.now())
    except Exception as exc:
        batch.refresh_from_db()
        if batch.status == BatchStatus.COMMITTING:
            message = exc.message if isinstance(exc, ImportError_) else str(exc)
            # Stored as text in the language active here (the worker's: LANGUAGE_CODE).
            _move(batch, BatchStatus.VALIDATED, error=(_("Not committed: %(reason)s") % {"reason": message})[:2000])
        raise
    return batch


def cancel_batch(batch: ImportBatch, *, actor: Actor) -> ImportBatch:
    """Cancel the batch (nothing reaches the registry); its staged files are removed once that is committed."""
    old = batch.status
    with transaction.atomic():
        batch = _move(batch, BatchStatus.CANCELLED)
        record(
            actor=actor,
            action=ImportAudit.CANCEL,
            object_type="import",
            object_id=batch.pk,
            changes={"status": [old, batch.status]},
            source=batch.source,
        )
        transaction.on_commit(lambda: _purge_after_cancel(batch, actor=actor))
    return batch


RUNNING = (BatchStatus.UPLOADED, BatchStatus.VALIDATING, BatchStatus.COMMITTING)


def do_cancel_import(*, actor: Actor, batch: ImportBatch) -> bool:
    """Cancel the import. While its task is queued or running, the task is asked to stop (the worker ends
    the batch at its next safe point; a batch not yet being read is cancelled at once) and ``False`` is
    returned; otherwise the batch is cancelled now and ``True`` is returned. Raises ``RegistryBusy`` while a
    SQLite commit holds the write lock, ``IllegalTransition`` when the batch has ended."""
    task = batch.task
    if task is not None and task.status in (TaskStatus.QUEUED, TaskStatus.RUNNING) and batch.status in RUNNING:
        try:
            tasks.request_cancel(task)
        except OperationalError as exc:
            raise RegistryBusy from exc
        if batch.status == BatchStatus.UPLOADED:
            cancel_batch(batch, actor=actor)
        return False
    cancel_batch(batch, actor=actor)
    return True


def _purge_after_cancel(batch: ImportBatch, *, actor: Actor) -> None:
    try:
        purge_batch_files(batch, actor=actor, now=timezone.now())
    except (ImportError_, OSError):  # the cancel stands; the daily purge retries the files
        log.exception("import:%s: files not removed after the cancel", batch.pk)


def expire_batch(batch: ImportBatch, *, actor: Actor, now: datetime.datetime) -> ImportBatch:
    """End a batch left unfinished past ``IMPORT_UNFINISHED_RETENTION_DAYS``: cancelled (a commit whose worker
    gave up: failed, see ``EXPIRES_TO``), with the reason on the batch (``ErrorCode.EXPIRED`` and the limit,
    shown in the reader's language) and in the audit trail. Its task is cancelled. Its files are not removed
    here: :func:`purge_staged_files` does that next."""
    days = settings.IMPORT_UNFINISHED_RETENTION_DAYS
    old = batch.status
    new = EXPIRES_TO.get(old)
    if new is None:
        raise IllegalTransition(
            "import",
            old,
            BatchStatus.CANCELLED,
            _("The import has already ended (“%(status)s”); there is nothing to cancel.") % {"status": _label(old)},
        )
    with transaction.atomic():
        batch = _move(batch, new, error="", error_code=ErrorCode.EXPIRED, error_params={"days": days})
        if batch.task is not None:  # queued: cancelled now; running (taken meanwhile): at its next checkpoint
            tasks.request_cancel(batch.task)
        record(
            actor=actor,
            action=ImportAudit.EXPIRE,
            object_type="import",
            object_id=batch.pk,
            changes={"status": [old, new], "error_code": [None, ErrorCode.EXPIRED.value]},
            source=batch.source,
            note=f"unfinished since {batch.last_step().isoformat()}, limit {days} days, at {now.isoformat()}",
        )
    return batch


def _inside_root(path: Path) -> Path | None:
    """``path`` resolved if it is a real directory entry, not a link, strictly inside the staging root;
    ``None`` for anything else (a link, ``..`` out of the root, the root itself)."""
    root = staging_root().resolve()
    if path.is_symlink():
        return None
    resolved = path.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        return None
    return resolved


def staged_directory(batch: ImportBatch) -> Path | None:
    """The batch's directory if it may be removed: a real directory, not a link, that resolves strictly
    inside the staging root. ``None`` for anything else (a link or ``..`` out of the root, the root itself)."""
    return _inside_root(batch.directory)


def purge_batch_files(batch: ImportBatch, *, actor: Actor, now: datetime.datetime) -> bool:
    """Remove the staged files of an ended batch and note when (audited). The batch, its summary and report
    stay as history. Returns False when they were already removed. Refuses an unfinished batch (its files are
    in use) and a directory that does not resolve inside the staging root (``UnsafeStagingPath``)."""
    if batch.status not in (BatchStatus.CANCELLED, *KEEPS_FILES):
        raise IllegalTransition(
            "import",
            batch.status,
            "purged",
            _("The import is “%(status)s”; its files are still in use.") % {"status": _label(batch.status)},
        )
    directory = staged_directory(batch)
    if directory is None:
        raise UnsafeStagingPath(
            _("The directory %(directory)s is not inside the staging directory %(root)s; it was not removed.")
            % {"directory": batch.directory, "root": staging_root()}
        )
    with contextlib.suppress(FileNotFoundError):  # already gone (removed by hand, or a concurrent purge)
        shutil.rmtree(directory)
    with transaction.atomic():
        marked = ImportBatch.objects.filter(pk=batch.pk, files_purged_at__isnull=True).update(files_purged_at=now)
        if marked:
            record(
                actor=actor,
                action=ImportAudit.PURGE,
                object_type="import",
                object_id=batch.pk,
                changes={"files_purged_at": [None, now.isoformat()]},
                source=batch.source,
                note=", ".join(batch.file_names),
            )
    batch.refresh_from_db()
    return bool(marked)


# ``ImportBatch.directory`` is named by the batch's primary key: digits, no leading zero.
BATCH_DIRECTORY_NAME = re.compile(r"[1-9][0-9]{0,17}")


@dataclass
class PurgeReport:
    """What a purge did (or, in a dry run, would do)."""

    reaped: int = 0  # running tasks whose worker stopped heartbeating, queued again or failed
    expired: list[ImportBatch] = field(default_factory=list)
    purged: list[ImportBatch] = field(default_factory=list)
    problems: list[tuple[ImportBatch, str]] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)  # batch-named directories with no batch, removed
    orphan_problems: list[tuple[Path, str]] = field(default_factory=list)
    left_alone: list[tuple[Path, str]] = field(default_factory=list)  # not a batch directory: never removed


def _last_modified(path: Path) -> datetime.datetime:
    """The newest modification time of a directory and its entries (batch directories are flat), links
    not followed."""
    times = [path.lstat().st_mtime]
    with contextlib.suppress(OSError):
        times += [entry.lstat().st_mtime for entry in path.iterdir()]
    return datetime.datetime.fromtimestamp(max(times), tz=datetime.UTC)


def find_orphans(*, now: datetime.datetime) -> tuple[list[Path], list[tuple[Path, str]]]:
    """What lies in the staging root that belongs to no batch: the directories named like a batch's but with
    no batch row, untouched for ``IMPORT_UNFINISHED_RETENTION_DAYS`` (left by a crash or a deleted batch:
    removable), and, with the reason, whatever does not look like a batch directory (never removed). A
    younger orphan is neither: the batch that owns it may still be being created."""
    root = staging_root()
    if not root.is_dir():
        return [], []
    entries = sorted(root.iterdir())
    named = {int(e.name): e for e in entries if BATCH_DIRECTORY_NAME.fullmatch(e.name)}
    known: set[int] = set()
    if named:
        known = set(ImportBatch.objects.filter(pk__gte=min(named), pk__lte=max(named)).values_list("pk", flat=True))
    orphans: list[Path] = []
    left_alone: list[tuple[Path, str]] = []
    for entry in entries:
        if not BATCH_DIRECTORY_NAME.fullmatch(entry.name):
            left_alone.append((entry, "not named like an import's directory"))
        elif int(entry.name) in known:
            continue
        elif entry.is_symlink():
            left_alone.append((entry, "a link, not followed"))
        elif not entry.is_dir():
            left_alone.append((entry, "not a directory"))
        elif _inside_root(entry) is None:
            left_alone.append((entry, "does not resolve inside the staging root"))
        elif _last_modified(entry) < now - unfinished_limit():
            orphans.append(entry)
    return orphans, left_alone


def _remove_orphans(orphans: list[Path], *, actor: Actor, now: datetime.datetime, report: PurgeReport) -> None:
    """Remove orphan directories (the guards checked again just before), then audit them in one event."""
    for path in orphans:
        directory = _inside_root(path)
        if directory is None or not directory.is_dir():
            report.orphan_problems.append((path, "no longer a directory inside the staging root; not removed"))
            continue
        if ImportBatch.objects.filter(pk=int(path.name)).exists():  # a batch took the name meanwhile
            continue
        try:
            shutil.rmtree(directory)  # removes the links inside, never what they point to
        except OSError as exc:
            log.exception("%s: orphan directory not removed", path)
            report.orphan_problems.append((path, str(exc)))
        else:
            report.orphans.append(path)
    if report.orphans:
        days = settings.IMPORT_UNFINISHED_RETENTION_DAYS
        record(
            actor=actor,
            action=ImportAudit.PURGE_ORPHANS,
            object_type="import",
            object_id="staging",
            changes={"directories": [[p.name for p in report.orphans], None]},
            note=f"directories of no import under {staging_root()}, untouched for more than {days} days, "
            f"removed at {now.isoformat()}",
        )


def purge_staged_files(*, actor: Actor, now: datetime.datetime, dry_run: bool = False) -> PurgeReport:
    """Apply the retention rule: end batches left unfinished past ``IMPORT_UNFINISHED_RETENTION_DAYS`` (after
    reaping running tasks whose worker died, so that their batches count as unfinished in the same run), then
    remove the files of ended batches that are due (cancelled: at once; committed or failed: after
    ``IMPORT_STAGING_RETENTION_DAYS``), then the orphan directories of no batch (:func:`find_orphans`).
    Retry-safe: each batch moves with a conditional update, and what cannot be handled is reported while the
    rest goes on. A dry run changes nothing."""
    report = PurgeReport()
    if dry_run:
        report.expired = list(ImportBatch.objects.abandoned(now=now))
        report.purged = report.expired + list(ImportBatch.objects.files_due(now=now))
        report.orphans, report.left_alone = find_orphans(now=now)
        return report
    report.reaped = tasks.reap_stale(now)
    for batch in ImportBatch.objects.abandoned(now=now):
        try:
            report.expired.append(expire_batch(batch, actor=actor, now=now))
        except ImportError_ as exc:  # it moved meanwhile (a worker took it): leave it to the next run
            report.problems.append((batch, exc.message))
    for batch in ImportBatch.objects.files_due(now=now):
        try:
            if purge_batch_files(batch, actor=actor, now=now):
                report.purged.append(batch)
        except (ImportError_, OSError) as exc:
            log.exception("import:%s: files not removed", batch.pk)
            report.problems.append((batch, getattr(exc, "message", None) or str(exc)))
    orphans, report.left_alone = find_orphans(now=now)
    _remove_orphans(orphans, actor=actor, now=now, report=report)
    return report
