from __future__ import annotations

from django.urls import reverse

from tests.conftest import member_data
from tests.web.conftest import parse


def test_it_finds_a_household_by_a_name_typed_without_accents(officer_client, ward_a, make_household):
    hh = make_household(ward_a, members=[member_data(full_name="Nguyễn Văn A")])
    make_household(ward_a, members=[member_data(full_name="Trần Thị Bé")])
    html = officer_client.get(reverse("household-search"), {"q": "nguyen van a"}).content.decode()
    assert hh.code in html
    assert "Trần Thị Bé" not in html
    assert "Nguyễn Văn A" in html  # the head is shown in the results


def test_it_finds_a_household_by_id_number_code_or_address(officer_client, ward_a, make_household):
    hh = make_household(ward_a, members=[member_data(id_number="079080001234")], address="12 Hẻm Lý Tự Trọng")
    other = make_household(ward_a)
    for q in ("079080001234", hh.code, "ly tu trong"):
        html = officer_client.post(reverse("household-search"), {"q": q}, follow=True).content.decode()
        assert hh.code in html, q
        assert other.code not in html, q


def test_it_pages_results_25_at_a_time_with_vietnamese_counts(officer_client, ward_a, make_household):
    for _ in range(27):
        make_household(ward_a)
    first = officer_client.get(reverse("household-search")).content.decode()
    assert "Hiển thị 1–25 trong số 27 hộ" in first
    assert "Trang 1 / 2" in first
    second = officer_client.get(reverse("household-search"), {"page": 2}).content.decode()
    assert "Hiển thị 26–27 trong số 27 hộ" in second
    assert second.count("/households/") > 2


def test_it_offers_only_the_wards_in_the_users_scope(officer_client, analyst_client, ward_a, ward_b):
    page = parse(officer_client.get(reverse("household-search")))
    codes = {a.get("value") for t, a in page.elements if t == "option"}
    assert codes == {"", ward_a.code}
    page = parse(analyst_client.get(reverse("household-search")))
    assert {a.get("value") for t, a in page.elements if t == "option"} == {"", ward_a.code, ward_b.code}


def test_it_filters_by_ward(analyst_client, ward_a, ward_b, make_household):
    in_a = make_household(ward_a)
    in_b = make_household(ward_b)
    html = analyst_client.get(reverse("household-search"), {"ward": ward_b.code}).content.decode()
    assert in_b.code in html
    assert in_a.code not in html


def test_it_refuses_a_ward_outside_the_scope_without_showing_its_households(officer_client, ward_b, make_household):
    hidden = make_household(ward_b)
    response = officer_client.get(reverse("household-search"), {"ward": ward_b.code})
    html = response.content.decode()
    assert hidden.code not in html
    assert 'href="#id_ward"' in html


def test_it_never_lists_households_outside_the_scope(officer_client, ward_a, ward_b, make_household):
    make_household(ward_b, members=[member_data(full_name="Lê Văn Ngoài")])
    html = officer_client.get(reverse("household-search"), {"q": "le van ngoai"}).content.decode()
    assert "Lê Văn Ngoài" not in html
    assert "Không có hộ nào" in html


def test_it_returns_only_the_results_fragment_to_htmx(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    response = officer_client.get(reverse("household-search"), {"q": hh.code}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert hh.code in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    full = officer_client.get(reverse("household-search"), {"q": hh.code}).content.decode()
    assert "<html" in full and 'hx-post="/households/"' in full


def test_it_answers_403_to_a_role_without_registry_access(make_user, ward_a):
    from tests.web.conftest import signed_in

    user = make_user("ward_officer", wards=[ward_a])
    user.role = "nobody"  # a role the matrix does not know has no rights
    user.save(update_fields=["role"])
    assert signed_in(user).get(reverse("household-search")).status_code == 403


def test_an_id_number_search_never_reaches_a_url(officer_client, ward_a, make_household):
    for i in range(27):
        make_household(ward_a, members=[member_data(id_number="079080001234" if i == 0 else None)])
    response = officer_client.post(reverse("household-search"), {"q": "079080001234"})
    assert response.status_code == 303
    location = response["Location"]
    assert "079080001234" not in location and "s=" in location
    page = officer_client.get(location)
    html = page.content.decode()
    assert "Hiển thị 1–1 trên 1 hộ" in html or "1 hộ" in html
    assert "079080001234" in html  # in the field, on the page, but not in an address
    links = [a.get("href") or "" for a in parse(page).find("a")] + [
        a.get("hx-get") or "" for a in parse(page).find("a")
    ]
    assert not [link for link in links if "079080001234" in link]
    # htmx: the results and the address pushed into the history carry the token only.
    response = officer_client.post(reverse("household-search"), {"q": "079080001234"}, HTTP_HX_REQUEST="true")
    assert "079080001234" not in response["HX-Push-Url"] and "s=" in response["HX-Push-Url"]
    # The page's pages keep the search by its token.
    all_pages = officer_client.post(reverse("household-search"), {"q": ""}, follow=True)
    second = [a.get("href") for a in parse(all_pages).find("a") if "page=2" in (a.get("href") or "")]
    assert second and "s=" in second[0]
    # A token of another session, or expired, finds nothing.
    from django.test import Client

    other = Client()
    other.force_login(response.wsgi_request.user)
    assert "hết hạn" in other.get(location).content.decode()


def test_an_id_number_typed_into_the_address_is_not_searched(officer_client, ward_a, make_household):
    make_household(ward_a, members=[member_data(id_number="079080001234")])
    html = officer_client.get(reverse("household-search"), {"q": "079080001234"}).content.decode()
    assert "nút Tìm kiếm" in html and "Hiển thị" not in html
