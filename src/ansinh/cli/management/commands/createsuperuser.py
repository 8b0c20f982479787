"""``ansinh createsuperuser``: Django's command, with every superuser it makes recorded in the audit trail
(``user.superuser``), as ``ansinh superuser`` does."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management.commands import createsuperuser

from ansinh.accounts.actions import do_set_superuser
from ansinh.accounts.models import User
from ansinh.cli.management.commands.superuser import via_command_line


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        before = set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in User.objects.filter(is_superuser=True).exclude(pk__in=before):
            do_set_superuser(actor=None, user=user, superuser=True, via=via_command_line("createsuperuser"))
