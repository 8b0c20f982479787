from __future__ import annotations

from ansinh.accounts.auth import check_locked, clear_failures, record_failure


def test_it_locks_a_username_after_the_configured_failures(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        record_failure("Demo-Officer", "10.0.0.1")
    assert not check_locked("demo-officer", "10.0.0.1")
    record_failure("demo-officer", "10.0.0.2")
    assert check_locked("demo-officer", "10.0.0.9")
    assert not check_locked("someone-else", "10.0.0.9")
    clear_failures("demo-officer")
    assert not check_locked("demo-officer", "10.0.0.9")


def test_it_locks_an_address_that_tries_many_usernames(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for i in range(8):
        record_failure(f"user{i}", "10.0.0.7")
    assert check_locked("a-new-name", "10.0.0.7")
    assert not check_locked("a-new-name", "10.0.0.8")


def test_it_forgets_failures_older_than_the_window(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from ansinh.accounts.models import LoginFailure

    settings.LOGIN_FAILURE_LIMIT = 1
    LoginFailure.objects.create(username="old", ip_address=None, at=timezone.now() - timedelta(hours=2))
    assert not check_locked("old", None)
