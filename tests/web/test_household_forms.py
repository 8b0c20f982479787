from __future__ import annotations

from typing import Any

from django.urls import reverse

from ansinh.registry import actions
from ansinh.registry.models import Household
from tests.conftest import member_data
from tests.web.conftest import parse, signed_in


def household_post(ward: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "code": "HCM-0001",
        "ward": ward.code,
        "address": "12 Lê Lợi",
        "residence_type": "permanent",
        "floor_area_m2": "42,5".replace(",", "."),
        "wall_durable": "on",
        "frame_durable": "on",
        "roof_durable": "on",
        "water_source": "piped",
        "toilet_type": "septic",
        "uses_telecom": "on",
        "uses_internet": "on",
        "waste_handling": "collected",
        "other_income_monthly": "1.500.000",
        "head-full_name": "Nguyễn Văn An",
        "head-sex": "M",
        "head-date_of_birth": "17/05/1980",
        "head-id_number": "079080001234",
        "head-ethnicity": "kinh",
        "head-disability_level": "none",
        "head-has_health_insurance": "on",
        "head-schooling_status": "not_attending",
        "head-education_level": "upper_secondary",
        "head-employment_status": "employed",
        "head-monthly_income": "4.000.000",
        "reg-on": "01/08/2025",
    }
    data.update(overrides)
    return data


def test_it_registers_a_household_with_its_head(officer_client, ward_a):
    response = officer_client.post(reverse("household-create"), household_post(ward_a))
    hh = Household.objects.get(code="HCM-0001")
    assert response.status_code == 302
    assert response["Location"] == reverse("household-detail", args=[hh.pk])
    assert hh.other_income_monthly == 1_500_000
    head = hh.members.get()
    assert head.relation == "head" and head.id_number == "079080001234"
    assert str(head.date_of_birth) == "1980-05-17"
    page = officer_client.get(response["Location"]).content.decode()
    assert "Đã đăng ký hộ HCM-0001" in page


def test_it_shows_an_error_summary_linking_each_bad_field(officer_client, ward_a):
    response = officer_client.post(
        reverse("household-create"),
        household_post(ward_a, address="", **{"head-date_of_birth": "31/02/1980", "head-full_name": ""}),
    )
    assert response.status_code == 400
    page = parse(response)
    links = {a.get("href") for a in page.find("a") if (a.get("href") or "").startswith("#id_")}
    assert {"#id_address", "#id_head-full_name", "#id_head-date_of_birth"} <= links
    html = response.content.decode()
    assert "Nhập địa chỉ." in html
    assert "Nhập một ngày có thật" in html
    assert page.find("input", id="id_address", **{"aria-invalid": "true"})
    assert not Household.objects.exists()


def test_it_refuses_an_id_number_that_contradicts_sex_and_birth_year(officer_client, ward_a):
    response = officer_client.post(
        reverse("household-create"),
        household_post(
            ward_a,
            **{"head-id_number": "079185001234"},  # 4th digit says female
        ),
    )
    assert response.status_code == 400
    assert 'href="#id_head-id_number"' in response.content.decode()
    assert not Household.objects.exists()


def test_it_names_the_other_household_when_an_id_number_is_already_registered(officer_client, ward_a, make_household):
    other = make_household(ward_a, members=[member_data(id_number="079080001234")])
    response = officer_client.post(reverse("household-create"), household_post(ward_a))
    assert response.status_code == 400
    assert other.code in response.content.decode()


def test_it_shows_warnings_for_an_unknown_province_code_but_saves(officer_client, ward_a):
    response = officer_client.post(
        reverse("household-create"), household_post(ward_a, **{"head-id_number": "999080001234"}), follow=True
    )
    assert Household.objects.filter(code="HCM-0001").exists()
    assert "999" in response.content.decode()


def test_it_refuses_a_ward_outside_the_scope_on_registration(officer_client, ward_b):
    response = officer_client.post(reverse("household-create"), household_post(ward_b))
    assert response.status_code == 400
    assert 'href="#id_ward"' in response.content.decode()
    assert not Household.objects.exists()


def test_it_edits_a_household_with_its_version(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    page = parse(officer_client.get(reverse("household-edit", args=[hh.pk])))
    assert page.find("input", name="version", value=str(hh.version))
    data = household_post(ward_a, code=hh.code, address="99 Đồng Khởi", version=str(hh.version))
    response = officer_client.post(reverse("household-edit", args=[hh.pk]), data)
    assert response.status_code == 302
    hh.refresh_from_db()
    assert hh.address == "99 Đồng Khởi"
    assert hh.version == 2


def test_it_shows_the_other_users_changes_instead_of_overwriting_them(
    officer_client, make_user, ward_a, make_household
):
    hh = make_household(ward_a, toilet_type="septic", water_source="piped")
    colleague = make_user("ward_officer", wards=[ward_a], username="colleague")
    opened_version = hh.version
    # The colleague saves first: a new toilet type.
    actions.do_update_household(
        actor=colleague, household=hh, changes={"toilet_type": "semi_septic"}, expected_version=opened_version
    )
    # This user, with the form opened before, changes the address and the water source.
    data = household_post(
        ward_a, code=hh.code, address="99 Đồng Khởi", water_source="drilled_well", version=str(opened_version)
    )
    response = officer_client.post(reverse("household-edit", args=[hh.pk]), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "colleague" in html
    assert "Bán tự hoại" in html  # their value, as a label
    hh.refresh_from_db()
    assert hh.address != "99 Đồng Khởi" and hh.toilet_type == "semi_septic"
    page = parse(response)
    # The form keeps this user's changes, takes the colleague's value elsewhere, and the new version.
    assert page.find("input", name="address", value="99 Đồng Khởi")
    assert page.selected("semi_septic")
    assert page.selected("drilled_well")
    assert not page.selected("piped")
    assert page.find("input", name="version", value=str(hh.version))
    # Saving again now keeps both intents.
    data.update(version=str(hh.version), toilet_type="semi_septic")
    assert officer_client.post(reverse("household-edit", args=[hh.pk]), data).status_code == 302
    hh.refresh_from_db()
    assert (hh.address, hh.water_source, hh.toilet_type) == ("99 Đồng Khởi", "drilled_well", "semi_septic")


def test_it_refuses_registration_to_a_role_that_may_not_create(analyst_client, db):
    assert analyst_client.get(reverse("household-create")).status_code == 403


def test_it_lets_an_officer_of_another_ward_not_edit(make_user, ward_b, ward_a, make_household):
    hh = make_household(ward_a)
    stranger = signed_in(make_user("ward_officer", wards=[ward_b]))
    response = stranger.post(reverse("household-edit", args=[hh.pk]), household_post(ward_b, code=hh.code))
    assert response.status_code == 404


def test_it_refuses_an_edit_that_does_not_say_which_version_it_started_from(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    data = household_post(ward_a, code=hh.code, address="99 Đồng Khởi")  # no version
    response = officer_client.post(reverse("household-edit", args=[hh.pk]), data)
    assert response.status_code == 400
    assert "Tải lại trang" in response.content.decode()
    hh.refresh_from_db()
    assert hh.address != "99 Đồng Khởi"
