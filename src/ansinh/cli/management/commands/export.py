"""``ansinh export [--ward CODE] [--search TEXT] --out FILE [--user USERNAME]``: the registry in the import format.

``--search`` keeps the households the household search finds for TEXT (name, ID number, code or address).

``.xlsx`` writes both sheets; ``.csv`` writes the households to FILE and the members next to it
(``<name>.members.csv``, or ``--members-out``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.accounts.permissions import can, shows_full_ids
from ansinh.imports.export import csv_stream, export_queryset, record_export, write_xlsx
from ansinh.registry.models import Household
from ansinh.registry.queries import matching


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: no need to load every URL and model check
    help = "Export households and members (active) to XLSX or CSV in the import format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ward", help="NSO code of the ward/commune")
        parser.add_argument("--search", default="", help="only the households the household search finds for this")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--members-out", type=Path)
        parser.add_argument("--user", help="export as this user (their scope applies); default: no scope limit")

    def handle(self, *args: Any, **opts: Any) -> None:
        out: Path = opts["out"]
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"No such user: {opts['user']}")
            if not can(user, "household", "export"):
                raise CommandError(f"{user.username} may not export households.")
            qs = export_queryset(user, opts["ward"], opts["search"])
        else:
            qs = Household.objects.filter(status="active")
            if opts["ward"]:
                qs = qs.filter(ward_id=opts["ward"])
            qs = matching(qs, opts["search"], few_wards=bool(opts["ward"]))
        full_ids = user is None or shows_full_ids(user)  # without --user: the system's operator
        count = qs.count()
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            write_xlsx(qs, out, full_ids=full_ids)
            written = [out]
        elif suffix == ".csv":
            members_out = opts["members_out"] or out.with_name(out.stem + ".members.csv")
            for path, table in ((out, "households"), (members_out, "members")):
                with path.open("wb") as fh:
                    for block in csv_stream(qs, table, full_ids=full_ids):
                        fh.write(block)
            written = [out, members_out]
        else:
            raise CommandError("--out must end in .xlsx or .csv")
        record_export(user, ward_code=opts["ward"], fmt=suffix.lstrip("."), count=count, q=opts["search"].strip())
        self.stdout.write(f"Exported {count} households to {', '.join(str(p) for p in written)}.")
