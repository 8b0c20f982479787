from django.urls import path

from ansinh.web.imports import views

urlpatterns = [
    path("", views.export, name="export"),
]
