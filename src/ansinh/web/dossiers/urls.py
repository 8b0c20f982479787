"""The dossiers' pages: the officer's under ``/dossiers/``, the citizen's (no account) under ``/dossiers/public/``."""

from django.urls import path

from ansinh.web.dossiers import views

urlpatterns = [
    path("", views.dossier_list, name="dossiers-list"),
    path("report/", views.report, name="dossiers-report"),
    path("public/follow/", views.follow, name="dossiers-follow"),
    path("<int:pk>/", views.dossier_detail, name="dossiers-detail"),
    path("<int:pk>/<str:step>/", views.act, name="dossiers-act"),
]
