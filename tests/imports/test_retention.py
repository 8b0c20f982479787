"""Staged import files (personal data) are removed: at once on a cancel, after the retention period once an
import is committed or failed, and with a system cancel when it is left unfinished."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

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
    fields = {
        "created_at": at,
        "validated_at": at if batch.validated_at else None,
        "committed_at": at if batch.committed_at else None,
    }
    ImportBatch.objects.filter(pk=batch.pk).update(**fields, **({"status": status} if status else {}))
    batch.refresh_from_db()
    return batch


def _committed(run_import, files, officer, code: str, days: float) -> ImportBatch:
    return _aged(run_import(files([household(code)], [member(code)], name=code), officer, commit=True), days)


def _validated(run_import, files, officer, code: str, days: float) -> ImportBatch:
    return _aged(run_import(files([household(code)], [member(code)], name=code), officer), days)


def test_it_removes_the_files_of_committed_batches_past_the_retention_and_keeps_younger_ones(
    run_import, files, officer, ward_a
):
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
    run_import, files, officer, ward_a
):
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
        assert batch.error_code == "expired" and batch.error_params == {"days": 30} and batch.error == ""
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
    client, run_import, files, officer, ward_a, django_capture_on_commit_callbacks
):
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
    paths = files([household("H1"), household("H2")], [member("H1"), member("H2", dob="01/01/2999", with_id=False)])
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
    run_import, files, officer, ward_a, tmp_path, monkeypatch, trick
):
    batch = _committed(run_import, files, officer, "H1", days=8)
    outside = _outside(tmp_path)
    # ".." climbs out of the root to a sibling; "." is the staging root itself, holding every batch
    target = staging_root() / ".." / "outside" if trick == ".." else staging_root() / "."
    monkeypatch.setattr(ImportBatch, "directory", property(lambda self: target))

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert [b.pk for b, _ in report.problems] == [batch.pk]
    assert (outside / "keep.txt").exists() and (staging_root() / str(batch.pk)).is_dir()


# The reason of an expiry is a code and a number, rendered in the reader's language.


def _page(client, name: str, *args, language: str) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(reverse(name, args=args)).content.decode()


def test_it_shows_why_the_system_cancelled_an_import_in_vietnamese_and_in_english(
    client, run_import, files, officer, ward_a
):
    batch = _validated(run_import, files, officer, "H1", days=31)
    actions.purge_staged_files(actor=None, now=NOW)
    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.error_code == "expired" and batch.error == ""
    client.force_login(officer)

    vi = _page(client, "import-detail", batch.pk, language="vi")
    assert 'id="import-error"' in vi
    assert "Hệ thống đã huỷ lượt nhập này vì nó không được ghi vào sổ hoặc huỷ trong 30 ngày." in vi
    en = _page(client, "import-detail", batch.pk, language="en")
    assert (
        "The system cancelled this import because it was neither committed nor cancelled within 30 days." in en
    ) and "ngày" not in en.split('id="import-error"')[1].split("</div>")[0]
    assert "by the system: left unfinished too long" in _page(client, "import-index", language="en")
    assert "do hệ thống huỷ: bỏ dở quá lâu" in _page(client, "import-index", language="vi")


def test_it_explains_a_commit_the_system_marked_failed_in_both_languages(run_import, files, officer, ward_a, settings):
    settings.IMPORT_UNFINISHED_RETENTION_DAYS = 1
    batch = _validated(run_import, files, officer, "H1", days=2)
    ImportBatch.objects.filter(pk=batch.pk).update(status="committing")

    actions.purge_staged_files(actor=None, now=NOW)

    batch.refresh_from_db()
    assert batch.status == "failed" and batch.error_params == {"days": 1}
    with translation.override("en"):
        assert batch.error_message() == (
            "The commit did not finish within 1 day, so the system marked the import "
            "failed. Nothing was written to the registry."
        )
    with translation.override("vi"):
        assert batch.error_message().startswith("Việc ghi vào sổ không hoàn tất trong 1 ngày")


def test_it_still_shows_a_failure_stored_as_text(client, officer, ward_a):
    old_style = "Hệ thống đã hủy lượt nhập vì không được ghi vào sổ hoặc hủy trong 30 ngày."
    batch = ImportBatch.objects.create(created_by=officer, status="cancelled", error=old_style)
    client.force_login(officer)

    assert old_style in _page(client, "import-detail", batch.pk, language="en")
    assert batch.error_message() == old_style


# Directories under the staging root that belong to no batch.

ORPHAN = 900001  # far above any batch of the test run


def _touch(path: Path, days: float) -> Path:
    """Set the modification time of ``path`` and of its entries ``days`` before NOW (links: the link itself)."""
    at = (NOW - datetime.timedelta(days=days)).timestamp()
    for p in [*(path.iterdir() if path.is_dir() and not path.is_symlink() else []), path]:
        os.utime(p, (at, at), follow_symlinks=False)
    return path


def _stray(name: str, days: float, *, content: bool = True) -> Path:
    path = staging_root() / name
    path.mkdir(parents=True)
    if content:
        (path / "upload-0.csv").write_text("Số định danh\n079180000001\n")
    return _touch(path, days)


def test_it_removes_old_directories_of_no_import_and_audits_them_in_one_event(
    run_import, files, officer, ward_a, tmp_path
):
    kept = _committed(run_import, files, officer, "H1", days=1)
    deleted = _committed(run_import, files, officer, "H2", days=1)
    deleted_dir = deleted.directory
    ImportBatch.objects.filter(pk=deleted.pk).delete()  # its directory stays behind
    _touch(deleted_dir, 31)
    crashed = _stray(str(ORPHAN), 40)
    outside = _outside(tmp_path)
    (crashed / "evil").symlink_to(outside, target_is_directory=True)
    _touch(crashed, 40)
    young = _stray(str(ORPHAN + 1), 29)

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert sorted(p.name for p in report.orphans) == sorted([str(deleted.pk), str(ORPHAN)])
    assert not deleted_dir.exists() and not crashed.exists()
    assert (outside / "keep.txt").exists()  # the link inside went, not what it points to
    assert young.is_dir() and kept.directory.is_dir() and staging_root().is_dir()
    assert report.problems == [] and report.orphan_problems == [] and report.left_alone == []
    event = AuditEvent.objects.get(action="import.purge_orphans")
    assert event.actor_id is None and event.actor_name == "system" and "30 days" in event.note
    assert sorted(event.changes["directories"][0]) == sorted([str(deleted.pk), str(ORPHAN)])

    actions.purge_staged_files(actor=None, now=NOW)  # nothing left to remove: no second event
    assert AuditEvent.objects.filter(action="import.purge_orphans").count() == 1


def test_it_reports_and_leaves_alone_what_does_not_look_like_an_import_directory(tmp_path, db):
    outside = _outside(tmp_path)
    odd = [_stray("notes", 90), _stray("0900001", 90), _stray("9001-old", 90)]
    text = staging_root() / str(ORPHAN + 2)
    text.write_text("a file, not a directory")
    link = staging_root() / str(ORPHAN + 3)
    link.symlink_to(outside, target_is_directory=True)
    for path in (text, link):
        _touch(path, 90)

    report = actions.purge_staged_files(actor=None, now=NOW)

    assert report.orphans == []
    assert {p.name: why for p, why in report.left_alone} == {
        "notes": "not named like an import's directory",
        "0900001": "not named like an import's directory",
        "9001-old": "not named like an import's directory",
        str(ORPHAN + 2): "not a directory",
        str(ORPHAN + 3): "a link, not followed",
    }
    assert all(p.is_dir() for p in odd) and text.is_file() and link.is_symlink()
    assert (outside / "keep.txt").exists()
    assert not AuditEvent.objects.filter(action="import.purge_orphans").exists()


def test_the_command_lists_orphans_in_a_dry_run_then_removes_them(db, capsys):
    old = _stray(str(ORPHAN), 0)
    a_month_ago = (timezone.now() - datetime.timedelta(days=31)).timestamp()
    for p in (*old.iterdir(), old):
        os.utime(p, (a_month_ago, a_month_ago))
    _stray("lost+found", 0, content=False)

    call_command("purge_imports", "--dry-run")
    out = capsys.readouterr().out
    assert f"would remove the orphan directory {old} (no import {ORPHAN})" in out
    assert f"left alone {staging_root() / 'lost+found'}: not named like an import's directory" in out
    assert old.is_dir() and not AuditEvent.objects.exists()

    call_command("purge_imports")
    out = capsys.readouterr().out
    assert f"removed the orphan directory {old}" in out and "1 orphan directories removed" in out
    assert not old.exists() and (staging_root() / "lost+found").is_dir()
    assert AuditEvent.objects.filter(action="import.purge_orphans").count() == 1


# A batch whose worker died is expired in the same run, without waiting for a worker to reap its task.


def test_it_expires_in_one_run_a_batch_whose_worker_died(run_import, files, officer, ward_a, settings):
    settings.TASK_STALE_SECONDS = 300
    dead_batch = actions.create_batch(actor=officer, files=[("a.csv", b"x")])
    dead = Task.objects.create(
        kind="imports.validate",
        status=Status.RUNNING,
        attempts=1,
        worker="gone:1",
        heartbeat_at=NOW - datetime.timedelta(hours=1),
        args={"batch_id": dead_batch.pk},
    )
    ImportBatch.objects.filter(pk=dead_batch.pk).update(task=dead)
    dead_batch = _aged(dead_batch, days=40, status="validating")
    given_up = _validated(run_import, files, officer, "H1", days=40)
    spent = Task.objects.create(
        kind="imports.commit",
        status=Status.RUNNING,
        attempts=3,
        worker="gone:2",
        heartbeat_at=NOW - datetime.timedelta(hours=1),
    )
    ImportBatch.objects.filter(pk=given_up.pk).update(status="committing", task=spent)
    live_batch = actions.create_batch(actor=officer, files=[("b.csv", b"x")])
    live = Task.objects.create(
        kind="imports.validate",
        status=Status.RUNNING,
        attempts=1,
        worker="here:1",
        heartbeat_at=NOW - datetime.timedelta(seconds=10),
    )
    ImportBatch.objects.filter(pk=live_batch.pk).update(task=live)
    live_batch = _aged(live_batch, days=40, status="validating")

    dry = actions.purge_staged_files(actor=None, now=NOW, dry_run=True)
    assert sorted(b.pk for b in dry.expired) == sorted([dead_batch.pk, given_up.pk])
    dead.refresh_from_db()
    assert dead.status == Status.RUNNING

    report = actions.purge_staged_files(actor=None, now=NOW)

    # The validation whose worker died fails at once with that reason (issue 14); its files, past the
    # retention, go in the same run. The commit whose worker gave up is expired.
    assert report.reaped == 2 and [b.pk for b in report.expired] == [given_up.pk]
    dead_batch.refresh_from_db()
    assert dead_batch.status == "failed" and dead_batch.error_params["reason"] == "worker_died"
    given_up.refresh_from_db()
    assert given_up.status == "failed" and given_up.error_code == "expired"
    for batch in (dead_batch, given_up):
        assert batch.files_purged_at == NOW and not batch.directory.exists()
    dead.refresh_from_db()
    spent.refresh_from_db()
    assert dead.status == Status.FAILED and spent.status == Status.FAILED  # not left queued for a worker
    live_batch.refresh_from_db()
    live.refresh_from_db()
    assert live_batch.status == "validating" and live_batch.directory.is_dir() and live.status == Status.RUNNING
