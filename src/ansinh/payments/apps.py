from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "ansinh.payments"
    label = "payments"
    verbose_name = _("Payrolls and payments")
    default_auto_field = "django.db.models.BigAutoField"
