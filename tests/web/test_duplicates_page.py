from __future__ import annotations

from django.urls import reverse

from ansinh.registry.models import DuplicateFlag
from tests.conftest import member_data
from tests.web.conftest import signed_in


def test_it_lists_likely_duplicates_in_the_area_and_resolves_one(officer_client, ward_a, make_household):
    first = make_household(ward_a, members=[member_data(full_name="Nguyễn Văn An")])
    second = make_household(ward_a, members=[member_data(full_name="Nguyen Van An")])
    flag = DuplicateFlag.objects.get()
    html = officer_client.get(reverse("duplicate-list")).content.decode()
    assert first.code in html and second.code in html
    response = officer_client.post(reverse("duplicate-resolve", args=[flag.pk]), {"status": "different"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "different"
    assert "Không có cặp nào" in officer_client.get(reverse("duplicate-list")).content.decode()


def test_it_hides_a_pair_with_someone_outside_the_area(officer_client, ward_a, ward_b, make_household):
    make_household(ward_a)
    outside = make_household(ward_b)
    flag = DuplicateFlag.objects.get()
    assert outside.code not in officer_client.get(reverse("duplicate-list")).content.decode()
    assert (
        officer_client.post(reverse("duplicate-resolve", args=[flag.pk]), {"status": "same_person"}).status_code == 404
    )


def test_it_lets_a_chairman_see_but_not_resolve(make_user, ward_a, make_household):
    make_household(ward_a)
    make_household(ward_a)
    flag = DuplicateFlag.objects.get()
    chairman = signed_in(make_user("ward_chairman", wards=[ward_a]))
    html = chairman.get(reverse("duplicate-list")).content.decode()
    assert 'name="status"' not in html and "1–1" in html
    assert chairman.post(reverse("duplicate-resolve", args=[flag.pk]), {"status": "different"}).status_code == 403
    assert signed_in(make_user("program_officer", wards=[ward_a])).get(reverse("duplicate-list")).status_code == 403
