"""Behind a reverse proxy: the client address of the lock-out and of the audit trail comes from
X-Forwarded-For only when the connection comes from a trusted proxy (``TRUSTED_PROXIES``)."""

from __future__ import annotations

import doctest

from django.urls import reverse

from ansinh.accounts.models import LoginFailure
from ansinh.audit.models import AuditEvent
from ansinh.lib import addresses
from ansinh.lib.addresses import parse_networks

PROXY = "127.0.0.1"


def _login(client, username, password, client_address):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_it_passes_the_doctests_of_the_client_address():
    assert doctest.testmod(addresses).failed == 0


def test_one_client_guessing_behind_the_proxy_does_not_lock_out_the_others(client, officer, settings):
    settings.TRUSTED_PROXIES = parse_networks(PROXY)
    settings.LOGIN_FAILURE_LIMIT = 1
    for i in range(4):  # the address limit is a multiple of the username limit
        _login(client, f"guess-{i}", "x", "203.0.113.66")
    assert _login(client, officer.username, "pw-for-tests", "203.0.113.66").status_code == 429
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    assert _login(client, officer.username, "pw-for-tests", "198.51.100.5").status_code == 302


def test_it_ignores_x_forwarded_for_from_an_untrusted_peer(client, officer, settings):
    settings.TRUSTED_PROXIES = parse_networks("10.0.0.0/8")  # the peer 127.0.0.1 is not one
    _login(client, "nobody", "x", "203.0.113.66")
    assert list(LoginFailure.objects.values_list("ip_address", flat=True)) == [PROXY]


def test_the_audit_trail_records_the_client_behind_the_proxy(client, officer, settings, ward_a, make_household):
    settings.TRUSTED_PROXIES = parse_networks(PROXY)
    make_household(ward_a, code="A-1")
    client.force_login(officer)
    response = client.get(
        reverse("export"),
        {"ward": ward_a.code, "format": "csv"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="household.export")
    assert event.ip_address == "203.0.113.7"


def test_a_foreign_host_header_is_a_bad_request_not_a_server_error(client, db):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
