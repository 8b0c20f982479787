from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "ansinh.dossiers"
    label = "dossiers"
    verbose_name = _("Public-service dossiers")
    default_auto_field = "django.db.models.BigAutoField"
