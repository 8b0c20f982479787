from __future__ import annotations

from django.urls import reverse

from ansinh.accounts.models import LoginFailure
from tests.web.conftest import parse


def test_it_shows_a_vietnamese_login_page_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html


def test_it_sends_anonymous_users_to_the_login_page(client, db):
    response = client.get(reverse("household-search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_signs_in_and_goes_to_the_page_asked_for(client, officer):
    response = client.post(
        reverse("login"),
        {"username": officer.username, "password": "pw-for-tests", "next": "/households/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/households/"
    assert client.get(reverse("home")).status_code == 200


def test_it_refuses_an_offsite_next_url(client, officer):
    response = client.post(
        reverse("login"),
        {"username": officer.username, "password": "pw-for-tests", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_it_shows_an_error_summary_for_a_wrong_password_and_counts_it(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Có lỗi" in html  # the error summary's title
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html
    assert LoginFailure.objects.filter(username=officer.username.lower()).count() == 1


def test_it_links_each_missing_field_from_the_error_summary(client, db):
    page = parse(client.post(reverse("login"), {"username": "", "password": ""}))
    links = {a.get("href") for a in page.find("a") if a.get("href", "").startswith("#id_")}
    assert links == {"#id_username", "#id_password"}


def test_it_locks_a_username_out_after_repeated_failures_even_with_the_right_password(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": officer.username, "password": "pw-for-tests"})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_counts_failures_per_username_so_another_user_can_still_sign_in(client, officer, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    other = make_user("city_analyst", username="someone-else")
    response = client.post(reverse("login"), {"username": other.username, "password": "pw-for-tests"})
    assert response.status_code == 302


def test_it_locks_out_an_address_that_tries_many_usernames(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    for i in range(4):  # the address limit is a multiple of the username limit
        client.post(reverse("login"), {"username": f"guess-{i}", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "pw-for-tests"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 429
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "pw-for-tests"}, REMOTE_ADDR="10.1.1.2"
    )
    assert response.status_code == 302


def test_it_clears_the_failures_after_a_successful_sign_in(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    client.post(reverse("login"), {"username": officer.username, "password": "pw-for-tests"})
    assert not LoginFailure.objects.filter(username=officer.username.lower()).exists()


def test_it_signs_out_only_by_post(officer_client):
    assert officer_client.get(reverse("logout")).status_code == 405
    response = officer_client.post(reverse("logout"))
    assert response.status_code == 302
    assert officer_client.get(reverse("home")).status_code == 302


def test_it_lists_on_the_home_page_only_what_the_role_allows(officer_client, analyst_client, admin_client):
    officer_home = officer_client.get(reverse("home")).content.decode()
    assert reverse("household-create") in officer_home
    assert reverse("audit-search") not in officer_home
    analyst_home = analyst_client.get(reverse("home")).content.decode()
    assert reverse("household-search") in analyst_home
    assert reverse("household-create") not in analyst_home
    admin_home = admin_client.get(reverse("home")).content.decode()
    assert reverse("audit-search") in admin_home
    assert reverse("admin:index") in admin_home


def test_it_names_the_users_area_on_the_home_page(officer_client, analyst_client):
    assert "Phường Bến Thành" in officer_client.get(reverse("home")).content.decode()
    assert "Thành phố Hồ Chí Minh" in analyst_client.get(reverse("home")).content.decode()


def test_a_citizen_who_lands_on_the_sign_in_page_finds_the_services_that_need_no_account(client, db):
    html = client.get(reverse("login")).content.decode()
    for name in ("dossiers-apply-choose", "dossiers-follow", "dossiers-feedback"):
        assert f'href="{reverse(name)}"' in html
        assert client.get(reverse(name)).status_code == 200
    assert "Người dân: không cần tài khoản" in html
