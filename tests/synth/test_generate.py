"""The synthetic city: deterministic, shaped like docs/frames.md, and plausible."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh import vocab
from ansinh.synth import HOUSEHOLD_FRAME, MEMBER_FRAME, generate, generate_chunks
from ansinh.synth.tables import BIRTH_PROVINCES_ELSEWHERE

WARDS = [("26734", "urban"), ("26737", "urban"), ("27553", "rural"), ("26740", "urban"), ("27556", "rural")]
DOC_TYPES = {"int64": pl.Int64, "str": pl.String, "float64": pl.Float64, "bool": pl.Boolean, "date": pl.Date}
CODED = {
    "households": {
        "area_type": vocab.AREA_TYPE,
        "water_source": vocab.WATER_SOURCE,
        "toilet_type": vocab.TOILET_TYPE,
        "waste_handling": vocab.WASTE_HANDLING,
        "residence_type": vocab.RESIDENCE_TYPE,
        "status": vocab.HOUSEHOLD_STATUS,
    },
    "members": {
        "sex": vocab.SEX,
        "relation": vocab.RELATION,
        "ethnicity": vocab.ETHNICITY,
        "disability_level": vocab.DISABILITY_LEVEL,
        "schooling_status": vocab.SCHOOLING_STATUS,
        "school_level": vocab.SCHOOL_LEVEL,
        "education_level": vocab.EDUCATION_LEVEL,
        "employment_status": vocab.EMPLOYMENT_STATUS,
        "nutrition_status": vocab.NUTRITION_STATUS,
    },
}


@pytest.fixture(scope="module")
def city() -> tuple[pl.DataFrame, pl.DataFrame]:
    # Small chunks so the test crosses chunk boundaries.
    return generate(12_000, WARDS, seed=42, chunk_size=5_000)


def documented_columns(section: str) -> dict[str, list[type[pl.DataType]]]:
    """Columns and dtypes of one table in docs/frames.md (``a, b, c | bool`` rows list several)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "frames.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    columns: dict[str, list[type[pl.DataType]]] = {}
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[0] in ("column", "") or set(cells[0]) <= {"-"}:
            continue
        kind = cells[1].split(",")[0].strip()
        for name in re.split(r",\s*", cells[0]):
            columns[name] = [DOC_TYPES[kind]]
    return columns


def age_on(dob: pl.Expr, day: datetime.date) -> pl.Expr:
    before_birthday = (dob.dt.month() > day.month) | ((dob.dt.month() == day.month) & (dob.dt.day() > day.day))
    return pl.lit(day.year) - dob.dt.year() - before_birthday.cast(pl.Int32)


def test_it_gives_identical_frames_for_the_same_seed(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    again = generate(12_000, WARDS, seed=42, chunk_size=5_000)
    assert city[0].equals(again[0])
    assert city[1].equals(again[1])


def test_it_gives_another_city_for_another_seed(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    other = generate(12_000, WARDS, seed=43, chunk_size=5_000)
    assert not city[1]["full_name"].equals(other[1]["full_name"])


@pytest.mark.parametrize(("section", "index"), [("households", 0), ("members", 1)])
def test_it_has_every_documented_column_with_its_dtype(
    city: tuple[pl.DataFrame, pl.DataFrame], section: str, index: int
) -> None:
    documented = documented_columns(section)
    assert documented, "could not read docs/frames.md"
    frame = city[index]
    for name, (dtype,) in documented.items():
        assert name in frame.columns, name
        assert frame.schema[name] == dtype, name
    assert list(documented) == list(HOUSEHOLD_FRAME if index == 0 else MEMBER_FRAME)


def test_it_uses_only_vocabulary_codes(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    for index, section in enumerate(("households", "members")):
        for column, vocabulary in CODED[section].items():
            values = set(city[index][column].drop_nulls().unique().to_list())
            assert values <= set(vocabulary), (column, values - set(vocabulary))


def test_it_gives_every_household_exactly_one_adult_head(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    households, members = city
    heads = members.filter(pl.col("relation") == "head")
    assert heads["household_id"].n_unique() == heads.height == households.height
    assert heads.select(age_on(pl.col("date_of_birth"), datetime.date(2026, 1, 1)).min()).item() >= 18
    assert set(members["household_id"].unique()) == set(households["household_id"])


def test_it_keeps_ids_and_codes_unique_and_members_contiguous(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    households, members = city
    assert households["household_id"].is_unique().all()
    assert households["code"].is_unique().all()
    assert households.select(
        (pl.col("code").str.slice(0, 5) == pl.col("ward_code")).all()
        & pl.col("code").str.contains(r"^\d{5}-\d{6}$").all()
    ).item()
    assert members["member_id"].is_unique().all()
    assert members.select(pl.col("household_id").is_sorted(), pl.col("member_id").is_sorted()).row(0) == (True, True)
    assert members["member_id"].to_list() == list(range(1, members.height + 1))


def test_it_issues_id_numbers_that_agree_with_birth_date_and_sex(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    members = city[1].filter(pl.col("id_number").is_not_null())
    known = {"079", *BIRTH_PROVINCES_ELSEWHERE[0]}
    checked = members.select(
        pl.col("id_number").str.contains(r"^\d{12}$").all().alias("twelve_digits"),
        pl.col("id_number").str.slice(0, 3).is_in(list(known)).all().alias("province"),
        (
            pl.col("id_number").str.slice(3, 1).cast(pl.Int32)
            == pl.when(pl.col("date_of_birth").dt.year() >= 2000).then(2).otherwise(0)
            + (pl.col("sex") == "F").cast(pl.Int32)
        )
        .all()
        .alias("century_and_sex"),
        (pl.col("id_number").str.slice(4, 2).cast(pl.Int32) == pl.col("date_of_birth").dt.year() % 100)
        .all()
        .alias("year"),
        pl.col("id_number").is_unique().all().alias("unique"),
    )
    assert checked.row(0, named=True) == dict.fromkeys(checked.columns, True)
    assert (members["id_number"].str.slice(0, 3) == "079").mean() > 0.5  # type: ignore[operator]


def test_it_leaves_only_some_young_children_without_an_id_number(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    members = city[1].with_columns(age=age_on(pl.col("date_of_birth"), datetime.date(2026, 1, 1)))
    missing = members.filter(pl.col("id_number").is_null())
    assert missing.height > 0
    assert missing["age"].max() < 14  # type: ignore[operator]
    assert missing.height < 0.2 * members.filter(pl.col("age") < 14).height


def test_it_continues_id_serials_after_an_earlier_seed() -> None:
    _, first = generate(3_000, WARDS, seed=1)
    used = first.filter(pl.col("id_number").is_not_null()).group_by(pl.col("id_number").str.slice(0, 6)).len()
    _, second = generate(3_000, WARDS, seed=1, id_numbers_used=dict(used.iter_rows()))
    overlap = set(first["id_number"].drop_nulls()) & set(second["id_number"].drop_nulls())
    assert not overlap


def test_it_starts_ids_where_it_is_told(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    parts = list(generate_chunks(100, WARDS, seed=5, first_household_id=1_001, first_member_id=5_001))
    households, members = parts[0]
    assert households["household_id"].min() == 1_001
    assert members["member_id"].min() == 5_001
    assert set(members["household_id"]) == set(households["household_id"])


def test_it_follows_schooling_by_age(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    members = city[1].with_columns(age=age_on(pl.col("date_of_birth"), datetime.date(2026, 1, 1)))
    attending = members.filter(pl.col("schooling_status") == "attending")
    assert members.filter(pl.col("schooling_status") == "not_attending")["school_level"].null_count() == (
        members.filter(pl.col("schooling_status") == "not_attending").height
    )
    assert attending["school_level"].null_count() == 0
    for level, (lo, hi) in {
        "preschool": (3, 5),
        "primary": (6, 10),
        "lower_secondary": (11, 14),
        "upper_secondary": (15, 17),
    }.items():
        ages = attending.filter(pl.col("school_level") == level)["age"]
        assert ages.min() == lo and ages.max() == hi, level
        share = members.filter(pl.col("age").is_between(lo, hi))["schooling_status"].eq("attending").mean()
        assert 0.6 < share < 1.0, level  # type: ignore[operator]


def test_it_records_nutrition_only_for_children_under_16(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    members = city[1].with_columns(age=age_on(pl.col("date_of_birth"), datetime.date(2026, 1, 1)))
    children = members.filter(pl.col("age") < 16)
    assert (
        members.filter(pl.col("age") >= 16)["nutrition_status"].null_count()
        == members.filter(pl.col("age") >= 16).height
    )
    malnourished = children["nutrition_status"].is_in(["stunted", "underweight"]).mean()
    assert 0.01 < malnourished < 0.2  # type: ignore[operator]


def test_it_is_plausible_for_a_vietnamese_city(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    members = city[1]
    size = members.group_by("household_id").len()["len"]
    assert 3.0 < size.mean() < 4.0  # type: ignore[operator]
    assert size.min() >= 1 and size.max() <= 8  # type: ignore[operator]
    assert 0.88 < members["has_health_insurance"].mean() < 0.96  # type: ignore[operator]
    assert 0.02 < (members["disability_level"] != "none").mean() < 0.06  # type: ignore[operator]
    assert 0.3 < (members["full_name"].str.starts_with("Nguyễn ")).mean() < 0.45  # type: ignore[operator]
    assert 0.45 < (members["sex"] == "M").mean() < 0.55  # type: ignore[operator]


def test_it_has_a_poor_tail_that_is_heavier_in_rural_communes(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    households, members = city
    per_person = (
        members.group_by("household_id")
        .agg(pl.col("monthly_income").sum(), pl.len().alias("size"))
        .join(households, on="household_id")
        .with_columns(((pl.col("monthly_income") + pl.col("other_income_monthly")) / pl.col("size")).alias("pp"))
    )
    low = per_person.group_by("area_type").agg((pl.col("pp") < 2_000_000).mean().alias("low"))
    share = dict(low.iter_rows())
    assert 0.003 < share["urban"] < 0.03
    assert share["rural"] > share["urban"]
    assert (
        households.filter(pl.col("area_type") == "rural")["wall_durable"].mean()
        < households.filter(  # type: ignore[operator]
            pl.col("area_type") == "urban"
        )["wall_durable"].mean()
    )


def test_it_writes_vietnamese_addresses(city: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    households = city[0]
    urban = households.filter(pl.col("area_type") == "urban")["address"]
    rural = households.filter(pl.col("area_type") == "rural")["address"]
    assert urban.str.contains(r"^Số \d+(/\d+)?, đường .+, khu phố \d+$").all()
    assert rural.str.contains(r"^Số \d+(/\d+)?, tổ \d+, ấp .+$").all()


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=300),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    areas=st.lists(st.sampled_from(["urban", "rural"]), min_size=1, max_size=4),
    chunk_size=st.integers(min_value=64, max_value=500),
)
def test_it_keeps_its_invariants_for_any_size_seed_and_wards(
    n: int, seed: int, areas: list[str], chunk_size: int
) -> None:
    wards = [(f"{27000 + i}", area) for i, area in enumerate(areas)]
    households, members = generate(n, wards, seed, chunk_size=chunk_size)
    assert households.height == n
    assert households["code"].is_unique().all() and households["household_id"].is_unique().all()
    heads = members.filter(pl.col("relation") == "head")
    assert heads.height == n == heads["household_id"].n_unique()
    assert members["member_id"].is_unique().all()
    assert members["id_number"].drop_nulls().is_unique().all()
    assert members.select(
        (pl.col("id_number").str.slice(4, 2).cast(pl.Int32) == pl.col("date_of_birth").dt.year() % 100).all()
    ).item() in (True, None)
    assert set(households["ward_code"]) <= {code for code, _ in wards}
    area_of = dict(wards)
    assert all(area_of[w] == a for w, a in households.select("ward_code", "area_type").unique().rows())
