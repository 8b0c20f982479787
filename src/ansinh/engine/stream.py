"""The file route: two Parquet files assessed as a pipeline, without holding either file in memory.

Members are read, staged and packed batch by batch (a streamed Polars query, or row groups read with their
dictionaries on two threads); each batch is checked and summed per household on a worker; the households each
batch completes are read ahead from the households file on a thread of its own and staged. Any check that
fails (a value missing, members out of household order, a repeated member id…) makes ``run_files`` return
None: ``ansinh.engine.assess`` then takes the general route, which names the rows.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from queue import Full, Queue
from typing import Any

import numpy as np
import polars as pl

from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from ansinh.engine.parquet import Batch, arrow_pool, file_columns, member_batches, read_batch, read_table, scan_typed
from ansinh.engine.plan import Plan, required
from ansinh.engine.segments import FIELD_BITS, packed_word, sums_from, words_of
from ansinh.engine.stages import (
    INCOME,
    PolarsStages,
    compiled,
    months_by_birth_day,
    stage_rows,
    sum_columns,
    with_lookup_ages,
)
from ansinh.standards.formulas import MEMBERS


def run_files(plan: Plan, households: str | Path, members: str | Path) -> pl.DataFrame | None:
    """Assess two Parquet files on the file route (``_run_files``), or None when the general route must: also
    when a file cannot be read this way, so that the general route explains what is wrong with it."""
    try:
        with arrow_pool():
            try:
                return _run_files(plan, households, members, ordered=_ids_ordered(members))
            except _IdsUnordered:  # found out late (the file's statistics said nothing): once more, mapping ids
                return _run_files(plan, households, members, ordered=False)
    except (pl.exceptions.PolarsError, OSError, ValueError):  # pyarrow's errors are ValueError/OSError
        return None


class _IdsUnordered(Exception):
    """Member ids not in increasing order: their uniqueness needs ``_UniqueIds``."""


def _ids_ordered(path: str | Path) -> bool:
    """Whether the members file's statistics show its member ids increasing from row group to row group
    (each group's ids above the previous group's), as in a file written in id order. Then increasing ids
    within each batch prove them unique; otherwise (a registry extract, in household order, where members
    who moved keep their ids) ``_UniqueIds`` does."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    column = metadata.schema.to_arrow_schema().get_field_index("member_id")
    previous_max = None
    for i in range(metadata.num_row_groups):
        stats = metadata.row_group(i).column(column).statistics
        if stats is None or not stats.has_min_max:
            return False
        if previous_max is not None and stats.min <= previous_max:
            return False
        previous_max = stats.max
    return True


class _UniqueIds:
    """The member ids seen so far, one byte per possible id (registry ids are serial numbers, so the map is
    about one byte per member), shared by the workers. ``add`` is False when a batch repeats an id (its own or
    an earlier batch's), has a negative id, or ids too sparse for the map (the general route then checks)."""

    def __init__(self, rows: int) -> None:
        self._seen = np.zeros(0, dtype=np.bool_)
        self._limit = 8 * rows + (1 << 24)
        self._lock = threading.Lock()

    def add(self, ids: np.ndarray) -> bool:
        if not len(ids):
            return True
        low, high = int(ids.min()), int(ids.max())
        if low < 0 or high >= self._limit:
            return False
        with self._lock:
            if high >= len(self._seen):
                grown = np.zeros(min(max(high + 1, 2 * len(self._seen)), self._limit), dtype=np.bool_)
                grown[: len(self._seen)] = self._seen
                self._seen = grown
            window = self._seen[low : high + 1]  # a view: it sees the ids set below
            before = np.count_nonzero(window)
            window[ids - low] = True
            return bool(int(np.count_nonzero(window)) - before == len(ids))


STREAM_ROWS = 1 << 19  # members per batch of the file route (a batch costs a few milliseconds of setup)


def packed_members(plan: Plan, members: pl.LazyFrame, stages: PolarsStages) -> pl.LazyFrame:
    """The file route's member query, elementwise only (so that Polars can stream it): household_id,
    member_id, ``_bad`` (a required value empty, or a birth outside the age table or after the date: the
    general route then explains or handles it), the packed flags and income (see ``packed_query``)."""
    first, _ = months_by_birth_day(plan.on)
    dob = pl.col("date_of_birth")
    bad = pl.any_horizontal(pl.col(required(MEMBER_COLUMNS)).is_null()) | (dob < first) | (dob > plan.on)
    aged = with_lookup_ages(members, plan.on, bad.alias("_bad"))
    staged = stages.member_stage(aged, keep=("member_id", "_bad"))
    return staged.select(
        "household_id",
        "member_id",
        "_bad",
        *[packed_word(word, f"_word{w}") for w, word in enumerate(words_of(sum_columns(plan)))],
        INCOME,
    )


def _streams() -> bool:
    """Whether this Polars streams a query's result batch by batch (``collect_batches``, Polars 1.32+)."""
    return hasattr(pl.LazyFrame, "collect_batches")


def _member_frames(
    plan: Plan, path: str | Path, columns: tuple[list[str], list[str]], stages: PolarsStages
) -> Generator[pl.DataFrame | None, None, None]:
    """``packed_members`` over a members file, batch by batch in file order; None for a batch that cannot be
    read this way (a code outside its list).

    Codes stored as the engine's Enums: one streamed query (Polars reads, stages and packs on all cores,
    the file's metadata read once). Codes stored as text: batches of row groups read with their
    dictionaries (``read_batch``), two at a time."""
    plain, coded = columns
    if not coded and _streams():
        query = packed_members(plan, scan_typed(path, MEMBER_COLUMNS, plain), stages)
        yield from query.collect_batches(chunk_size=STREAM_ROWS, engine="streaming")
        return
    batches = member_batches(path, MEMBER_COLUMNS) or []

    def read(batch: Batch) -> pl.DataFrame | None:
        frame = read_batch(batch, MEMBER_COLUMNS)
        return None if frame is None else packed_members(plan, frame.lazy(), stages).collect()

    with ThreadPoolExecutor(2) as pool:
        pending = deque(batches)
        running = deque(pool.submit(read, pending.popleft()) for _ in range(min(2, len(pending))))
        try:
            while running:
                frame = running.popleft().result()
                if pending:
                    running.append(pool.submit(read, pending.popleft()))
                yield frame
        finally:
            for future in running:
                future.cancel()


class _HouseholdRows:
    """A households file's rows in file order, taken a slice at a time (typed; a slice's checks are the
    caller's). Read ahead on a thread of its own, so that a slice is there when its members are summed:
    codes stored as Enums, streamed (a few chunks ahead); as text, the table read whole (``read_table``)."""

    AHEAD = 3  # chunks read ahead of the slices taken

    def __init__(self, path: str | Path, columns: tuple[list[str], list[str]]) -> None:
        self._buffer: list[pl.DataFrame] = []
        self._buffered = 0
        self._failed = False
        self._ended = False
        self._queue: Queue[pl.DataFrame | None] = Queue(maxsize=self.AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(path, columns), daemon=True)
        self._thread.start()

    def _read(self, path: str | Path, columns: tuple[list[str], list[str]]) -> None:
        plain, coded = columns
        try:
            chunks: Iterable[pl.DataFrame | None]
            if coded:
                chunks = [read_table(path, HOUSEHOLD_COLUMNS)]
            elif _streams():
                chunks = scan_typed(path, HOUSEHOLD_COLUMNS, plain).collect_batches(
                    chunk_size=STREAM_ROWS // 4, engine="streaming"
                )
            else:
                chunks = [scan_typed(path, HOUSEHOLD_COLUMNS, plain).collect()]
            for chunk in chunks:
                if not self._put(chunk) or chunk is None:
                    return
        except Exception:  # whatever it is, the general route reads the file again and explains it
            self._put(None)
            return
        self._put(pl.DataFrame())  # the end

    def _put(self, item: pl.DataFrame | None) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def _next(self) -> pl.DataFrame | None:
        """The next chunk; None at the end (``_ended``) or on failure (``_failed``)."""
        if self._failed or self._ended:
            return None
        chunk = self._queue.get()
        if chunk is None:
            self._failed = True
        elif chunk.width == 0:
            self._ended = True
            return None
        return chunk

    def take(self, n: int) -> pl.DataFrame | None:
        """The next ``n`` rows, or None if the file has fewer left or cannot be read this way."""
        while self._buffered < n:
            chunk = self._next()
            if chunk is None:
                return None
            self._buffer.append(chunk)
            self._buffered += chunk.height
        whole = pl.concat(self._buffer) if len(self._buffer) > 1 else self._buffer[0]
        rest = whole.slice(n)
        self._buffer = [rest] if rest.height else []
        self._buffered = rest.height
        return whole.head(n)

    def exhausted(self) -> bool:
        """Whether every row was taken (False if the file could not be read)."""
        while self._buffered == 0:
            chunk = self._next()
            if chunk is None:
                return self._ended
            self._buffered = chunk.height
            self._buffer = [chunk]
        return False

    def close(self) -> None:
        """Stop reading (the thread ends; a stream not read to its end is dropped)."""
        self._stop.set()
        self._thread.join()


def _rows(path: str | Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


class _Decline(Exception):
    """The files need the general route."""


def _run_files(plan: Plan, households: str | Path, members: str | Path, *, ordered: bool) -> pl.DataFrame | None:
    """Assess two Parquet files as a pipeline, without holding either file in memory.

    The members are read, staged and packed batch by batch (``_member_frames``); each batch is checked and
    summed per household (``sums_of``, on a worker); in file order, a household cut between two batches gets
    its two partial sums added, and the households each batch completes are taken from the households file
    and staged (``stage``, on a worker). Member ids must be unique: with ``ordered``, increasing ids prove it
    (``_IdsUnordered`` is raised at the first that is not); otherwise ``_UniqueIds`` checks them. None when
    the files need the general route: a check failed (the general route then names the rows), members not
    sorted by household (it sorts), households of 256 members or more (it sums them column by column)."""
    member_columns = file_columns(members, MEMBER_COLUMNS)
    household_columns = file_columns(households, HOUSEHOLD_COLUMNS)
    if member_columns is None or household_columns is None:
        return None
    unique = None if ordered else _UniqueIds(_rows(members))
    stages = compiled(plan)
    columns = sum_columns(plan)
    words = words_of(columns)
    household_required = required(HOUSEHOLD_COLUMNS)

    def sums_of(batch: pl.DataFrame | None) -> tuple[pl.DataFrame, int, int] | None:
        """The batch's per-household sums, first and last member id; None if a check failed."""
        if batch is None or batch.height == 0 or batch.get_column("_bad").any():
            return None
        hid = batch.get_column("household_id").to_numpy()
        mid = batch.get_column("member_id").to_numpy()
        if (hid[1:] < hid[:-1]).any():
            return None
        if unique is None:
            if (mid[1:] <= mid[:-1]).any():
                raise _IdsUnordered
        elif not unique.add(mid):
            return None
        starts = np.flatnonzero(np.concatenate(([True], hid[1:] != hid[:-1])))
        counts = np.diff(np.append(starts, len(hid)))
        if counts.max() >= (1 << FIELD_BITS):
            return None
        return sums_from(batch, batch, words, columns, hid[starts], starts, counts), int(mid[0]), int(mid[-1])

    def stage(hh: pl.DataFrame | None, sums: pl.DataFrame) -> pl.DataFrame | None:
        """The households of ``sums`` staged (``hh``: the households file's next rows, which must be exactly
        those households: none without members, none missing); None if a check failed."""
        if (
            hh is None
            or not hh.get_column("household_id").equals(sums.get_column("household_id"))
            or any(hh.select(pl.col(household_required).null_count()).row(0))
        ):
            return None
        return stage_rows(plan, hh, sums, stages)

    rows = _HouseholdRows(households, household_columns)
    frames = _member_frames(plan, members, member_columns, stages)
    carry: pl.DataFrame | None = None  # the last household so far: the next batch may continue it
    last_member: int | None = None
    summing: deque[Future[Any]] = deque()
    staged: list[Future[Any]] = []

    def settle(wait: bool) -> None:
        """Take the finished sums in order: join a cut household, stage the complete ones."""
        nonlocal carry, last_member
        while summing and (wait or summing[0].done()):
            result = summing.popleft().result()
            if result is None:
                raise _Decline
            sums, first_member, final_member = result
            if unique is None and last_member is not None and first_member <= last_member:
                raise _IdsUnordered  # member ids not increasing across batches
            last_member = final_member
            if carry is not None:
                carry_id, first_id = carry.get_column("household_id")[0], sums.get_column("household_id")[0]
                if carry_id > first_id:
                    raise _Decline  # not sorted by household across batches
                if carry_id == first_id:  # a household cut between two batches: its partial sums added
                    joined = (
                        pl.concat([carry, sums.head(1)])
                        .select(pl.all().sum())
                        .with_columns(pl.lit(first_id).alias("household_id"))
                        .cast(sums.schema)
                    )
                    if joined.get_column(MEMBERS)[0] >= (1 << FIELD_BITS):
                        raise _Decline
                    sums = pl.concat([joined, sums.slice(1)])
                else:
                    sums = pl.concat([carry, sums])
            complete, carry = sums.head(sums.height - 1), sums.tail(1)
            if complete.height:
                staged.append(pool.submit(stage, rows.take(complete.height), complete.rechunk()))

    try:
        with ThreadPoolExecutor(2) as pool:
            try:
                for frame in frames:
                    summing.append(pool.submit(sums_of, frame))
                    del frame
                    settle(wait=False)
                settle(wait=True)
                if carry is not None:
                    staged.append(pool.submit(stage, rows.take(carry.height), carry))
                parts: list[pl.DataFrame | None] = [future.result() for future in staged]
            except _Decline:
                return None
            finally:
                frames.close()
                for future in [*summing, *staged]:
                    future.cancel()
        exhausted = rows.exhausted()
    finally:
        rows.close()
    done = [part for part in parts if part is not None]
    if not done or len(done) < len(parts) or not exhausted:
        return None  # a check failed, or households without members after the last member's household
    return pl.concat(done, rechunk=False) if len(done) > 1 else done[0]  # chunks kept: no copy
