"""A long export runs in the background (issue 13, item 10): the XLSX export of a city takes about a minute, so
the page queues it, shows its progress (htmx) and offers the file when it is written — to its requester only."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.test import Client
from django.urls import reverse

from ansinh.tasks.actions import run_pending
from ansinh.tasks.models import Task
from tests.web.conftest import signed_in


def test_an_xlsx_export_runs_in_the_background_with_progress_then_downloads(
    settings: Any, tmp_path: Any, officer: Any, make_user: Any, ward_a: Any, make_household: Any
) -> None:
    for n in range(3):
        make_household(ward_a, code=f"A-{n}")
    client: Client = signed_in(officer)
    response = client.get(reverse("export"), {"ward": ward_a.code, "format": "xlsx"})
    task = Task.objects.get(kind="imports.export_xlsx")
    assert response.status_code == 302 and response["Location"] == reverse("export-task", args=[task.pk])

    waiting = client.get(reverse("export-task", args=[task.pk])).content.decode()
    assert reverse("export-task-progress", args=[task.pk]) in waiting and 'hx-trigger="every 1s"' in waiting
    assert reverse("export-download", args=[task.pk]) not in waiting
    assert client.get(reverse("export-download", args=[task.pk])).status_code == 404  # not written yet

    run_pending()
    task.refresh_from_db()
    assert (task.status, task.progress_done, task.progress_total) == ("done", 3, 3)
    fragment = client.get(reverse("export-task-progress", args=[task.pk]))
    assert fragment["HX-Refresh"] == "true"
    done = client.get(reverse("export-task", args=[task.pk])).content.decode()
    assert reverse("export-download", args=[task.pk]) in done and "3 hộ" in done
    download = client.get(reverse("export-download", args=[task.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(c.value for c in workbook["Hộ gia đình"]["A"][1:]) == ["A-0", "A-1", "A-2"]

    # Another officer of the same ward: the export is not theirs, it does not exist for them.
    colleague = signed_in(make_user("ward_officer", wards=[ward_a]))
    for name in ("export-task", "export-task-progress", "export-download"):
        assert colleague.get(reverse(name, args=[task.pk])).status_code == 404


def test_purge_imports_removes_old_export_workbooks(settings: Any, db: Any) -> None:
    import datetime
    import os
    from pathlib import Path

    from django.core.management import call_command
    from django.utils import timezone

    from ansinh.imports.tasks import export_file

    old, new = export_file(1), export_file(2)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"PK")
    new.write_bytes(b"PK")
    past = (timezone.now() - datetime.timedelta(days=settings.IMPORT_STAGING_RETENTION_DAYS + 1)).timestamp()
    os.utime(old, (past, past))
    call_command("purge_imports", stdout=io.StringIO())
    assert not old.exists() and Path(new).exists()
