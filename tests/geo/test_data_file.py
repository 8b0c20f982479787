"""The pinned data file itself: counts and referential integrity (no database needed)."""

from __future__ import annotations

import collections

from ansinh.geo.loading import read_data


def test_it_holds_the_units_in_force_since_july_2025() -> None:
    data = read_data()
    assert len(data["provinces"]) == 34
    assert len(data["wards"]) == 3321
    hcmc = collections.Counter(kind for _code, _name, kind, province in data["wards"] if province == "79")
    assert hcmc == {"ward": 113, "commune": 54, "special_zone": 1}


def test_it_holds_the_former_units_and_a_successor_for_each() -> None:
    data = read_data()
    assert len(data["former_provinces"]) == 63
    ward_codes = {w[0] for w in data["wards"]}
    former_codes = {w[0] for w in data["former_wards"]}
    district_codes = {d[0] for d in data["former_districts"]}
    assert 10_000 <= len(former_codes) <= 10_100
    assert {w[3] for w in data["former_wards"]} <= district_codes
    assert {s[0] for s in data["successions"]} == former_codes
    assert {s[1] for s in data["successions"]} <= ward_codes
    # every current ward has a predecessor: a former ward, or a whole island district
    successors = {s[1] for s in data["successions"]} | {d[4] for d in data["former_districts"] if d[4]}
    assert successors == ward_codes


def test_it_uses_fixed_width_nso_codes() -> None:
    data = read_data()
    assert {len(p[0]) for p in data["provinces"]} == {2}
    assert {len(w[0]) for w in data["wards"]} == {5}
    assert {len(d[0]) for d in data["former_districts"]} == {3}
    assert {len(w[0]) for w in data["former_wards"]} == {5}
