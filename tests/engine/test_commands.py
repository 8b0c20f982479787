"""The assess, explain, simulate and standards commands on files (no database)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.engine.builders import frames


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    hh, mm = frames(
        [
            {
                "household_id": 1,
                "ward_code": "26734",
                "water_source": "surface",
                "floor_area_m2": 7.0,
                "wall_durable": False,
                "roof_durable": False,
            },
            {"household_id": 2, "ward_code": "26737"},
        ],
        [
            {"household_id": 1, "full_name": "Lê Thị Cúc", "monthly_income": 1_900_000},
            {"household_id": 2, "monthly_income": 9_000_000},
        ],
    )
    hh.write_csv(tmp_path / "hh.csv")
    mm.write_parquet(tmp_path / "mm.parquet")
    return tmp_path / "hh.csv", tmp_path / "mm.parquet"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_writes_results_and_ward_summaries(files: tuple[Path, Path], tmp_path: Path) -> None:
    hh, mm = files
    out = tmp_path / "out"
    run(
        "assess",
        "--standard",
        "vn_2022,hcm_2024",
        "--date",
        "2025-12-31",
        "--households",
        str(hh),
        "--members",
        str(mm),
        "--out",
        str(out),
    )
    result = pl.read_parquet(out / "assessment.parquet")
    assert result.height == 4
    assert result.filter(pl.col("standard_id") == "vn_2022").sort("household_id")["class"].to_list() == [
        "poor",
        "not_poor",
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    first = summary["standards"][0]
    assert first["standard_id"] == "vn_2022" and first["total"]["poor"] == 1
    assert [w["ward_code"] for w in first["by_ward"]] == ["26734", "26737"]
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["vn_2022", "hcm_2024"]
    assert book["vn_2022"]["A4"].value == "TOTAL"


def test_two_parquet_files_stream_through_with_the_same_results(files: tuple[Path, Path], tmp_path: Path) -> None:
    hh_csv, mm = files
    hh = tmp_path / "hh.parquet"
    pl.read_csv(hh_csv, schema_overrides={"ward_code": pl.String, "code": pl.String}).write_parquet(hh)
    from ansinh.engine.assess import build_plan, resolve, run_files

    assert run_files(build_plan(resolve("vn_2022"), dt.date(2025, 12, 31)), hh, mm) is not None  # streamed
    outs = {}
    for name, households in (("csv", hh_csv), ("parquet", hh)):
        outs[name] = tmp_path / name
        run(
            "assess",
            "--standard",
            "vn_2022,hcm_2024",
            "--date",
            "2025-12-31",
            "--households",
            str(households),
            "--members",
            str(mm),
            "--out",
            str(outs[name]),
        )
    from_parquet = pl.read_parquet(outs["parquet"] / "assessment.parquet")
    assert from_parquet.equals(pl.read_parquet(outs["csv"] / "assessment.parquet"))
    assert from_parquet["standard_id"].to_list() == ["vn_2022", "vn_2022", "hcm_2024", "hcm_2024"]


def test_it_names_the_rows_of_bad_input_instead_of_crashing(files: tuple[Path, Path], tmp_path: Path) -> None:
    hh, mm = files
    bad = tmp_path / "bad.csv"
    pl.read_csv(hh, infer_schema=False).drop("toilet_type").write_csv(bad)
    with pytest.raises(CommandError, match="missing column"):
        run(
            "assess",
            "--standard",
            "vn_2022",
            "--date",
            "2025-12-31",
            "--households",
            str(bad),
            "--members",
            str(mm),
            "--out",
            str(tmp_path / "o"),
        )
    typo = tmp_path / "typo.csv"
    pl.read_csv(hh, infer_schema=False).with_columns(pl.lit("lots").alias("floor_area_m2")).write_csv(typo)
    with pytest.raises(CommandError, match=r"floor_area_m2: expected float.*row 1 \(household_id 1\): 'lots'"):
        run(
            "assess",
            "--standard",
            "vn_2022",
            "--date",
            "2025-12-31",
            "--households",
            str(typo),
            "--members",
            str(mm),
            "--out",
            str(tmp_path / "o"),
        )
    with pytest.raises(CommandError, match="not in force"):
        run(
            "assess",
            "--standard",
            "vn_2027",
            "--date",
            "2025-12-31",
            "--households",
            str(hh),
            "--members",
            str(mm),
            "--out",
            str(tmp_path / "o"),
        )


def test_it_explains_a_household_in_vietnamese_and_english(files: tuple[Path, Path]) -> None:
    hh, mm = files
    args = [
        "explain",
        "--standard",
        "vn_2022",
        "--date",
        "2025-12-31",
        "--households",
        str(hh),
        "--members",
        str(mm),
        "--household-id",
        "1",
    ]
    vi = run(*args)
    assert "HỘ NGHÈO" in vi and "1.900.000" in vi and "Nguồn nước sinh hoạt" in vi
    en = run(*args, "--lang", "en")
    assert "POOR" in en and "1,900,000" in en and "Water source" in en and "Decree 07/2021" in en


def test_it_simulates_a_higher_line_by_ward(files: tuple[Path, Path]) -> None:
    hh, mm = files
    text = run(
        "simulate",
        "--standard",
        "vn_2022",
        "--date",
        "2025-12-31",
        "--households",
        str(hh),
        "--members",
        str(mm),
        "--set",
        "deprivation_cutoff=4",
        "--json",
    )
    report = json.loads(text)
    rows = {(r["ward_code"], r["class"]): r for r in report["standards"][0]["by_ward"]}
    assert rows[("26734", "poor")]["leaving"] == 1 and rows[("26734", "near_poor")]["entering"] == 1


def test_it_lists_standards_and_their_unverified_values() -> None:
    listing = run("standards", "list")
    assert all(s in listing for s in ("vn_2022", "vn_2027", "hcm_2021", "hcm_2024"))
    check = run("standards", "check")
    assert "average_living_line.rural" in check and "near_poor_rule" in check
    assert "BROKEN" not in check


def test_it_refuses_an_unknown_override() -> None:
    with pytest.raises(CommandError, match="no parameter"):
        run(
            "simulate",
            "--standard",
            "vn_2022",
            "--date",
            str(dt.date(2025, 1, 1)),
            "--households",
            "x.csv",
            "--members",
            "y.csv",
            "--set",
            "income_lin=1",
        )


def test_it_assesses_the_registry(make_household: Any, officer: Any, ward_a: Any, tmp_path: Path) -> None:
    from tests.conftest import member_data

    make_household(
        ward_a,
        actor=officer,
        water_source="surface",
        floor_area_m2=5.0,
        members=[member_data(monthly_income=1_000_000, has_health_insurance=False)],
    )
    make_household(ward_a, actor=officer, members=[member_data(monthly_income=20_000_000)])
    out = tmp_path / "reg"
    text = run("assess", "--standard", "vn_2022", "--date", "2026-06-30", "--registry", "--out", str(out))
    assert "2 households" in text
    result = pl.read_parquet(out / "assessment.parquet")
    assert result.height == 2 and set(result["ward_code"]) == {ward_a.code}
    assert result.sort("income_total")["ind_health_insurance"].to_list() == [1, 0]
