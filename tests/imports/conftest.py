"""Helpers for import tests: files in the import format, built from dicts keyed by field name."""

from __future__ import annotations

import csv
import datetime
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from ansinh.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

_seq = itertools.count(1)


def id_for(sex: str, dob: datetime.date, province: str = "079") -> str:
    digit4 = (dob.year - 1900) // 100 * 2 + (1 if sex == "F" else 0)
    return f"{province}{digit4}{dob.year % 100:02d}{next(_seq):06d}"


def household(code: str, ward: str = "26734", **fields: Any) -> dict[str, Any]:
    row = {
        "code": code,
        "ward_code": ward,
        "address": f"Số {code[-3:]}, đường Lê Lợi",
        "floor_area_m2": "40",
        "water_source": "Nước máy",
        "other_income_monthly": "0",
    }
    row.update(fields)
    return row


def member(
    code: str,
    name: str = "Nguyễn Văn An",
    sex: str = "Nam",
    dob: str = "17/05/1980",
    relation: str = "Chủ hộ",
    with_id: bool = True,
    **fields: Any,
) -> dict[str, Any]:
    try:
        d = datetime.date.fromisoformat(dob) if "-" in dob else datetime.datetime.strptime(dob, "%d/%m/%Y").date()
    except ValueError:  # a deliberately bad date: no ID to derive
        d, with_id = datetime.date(1980, 1, 1), False
    row = {
        "household_code": code,
        "full_name": name,
        "sex": sex,
        "date_of_birth": dob,
        "relation": relation,
        "id_number": id_for("F" if sex in ("Nữ", "F") else "M", d) if with_id else "",
        "monthly_income": "4.000.000",
    }
    row.update(fields)
    return row


def write_csv(path: Path, columns: Any, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([c.header for c in columns])
        for r in rows:
            w.writerow([r.get(c.field, "") for c in columns])
    return path


@pytest.fixture(autouse=True)
def staging(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_STAGING_DIR = str(tmp_path / "staging")
    settings.MEDIA_ROOT = str(tmp_path / "media")  # background exports write their workbooks there
    return tmp_path


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in LANGUAGE_CODE: a page requested in English (LocaleMiddleware activates the language
    on the thread and leaves it) must not turn the next test's problems into English."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., list[Path]]:
    def make(households: list[dict[str, Any]], members: list[dict[str, Any]], name: str = "f") -> list[Path]:
        return [
            write_csv(tmp_path / f"{name}-households.csv", HOUSEHOLD_COLUMNS, households),
            write_csv(tmp_path / f"{name}-members.csv", MEMBER_COLUMNS, members),
        ]

    return make


@pytest.fixture
def run_import(db: Any) -> Callable[..., Any]:
    """Validate (and with commit=True commit) files as ``user``; returns the batch."""
    from ansinh.imports import actions

    def run(paths: list[Path], user: Any, *, commit: bool = False) -> Any:
        batch = actions.create_batch(actor=user, files=[(p.name, p) for p in paths])
        batch = actions.validate_batch(batch, actor=user)
        if commit:
            batch = actions.commit_batch(batch, actor=user)
        return batch

    return run
