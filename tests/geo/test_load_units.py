"""``ansinh load-units``: counts, idempotence, the administrator's urban/rural override."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ansinh.geo.loading import load_units
from ansinh.geo.models import FormerDistrict, FormerProvince, FormerWard, Province, Ward, WardSuccession


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_units", *args, stdout=out)
    return out.getvalue()


def test_it_loads_every_unit_of_the_country(db: Any) -> None:
    run()
    assert Province.objects.count() == 34
    assert Province.objects.filter(kind="city").count() == 6
    assert Ward.objects.current().count() == 3321
    assert FormerProvince.objects.count() == 63
    assert FormerDistrict.objects.count() == 696
    assert FormerWard.objects.count() == 10035
    # every former ward has a successor; none is left without one
    assert not FormerWard.objects.filter(successions__isnull=True).exists()
    assert WardSuccession.objects.filter(is_partial=True).exists()


def test_it_gives_ho_chi_minh_city_its_168_units(db: Any) -> None:
    run("--province", "79")
    hcmc = Province.objects.get(code="79")
    assert hcmc.name == "Thành phố Hồ Chí Minh"
    assert hcmc.kind == "city"
    assert hcmc.wards.count() == 168
    assert hcmc.wards.filter(kind="ward").count() == 113
    assert hcmc.wards.filter(kind="commune").count() == 54
    assert list(hcmc.wards.filter(kind="special_zone").values_list("name", flat=True)) == ["Đặc khu Côn Đảo"]
    # the former units that became HCMC: old HCMC, Bình Dương and Bà Rịa–Vũng Tàu
    assert set(FormerProvince.objects.values_list("code", flat=True)) == {"74", "77", "79"}
    assert Province.objects.count() == 1


def test_it_classifies_urban_and_rural_by_unit_type(db: Any) -> None:
    run("--province", "79")
    assert not Ward.objects.filter(kind="ward").exclude(area_type="urban").exists()
    assert not Ward.objects.filter(kind="commune").exclude(area_type="rural").exists()
    assert Ward.objects.get(name="Đặc khu Côn Đảo").area_type == "rural"
    assert Ward.objects.get(code="26743").name_folded == "phuong ben thanh"


def test_it_changes_nothing_when_run_twice(db: Any) -> None:
    first = run("--province", "79")
    assert "168 created" in first
    second = run("--province", "79")
    assert "nothing changed" in second
    assert "0 created, 0 updated, 168 unchanged" in second
    assert not load_units(province="79").changed


def test_it_keeps_an_administrators_urban_rural_override(db: Any) -> None:
    load_units(province="79")
    Ward.objects.filter(name="Đặc khu Côn Đảo").update(area_type="urban", area_type_overridden=True)
    Ward.objects.filter(code="26743").update(area_type="rural")  # not overridden: load-units restores it
    report = load_units(province="79")
    assert Ward.objects.get(name="Đặc khu Côn Đảo").area_type == "urban"
    assert Ward.objects.get(code="26743").area_type == "urban"
    assert report.tables["wards"].updated == 1


def test_it_corrects_a_changed_name_but_keeps_the_override(db: Any) -> None:
    load_units(province="79")
    Ward.objects.filter(code="26743").update(
        name="Wrong", name_folded="wrong", area_type="rural", area_type_overridden=True
    )
    load_units(province="79")
    ward = Ward.objects.get(code="26743")
    assert (ward.name, ward.name_folded, ward.area_type) == ("Phường Bến Thành", "phuong ben thanh", "rural")


def test_it_restores_a_deleted_succession_row(db: Any) -> None:
    load_units(province="79")
    total = WardSuccession.objects.count()
    WardSuccession.objects.filter(former_ward__name="Phường Bến Nghé").delete()
    assert load_units(province="79").tables["successions"].created >= 1
    assert WardSuccession.objects.count() == total


def test_it_refuses_an_unknown_province(db: Any) -> None:
    with pytest.raises(CommandError, match="unknown province"):
        run("--province", "99")


def test_it_lists_current_units_on_a_date(db: Any) -> None:
    import datetime

    load_units(province="79")
    assert Ward.objects.current(datetime.date(2025, 7, 1)).count() == 168
    assert Ward.objects.current(datetime.date(2025, 6, 30)).count() == 0
    assert FormerWard.objects.current(datetime.date(2025, 6, 30)).count() == FormerWard.objects.count()
    assert FormerWard.objects.current(datetime.date(2025, 7, 1)).count() == 0


def test_it_marks_a_ward_overridden_when_an_administrator_changes_urban_rural(db: Any, rf: Any) -> None:
    from django.contrib.admin.sites import site
    from django.contrib.auth import get_user_model

    load_units(province="79")
    request = rf.post("/admin/geo/ward/26743/change/")
    request.user = get_user_model().objects.create_superuser(username="root", password="pw-for-tests")
    ward_admin = site._registry[Ward]
    ward = Ward.objects.get(code="26743")
    form = ward_admin.get_form(request, ward, change=True)(
        data={"area_type": "rural", "area_type_overridden": ""}, instance=ward
    )
    assert form.is_valid(), form.errors
    ward_admin.save_model(request, form.save(commit=False), form, change=True)
    ward.refresh_from_db()
    assert (ward.area_type, ward.area_type_overridden) == ("rural", True)
    load_units(province="79")
    assert Ward.objects.get(code="26743").area_type == "rural"
