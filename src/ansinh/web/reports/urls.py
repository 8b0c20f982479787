"""The reports' pages under ``/reports/``: dashboards, the list behind a figure, the year in review, the
official layouts, the pivot and the policy simulation."""

from django.urls import path

from ansinh.web.reports import views

urlpatterns = [
    path("", views.dashboard, name="reports-dashboard"),
    path("ward/<str:code>/", views.dashboard, name="reports-ward"),
    path("list/", views.drill_list, name="reports-list"),
    path("year/", views.year_in_review, name="reports-year"),
    path("official/", views.official, name="reports-official"),
    path("official/<str:name>/", views.official_download, name="reports-official-download"),
    path("pivot/", views.pivot, name="reports-pivot"),
    path("simulate/", views.simulate, name="reports-simulate"),
]
