from django.urls import path

from ansinh.web.imports import views

urlpatterns = [
    path("", views.export, name="export"),
    path("<int:pk>/", views.export_task, name="export-task"),
    path("<int:pk>/progress/", views.export_task_progress, name="export-task-progress"),
    path("<int:pk>/download/", views.export_download, name="export-download"),
]
