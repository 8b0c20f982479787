"""The dossiers' pages: the officer's under ``/dossiers/``, the citizen's (no account) under ``/dossiers/public/``."""

from django.urls import path

from ansinh.web.dossiers import feedback, public, views

urlpatterns = [
    path("", views.dossier_list, name="dossiers-list"),
    path("report/", views.report, name="dossiers-report"),
    path("indicators/", views.indicators_page, name="dossiers-indicators"),
    path("public/follow/", views.follow, name="dossiers-follow"),
    path("public/apply/", public.apply_choose, name="dossiers-apply-choose"),
    path("public/apply/<slug:code>/", public.apply, name="dossiers-apply"),
    path("public/files/<int:attachment_id>/", public.citizen_file, name="dossiers-citizen-file"),
    path("public/feedback/", feedback.send, name="dossiers-feedback"),
    path("public/feedback/follow/", feedback.follow, name="dossiers-feedback-follow"),
    path("public/feedback/published/", feedback.published, name="dossiers-feedback-published"),
    path("feedback/", feedback.queue, name="dossiers-feedback-queue"),
    path("feedback/<int:pk>/", feedback.detail, name="dossiers-feedback-detail"),
    path("feedback/<int:pk>/<slug:step>/", feedback.act, name="dossiers-feedback-act"),
    path("register/", views.register, name="dossiers-register"),
    path("public/documents/<slug:kind>/", public.citizen_document, name="dossiers-citizen-document"),
    path("<int:pk>/documents/<slug:kind>/", views.document, name="dossiers-document"),
    path("<int:pk>/files/<int:attachment_id>/", views.officer_file, name="dossiers-file"),
    path("<int:pk>/", views.dossier_detail, name="dossiers-detail"),
    path("<int:pk>/<str:step>/", views.act, name="dossiers-act"),
]
