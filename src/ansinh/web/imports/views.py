"""Import and export pages: thin views over ``ansinh.imports.actions`` and the task queue."""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can
from ansinh.accounts.scope import scoped_wards
from ansinh.imports import actions, problems, queries
from ansinh.imports import tasks as import_tasks
from ansinh.imports.errors import ImportError_
from ansinh.imports.export import csv_stream, export_queryset, record_export
from ansinh.imports.models import BatchStatus, ImportBatch
from ansinh.imports.workbooks import error_report, template_csv, template_xlsx
from ansinh.tasks.models import Status as TaskStatus
from ansinh.tasks.models import Task
from ansinh.web.imports.forms import ExportForm, UploadForm

ISSUES_SHOWN = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import(user: Any) -> None:
    if not actions.can_import(user):
        raise PermissionDenied("household.import")


def _batch_for(user: Any, pk: int) -> ImportBatch:
    """A batch the user may see (``imports.queries``), for a user who may import."""
    _require_import(user)
    return queries.get_batch_for(user, pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = [f for f in (form.cleaned_data["file"], form.cleaned_data.get("members_file")) if f]
        batch = actions.create_batch(actor=request.user, files=[(f.name, f.read()) for f in uploaded])
        task = import_tasks.validate_import.enqueue(
            batch_id=batch.pk, idempotency_key=f"import-validate:{batch.pk}", user=request.user
        )
        ImportBatch.objects.filter(pk=batch.pk).update(task=task)
        return redirect("import-detail", pk=batch.pk)
    recent = ImportBatch.objects.filter(created_by_id=request.user.pk)[:20]
    return render(
        request,
        "imports/index.html",
        {
            "form": form,
            "recent": recent,
            "forms_with_errors": [form] if form.is_bound and form.errors else [],
        },
    )


def _detail_context(batch: ImportBatch, user: Any = None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "batch": batch,
        "task": batch.task,
        "files_due_at": batch.files_due_at(),
        "retention_days": settings.IMPORT_STAGING_RETENTION_DAYS,
    }
    if batch.status in (BatchStatus.VALIDATED, BatchStatus.COMMITTED) and batch.files_purged_at is None:
        frame = actions.issues(batch)
        # Worded in the reader's language, only the rows shown.
        context["issues"] = problems.rows(frame.head(ISSUES_SHOWN)) if frame.height else []
        context["issues_more"] = max(0, frame.height - ISSUES_SHOWN)
    context["running"] = batch.status in actions.RUNNING
    # A file that failed, was cancelled or has no valid row to commit is fixed and sent again: say so.
    over = batch.status in (BatchStatus.FAILED, BatchStatus.CANCELLED)
    context["upload_again"] = (over or (batch.status == BatchStatus.VALIDATED and not batch.can_commit())) and (
        user is not None and actions.can_import(user)
    )
    return context


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request.user, pk)
    return render(request, "imports/detail.html", _detail_context(batch, request.user))


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx-polled fragment; when the work is over, the whole page reloads to show the result."""
    batch = _batch_for(request.user, pk)
    context = _detail_context(batch)
    response = render(request, "imports/_progress.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request.user, pk)
    try:
        batch = actions.start_commit(batch)
    except ImportError_ as exc:
        messages.error(request, exc.message)
        return redirect("import-detail", pk=batch.pk)
    task = import_tasks.commit_import.enqueue(
        batch_id=batch.pk, idempotency_key=f"import-commit:{batch.pk}", user=request.user
    )
    ImportBatch.objects.filter(pk=batch.pk).update(task=task)
    return redirect("import-detail", pk=batch.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request.user, pk)
    try:
        cancelled = actions.do_cancel_import(actor=request.user, batch=batch)
    except ImportError_ as exc:
        messages.error(request, exc.message)
    else:
        if cancelled:
            messages.success(request, _("The import was cancelled; nothing was written to the registry."))
        else:
            messages.success(request, _("Cancellation requested."))
    return redirect("import-detail", pk=batch.pk)


@login_required
def error_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = _batch_for(request.user, pk)
    if batch.status not in (BatchStatus.VALIDATED, BatchStatus.COMMITTED):
        raise Http404
    if not actions.has_staged_files(batch):
        return render(
            request,
            "imports/files_removed.html",
            {"batch": batch, "retention_days": settings.IMPORT_STAGING_RETENTION_DAYS},
            status=410,
        )
    out = tempfile.TemporaryFile()
    error_report(actions.uploads(batch), actions.issues(batch), out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"nhap-{batch.pk}-loi.xlsx", content_type=XLSX)


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_import(request.user)
    if kind == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-gia-dinh.xlsx"'
        return response
    if kind in ("households", "members"):
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
        name = "mau-ho-gia-dinh.csv" if kind == "households" else "mau-thanh-vien.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    raise Http404


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    if not can(request.user, "household", "export"):
        raise PermissionDenied("household.export")
    wards = scoped_wards(request.user)
    asked = request.GET.get("ward")
    if asked and not wards.filter(code=asked).exists():
        raise Http404  # a ward outside the user's area does not exist for them
    if "format" not in request.GET:  # arriving (also from the search page, with its ward and search filled in)
        form = ExportForm(initial={"ward": asked or "", "q": request.GET.get("q", "")}, wards=wards)
        return render(request, "imports/export.html", {"form": form, "forms_with_errors": []})
    form = ExportForm(request.GET, wards=wards)
    if not form.is_valid():
        return render(
            request,
            "imports/export.html",
            {"form": form, "forms_with_errors": [form] if form.is_bound and form.errors else []},
        )
    ward = form.cleaned_data["ward"] or None
    q = form.cleaned_data["q"].strip()
    qs = export_queryset(request.user, ward, q)
    fmt = form.cleaned_data["format"]
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"ho-gia-dinh-{ward or 'tat-ca'}-{'tim-kiem-' if q else ''}{stamp}"
    record_export(request.user, ward_code=ward, fmt=fmt, count=qs.count(), q=q)
    if fmt == "xlsx":
        # A workbook of a city takes about a minute: it is written by the worker while a page shows how far it is,
        # then downloaded by the one who asked for it.
        task = import_tasks.export_xlsx.enqueue(ward=ward, q=q, name=f"{name}.xlsx", user=request.user)
        return redirect("export-task", pk=task.pk)
    table = "members" if fmt == "csv-members" else "households"
    response = StreamingHttpResponse(csv_stream(qs, table), content_type="text/csv; charset=utf-8")
    suffix = "-thanh-vien" if table == "members" else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}.csv"'
    return response


def _export_task(request: HttpRequest, pk: int) -> Task:
    """A background export, like an import a record of its requester's rather than of an area: a role that may
    not export is refused them all (403); anyone else's does not exist for the user (404)."""
    if not can(request.user, "household", "export"):
        raise PermissionDenied("household.export")
    found = Task.objects.filter(pk=pk, kind=import_tasks.export_xlsx.kind, created_by_id=request.user.pk).first()
    if found is None:
        raise Http404
    return found


def _export_context(task: Task) -> dict[str, Any]:
    return {
        "task": task,
        "running": not task.finished,
        "ready": task.status == TaskStatus.DONE and import_tasks.export_file(task.pk).is_file(),
        "name": task.result.get("name") or task.args.get("name", ""),
    }


@login_required
def export_task(request: HttpRequest, pk: int) -> HttpResponse:
    """The page of one background export: its progress while it runs (htmx), then the download."""
    task = _export_task(request, pk)
    return render(request, "imports/export_task.html", _export_context(task))


@login_required
def export_task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx-polled fragment; when the export ends, the whole page reloads to offer the download."""
    task = _export_task(request, pk)
    context = _export_context(task)
    response = render(request, "imports/_export_progress.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    task = _export_task(request, pk)
    path = import_tasks.export_file(task.pk)
    if task.status != TaskStatus.DONE or not path.is_file():
        raise Http404
    name = str(task.result.get("name") or "ho-gia-dinh.xlsx")
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
