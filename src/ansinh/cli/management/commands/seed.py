"""``ansinh seed``: write a deterministic synthetic city into the registry, or to Parquet files.

The population comes from ``ansinh.synth`` (pure Polars/NumPy), chunk by chunk; each chunk goes to the
database set-based (COPY on PostgreSQL, executemany on SQLite) inside one transaction, with ids chosen
in the frames, and one audit event sums up the whole seed. A seed at least as large as the registry
drops and rebuilds the registry tables' indexes inside that transaction: on PostgreSQL the tables
are locked for other sessions until it commits, so seed before opening the registry to users.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue
from typing import Any, TypeVar

import polars as pl
import pyarrow.parquet as pq
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Max
from django.db.models.functions import Substr
from django.utils import timezone

from ansinh.audit.actions import record
from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, coded_as_enums
from ansinh.geo.models import Province, Ward
from ansinh.registry import bulk
from ansinh.registry.audit_actions import RegistryAudit
from ansinh.registry.models import Household, HouseholdEvent, Member, Membership
from ansinh.synth import AS_OF, HOUSEHOLD_SCHEMA, MEMBER_SCHEMA, generate_chunks

T = TypeVar("T")
_CODE = re.compile(r"^\d{5}-\d{6}$")


def pick_wards(wards: list[tuple[str, str]], limit: int | None) -> list[tuple[str, str]]:
    """The first ``limit`` wards by code, keeping the province's mix of urban wards and rural communes.

    >>> pick_wards([("1", "urban"), ("2", "urban"), ("3", "urban"), ("4", "rural"), ("5", "rural")], 3)
    [('1', 'urban'), ('2', 'urban'), ('4', 'rural')]
    """
    if not limit or limit >= len(wards):
        return wards
    rural = [w for w in wards if w[1] == "rural"]
    urban = [w for w in wards if w[1] != "rural"]
    n_rural = min(len(rural), max(1 if rural else 0, round(limit * len(rural) / len(wards))))
    n_rural = max(n_rural, limit - len(urban))
    return sorted(urban[: limit - n_rural] + rural[:n_rural])


def prefetch(items: Iterator[T]) -> Iterator[T]:
    """Produce the next item in a background thread while the caller consumes this one.

    The generator (NumPy/Polars, which release the GIL) overlaps with the database writing a chunk.
    """
    queue: Queue[tuple[bool, Any]] = Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                queue.put((True, item))
                if stop.is_set():
                    return
            queue.put((False, None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            queue.put((False, exc))

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while True:
            ok, value = queue.get()
            if not ok:
                if value is not None:
                    raise value
                return
            yield value
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting to hand over one more item
            with contextlib.suppress(Empty):
                queue.get(timeout=0.05)
        thread.join()


def wards_from_data_file(province: str) -> list[tuple[str, str]]:
    """Current wards of a province from the pinned unit data file, with their default urban/rural."""
    from ansinh.geo.loading import read_data

    return sorted(
        (code, Ward.default_area_type(kind)) for code, _name, kind, prov in read_data()["wards"] if prov == province
    )


class Command(BaseCommand):
    help = (
        "Write a deterministic synthetic population (households and members) spread over a province's "
        "current wards into the database, or as Parquet files with --format parquet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, required=True, help="number of households")
        parser.add_argument("--province", default="79", help="current province code (default 79, HCMC)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same city")
        parser.add_argument("--wards", type=int, default=None, help="use only the first K wards (urban and rural)")
        parser.add_argument("--format", choices=["db", "parquet"], default="db")
        parser.add_argument("--out", type=Path, default=None, help="directory for --format parquet")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=AS_OF, help=f"ages are computed on this day ({AS_OF})"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        households = int(opts["households"])
        if households < 0:
            raise CommandError("--households must be zero or more.")
        province = str(opts["province"]).zfill(2)
        started = time.monotonic()
        if opts["format"] == "parquet":
            if opts["out"] is None:
                raise CommandError("--format parquet needs --out DIR.")
            counts = self._write_parquet(households, province, opts)
        else:
            counts = self._write_db(households, province, opts)
        elapsed = max(time.monotonic() - started, 1e-9)
        self.stdout.write(
            f"Wrote {counts['households']:,} households and {counts['members']:,} members "
            f"in {elapsed:.1f} s ({counts['households'] / elapsed:,.0f} households/s)."
        )

    def _db_wards(self, province: str) -> list[tuple[str, str]]:
        return list(
            Ward.objects.current().filter(province_id=province).order_by("code").values_list("code", "area_type")
        )

    def _write_parquet(self, households: int, province: str, opts: dict[str, Any]) -> dict[str, int]:
        try:
            wards = self._db_wards(province)
        except DatabaseError:
            wards = []
        if not wards:  # no database needed: the same units ``load-units`` would load
            wards = wards_from_data_file(province)
            self.stdout.write(f"Wards of province {province} taken from the unit data file (none in the database).")
        if not wards:
            raise CommandError(f"Province {province} has no current wards in the unit data file.")
        wards = pick_wards(wards, opts["wards"])
        out: Path = opts["out"]
        out.mkdir(parents=True, exist_ok=True)
        writers: dict[str, pq.ParquetWriter] = {}
        counts = {"households": 0, "members": 0}
        try:
            for hh, mm in generate_chunks(households, wards, opts["seed"], as_of=opts["as_of"]):
                for name, frame, columns in (("households", hh, HOUSEHOLD_COLUMNS), ("members", mm, MEMBER_COLUMNS)):
                    table = coded_as_enums(frame, columns).to_arrow()
                    if name not in writers:
                        writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
                    writers[name].write_table(table)
                    counts[name] += frame.height
            for name, schema, columns in (
                ("households", HOUSEHOLD_SCHEMA, HOUSEHOLD_COLUMNS),
                ("members", MEMBER_SCHEMA, MEMBER_COLUMNS),
            ):
                if name not in writers:  # no households: empty files with the right columns
                    coded_as_enums(pl.DataFrame(schema=schema), columns).write_parquet(out / f"{name}.parquet")
        finally:
            for writer in writers.values():
                writer.close()
        self.stdout.write(f"Parquet files in {out}: households.parquet, members.parquet")
        return counts

    def _write_db(self, households: int, province: str, opts: dict[str, Any]) -> dict[str, int]:
        if not Province.objects.filter(code=province).exists() or not (wards := self._db_wards(province)):
            raise CommandError(
                f"The wards of province {province} are not loaded. Run `ansinh load-units` first, then seed again."
            )
        wards = pick_wards(wards, opts["wards"])
        codes = [code for code, _ in wards]
        counts = {"households": 0, "members": 0, "memberships": 0, "events": 0}
        now = timezone.now()
        try:
            with transaction.atomic():
                bulk.lock_tables(bulk.POPULATION_MODELS)
                first = bulk.next_ids(bulk.POPULATION_MODELS)
                before = {"households": Household.objects.count(), "members": Member.objects.count()}
                # A load at least as large as the registry is faster with indexes built once at the end.
                rebuild = households >= max(before["households"], 10_000)
                chunks = generate_chunks(
                    households,
                    wards,
                    opts["seed"],
                    first_household_id=first[Household],
                    first_member_id=first[Member],
                    as_of=opts["as_of"],
                    id_numbers_used=self._id_prefixes_used(),
                    household_seq_used=self._household_seq_used(codes),
                )
                deferred = bulk.indexes_deferred(bulk.POPULATION_MODELS) if rebuild else contextlib.nullcontext()
                with deferred:
                    for hh, mm in prefetch(chunks):
                        written = bulk.insert_population(
                            hh,
                            mm,
                            first_membership_id=first[Membership] + counts["memberships"],
                            first_event_id=first[HouseholdEvent] + counts["events"],
                            recorded_at=now,
                        )
                        for key, value in written.items():
                            counts[key] += value
                    loaded = time.monotonic()
                if rebuild and opts["verbosity"] >= 2:
                    self.stdout.write(f"Indexes and constraints rebuilt in {time.monotonic() - loaded:.1f} s.")
                bulk.reset_sequences(bulk.POPULATION_MODELS)
                record(
                    actor=None,
                    action=RegistryAudit.SEED,
                    object_type="province",
                    object_id=province,
                    changes={
                        "households": [before["households"], before["households"] + counts["households"]],
                        "members": [before["members"], before["members"] + counts["members"]],
                    },
                    note=(
                        f"Synthetic city: seed {opts['seed']}, {counts['households']} households over "
                        f"{len(codes)} wards, as of {opts['as_of']}; household ids from {first[Household]}."
                    ),
                )
        except IntegrityError as exc:
            raise CommandError(f"The synthetic city clashes with existing records, nothing was written: {exc}") from exc
        bulk.analyze(bulk.POPULATION_MODELS)
        return counts

    def _id_prefixes_used(self) -> dict[str, int]:
        """How many ID numbers each six-digit prefix already has, so new serials continue after them."""
        rows = (
            Member.objects.exclude(id_number=None)
            .annotate(prefix=Substr("id_number", 1, 6))
            .values("prefix")
            .annotate(n=Count("id"))
            .values_list("prefix", "n")
        )
        return {str(prefix): int(n) for prefix, n in rows}

    def _household_seq_used(self, ward_codes: list[str]) -> dict[str, int]:
        """The highest ``{ward}-{seq:06d}`` sequence number each ward already uses."""
        rows = (
            Household.objects.filter(ward_id__in=ward_codes, code__regex=r"^[0-9]{5}-[0-9]{6}$")
            .values("ward_id")
            .annotate(top=Max("code"))
            .values_list("ward_id", "top")
        )
        return {str(ward): int(str(top)[6:]) for ward, top in rows if _CODE.match(str(top))}
