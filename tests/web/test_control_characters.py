"""Text enters the web in one place: a control character in any field is refused, named, and nothing is written."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from ansinh.registry.models import Household
from tests.web.test_household_forms import household_post as household_post_data


def test_it_refuses_an_address_holding_esc_and_writes_nothing(officer_client, ward_a):
    response = officer_client.post(reverse("household-create"), household_post_data(ward_a, address="12 Lê Lợi\x1b[2J"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Trường “address”: ký tự điều khiển U+001B trong “12 Lê Lợi[U+001B][2J”" in html
    assert not Household.objects.exists()


def test_it_refuses_nul_in_a_name_the_same_way(officer_client, ward_a):
    response = officer_client.post(
        reverse("household-create"), household_post_data(ward_a, **{"head-full_name": "Nguyễn\x00 Văn An"})
    )
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()
    assert not Household.objects.exists()


def test_it_names_the_field_in_english_when_the_page_is_english(officer_client, ward_a):
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = officer_client.post(reverse("household-create"), household_post_data(ward_a, address="a\x9bb"))
    assert response.status_code == 400
    assert "Field “address”: the control character U+009B" in response.content.decode()


def test_it_lets_tabs_and_line_breaks_through(officer_client, ward_a):
    response = officer_client.post(reverse("household-create"), household_post_data(ward_a, address="12 Lê Lợi\r\n"))
    assert response.status_code == 302
    assert Household.objects.get().address == "12 Lê Lợi"


def test_it_refuses_a_query_parameter_too(officer_client, ward_a):
    response = officer_client.get(reverse("household-search"), {"q": "Lê\x1bLợi"})
    assert response.status_code == 400


def test_it_covers_the_admin_and_views_reading_the_request_directly(admin_client, ward_a):
    response = admin_client.post("/admin/geo/ward/", {"q": "x\x07"})
    assert response.status_code == 400


def test_no_view_is_reached_before_the_check():
    """Every middleware before it only reads headers and sessions; a view (the only writer) comes after it."""
    chain = settings.MIDDLEWARE
    assert "ansinh.web.middleware.ControlCharactersMiddleware" in chain
    assert chain.index("ansinh.web.middleware.ControlCharactersMiddleware") > chain.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
