"""Rebuild ``src/ansinh/geo/data/units.json.gz`` from the two published Python packages.

Sources (see docs/adr/0002-administrative-unit-data.md for the choice and the licences):

* ``vietnam-provinces`` (GPL-3.0-or-later): the units in force since 2025-07-01 with the NSO names
  (``data/nested-divisions.json``) and the NSO conversion table former ward → current ward(s)
  (``_ward_conversion_2025.py``, generated from the NSO file ``BangChuyendoiĐVHCmoi_cu_khong_merge.csv``).
* ``vietnamadminunits`` (MIT): the three-tier units as they stood on 2025-06-30 (``data/dataset.db``,
  table ``admin_units_legacy``), which is newer than the legacy snapshot inside ``vietnam-provinces``
  (it has the early-2025 ward mergers, e.g. in Ho Chi Minh City), and its converter for the few
  successions the NSO table leaves out (the island districts, which had no wards, and two communes).

Usage (Python 3.11 is enough: only data modules of vietnam-provinces are imported)::

    pip download --no-deps --python-version 3.12 --only-binary=:all: vietnam-provinces==2026.9.0 -d /tmp/units
    pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/units
    python scripts/build_units_data.py /tmp/units

The output is deterministic (sorted rows, gzip without a timestamp): rebuilding from the same wheels
gives the same bytes.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import importlib
import json
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "ansinh" / "geo" / "data" / "units.json.gz"

PROVINCE_KIND = {"thành phố trung ương": "city", "tỉnh": "province"}
WARD_KIND = {"phường": "ward", "xã": "commune", "đặc khu": "special_zone"}
FORMER_DISTRICT_KIND = {"Quận": "urban_district", "Huyện": "rural_district", "Thị xã": "town", "Thành phố": "city"}
FORMER_WARD_PREFIX = {"Phường": "ward", "Xã": "commune", "Thị trấn": "township"}


def nfc(s: str) -> str:
    """NFC, trimmed, first letter upper-case (the NSO list has one "xã Bắc Sơn")."""
    s = unicodedata.normalize("NFC", s).strip()
    return s[:1].upper() + s[1:]


def key(s: str) -> str:
    """The key style of vietnamadminunits' converter: folded, no spaces ("Phường Bến Thành" → phuongbenthanh)."""
    sys.path.insert(0, str(ROOT / "src"))
    from ansinh.lib.text import fold

    return fold(s).replace(" ", "").replace("'", "").replace("-", "")


def former_ward_kind(name: str) -> str:
    for prefix, kind in FORMER_WARD_PREFIX.items():
        if name.lower().startswith(prefix.lower() + " "):
            return kind
    raise ValueError(f"unknown former ward kind: {name!r}")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(wheel_dir: Path) -> dict[str, Any]:
    vp_wheel = next(wheel_dir.glob("vietnam_provinces-*.whl"))
    vau_wheel = next(wheel_dir.glob("vietnamadminunits-*.whl"))
    tmp = Path(tempfile.mkdtemp())
    zipfile.ZipFile(vp_wheel).extractall(tmp / "vp")
    zipfile.ZipFile(vau_wheel).extractall(tmp / "vau")
    sys.path.insert(0, str(tmp / "vp"))
    conversion = importlib.import_module("vietnam_provinces._ward_conversion_2025")
    legacy = importlib.import_module("vietnam_provinces.legacy._lookup")
    # The NSO spelling from vietnam-provinces' (older) legacy snapshot wins where the code is in both.
    vp_district_name = {f"{c:03d}": nfc(d.name) for c, d in legacy.DISTRICT_MAPPING.items()}
    vp_ward_name = {f"{c:05d}": nfc(w.name) for c, w in legacy.WARD_MAPPING.items()}

    # --- current units (NSO, vietnam-provinces) ---------------------------------------------------
    nested = json.loads((tmp / "vp" / "vietnam_provinces" / "data" / "nested-divisions.json").read_text("utf-8"))
    provinces = []
    wards = []
    for p in nested:
        pcode = f"{p['code']:02d}"
        provinces.append([pcode, nfc(p["name"]), PROVINCE_KIND[p["division_type"]]])
        for w in p["wards"]:
            wards.append([f"{w['code']:05d}", nfc(w["name"]), WARD_KIND[w["division_type"]], pcode])
    provinces.sort()
    wards.sort()
    ward_codes = {w[0] for w in wards}

    # --- former units as of 2025-06-30 (vietnamadminunits) ----------------------------------------
    db = sqlite3.connect(tmp / "vau" / "vietnamadminunits" / "data" / "dataset.db")
    rows = db.execute(
        "SELECT provinceCode, province, districtCode, district, districtType, wardCode, ward FROM admin_units_legacy"
    ).fetchall()
    db.close()
    former_provinces: dict[str, list[str]] = {}
    former_districts: dict[str, list[str | None]] = {}
    former_wards: dict[str, list[str]] = {}
    for pcode, pname, dcode, dname, dtype, wcode, wname in rows:
        pname = nfc(pname)
        former_provinces[pcode] = [pcode, pname, "city" if pname.startswith("Thành phố ") else "province"]
        dname = vp_district_name.get(dcode, nfc(dname))
        former_districts[dcode] = [dcode, dname, FORMER_DISTRICT_KIND[dtype], pcode, None]
        if wcode:  # the island districts (Côn Đảo, Lý Sơn, …) had no commune-level units
            wname = vp_ward_name.get(wcode, nfc(wname))
            former_wards[wcode] = [wcode, wname, former_ward_kind(wname), dcode]

    # --- succession: NSO conversion table, completed from vietnamadminunits -----------------------
    successions: list[list[Any]] = []
    notes = collections.Counter()
    for old_code, entry in conversion.OLD_TO_NEW.items():
        fcode = f"{old_code:05d}"
        if fcode not in former_wards:
            raise ValueError(f"former ward {fcode} in the NSO conversion table is not in the former units")
        # The NSO flag says the former ward was divided; it then went partly to each listed ward.
        partial = bool(entry.old_ward.is_partly_merged)
        for new in entry.new_wards:
            ncode = f"{new.code:05d}"
            if ncode not in ward_codes:
                raise ValueError(f"current ward {ncode} in the conversion table is unknown")
            successions.append([fcode, ncode, partial, ""])
        notes["nso"] += 1

    vau_conv = json.loads((tmp / "vau" / "vietnamadminunits" / "data" / "converter_2025.json").read_text("utf-8"))
    province_key = {key(p[1]): p[0] for p in provinces}
    ward_by_key = {(w[3], key(w[1])): w[0] for w in wards}
    former_province_key = {key(p[1]): p[0] for p in former_provinces.values()}
    district_by_key = {(d[3], key(str(d[1]))): d[0] for d in former_districts.values()}
    ward_by_former_key = {}
    for w in former_wards.values():
        d = former_districts[w[3]]
        ward_by_former_key[(key(former_provinces[str(d[3])][1]), key(str(d[1])), key(w[1]))] = w[0]
    mapped = {s[0] for s in successions}
    for new_prov_key, mapping in vau_conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        pcode = province_key[key(new_prov_key)]
        for new_ward_key, olds in mapping.items():
            ncode = ward_by_key.get((pcode, key(new_ward_key)))
            if ncode is None:  # a key spelled differently; only the gaps of the NSO table matter here
                continue
            for old in olds:
                old_prov, old_dist, old_ward = (key(part) for part in old.split("_"))
                if not old_ward:  # a district without wards → a special zone
                    dcode = district_by_key[(former_province_key[old_prov], old_dist)]
                    former_districts[dcode][4] = ncode
                    notes["district"] += 1
                    continue
                fcode = ward_by_former_key.get((old_prov, old_dist, old_ward))
                if fcode and fcode not in mapped:
                    successions.append([fcode, ncode, False, "vietnamadminunits; absent from the NSO table"])
                    mapped.add(fcode)
                    notes["vietnamadminunits"] += 1
    successions.sort()
    unmapped = sorted(set(former_wards) - mapped)
    if unmapped:
        raise ValueError(f"former wards without a successor: {unmapped}")

    return {
        "meta": {
            "description": "Vietnamese administrative units: in force since 2025-07-01, and as of 2025-06-30",
            "sources": [
                {
                    "package": vp_wheel.name,
                    "sha256": sha256(vp_wheel),
                    "licence": "GPL-3.0-or-later",
                    "used_for": "provinces, wards (NSO names), succession (NSO conversion table)",
                },
                {
                    "package": vau_wheel.name,
                    "sha256": sha256(vau_wheel),
                    "licence": "MIT",
                    "used_for": "former provinces, districts and wards; successions missing from the NSO table",
                },
            ],
            "licence": "GPL-3.0-or-later (derived from vietnam-provinces); MIT parts © 2025 Tran Ngoc Minh Hieu",
            "succession_origin": dict(sorted(notes.items())),
        },
        "provinces": provinces,
        "wards": wards,
        "former_provinces": sorted(former_provinces.values()),
        "former_districts": sorted(former_districts.values(), key=lambda d: str(d[0])),
        "former_wards": sorted(former_wards.values()),
        "successions": successions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel_dir", type=Path, help="directory holding the two downloaded wheels")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build(args.wheel_dir)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(payload)
    hcmc = [w for w in data["wards"] if w[3] == "79"]
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    print(
        f"provinces {len(data['provinces'])}, wards {len(data['wards'])}, "
        f"former provinces {len(data['former_provinces'])}, former districts {len(data['former_districts'])}, "
        f"former wards {len(data['former_wards'])}, successions {len(data['successions'])}"
    )
    print(f"HCMC (79): {len(hcmc)} units {dict(collections.Counter(w[2] for w in hcmc))}")
    print(f"succession origin: {data['meta']['succession_origin']}")


if __name__ == "__main__":
    main()
