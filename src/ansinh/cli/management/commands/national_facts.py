"""``ansinh national-facts``: the assessment and its poverty facts for a province-partitioned national extract,
on a Dask cluster (``reports.national``).

    ansinh national-facts --households EXTRACT/households --members EXTRACT/members \\
        --standard vn_2022 --date 2025-12-31 --cluster tcp://scheduler:8786 --out facts.parquet
    ansinh national-facts ... --cluster local      (a local cluster in this process, for a laptop or a test)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.cli.management.commands.assess import parse_date


class Command(BaseCommand):
    help = "Assess a province-partitioned extract on a Dask cluster and write its poverty facts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", required=True, help="households: a Parquet file or a folder of them")
        parser.add_argument("--members", required=True, help="members: a Parquet file or a folder of them")
        parser.add_argument("--standard", required=True, help="standard id(s), comma-separated")
        parser.add_argument("--date", required=True, help="assessment date, YYYY-MM-DD")
        parser.add_argument("--cluster", required=True, help="the Dask scheduler's address, or 'local'")
        parser.add_argument("--out", required=True, help="the facts, as a Parquet file")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - an optional dependency
            raise CommandError("Dask is not installed: pip install 'ansinh[distributed]'") from None
        from ansinh.reports.national import national_facts

        on = parse_date(opts["date"])
        standards = [s.strip() for s in opts["standard"].split(",") if s.strip()]
        households, members = Path(opts["households"]), Path(opts["members"])
        for p in (households, members):
            if not p.exists():
                raise CommandError(f"{p}: no such file or folder")
        # The P2P shuffle of this dask release fails on pandas 3 frames; the task-based shuffle is exact.
        with dask.config.set({"dataframe.shuffle.method": "tasks"}):
            if opts["cluster"] == "local":
                with LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as c:  # type: ignore[no-untyped-call]
                    with Client(c):  # type: ignore[no-untyped-call]
                        facts = national_facts(households, members, standards, on)
            else:
                with Client(opts["cluster"]):  # type: ignore[no-untyped-call]
                    facts = national_facts(households, members, standards, on)
        facts.write_parquet(opts["out"])
        assessed = (
            facts.filter(facts["measure"] == "assessed").group_by("standard", "category").agg(facts["value"].sum())
        )
        for standard, category, n in assessed.sort("standard", "category").iter_rows():
            self.stdout.write(f"{standard:10} {category:15} {n:>12}")
        self.stdout.write(f"{facts.height} facts → {opts['out']}")
