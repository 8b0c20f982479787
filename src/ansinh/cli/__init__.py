"""The ``ansinh`` command.

Every subcommand is a Django management command; ``ansinh load-units`` runs ``load_units``.
Commands that only use the engine (``mpi``, ``assess`` on files, ``explain``) never touch the database.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
    # Commands run outside a deployment get a throw-away key; a deployment sets ANSINH_ENV=production.
    os.environ.setdefault("ANSINH_ENV", "local")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "ansinh"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
