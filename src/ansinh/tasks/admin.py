from django.contrib import admin

from ansinh.tasks.models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ("id", "kind", "status", "progress_done", "progress_total", "created_at", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Task._meta.fields]
