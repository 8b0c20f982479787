from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("review/", include("ansinh.review.urls")),
    path("imports/", include("ansinh.imports.urls")),
    path("exports/", include("ansinh.imports.export_urls")),
    path("", include("ansinh.web.urls")),
]
