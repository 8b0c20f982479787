"""The cases' pages under ``/cases/``: seen only by each case's circle (``cases.scope``)."""

from django.urls import path

from ansinh.web.cases import views

urlpatterns = [
    path("", views.case_list, name="cases-list"),
    path("new/", views.case_new, name="cases-new"),
    path("queue/", views.queue, name="cases-queue"),
    path("statistics/", views.statistics, name="cases-statistics"),
    path("statistics/national/", views.national_export, name="cases-national-export"),
    path("read-log/", views.read_log_page, name="cases-read-log"),
    path("break-glass/", views.break_glass, name="cases-break-glass"),
    path("<int:pk>/", views.case_detail, name="cases-detail"),
    path("<int:pk>/edit/", views.case_edit, name="cases-edit"),
    path("<int:pk>/export/", views.export, name="cases-export"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="cases-attachment"),
    path("<int:pk>/do/<str:step>/", views.case_step, name="cases-step"),
]
