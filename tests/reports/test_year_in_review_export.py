"""The year in review recomputed independently: the records exported (``dumpdata``, JSON) and every figure of
the page's XLSX counted again from that export in plain Python — no fact table, no Polars, no code of the
reports or of the review's flows — by the rules the review states (the list on the year's last day; a
household leaving both lists, or the poor list for the near-poor one in the same ward, escaped; people paid by
frozen and later payrolls counted once; dossiers by the local date of their end against the appointment then in
force; ratings of levels 4–5 satisfied)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AFTER_FREEZE = {"frozen", "in_approval", "approved", "exported", "reconciling", "reconciled", "closed"}


def _export(*models: str) -> dict[str, list[dict[str, Any]]]:
    out = io.StringIO()
    call_command("dumpdata", *models, format="json", stdout=out)
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in json.loads(out.getvalue()):
        by_model[obj["model"]].append({"pk": obj["pk"], **obj["fields"]})
    return by_model


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _local_day(text: str | None) -> dt.date | None:
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(LOCAL).date()


def _on(statuses: list[dict[str, Any]], day: dt.date) -> dict[tuple[int, str], dict[str, Any]]:
    """(household, standard) → its status valid on ``day`` (from and to both inclusive)."""
    out = {}
    for s in sorted(statuses, key=lambda s: s["pk"]):
        start, end = _date(s["valid_from"]), _date(s["valid_to"])
        if start <= day and (end is None or end >= day):
            out.setdefault((s["household"], s["standard_id"]), s)
    return out


def _poverty(statuses: list[dict[str, Any]], year: int, standard: str) -> list[int]:
    """Escaped poverty, escaped near-poverty, poor and near-poor at the year's end."""
    before, after = _on(statuses, dt.date(year - 1, 12, 31)), _on(statuses, dt.date(year, 12, 31))
    escaped = {"poor": 0, "near_poor": 0}
    for key, s in before.items():
        if key[1] != standard:
            continue
        e = after.get(key)
        if e is None and s["end_reason"] not in ("moved", "dissolved"):
            escaped[s["klass"]] += 1  # left both lists
        elif e is not None and e["ward"] == s["ward"] and s["klass"] == "poor" and e["klass"] == "near_poor":
            escaped["poor"] += 1  # from the poor list to the near-poor one
    end = [e["klass"] for (_h, std), e in after.items() if std == standard]
    return [escaped["poor"], escaped["near_poor"], end.count("poor"), end.count("near_poor")]


def _paid(data: dict[str, list[dict[str, Any]]], year: int) -> dict[str, int]:
    payrolls = {p["pk"]: p for p in data["payments.payroll"] if p["status"] in AFTER_FREEZE}
    people: dict[str, set[int]] = defaultdict(set)
    for line in data["payments.payrollline"]:
        payroll = payrolls.get(line["payroll"])
        if payroll and line["status"] == "paid" and _date(payroll["month"]).year == year:
            people[line["programme"]].add(line["member"])
    return {k: len(v) for k, v in people.items()}


def _dossiers(data: dict[str, list[dict[str, Any]]], year: int) -> tuple[int, int, int, int]:
    """Settled, early or on time (by the local dates of the end and of the appointment then in force), ratings,
    satisfied."""
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in data["dossiers.dossierevent"]:
        events[e["dossier"]].append(e)
    settled = good = 0
    for items in events.values():
        if not any(e["kind"] == "accepted" for e in items):
            continue
        for end in (e for e in items if e["kind"] in ("decided", "withdrawn")):
            ended = _local_day(end["at"])
            if ended.year != year:
                continue
            settled += 1
            set_before = [e for e in items if e["appointment"] and e["at"] <= end["at"]]
            due = _local_day(max(set_before, key=lambda e: e["seq"])["appointment"]) if set_before else None
            good += due is not None and ended <= due
    ratings = [r for r in data["dossiers.rating"] if _local_day(r["at"]).year == year]
    return settled, good, len(ratings), sum(r["level"] >= 4 for r in ratings)


def _year_rows(client: Client, year: int) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(client.get(reverse("reports-year") + f"?year={year}&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[1:3] == (str(year), str(year - 1)))
    return [list(r[:4]) for r in rows[header + 1 :] if r[0]]


def test_the_year_in_review_is_recomputed_from_an_export_of_the_records(city: Any, make_user: Any) -> None:
    analyst = make_user("city_analyst", province=city[0].province)
    client = Client()
    client.force_login(analyst)
    data = _export("review.PovertyStatus", "payments.Payroll", "payments.PayrollLine", "dossiers.DossierEvent",
                   "dossiers.Rating", "cases.Case")  # fmt: skip
    year = 2026
    expected: list[tuple[int | float | None, int | float | None]] = []
    for standard in ("hcm_2024", "vn_2022"):  # the page lists the standards by their ids
        expected += list(zip(_poverty(data["review.povertystatus"], year, standard),
                             _poverty(data["review.povertystatus"], year - 1, standard), strict=True))  # fmt: skip
    now_paid, before_paid = _paid(data, year), _paid(data, year - 1)
    expected += [(now_paid.get(p, 0), before_paid.get(p, 0)) for p in sorted(set(now_paid) | set(before_paid))]
    (s1, g1, r1, h1), (s0, g0, r0, h0) = _dossiers(data, year), _dossiers(data, year - 1)
    expected += [(s1, s0), (g1, g0), (round(100 * g1 / s1, 2), round(100 * g0 / s0, 2)),
                 (round(100 * h1 / r1, 2), round(100 * h0 / r0, 2))]  # fmt: skip
    assert not data["cases.case"]  # the test city has no case: the victims' figure is 0 both years
    expected.append((0, 0))

    rows = _year_rows(client, year)
    assert [(r[1], r[2]) for r in rows] == expected
    assert all(now for now, _before in expected[:4]), "the city has poor households and escapes to count"
    for label, now, before, change in rows:
        if isinstance(now, int) and isinstance(before, int):
            assert change == now - before, label
