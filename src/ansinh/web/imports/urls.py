from django.urls import path

from ansinh.web.imports import views

urlpatterns = [
    path("", views.index, name="import-index"),
    path("template/<str:kind>/", views.template, name="import-template"),
    path("<int:pk>/", views.detail, name="import-detail"),
    path("<int:pk>/progress/", views.progress, name="import-progress"),
    path("<int:pk>/commit/", views.commit, name="import-commit"),
    path("<int:pk>/cancel/", views.cancel, name="import-cancel"),
    path("<int:pk>/errors.xlsx", views.error_file, name="import-errors"),
]
