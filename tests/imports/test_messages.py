"""What the import module tells its user is in the active language: Vietnamese first, English when chosen, and
a batch's status by its label, never its code."""

from __future__ import annotations

import datetime
import io
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from ansinh.imports import actions
from ansinh.imports.errors import IllegalTransition, NothingToCommit, UnsafeStagingPath
from ansinh.imports.models import BatchStatus, ImportBatch
from ansinh.tasks.models import Status, Task

from .conftest import household, member


def _page(client, name: str, *args, language: str, post: bool = False) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    url = reverse(name, args=args)
    response = client.post(url, follow=True) if post else client.get(url)
    return response.content.decode()


def test_it_refuses_to_purge_the_files_of_an_unfinished_import_in_vietnamese_and_in_english(
    run_import, files, officer, ward_a
):
    batch = run_import(files([household("H1")], [member("H1")]), officer)
    assert batch.status == BatchStatus.VALIDATED

    with translation.override("vi"), pytest.raises(IllegalTransition) as vi:
        actions.purge_batch_files(batch, actor=None, now=timezone.now())
    with translation.override("en"), pytest.raises(IllegalTransition) as en:
        actions.purge_batch_files(batch, actor=None, now=timezone.now())

    assert vi.value.message == "Lượt nhập đang ở trạng thái “Đã kiểm tra”, tệp của nó còn được dùng."
    assert en.value.message == "The import is “Validated”; its files are still in use."
    assert str(en.value) == en.value.message and en.value.code == "illegal_transition"
    assert batch.directory.is_dir()


def test_purge_imports_reports_a_directory_outside_the_staging_root_in_the_active_language(
    run_import, files, officer, ward_a, tmp_path
):
    batch = run_import(files([household("H1")], [member("H1")]), officer, commit=True)
    ImportBatch.objects.filter(pk=batch.pk).update(committed_at=timezone.now() - datetime.timedelta(days=400))
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(batch.directory)
    batch.directory.symlink_to(outside, target_is_directory=True)

    errors = {}
    for language in ("vi", "en"):
        err = io.StringIO()
        with translation.override(language), pytest.raises(CommandError):
            call_command("purge_imports", stdout=io.StringIO(), stderr=err)
        errors[language] = err.getvalue()

    assert f"{batch.source}: Thư mục {batch.directory} không nằm trong thư mục tạm" in errors["vi"]
    assert "; không xóa." in errors["vi"]
    assert f"{batch.source}: The directory {batch.directory} is not inside the staging directory" in errors["en"]
    assert "it was not removed." in errors["en"] and "không" not in errors["en"]
    assert outside.is_dir() and batch.directory.is_symlink()
    with pytest.raises(UnsafeStagingPath) as exc:
        actions.purge_batch_files(batch, actor=None, now=timezone.now())
    assert exc.value.code == "unsafe_staging_path"


def test_it_explains_an_illegal_move_in_the_readers_language_with_the_status_labels(
    client, run_import, files, officer, ward_a
):
    batch = run_import(files([household("H1")], [member("H1")]), officer, commit=True)
    assert batch.status == BatchStatus.COMMITTED
    client.force_login(officer)

    vi = _page(client, "import-cancel", batch.pk, language="vi", post=True)
    en = _page(client, "import-cancel", batch.pk, language="en", post=True)

    assert "Không thể chuyển lượt nhập từ “Đã ghi vào sổ” sang “Đã hủy”." in vi
    assert "The import cannot move from “Committed” to “Cancelled”." in en
    assert "“committed”" not in vi + en and "“cancelled”" not in vi + en
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED


def test_it_says_there_is_nothing_to_commit_in_the_readers_language(client, run_import, files, officer, ward_a):
    batch = run_import(files([household("H1")], [member("H1", dob="01/01/2999", with_id=False)]), officer)
    assert batch.status == BatchStatus.VALIDATED and not batch.can_commit()
    client.force_login(officer)

    assert "Không có dòng hợp lệ nào để ghi vào sổ." in _page(
        client, "import-commit", batch.pk, language="vi", post=True
    )
    assert "There are no valid rows to write to the registry." in _page(
        client, "import-commit", batch.pk, language="en", post=True
    )
    with translation.override("en"), pytest.raises(NothingToCommit) as exc:
        actions.start_commit(batch)
    assert exc.value.code == "nothing_to_commit"


def test_it_shows_the_progress_of_a_running_import_in_the_readers_language(client, officer, ward_a):
    task = Task.objects.create(
        kind="imports.validate",
        status=Status.RUNNING,
        progress_done=2,
        progress_total=3,
        progress_note="Checking each row",
    )
    batch = ImportBatch.objects.create(created_by=officer, status=BatchStatus.VALIDATING, task=task)
    client.force_login(officer)

    assert "Kiểm tra từng dòng (2/3)" in _page(client, "import-progress", batch.pk, language="vi")
    assert "Checking each row (2/3)" in _page(client, "import-progress", batch.pk, language="en")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", "Chưa ghi được: Lượt nhập đang ở trạng thái “Đang ghi vào sổ”, tệp của nó còn được dùng."),
        ("en", "Not committed: The import is “Committing”; its files are still in use."),
    ],
    ids=["vi", "en"],
)
def test_it_keeps_the_reason_a_commit_failed_in_the_language_it_ran_in(
    run_import, files, officer, ward_a, monkeypatch, language, expected
):
    batch = run_import(files([household("H1")], [member("H1")]), officer)

    def refuse(*args, **kwargs):  # any import error raised inside the commit's transaction
        actions.purge_batch_files(ImportBatch.objects.get(pk=batch.pk), actor=None, now=timezone.now())

    monkeypatch.setattr(actions, "plan_and_write", refuse)
    with translation.override(language), pytest.raises(IllegalTransition):
        actions.commit_batch(batch, actor=officer)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.VALIDATED and batch.error == expected
