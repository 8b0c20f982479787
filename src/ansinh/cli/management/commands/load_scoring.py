"""``ansinh load-scoring FILE.yaml --user ADMIN``: load form-B scoring methods from a file (all or nothing).

The format is documented in ``docs/review.md`` with an invented example in ``docs/scoring-example.yaml``.
Every method is checked before anything is loaded; each problem is printed with its field path. A method
already loaded with exactly the same content is left as it is, so loading the same file twice changes
nothing. Each load is audited through ``do_load_scoring_method``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ansinh.review import scoring
from ansinh.review.actions import do_load_scoring_method
from ansinh.review.errors import ReviewError


class Command(BaseCommand):
    help = (
        "Load scoring methods for form B (points per answer, cut-offs, region, area, validity, legal reference, "
        "verified or not) from a YAML file. Nothing is loaded while one method is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the YAML file (see docs/scoring-example.yaml)")
        parser.add_argument("--user", required=True, help="the administrator loading the methods (audited)")
        parser.add_argument("--check", action="store_true", help="only check the file; load nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"No such user: {opts['user']}")
        try:
            specs = scoring.read_scoring_file(opts["file"])
        except scoring.ScoringFileError as exc:
            for where, why in exc.errors.items():
                self.stderr.write(f"{where}: {why}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {opts['file']}; nothing was loaded.") from exc
        if opts["check"]:
            self.stdout.write(f"{len(specs)} method(s) checked; nothing loaded (--check).")
            return
        loaded = unchanged = 0
        try:
            with transaction.atomic():
                for spec in specs:
                    same = scoring.identical_method(spec)
                    if same is not None:
                        unchanged += 1
                        self.stdout.write(f"unchanged #{same.pk}: {same.name}")
                        continue
                    method = do_load_scoring_method(actor=user, **spec)
                    loaded += 1
                    mark = "verified" if method.verified else "NOT VERIFIED against the official text"
                    self.stdout.write(
                        f"loaded #{method.pk}: {method.name} ({method.region}, {method.area_type}, "
                        f"from {method.valid_from.isoformat()}; {mark})"
                    )
        except ReviewError as exc:
            for where, why in exc.errors.items():
                self.stderr.write(f"{where}: {why}")
            raise CommandError(f"{exc.message} Nothing was loaded.") from exc
        self.stdout.write(self.style.SUCCESS(f"{loaded} method(s) loaded, {unchanged} unchanged."))
