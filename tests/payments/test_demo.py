"""The demo city gets enrolments from what its registry qualifies, and payrolls for the program officer."""

from __future__ import annotations

import datetime as dt

from ansinh.payments.demo import ensure_demo_enrolments, ensure_demo_payrolls
from ansinh.payments.models import Payroll
from ansinh.programs.models import Enrolment
from tests.conftest import member_data

D = dt.date


def test_the_demo_enrols_whom_the_registry_qualifies_and_prepares_payrolls(make_household, ward_a):
    make_household(ward_a, members=[
        member_data(full_name="Khuyết Tật", date_of_birth=D(1980, 1, 1), disability_level="severe",
                    disability_assessed_on=D(2022, 5, 1)),
        member_data(full_name="Cụ Già", date_of_birth=D(1940, 1, 1), relation="parent", employment_status="retired",
                    monthly_income=0),
    ])  # fmt: skip
    made = ensure_demo_enrolments("79", D(2026, 11, 1))
    found = set(Enrolment.objects.values_list("member__full_name", "programme", "category"))
    assert ("Khuyết Tật", "social_assistance", "disability_severe") in found
    assert ("Cụ Già", "social_assistance", "elderly_80_no_pension") in found
    assert ("Cụ Già", "social_pension", "age_75_no_pension") in found
    assert made == len(found) and ensure_demo_enrolments("79", D(2026, 11, 1)) == 0
    assistance, pension, past, *campaigns = ensure_demo_payrolls(ward_a, D(2026, 11, 1))
    assert (assistance.status, pension.status) == ("in_approval", "computed")
    # Cụ Già's death on 15/09 is reported after October was paid: November recovers it and stops her.
    assert assistance.total_amount == 750000 - 500000
    recovery = assistance.lines.get(kind="recovery")
    assert (recovery.member.full_name, recovery.for_month, recovery.amount) == ("Cụ Già", D(2026, 10, 1), -500000)
    # The month before has lived its whole life: paid, its results imported, reconciled and verified.
    assert (past.month, past.status, past.results.count()) == (D(2026, 10, 1), "reconciled", 2)
    assert past.verifications.get().checks.count() == 2
    assert [c.kind for c in campaigns] == ["campaign"]
    count = Payroll.objects.count()
    assert ensure_demo_payrolls(ward_a, D(2026, 11, 1)) == [] and Payroll.objects.count() == count
