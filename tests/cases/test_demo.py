"""The demo's cases: every account of the case circle has work, and nothing of the second commune reaches it."""

from __future__ import annotations

from django.urls import reverse

from ansinh.accounts.models import User
from ansinh.cases.demo import ensure_demo_cases
from ansinh.cases.models import Case, ReadEvent
from ansinh.cases.queries import case_rows, supervisor_queue
from ansinh.cases.scope import visible_cases


def test_it_gives_every_case_account_work_and_keeps_the_other_commune_apart(settings, ward_a, ward_b, client):
    settings.DEMO_MODE = True
    accounts = ensure_demo_cases(ward_a, ward_b)
    assert {a.username for a in accounts} >= {"demo-supervisor", "demo-hospital", "demo-police", "demo-shelter"}
    other = set(Case.objects.filter(ward=ward_b).values_list("pk", flat=True))
    assert other
    for username in ("demo-caseworker", "demo-supervisor", "demo-chairman", "demo-hospital", "demo-police",
                     "demo-shelter", "demo-legalaid"):  # fmt: skip
        user = User.objects.get(username=username)
        assert case_rows(user), username
        assert not other & set(visible_cases(user).values_list("pk", flat=True)), username
    supervisor = User.objects.get(username="demo-supervisor")
    assert any(item.overdue for item in supervisor_queue(supervisor))
    assert supervisor.case_notifications.filter(kind="clock_overdue").exists()
    # Run again: nothing is duplicated.
    n = Case.objects.count()
    ensure_demo_cases(ward_a, ward_b)
    assert Case.objects.count() == n
    assert not ReadEvent.objects.exists()  # building the demo reads no case


def test_it_lets_the_administrator_keep_agencies_but_open_no_case(make_user, client, settings, ward_a, ward_b):
    settings.DEMO_MODE = True
    ensure_demo_cases(ward_a, ward_b)
    admin = make_user("administrator")
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.get(reverse("admin:cases_agency_changelist")).status_code == 200
    case = Case.objects.first()
    assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases-list")).status_code == 403
