"""``ansinh superuser USERNAME [--revoke]``: the only way to make (or unmake) a superuser, audited.

A superuser may do everything, in every area, beyond the permission matrix; no role can make one in the
admin. The audit trail records the change (``user.superuser``), with the operating-system account that ran
the command. A missing account is created first, with the password asked for (or none with ``--no-input``:
it then signs in only after a password reset).
"""

from __future__ import annotations

import getpass
import socket
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.accounts.actions import do_set_superuser
from ansinh.accounts.models import Role, User


def via_command_line(command: str) -> str:
    return f"ansinh {command}, run by {getpass.getuser()} on {socket.gethostname()}"


class Command(BaseCommand):
    help = "Make a user a superuser (or, with --revoke, no longer one); audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="take superuser status away")
        parser.add_argument("--no-input", action="store_true", help="do not ask for a password")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            if opts["revoke"]:
                raise CommandError(f"No such user: {opts['username']}")
            user = User(username=opts["username"], role=Role.ADMINISTRATOR)
            password = None if opts["no_input"] else getpass.getpass("Password: ")
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
        do_set_superuser(actor=None, user=user, superuser=not opts["revoke"], via=via_command_line("superuser"))
        state = "no longer a superuser" if opts["revoke"] else "a superuser"
        self.stdout.write(f"{user.username} is now {state} (recorded in the audit trail).")
