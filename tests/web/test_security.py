from __future__ import annotations

from django.urls import reverse

from tests.web.conftest import parse

PAGES = ["home", "household-search", "household-create", "audit-search", "duplicate-list"]


def _assert_no_inline_code(response):
    page = parse(response)
    assert page.inline_scripts == []
    assert page.style_blocks == 0
    for tag, attrs in page.elements:
        assert "style" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any(name.startswith("hx-on") for name in attrs), (tag, attrs)
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
        if tag == "link":
            assert (attrs.get("href") or "").startswith("/static/"), attrs


def test_it_sends_a_csp_without_inline_scripts_on_every_page(admin_client, officer, ward_a, make_household):
    hh = make_household(ward_a, actor=officer)
    urls = [reverse(name) for name in PAGES] + [
        reverse("household-detail", args=[hh.pk]),
        reverse("household-edit", args=[hh.pk]),
        reverse("member-add", args=[hh.pk]),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        _assert_no_inline_code(response)


def test_it_keeps_the_login_page_free_of_inline_code(client, db):
    response = client.get(reverse("login"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    _assert_no_inline_code(response)


def test_it_puts_a_csrf_token_in_every_post_form(admin_client, officer, ward_a, make_household):
    hh = make_household(ward_a, actor=officer)
    for url in (reverse("household-create"), reverse("household-edit", args=[hh.pk]), reverse("home")):
        page = parse(admin_client.get(url))
        for _ in page.find("form", method="post"):
            pass
        posts = page.find("form", method="post")
        assert posts
        assert len(page.find("input", name="csrfmiddlewaretoken")) == len(posts)


def test_it_serves_its_own_static_assets(client, db):
    for path in ("/static/vendor/htmx.min.js", "/static/ansinh/app.js", "/static/ansinh/app.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 100


def test_it_keeps_the_admin_working_for_administrators(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "unsafe-inline" in response["Content-Security-Policy"]
    assert client.get("/admin/geo/ward/").status_code == 200


def test_it_shows_a_friendly_404(officer_client):
    response = officer_client.get("/households/999999/")
    assert response.status_code == 404


def test_it_refuses_a_form_without_its_csrf_token(officer, ward_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("household-create"), {"code": "X"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
