"""Staged import files (personal data) are removed: at once on a cancel, after the retention period once an
import is committed or failed, and with a system cancel when it is left unfinished."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from ansinh.audit.models import AuditEvent
from ansinh.imports import actions
from ansinh.imports.models import ImportBatch, staging_root
from ansinh.tasks.models import Status, Task

from .conftest import household, member

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def retention(settings):
    settings.IMPORT_STAGING_RETENTION_DAYS = 7
    settings.IMPORT_UNFINISHED_RETENTION_DAYS = 30


def _aged(batch, days: float, *, status: str | None = None) -> ImportBatch:
    """Move the batch's last step ``days`` before NOW (and set its status, as a worker would have)."""
    at = NOW - datetime.timedelta(days=days)
    fields = {"created_at": at, "validated_at": at if batch.validated_at else None,
              "committed_at": at if batch.committed_at else None}
    ImportBatch.objects.filter(pk=batch.pk).update(**fields, **({"status": status} if status else {}))
    batch.refresh_from_db()
    return batch


def _committed(run_import, files, officer, code: str, days: float) -> ImportBatch:
    return _aged(run_import(files([household(code)], [member(code)], name=code), officer, commit=True), days)


def _validated(run_import, files, officer, code: str, days: float) -> ImportBatch:
    return _aged(run_import(files([household(code)], [member(code)], name=code), officer), days)


def test_it_removes_the_files_of_committed_batches_past_the_retention_and_keeps_younger_ones(
        run_import, files, officer, ward_a):
    old = _committed(run_import, files, officer, "H1", days=7.5)
    young = _committed(run_import, files, officer, "H2", days=6.5)
    assert old.directory.is_dir() and young.directory.is_dir()

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert [b.pk for b in report.purged] == [old.pk] and report.expired == [] and report.problems == []
    old.refresh_from_db()
    young.refresh_from_db()
    assert not old.directory.exists() and old.files_purged_at == NOW
    assert old.status == "committed" and old.summary["households_valid"] == 1 and old.report["households_added"] == 1
    assert young.directory.is_dir() and young.files_purged_at is None
    event = AuditEvent.objects.get(action="import.purge")
    assert event.object_id == str(old.pk) and event.actor_name == "system"


def test_it_cancels_unfinished_batches_past_the_limit_as_the_system_and_removes_their_files(
        run_import, files, officer, ward_a):
    validated = _validated(run_import, files, officer, "H1", days=31)
    uploaded = actions.create_batch(actor=officer, files=[("a.csv", b"x")])
    queued = Task.objects.create(kind="imports.validate", args={"batch_id": uploaded.pk})
    ImportBatch.objects.filter(pk=uploaded.pk).update(task=queued)
    uploaded = _aged(uploaded, days=40)
    recent = _validated(run_import, files, officer, "H2", days=29)
    busy = actions.create_batch(actor=officer, files=[("b.csv", b"x")])
    running = Task.objects.create(kind="imports.validate", status=Status.RUNNING, args={"batch_id": busy.pk})
    ImportBatch.objects.filter(pk=busy.pk).update(task=running)
    busy = _aged(busy, days=40, status="validating")

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert sorted(b.pk for b in report.expired) == sorted([validated.pk, uploaded.pk])
    for batch in (validated, uploaded):
        batch.refresh_from_db()
        assert batch.status == "cancelled" and batch.files_purged_at == NOW and not batch.directory.exists()
        assert "30 ngày" in batch.error
        event = AuditEvent.objects.get(action="import.expire", object_id=str(batch.pk))
        assert event.actor_id is None and event.actor_name == "system" and "30 days" in event.note
        assert event.changes["status"][1] == "cancelled"
    queued.refresh_from_db()
    assert queued.status == Status.CANCELLED
    for batch, status in ((recent, "validated"), (busy, "validating")):
        batch.refresh_from_db()
        assert batch.status == status and batch.files_purged_at is None and batch.directory.is_dir()


def test_it_fails_a_commit_whose_worker_gave_up_and_removes_its_files(run_import, files, officer, ward_a):
    batch = _validated(run_import, files, officer, "H1", days=31)
    dead = Task.objects.create(kind="imports.commit", status=Status.FAILED)
    ImportBatch.objects.filter(pk=batch.pk).update(status="committing", task=dead)

    actions.purge_staged_files(actor=None, now=NOW)

    batch.refresh_from_db()
    assert batch.status == "failed" and batch.files_purged_at == NOW and not batch.directory.exists()
    assert AuditEvent.objects.filter(action="import.expire", object_id=str(batch.pk)).exists()


def test_it_removes_the_files_as_soon_as_a_cancel_is_committed(
        client, run_import, files, officer, ward_a, django_capture_on_commit_callbacks):
    batch = _validated(run_import, files, officer, "H1", days=0)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-cancel", args=[batch.pk]))

    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.files_purged_at is not None and not batch.directory.exists()
    cancel = AuditEvent.objects.get(action="import.cancel", object_id=str(batch.pk))
    purge = AuditEvent.objects.get(action="import.purge", object_id=str(batch.pk))
    assert cancel.actor_id == purge.actor_id == officer.pk
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert 'id="files-removed"' in page


def test_it_purges_a_cancelled_batch_whose_files_are_still_there(run_import, files, officer, ward_a):
    batch = _validated(run_import, files, officer, "H1", days=0)
    actions.cancel_batch(batch, actor=officer)  # inside the test's transaction: the removal has not run yet
    assert batch.directory.is_dir()

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert [b.pk for b in report.purged] == [batch.pk] and not batch.directory.exists()


def test_it_shows_a_purged_batch_and_explains_the_missing_error_file(client, run_import, files, officer, ward_a):
    paths = files([household("H1"), household("H2")],
                  [member("H1"), member("H2", dob="01/01/2999", with_id=False)])
    batch = run_import(paths, officer, commit=True)
    assert batch.status == "committed" and batch.summary["errors"]
    client.force_login(officer)
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    errors_url = reverse("import-errors", args=[batch.pk])
    assert errors_url in page and "sẽ được xóa vào ngày" in page
    marked = client.get(errors_url)
    assert marked.status_code == 200 and b"".join(marked.streaming_content)  # read to the end: closes the file

    actions.purge_staged_files(actor=None, now=batch.committed_at + datetime.timedelta(days=8))

    page = client.get(reverse("import-detail", args=[batch.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="files-removed"' in html and errors_url not in html
    assert "Các tệp đã tải lên đã được xóa vào" in html
    gone = client.get(errors_url)
    assert gone.status_code == 410
    assert "Tệp không còn nữa" in gone.content.decode() and "7 ngày" in gone.content.decode()


def test_it_answers_410_when_the_files_vanished_without_a_purge(client, run_import, files, officer, ward_a):
    import shutil

    batch = run_import(files([household("H1")], [member("H1", dob="01/01/2999", with_id=False)]), officer)
    shutil.rmtree(batch.directory)
    client.force_login(officer)
    assert client.get(reverse("import-errors", args=[batch.pk])).status_code == 410
    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 200


def test_it_changes_nothing_in_a_dry_run(run_import, files, officer, ward_a):
    committed = _committed(run_import, files, officer, "H1", days=8)
    abandoned = _validated(run_import, files, officer, "H2", days=31)
    events = AuditEvent.objects.count()

    report = actions.purge_staged_files(actor=None, now=NOW, dry_run=True)

    assert [b.pk for b in report.expired] == [abandoned.pk]
    assert sorted(b.pk for b in report.purged) == sorted([committed.pk, abandoned.pk])
    assert AuditEvent.objects.count() == events
    for batch, status in ((committed, "committed"), (abandoned, "validated")):
        batch.refresh_from_db()
        assert batch.status == status and batch.files_purged_at is None and batch.directory.is_dir()


def test_the_command_lists_in_a_dry_run_and_purges_otherwise(run_import, files, officer, ward_a, capsys):
    batch = run_import(files([household("H1")], [member("H1")]), officer, commit=True)
    ImportBatch.objects.filter(pk=batch.pk).update(committed_at=timezone.now() - datetime.timedelta(days=8))

    call_command("purge_imports", "--dry-run")
    assert f"would remove the files of import:{batch.pk}" in capsys.readouterr().out
    assert batch.directory.is_dir()

    call_command("purge_imports")
    out = capsys.readouterr().out
    assert f"removed the files of import:{batch.pk}" in out and "files of 1 imports removed" in out
    assert not batch.directory.exists()


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the importer's")
    return outside


def test_it_never_follows_a_link_out_of_the_staging_root(run_import, files, officer, ward_a, tmp_path):
    import shutil

    batch = _committed(run_import, files, officer, "H1", days=8)
    outside = _outside(tmp_path)
    shutil.rmtree(batch.directory)
    batch.directory.symlink_to(outside, target_is_directory=True)

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert [b.pk for b, _ in report.problems] == [batch.pk] and report.purged == []
    assert (outside / "keep.txt").exists() and batch.directory.is_symlink()
    batch.refresh_from_db()
    assert batch.files_purged_at is None and not AuditEvent.objects.filter(action="import.purge").exists()
    with pytest.raises(CommandError):
        call_command("purge_imports")
    assert (outside / "keep.txt").exists()


@pytest.mark.parametrize("trick", ["..", "."])
def test_it_never_removes_a_directory_that_does_not_resolve_inside_the_root(
        run_import, files, officer, ward_a, tmp_path, monkeypatch, trick):
    batch = _committed(run_import, files, officer, "H1", days=8)
    outside = _outside(tmp_path)
    # ".." climbs out of the root to a sibling; "." is the staging root itself, holding every batch
    target = staging_root() / ".." / "outside" if trick == ".." else staging_root() / "."
    monkeypatch.setattr(ImportBatch, "directory", property(lambda self: target))

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert [b.pk for b, _ in report.problems] == [batch.pk]
    assert (outside / "keep.txt").exists() and (staging_root() / str(batch.pk)).is_dir()
