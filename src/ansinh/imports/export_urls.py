from django.urls import path

from ansinh.imports import views

urlpatterns = [
    path("", views.export, name="export"),
]
