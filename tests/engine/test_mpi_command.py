"""``ansinh mpi``: worked examples through the command line, and clear refusals of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

KEYS = {"H", "A", "M0", "uncensored_headcount", "censored_headcount", "contribution"}


@pytest.fixture
def deprivations(tmp_path: Path) -> Path:
    # p1: a,b  p2: a,c  p3: b  p4: none; wards keep their leading zeros
    path = tmp_path / "deprivations.csv"
    path.write_text("a,b,c,ward,size\n1,1,0,00001,3\n1,0,1,00001,1\n0,1,0,00002,2\n0,0,0,00002,4\n")
    return path


def write_json(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("mpi", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_it_prints_the_measures_as_json(deprivations: Path, tmp_path: Path) -> None:
    weights = write_json(tmp_path, "w.json", {"a": "1/3", "b": "1/3", "c": "1/3"})
    out = run("--deprivations", str(deprivations), "--weights", str(weights), "--k", "1/3")
    assert KEYS <= set(out)
    assert (out["H"], out["A"], out["M0"]) == pytest.approx((3 / 4, 5 / 9, 5 / 12))
    assert out["uncensored_headcount"] == pytest.approx({"a": 0.5, "b": 0.5, "c": 0.25})
    assert out["contribution"] == pytest.approx({"a": 0.4, "b": 0.4, "c": 0.2})
    assert set(out["se"]) == {"H", "A", "M0", "uncensored_headcount", "censored_headcount"}
    assert "groups" not in out
    assert "by_k" not in out


def test_it_keeps_scores_at_k_with_float_weights_in_the_file(deprivations: Path, tmp_path: Path) -> None:
    # 1/3 written as decimals; p3 (b only) scores exactly k
    weights = write_json(tmp_path, "w.json", {"a": 1 / 3, "b": 1 / 3, "c": 0.3333333333333333})
    out = run("--deprivations", str(deprivations), "--weights", str(weights), "--k", "0.3333333333333333")
    assert out["H"] == pytest.approx(3 / 4)


def test_it_decomposes_by_a_column_with_population_weights(deprivations: Path, tmp_path: Path) -> None:
    weights = write_json(tmp_path, "w.json", {"a": 1, "b": 1, "c": 1})
    out = run(
        "--deprivations",
        str(deprivations),
        "--weights",
        str(weights),
        "--k",
        "1/3",
        "--by",
        "ward",
        "--population-weight",
        "size",
    )
    assert set(out["groups"]) == {"00001", "00002"}
    first, second = out["groups"]["00001"], out["groups"]["00002"]
    assert KEYS | {"population_share"} <= set(first)
    assert first["population_share"] == pytest.approx(0.4)
    assert (first["H"], first["M0"]) == pytest.approx((1.0, (3 * 2 / 3 + 2 / 3) / 4))
    assert (second["H"], second["M0"]) == pytest.approx((2 / 6, 2 / 3 / 6))
    assert first["population_share"] * first["M0"] + second["population_share"] * second["M0"] == (
        pytest.approx(out["M0"])
    )
    assert sum(out["contribution"].values()) == pytest.approx(1)


def test_it_reports_every_k_under_by_k(deprivations: Path, tmp_path: Path) -> None:
    weights = write_json(tmp_path, "w.json", {"a": 1, "b": 1, "c": 1})
    out = run("--deprivations", str(deprivations), "--weights", str(weights), "--k", "1/3", "--k", "0.66", "--k", "2/3")
    assert list(out["by_k"]) == ["1/3", "0.66", "2/3"]
    assert out["H"] == out["by_k"]["1/3"]["H"] == pytest.approx(0.75)
    assert out["by_k"]["0.66"]["H"] == pytest.approx(0.5)
    assert out["by_k"]["2/3"]["H"] == pytest.approx(0.5)
    assert out["by_k"]["2/3"]["k"] == "2/3"


def test_it_reads_parquet_and_nested_weights(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    pl.DataFrame({"edu1": [1, 0, 1, 0], "edu2": [1, 0, 0, 0], "health": [0, 1, 0, 0]}).write_parquet(path)
    dims = write_json(tmp_path, "dims.json", {"edu1": "education", "edu2": "education", "health": "health"})
    out = run("--deprivations", str(path), "--dimensions", str(dims), "--k", "1/2")
    assert (out["H"], out["A"], out["M0"]) == pytest.approx((0.5, 0.5, 0.25))
    assert out["weights"] == {"edu1": "1/4", "edu2": "1/4", "health": "1/2"}


def test_it_reports_change_since_a_baseline(deprivations: Path, tmp_path: Path) -> None:
    weights = write_json(tmp_path, "w.json", {"a": 1, "b": 1, "c": 1})
    later = tmp_path / "later.csv"
    later.write_text("a,b,c\n1,1,0\n1,0,0\n0,0,0\n0,0,0\n")
    out = run(
        "--deprivations",
        str(later),
        "--weights",
        str(weights),
        "--k",
        "1/3",
        "--baseline",
        str(deprivations),
        "--years",
        "2",
    )
    assert out["change"]["H"]["absolute"] == pytest.approx(-0.25)
    assert out["change"]["H"]["annualised_absolute"] == pytest.approx(-0.125)


def test_it_prints_a_readable_table_without_json(deprivations: Path, tmp_path: Path) -> None:
    weights = write_json(tmp_path, "w.json", {"a": 1, "b": 1, "c": 1})
    out = StringIO()
    call_command(
        "mpi", "--deprivations", str(deprivations), "--weights", str(weights), "--k", "1/3", "--by", "ward", stdout=out
    )
    assert "M0  0.416667" in out.getvalue()
    assert "00002" in out.getvalue()


def bad_arguments(deprivations: Path, tmp_path: Path, change_args: dict[str, str]) -> list[str]:
    files = {
        "unknown": write_json(tmp_path, "u.json", {"a": 1, "zz": 1}),
        "notjson": tmp_path / "n.json",
        "bad": tmp_path / "bad.csv",
        "missing.csv": tmp_path / "missing.csv",
        "missing.json": tmp_path / "missing.json",
    }
    files["notjson"].write_text("{a: 1")
    files["bad"].write_text("a,b,c\n1,2,0\n0,,1\n")
    args = {
        "--deprivations": str(deprivations),
        "--weights": str(write_json(tmp_path, "w.json", {"a": 1, "b": 1, "c": 1})),
        "--k": "1/3",
    }
    args.update({key: str(files.get(value, value)) for key, value in change_args.items()})
    return [item for pair in args.items() for item in pair]


@pytest.mark.parametrize(
    ("change_args", "message"),
    [
        ({"--k": "0"}, "k must be"),
        ({"--k": "1.2"}, "k must be"),
        ({"--k": "1/x"}, "not a fraction"),
        ({"--k": "abc"}, "not a number"),
        ({"--deprivations": "missing.csv"}, "file not found"),
        ({"--weights": "missing.json"}, "file not found"),
        ({"--weights": "unknown"}, "zz"),
        ({"--weights": "notjson"}, "not valid JSON"),
        ({"--deprivations": "bad"}, "only 0 or 1"),
        ({"--by": "nope"}, "nope"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(
    deprivations: Path, tmp_path: Path, change_args: dict[str, str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("mpi", *bad_arguments(deprivations, tmp_path, change_args), "--json", stdout=StringIO())


@pytest.mark.parametrize(
    ("change_args", "message"),
    [
        ({"--k": "1/x"}, "not a fraction"),
        ({"--weights": "unknown"}, "zz"),
        ({"--deprivations": "bad"}, "only 0 or 1"),
    ],
)
def test_it_exits_non_zero_without_a_traceback_on_bad_input(
    deprivations: Path, tmp_path: Path, change_args: dict[str, str], message: str
) -> None:
    env = {**os.environ, "ANSINH_ENV": "test"}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ansinh.cli import main; main()",
            "mpi",
            *bad_arguments(deprivations, tmp_path, change_args),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
