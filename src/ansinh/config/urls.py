from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("ansinh.api.urls", "api-v1"), namespace="api-v1")),
    path("", include("ansinh.web.urls")),
]
