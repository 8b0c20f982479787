from django.urls import path

from ansinh.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
