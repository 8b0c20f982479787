from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ansinh.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib import admin

        admin.site.site_header = _("ansinh administration")
        admin.site.site_title = _("ansinh administration")
        admin.site.index_title = _("Reference data and accounts")
        admin.site.site_url = "/"
