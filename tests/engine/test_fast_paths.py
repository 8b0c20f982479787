"""The engine's fast paths give exactly what the general route gives: Parquet files read with their codes checked
on the files' dictionaries, ages looked up by day of birth, and member counts summed packed seven to a word."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import narwhals.stable.v2 as nw
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.engine import FrameError, assess, parquet
from ansinh.engine.assess import (
    AGE_SPAN_YEARS,
    INCOME,
    age_columns,
    build_plan,
    months_by_birth_day,
    resolve,
    run_files,
    segment_sums,
)
from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, coded_as_enums, validate_frames
from ansinh.engine.parquet import read_table
from ansinh.standards.formulas import AGE_MONTHS, MEMBERS
from ansinh.synth import generate

ON = dt.date(2026, 6, 30)
WARDS = [("26734", "urban"), ("26737", "rural"), ("27553", "urban")]
City = tuple[Path, Path, pl.DataFrame, pl.DataFrame]


@pytest.fixture(scope="module", params=["codes_as_text", "codes_as_enums"])
def city(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> City:
    """A city in Parquet, its coded columns stored as text (read through pyarrow's dictionaries, batch by
    batch) or as the engine's Enums, as ``ansinh seed`` writes them (streamed by Polars)."""
    households, members = generate(3_000, WARDS, seed=7)
    folder = tmp_path_factory.mktemp("city")
    hpath, mpath = folder / "households.parquet", folder / "members.parquet"
    stored = (lambda frame, columns: frame) if request.param == "codes_as_text" else coded_as_enums
    stored(households, HOUSEHOLD_COLUMNS).write_parquet(hpath)
    stored(members, MEMBER_COLUMNS).write_parquet(mpath, row_group_size=997)  # row groups end inside households
    return hpath, mpath, households, members


@pytest.fixture(scope="module")
def enum_city(tmp_path_factory: pytest.TempPathFactory) -> City:
    households, members = generate(3_000, WARDS, seed=7)
    folder = tmp_path_factory.mktemp("enum_city")
    hpath, mpath = folder / "households.parquet", folder / "members.parquet"
    coded_as_enums(households, HOUSEHOLD_COLUMNS).write_parquet(hpath)
    coded_as_enums(members, MEMBER_COLUMNS).write_parquet(mpath, row_group_size=997)
    return hpath, mpath, households, members


@pytest.mark.parametrize("standard", ["vn_2022", "hcm_2024", "vn_2027"])
def test_parquet_files_assess_exactly_as_frames_do(city: City, standard: str) -> None:
    hpath, mpath, households, members = city
    on = dt.date(2027, 6, 30) if standard == "vn_2027" else ON
    assert run_files(build_plan(resolve(standard), on), hpath, mpath) is not None  # the streamed route ran
    from_files = assess(hpath, mpath, standard, on)
    from_frames = assess(households, members, standard, on)
    assert from_files.height == households.height
    assert from_files.equals(from_frames)
    assert set(from_files["class"].unique()) >= {"poor", "not_poor"}  # a real mix, not a trivial result


def _assess_module() -> object:
    import importlib

    return importlib.import_module("ansinh.engine.stream")  # the file route's module


def test_codes_stored_as_enums_are_streamed_and_read_as_they_are(
    enum_city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    hpath, mpath, households, members = enum_city
    assert parquet.file_columns(mpath, MEMBER_COLUMNS) is not None
    assert parquet.file_columns(mpath, MEMBER_COLUMNS)[1] == []  # type: ignore[index]  # no code looked up
    assert parquet.file_columns(hpath, HOUSEHOLD_COLUMNS)[1] == []  # type: ignore[index]
    streamed: list[int] = []
    original = pl.LazyFrame.collect_batches

    def spy(self: pl.LazyFrame, **kwargs: object) -> object:
        streamed.append(1)
        return original(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.LazyFrame, "collect_batches", spy)
    result = run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath)
    assert len(streamed) == 2  # the members and the households, each one streamed query
    assert result is not None and result.equals(assess(households, members, "vn_2022", ON))


def test_without_streaming_enum_files_are_read_batch_by_batch(enum_city: City, monkeypatch: pytest.MonkeyPatch) -> None:
    hpath, mpath, households, members = enum_city
    monkeypatch.setattr(_assess_module(), "_streams", lambda: False)  # a Polars without collect_batches
    monkeypatch.setattr(parquet, "BATCH_ROWS", 997)
    result = run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath)
    assert result is not None and result.equals(assess(households, members, "vn_2022", ON))


def test_households_cut_between_streamed_batches_are_summed_whole(
    enum_city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    hpath, mpath, households, members = enum_city
    monkeypatch.setattr(_assess_module(), "STREAM_ROWS", 1_000)  # batches end inside households
    result = run_files(build_plan(resolve("hcm_2024"), ON), hpath, mpath)
    assert result is not None and result.equals(assess(households, members, "hcm_2024", ON))


def test_an_enum_of_the_codes_in_another_order_is_read_through_its_dictionary(enum_city: City, tmp_path: Path) -> None:
    hpath, _, households, members = enum_city
    expected = assess(households, members, "vn_2022", ON)
    codes = list(MEMBER_COLUMNS["education_level"].codes or ())
    for categories, route in ((list(reversed(codes)), "file"), ([*codes, "unknown"], "general")):
        other = tmp_path / f"members_{route}.parquet"
        coded_as_enums(members, MEMBER_COLUMNS).with_columns(
            pl.col("education_level").cast(pl.String).cast(pl.Enum(categories))
        ).write_parquet(other)
        assert parquet.file_columns(other, MEMBER_COLUMNS)[1] == ["education_level"]  # type: ignore[index]
        result = run_files(build_plan(resolve("vn_2022"), ON), hpath, other)
        # A category that is not a code (even unused) sends the file to the general route, which checks values.
        assert (result is not None) == (route == "file")
        assert assess(hpath, other, "vn_2022", ON).equals(expected)


def test_streamed_files_that_break_the_contract_take_the_general_route(enum_city: City, tmp_path: Path) -> None:
    hpath, mpath, households, members = enum_city
    plan = build_plan(resolve("vn_2022"), ON)
    # A required code left empty.
    empty_sex = tmp_path / "members_empty_sex.parquet"
    coded_as_enums(members, MEMBER_COLUMNS).with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise(pl.col("sex")).alias("sex")
    ).write_parquet(empty_sex)
    assert run_files(plan, hpath, empty_sex) is None
    with pytest.raises(FrameError, match=r"members\.sex"):
        assess(hpath, empty_sex, "vn_2022", ON)
    # A household without members at the end of the file, and one missing from the households.
    extra = tmp_path / "households_extra.parquet"
    last = households.tail(1).with_columns(pl.col("household_id") + 1)
    coded_as_enums(pl.concat([households, last]), HOUSEHOLD_COLUMNS).write_parquet(extra)
    assert run_files(plan, extra, mpath) is None
    with pytest.raises(FrameError, match="without members"):
        assess(extra, mpath, "vn_2022", ON)
    missing = tmp_path / "households_missing_one.parquet"
    coded_as_enums(households.filter(pl.int_range(pl.len()) != 1500), HOUSEHOLD_COLUMNS).write_parquet(missing)
    assert run_files(plan, missing, mpath) is None
    with pytest.raises(FrameError, match="household"):
        assess(missing, mpath, "vn_2022", ON)
    # Members not sorted by household.
    shuffled = tmp_path / "members_shuffled.parquet"
    coded_as_enums(members.sample(fraction=1.0, shuffle=True, seed=5), MEMBER_COLUMNS).write_parquet(shuffled)
    assert run_files(plan, hpath, shuffled) is None
    assert assess(hpath, shuffled, "vn_2022", ON).equals(assess(households, members, "vn_2022", ON))


def test_a_streamed_household_of_256_members_takes_the_general_route(tmp_path: Path) -> None:
    from tests.engine.builders import one

    hh, mm = one({}, {})
    big = pl.concat([mm] * 256).with_columns(pl.int_range(1, 257).alias("member_id"))
    hpath, mpath = tmp_path / "households.parquet", tmp_path / "members.parquet"
    coded_as_enums(hh, HOUSEHOLD_COLUMNS).write_parquet(hpath)
    coded_as_enums(big, MEMBER_COLUMNS).write_parquet(mpath)
    assert run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath) is None
    result = assess(hpath, mpath, "vn_2022", ON)
    assert result["members"][0] == 256
    assert result.equals(assess(hh, big, "vn_2022", ON))


def test_the_parquet_reader_types_codes_as_enums_and_keeps_empty_values(city: City) -> None:
    hpath, mpath, _, members = city
    hh, mm = read_table(hpath, HOUSEHOLD_COLUMNS), read_table(mpath, MEMBER_COLUMNS)
    assert hh is not None and mm is not None
    assert hh.schema["area_type"] == pl.Enum(["urban", "rural"])
    assert mm.schema["employment_status"] == pl.Enum(list(MEMBER_COLUMNS["employment_status"].codes or ()))
    assert mm["nutrition_status"].null_count() == members["nutrition_status"].null_count() > 0
    assert mm["education_level"].cast(pl.String).equals(members["education_level"])


def test_a_value_outside_the_codes_in_a_parquet_file_is_reported_by_row(city: City, tmp_path: Path) -> None:
    hpath, _, _, members = city
    bad = members.with_columns(
        pl.when(pl.col("member_id") == members["member_id"][5])
        .then(pl.lit("Employed"))
        .otherwise(pl.col("employment_status"))
        .alias("employment_status")
    )
    mpath = tmp_path / "members.parquet"
    bad.write_parquet(mpath)
    assert read_table(mpath, MEMBER_COLUMNS) is None
    assert run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath) is None
    with pytest.raises(FrameError, match=r"members\.employment_status: 1 value\(s\) not a code.*'Employed'"):
        assess(hpath, mpath, "vn_2022", ON)


def test_a_parquet_file_with_text_columns_or_a_missing_column_takes_the_general_route(
    city: City, tmp_path: Path
) -> None:
    hpath, mpath, households, members = city
    as_text = tmp_path / "members_text.parquet"
    members.with_columns(pl.col("monthly_income").cast(pl.String)).write_parquet(as_text)
    assert read_table(as_text, MEMBER_COLUMNS) is None
    assert assess(hpath, as_text, "vn_2022", ON).equals(assess(households, members, "vn_2022", ON))
    missing = tmp_path / "households_missing.parquet"
    households.drop("toilet_type").write_parquet(missing)
    with pytest.raises(FrameError, match=r"missing column.*toilet_type"):
        assess(missing, mpath, "vn_2022", ON)


def test_households_cut_between_batches_are_summed_whole(city: City, monkeypatch: pytest.MonkeyPatch) -> None:
    hpath, mpath, households, members = city
    monkeypatch.setattr(parquet, "BATCH_ROWS", 997)  # one row group per batch
    batches = parquet.member_batches(mpath, MEMBER_COLUMNS)
    assert batches is not None and len(batches) > 5
    result = run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath)
    assert result is not None
    assert result.equals(assess(households, members, "vn_2022", ON))


def test_members_whose_ids_do_not_increase_are_checked_unique_by_a_map_of_ids(
    city: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registry extract is in household order; members who moved keep their ids, so the ids do not
    increase. The file route then proves them unique with a map of the ids instead of declining."""
    hpath, _, households, members = city
    plan = build_plan(resolve("vn_2022"), ON)
    monkeypatch.setattr(_assess_module(), "STREAM_ROWS", 1_000)  # several batches
    monkeypatch.setattr(parquet, "BATCH_ROWS", 997)
    rng = np.random.default_rng(3)
    moved = rng.random(members.height) < 0.05
    ids = members["member_id"].to_numpy().copy()
    ids[moved] = ids.max() + 1 + np.arange(moved.sum())  # re-registered elsewhere: newer ids, household order kept
    cases = {
        "decreasing": members.with_columns(pl.col("member_id").reverse()),
        "moved": members.with_columns(pl.Series("member_id", ids)),
    }
    for name, frame in cases.items():
        mpath = tmp_path / f"members_{name}.parquet"
        frame.write_parquet(mpath, row_group_size=997)
        assert not _assess_module()._ids_ordered(mpath)  # type: ignore[attr-defined]
        result = run_files(plan, hpath, mpath)
        assert result is not None, name
        assert result.equals(assess(households, frame, "vn_2022", ON)), name


def test_ids_out_of_order_inside_row_groups_are_found_and_mapped(
    city: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hpath, _, households, members = city
    ids = members["member_id"].to_numpy().copy()
    ids[[10, 11]] = ids[[11, 10]]  # the row groups' statistics still increase: found while reading
    frame = members.with_columns(pl.Series("member_id", ids))
    mpath = tmp_path / "members_swapped_pair.parquet"
    frame.write_parquet(mpath, row_group_size=997)
    assess_module = _assess_module()
    assert assess_module._ids_ordered(mpath)  # type: ignore[attr-defined]
    runs: list[bool] = []
    original = assess_module._run_files  # type: ignore[attr-defined]

    def spy(*args: object, ordered: bool) -> object:
        runs.append(ordered)
        return original(*args, ordered=ordered)

    monkeypatch.setattr(assess_module, "_run_files", spy)
    result = run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath)
    assert runs == [True, False]
    assert result is not None and result.equals(assess(households, frame, "vn_2022", ON))


def test_repeated_negative_or_sparse_member_ids_take_the_general_route(
    city: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hpath, _, households, members = city
    plan = build_plan(resolve("vn_2022"), ON)
    monkeypatch.setattr(_assess_module(), "STREAM_ROWS", 1_000)
    monkeypatch.setattr(parquet, "BATCH_ROWS", 997)
    ids = members["member_id"].to_numpy()
    last = members.height - 1
    repeated_far = ids.copy()
    repeated_far[last] = ids[3]  # the same id in the first and the last batch
    repeated_near = ids[::-1].copy()
    repeated_near[5] = repeated_near[6]  # twice in one batch
    for name, values in (("far", repeated_far), ("near", repeated_near)):
        mpath = tmp_path / f"members_repeated_{name}.parquet"
        members.with_columns(pl.Series("member_id", values)).write_parquet(mpath, row_group_size=997)
        assert run_files(plan, hpath, mpath) is None, name
        with pytest.raises(FrameError, match="duplicate member_id"):
            assess(hpath, mpath, "vn_2022", ON)
    for name, values in (("negative", -ids), ("sparse", ids[::-1] * 10**12)):
        frame = members.with_columns(pl.Series("member_id", values))
        mpath = tmp_path / f"members_{name}.parquet"
        frame.write_parquet(mpath, row_group_size=997)
        assert run_files(plan, hpath, mpath) is None, name
        assert assess(hpath, mpath, "vn_2022", ON).equals(assess(households, frame, "vn_2022", ON)), name


def test_a_file_without_statistics_has_its_ids_mapped(city: City, tmp_path: Path) -> None:
    hpath, _, households, members = city
    mpath = tmp_path / "members_no_statistics.parquet"
    members.write_parquet(mpath, statistics=False)
    assert not _assess_module()._ids_ordered(mpath)  # type: ignore[attr-defined]
    result = run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath)
    assert result is not None and result.equals(assess(households, members, "vn_2022", ON))


def test_a_member_born_after_the_date_in_a_parquet_file_is_reported(city: City, tmp_path: Path) -> None:
    hpath, _, _, members = city
    unborn = members.with_columns(
        pl.when(pl.col("member_id") == members["member_id"][9])
        .then(pl.lit(ON + dt.timedelta(days=1)))
        .otherwise(pl.col("date_of_birth"))
        .alias("date_of_birth")
    )
    mpath = tmp_path / "members_unborn.parquet"
    unborn.write_parquet(mpath)
    with pytest.raises(FrameError, match="after the assessment date"):
        assess(hpath, mpath, "vn_2022", ON)


def test_an_income_too_large_for_the_engine_is_reported_not_raised(city: City, tmp_path: Path) -> None:
    hpath, _, _, members = city
    huge = members.with_columns(
        pl.when(pl.col("member_id") == members["member_id"][3])
        .then(pl.lit(2**63 + 5, dtype=pl.UInt64))
        .otherwise(pl.col("monthly_income").cast(pl.UInt64))
        .alias("monthly_income")
    )
    mpath = tmp_path / "members_huge.parquet"
    huge.write_parquet(mpath)
    assert run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath) is None
    with pytest.raises(FrameError, match="monthly_income"):
        assess(hpath, mpath, "vn_2022", ON)


def test_unsorted_parquet_members_are_sorted_by_the_general_route(city: City, tmp_path: Path) -> None:
    hpath, _, households, members = city
    shuffled = tmp_path / "members_shuffled.parquet"
    members.sample(fraction=1.0, shuffle=True, seed=3).write_parquet(shuffled)
    assert assess(hpath, shuffled, "vn_2022", ON).equals(assess(households, members, "vn_2022", ON))


def test_the_age_table_gives_what_the_age_expression_gives_on_every_day() -> None:
    for on in (ON, dt.date(2024, 2, 29), dt.date(2025, 3, 31)):
        first, months = months_by_birth_day(on)
        assert first == dt.date(on.year - AGE_SPAN_YEARS, 1, 1)
        days = pl.DataFrame({"date_of_birth": pl.date_range(first, on, eager=True)})
        expected = nw.from_native(days).select(age_columns(on)[0]).to_native()[AGE_MONTHS]
        assert months.cast(pl.Int64).equals(expected.cast(pl.Int64))
        assert months[-1] == 0 and months[0] == AGE_SPAN_YEARS * 12 + on.month - 1 - (on.day < 1)


def test_members_born_before_the_age_table_are_aged_by_the_calendar() -> None:
    from tests.engine.builders import one

    old = dt.date(ON.year - AGE_SPAN_YEARS - 1, 1, 1)
    hh, mm = one({}, {"date_of_birth": old, "receives_pension": False})
    result = assess(hh, mm, "vn_2022", ON)
    assert result["ind_dependants"][0] == 1  # one member, elderly without pension: all dependants


def _by_group_by(flags: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return flags.group_by("household_id", maintain_order=True).agg(
        *[pl.col(c).sum().cast(pl.Int64 if c == INCOME else pl.Int32) for c in columns],
        pl.len().cast(pl.Int32).alias(MEMBERS),
    )


@settings(max_examples=60)
@given(
    sizes=st.lists(st.integers(1, 12), min_size=1, max_size=40),
    n_flags=st.integers(1, 16),
    seed=st.integers(0, 2**32 - 1),
)
def test_packed_segment_sums_equal_a_group_by(sizes: list[int], n_flags: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    total = sum(sizes)
    columns = [f"f{i}" for i in range(n_flags)] + [INCOME]
    flags = pl.DataFrame(
        {
            "household_id": np.repeat(np.arange(1, len(sizes) + 1) * 3, sizes),
            **{f"f{i}": rng.integers(0, 2, total).astype(np.int8) for i in range(n_flags)},
            INCOME: rng.integers(0, 10**8, total),
        }
    )
    assert segment_sums(flags, columns).equals(_by_group_by(flags, columns))


def test_a_household_of_more_than_255_members_is_summed_column_by_column() -> None:
    sizes = [300, 2, 256]
    total = sum(sizes)
    flags = pl.DataFrame(
        {
            "household_id": np.repeat([1, 2, 3], sizes),
            "f0": np.ones(total, dtype=np.int8),
            "f1": (np.arange(total) % 2).astype(np.int8),
            INCOME: np.full(total, 5, dtype=np.int64),
        }
    )
    sums = segment_sums(flags, ["f0", "f1", INCOME])
    assert sums["f0"].to_list() == [300, 2, 256]
    assert sums.equals(_by_group_by(flags, ["f0", "f1", INCOME]))


def test_packed_counts_are_read_the_same_on_either_byte_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    rng = np.random.default_rng(4)
    flags = pl.DataFrame(
        {
            "household_id": np.repeat(np.arange(50), 5),
            **{f"f{i}": rng.integers(0, 2, 250).astype(np.int8) for i in range(9)},
            INCOME: rng.integers(0, 1000, 250),
        }
    )
    columns = [f"f{i}" for i in range(9)] + [INCOME]
    native = segment_sums(flags, columns)
    monkeypatch.setattr(sys, "byteorder", "big" if sys.byteorder == "little" else "little")
    other = segment_sums(flags, columns)
    assert native.equals(other) and native.equals(_by_group_by(flags, columns))


def test_segment_sums_stay_exact_when_the_running_total_overflows() -> None:
    big = 3 * 2**60  # four households of two such members: each total fits in int64, the running total does not
    flags = pl.DataFrame(
        {
            "household_id": np.repeat([1, 2, 3, 4], 2),
            "f0": np.ones(8, dtype=np.int8),
            INCOME: np.full(8, big, dtype=np.int64),
        }
    )
    sums = segment_sums(flags, ["f0", INCOME])
    assert sums[INCOME].to_list() == [2 * big] * 4
    assert sums["f0"].to_list() == [2] * 4


def test_segment_sums_of_no_members_is_empty() -> None:
    flags = pl.DataFrame(
        {"household_id": [], "f0": [], INCOME: []}, schema={"household_id": pl.Int64, "f0": pl.Int8, INCOME: pl.Int64}
    )
    assert segment_sums(flags, ["f0", INCOME]).height == 0


def test_validated_typed_frames_share_the_input_buffers(city: City) -> None:
    hpath, mpath, _, _ = city
    hh, mm = read_table(hpath, HOUSEHOLD_COLUMNS), read_table(mpath, MEMBER_COLUMNS)
    assert hh is not None and mm is not None
    vh, vm = validate_frames(hh, mm, ON, optional=False)
    assert vm.equals(mm) and vh.equals(hh)


def test_the_file_route_reads_with_pyarrows_jemalloc_pool_and_restores_the_default(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    import pyarrow as pa

    assess_module = importlib.import_module("ansinh.engine.stream")  # the file route's module

    hpath, mpath, _, _ = city
    before = pa.default_memory_pool().backend_name
    seen: list[str] = []
    original = assess_module._run_files

    def spy(*args: object, **kwargs: object) -> pl.DataFrame | None:
        seen.append(pa.default_memory_pool().backend_name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assess_module, "_run_files", spy)
    assert run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath) is not None
    assert seen == ["jemalloc"]  # the Linux wheels CI installs carry jemalloc
    assert pa.default_memory_pool().backend_name == before

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("unreadable")

    monkeypatch.setattr(assess_module, "_run_files", fail)
    assert run_files(build_plan(resolve("vn_2022"), ON), hpath, mpath) is None
    assert pa.default_memory_pool().backend_name == before


def test_a_members_file_without_rows_is_reported_not_raised(city: City, tmp_path: Path) -> None:
    hpath, _, _, members = city
    empty = tmp_path / "members.parquet"
    members.head(0).write_parquet(empty)
    assert run_files(build_plan(resolve("vn_2022"), ON), hpath, empty) is None
    with pytest.raises(FrameError):
        assess(hpath, empty, "vn_2022", ON)
