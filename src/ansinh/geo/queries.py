"""Named reads over the administrative units: finding units by name or code, converting former addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

from ansinh.lib.text import fold

from .models import FormerDistrict, FormerProvince, FormerWard, Ward


class FormerUnitError(LookupError):
    """A former address part that does not name exactly one unit."""


class FormerUnitNotFound(FormerUnitError):
    pass


class AmbiguousFormerUnit(FormerUnitError):
    pass


# Unit-type prefixes and their usual abbreviations, longest first, in folded form.
_PROVINCE_PREFIXES = ("thanh pho truc thuoc trung uong", "thanh pho", "tinh", "tp.", "tp")
_DISTRICT_PREFIXES = ("thanh pho", "thi xa", "quan", "huyen", "tp.", "tp", "tx.", "tx", "q.", "q", "h.", "h")
_WARD_PREFIXES = ("thi tran", "phuong", "xa", "tt.", "tt", "p.", "p", "x.")
_ALIASES = {"hcm": "ho chi minh", "tphcm": "ho chi minh", "saigon": "ho chi minh", "brvt": "ba ria vung tau"}
_CODE = re.compile(r"^\d+$")


def bare_name(name: str | None, prefixes: tuple[str, ...] = ()) -> str:
    """A unit name without its type prefix, folded, for matching user input against unit names.

    >>> bare_name("Phường 01", _WARD_PREFIXES)
    '1'
    >>> bare_name("Q.1", _DISTRICT_PREFIXES)
    '1'
    >>> bare_name("Tỉnh Bà Rịa - Vũng Tàu", _PROVINCE_PREFIXES)
    'ba ria vung tau'
    >>> bare_name("thị xã Tân Uyên", _DISTRICT_PREFIXES)
    'tan uyen'
    >>> bare_name("Xã Xà Phiên", _WARD_PREFIXES)
    'xa phien'
    """
    s = re.sub(r"[\s\-\u2013\u2014]+", " ", fold(name)).strip()
    for prefix in prefixes:
        if s.startswith(prefix) and len(s) > len(prefix):
            rest = s[len(prefix) :]
            # "q.1", "q1", "p.5" are abbreviations; "quang ..." must not lose its "q".
            if prefix.endswith(".") or rest[0] == " " or (rest[0].isdigit() and len(prefix) <= 2):
                s = rest.strip()
                break
    s = _ALIASES.get(s.replace(" ", ""), s)
    if _CODE.match(s):
        s = str(int(s))  # "Phường 01" and "Phường 1" are the same ward
    return s


class _Named(Protocol):
    pk: str
    name: str
    name_folded: str


N = TypeVar("N", bound=_Named)


def _one(candidates: list[N], what: str, given: str) -> N:
    if not candidates:
        raise FormerUnitNotFound(f"No former {what} matches {given!r}.")
    if len(candidates) > 1:
        names = ", ".join(sorted(f"{c} [{c.pk}]" for c in candidates))
        raise AmbiguousFormerUnit(f"Several former {what}s match {given!r}: {names}.")
    return candidates[0]


def _match(rows: Iterable[N], given: str, prefixes: tuple[str, ...]) -> list[N]:
    """Rows whose name is ``given``: exactly (folded), else without the type prefix on either side.

    The input may lack the prefix ("Xà Phiên" for "Xã Xà Phiên"), so both the input as given and the
    input without a leading prefix word are tried.
    """
    rows = list(rows)
    exact = [r for r in rows if r.name_folded == fold(given)]
    if exact:
        return exact
    forms = {bare_name(given, prefixes), bare_name(given)}
    return [r for r in rows if bare_name(r.name, prefixes) in forms]


def find_former_province(province: str) -> FormerProvince:
    province = province.strip()
    if _CODE.match(province):
        found: list[FormerProvince] = list(FormerProvince.objects.filter(code=province.zfill(2)))
    else:
        found = _match(FormerProvince.objects.all(), province, _PROVINCE_PREFIXES)
    return _one(found, "province", province)


def find_former_districts(province: FormerProvince | None, district: str) -> list[FormerDistrict]:
    """The former districts ``district`` may name (several: "Long Mỹ" is both a huyện and a thị xã)."""
    district = district.strip()
    if _CODE.match(district) and len(district) == 3:
        found = list(FormerDistrict.objects.filter(code=district))
    else:
        qs = FormerDistrict.objects.all() if province is None else province.districts.all()
        found = _match(qs, district, _DISTRICT_PREFIXES)
    if not found:
        raise FormerUnitNotFound(f"No former district matches {district!r}.")
    return found


def resolve_former_ward(province: str | None, district: str | None, ward: str | None) -> FormerWard | FormerDistrict:
    """The former ward an old address names (or the former district, for an island district without wards).

    Names are matched diacritics- and case-insensitively, with or without their type prefix; each
    part may also be an NSO code. Raises :class:`FormerUnitNotFound` or :class:`AmbiguousFormerUnit`.
    """
    ward = (ward or "").strip()
    if _CODE.match(ward) and len(ward) == 5:
        by_code: list[FormerWard] = list(FormerWard.objects.filter(code=ward))
        return _one(by_code, "ward", ward)
    former_province = find_former_province(province) if province and province.strip() else None
    districts = find_former_districts(former_province, district) if district and district.strip() else None
    if not ward:
        if districts is not None and (only := _one(districts, "district", str(district))).successor_id:
            return only  # an island district without wards, now a special zone
        raise FormerUnitNotFound("A former address needs a ward (phường, xã or thị trấn).")
    if districts is not None:
        # An ambiguous district name is fine when only one of those districts has the ward.
        qs = FormerWard.objects.filter(district__in=districts)
    elif former_province is not None:
        qs = FormerWard.objects.filter(district__province=former_province)
    else:
        raise FormerUnitNotFound("A former ward name needs its province or district.")
    found: list[FormerWard] = _match(qs.select_related("district"), ward, _WARD_PREFIXES)
    return _one(found, "ward", ward)


def successors(unit: FormerWard | FormerDistrict) -> list[tuple[Ward, bool]]:
    """The current ward(s) a former ward became, with whether only part of it went there."""
    if isinstance(unit, FormerDistrict):
        successor = Ward.objects.select_related("province").get(pk=unit.successor_id)
        return [(successor, False)]
    rows = unit.successions.select_related("ward__province").order_by("is_partial", "ward_id")
    return [(s.ward, s.is_partial) for s in rows]


def convert_former_address(
    province_name_or_code: str | None, district: str | None, ward: str | None
) -> list[tuple[Ward, bool]]:
    """Convert a former (pre-2025-07-01) address to the current ward(s): ``[(ward, is_partial), ...]``.

    The parts are names (diacritics-insensitive, type prefix optional: "Quận 1", "Q.1", "quan 1") or NSO
    codes. A former ward that was divided returns several wards, each marked partial; the caller (or an
    officer) then chooses. An address that names no unit, or several, returns ``[]``; use
    :func:`resolve_former_ward` to learn why.
    """
    try:
        unit = resolve_former_ward(province_name_or_code, district, ward)
    except FormerUnitError:
        return []
    return successors(unit)
