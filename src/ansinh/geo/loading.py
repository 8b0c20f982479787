"""Load the pinned administrative-unit data file into the database, idempotently and in bulk.

The data file (``data/units.json.gz``) is rebuilt by ``scripts/build_units_data.py``; see
``docs/adr/0002-administrative-unit-data.md``. Loading compares the file with the tables and only
creates or updates what differs, so a second run changes nothing. An administrator's urban/rural
override (``Ward.area_type_overridden``) is never overwritten. Units that are in the database but no
longer in the file are left alone (households may point at them) and counted in the report.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models, transaction

from ansinh.lib.text import fold

from .models import FormerDistrict, FormerProvince, FormerWard, Province, Ward, WardSuccession

DATA_FILE = Path(__file__).resolve().parent / "data" / "units.json.gz"


@dataclass
class TableCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    not_in_file: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class LoadReport:
    tables: dict[str, TableCount] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(count.changed for count in self.tables.values())

    def lines(self) -> list[str]:
        out = []
        for name, c in self.tables.items():
            line = f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            if c.deleted:
                line += f", {c.deleted} deleted"
            if c.not_in_file:
                line += f", {c.not_in_file} in the database but not in the data file (left alone)"
            out.append(line)
        return out


@cache
def read_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _select(data: dict[str, Any], province: str | None) -> dict[str, list[list[Any]]]:
    """The rows to load: everything, or one current province with the history of its wards."""
    if province is None:
        return {k: v for k, v in data.items() if k != "meta"}
    province = province.zfill(2)
    provinces = [p for p in data["provinces"] if p[0] == province]
    if not provinces:
        raise ValueError(f"unknown province code {province!r}")
    wards = [w for w in data["wards"] if w[3] == province]
    ward_codes = {w[0] for w in wards}
    successions = [s for s in data["successions"] if s[1] in ward_codes]
    former_ward_codes = {s[0] for s in successions}
    former_wards = [w for w in data["former_wards"] if w[0] in former_ward_codes]
    district_codes = {w[3] for w in former_wards}
    former_districts = [d for d in data["former_districts"] if d[0] in district_codes or d[4] in ward_codes]
    province_codes = {d[3] for d in former_districts}
    former_provinces = [p for p in data["former_provinces"] if p[0] in province_codes]
    return {
        "provinces": provinces,
        "wards": wards,
        "former_provinces": former_provinces,
        "former_districts": former_districts,
        "former_wards": former_wards,
        "successions": successions,
    }


def _sync(
    model: type[models.Model],
    desired: dict[str, dict[str, Any]],
    fields: Sequence[str],
    count: TableCount,
    *,
    scope_all: bool,
) -> None:
    """Create the missing rows and update the differing ones, keyed by primary key, in bulk."""
    existing = {row[0]: row[1:] for row in model._default_manager.values_list("pk", *fields)}
    to_create = []
    to_update = []
    for pk, values in desired.items():
        current = existing.get(pk)
        wanted = tuple(values[f] for f in fields)
        if current is None:
            to_create.append(model(pk=pk, **values))
        elif current != wanted:
            to_update.append(model(pk=pk, **values))
        else:
            count.unchanged += 1
    model._default_manager.bulk_create(to_create, batch_size=2000)
    if to_update:
        model._default_manager.bulk_update(to_update, list(fields), batch_size=1000)
    count.created += len(to_create)
    count.updated += len(to_update)
    if scope_all:
        count.not_in_file += len(set(existing) - set(desired))


def _sync_wards(rows: Iterable[list[Any]], count: TableCount, *, scope_all: bool) -> None:
    """Wards, keeping an administrator's urban/rural choice where ``area_type_overridden`` is set."""
    existing = {
        code: (name, folded, kind, province, area_type, overridden)
        for code, name, folded, kind, province, area_type, overridden in Ward.objects.values_list(
            "code", "name", "name_folded", "kind", "province_id", "area_type", "area_type_overridden"
        )
    }
    to_create, plain, overridden = [], [], []
    desired_codes = set()
    for code, name, kind, province in rows:
        desired_codes.add(code)
        values = {"name": name, "name_folded": fold(name), "kind": kind, "province_id": province}
        current = existing.get(code)
        if current is None:
            to_create.append(Ward(code=code, area_type=Ward.default_area_type(kind), **values))
            continue
        if current[5]:  # overridden by an administrator: leave area_type alone
            if current[:4] != (values["name"], values["name_folded"], kind, province):
                overridden.append(Ward(code=code, **values))
            else:
                count.unchanged += 1
            continue
        area_type = Ward.default_area_type(kind)
        if current[:5] != (values["name"], values["name_folded"], kind, province, area_type):
            plain.append(Ward(code=code, area_type=area_type, **values))
        else:
            count.unchanged += 1
    Ward.objects.bulk_create(to_create, batch_size=2000)
    base = ["name", "name_folded", "kind", "province"]
    if plain:
        Ward.objects.bulk_update(plain, [*base, "area_type"], batch_size=1000)
    if overridden:
        Ward.objects.bulk_update(overridden, base, batch_size=1000)
    count.created += len(to_create)
    count.updated += len(plain) + len(overridden)
    if scope_all:
        count.not_in_file += len(set(existing) - desired_codes)


def _sync_successions(rows: list[list[Any]], count: TableCount, ward_codes: set[str] | None) -> None:
    qs = WardSuccession.objects.all()
    if ward_codes is not None:
        qs = qs.filter(ward_id__in=ward_codes)
    existing = {
        (f, w): (pk, partial, note)
        for pk, f, w, partial, note in qs.values_list("pk", "former_ward_id", "ward_id", "is_partial", "note")
    }
    desired = {(f, w): (bool(partial), note) for f, w, partial, note in rows}
    to_create = [
        WardSuccession(former_ward_id=f, ward_id=w, is_partial=partial, note=note)
        for (f, w), (partial, note) in desired.items()
        if (f, w) not in existing
    ]
    to_update = []
    for pair, (pk, partial, note) in existing.items():
        if pair in desired:
            if desired[pair] != (partial, note):
                new_partial, new_note = desired[pair]
                to_update.append(WardSuccession(pk=pk, is_partial=new_partial, note=new_note))
            else:
                count.unchanged += 1
    stale = [pk for pair, (pk, _p, _n) in existing.items() if pair not in desired]
    WardSuccession.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        WardSuccession.objects.bulk_update(to_update, ["is_partial", "note"], batch_size=1000)
    if stale:
        WardSuccession.objects.filter(pk__in=stale).delete()
    count.created += len(to_create)
    count.updated += len(to_update)
    count.deleted += len(stale)


def load_units(*, province: str | None = None, path: Path = DATA_FILE) -> LoadReport:
    """Load (or bring up to date) the administrative units from the pinned data file.

    With ``province`` (an NSO code such as ``"79"``), only that province, its wards and the former
    units that became them are loaded, which keeps test databases small.
    """
    rows = _select(read_data(path), province)
    scope_all = province is None
    report = LoadReport({name: TableCount() for name in rows})
    t = report.tables
    with transaction.atomic():
        _sync(
            Province,
            {c: {"name": n, "name_folded": fold(n), "kind": k} for c, n, k in rows["provinces"]},
            ["name", "name_folded", "kind"],
            t["provinces"],
            scope_all=scope_all,
        )
        _sync_wards(rows["wards"], t["wards"], scope_all=scope_all)
        _sync(
            FormerProvince,
            {c: {"name": n, "name_folded": fold(n), "kind": k} for c, n, k in rows["former_provinces"]},
            ["name", "name_folded", "kind"],
            t["former_provinces"],
            scope_all=scope_all,
        )
        known_wards = set(Ward.objects.values_list("code", flat=True))
        _sync(
            FormerDistrict,
            {
                c: {
                    "name": n,
                    "name_folded": fold(n),
                    "kind": k,
                    "province_id": p,
                    "successor_id": s if s in known_wards else None,
                }
                for c, n, k, p, s in rows["former_districts"]
            },
            ["name", "name_folded", "kind", "province_id", "successor_id"],
            t["former_districts"],
            scope_all=scope_all,
        )
        _sync(
            FormerWard,
            {
                c: {"name": n, "name_folded": fold(n), "kind": k, "district_id": d}
                for c, n, k, d in rows["former_wards"]
            },
            ["name", "name_folded", "kind", "district_id"],
            t["former_wards"],
            scope_all=scope_all,
        )
        _sync_successions(rows["successions"], t["successions"], None if scope_all else {w[0] for w in rows["wards"]})
    return report
