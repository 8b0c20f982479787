"""Whatever the registry's forms accept can go through the review: households typed into the household and
member forms (optional fields left blank or filled) are listed, assessed under each standard, agreed at the
meeting, posted, approved by the chairman and certified, and every page and document of that walk answers
without a server error. A value left blank is shown as not known, never a crash."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ansinh.geo.models import Ward
from ansinh.registry.actions import do_register_household
from ansinh.registry.errors import RegistryError
from ansinh.review import actions
from ansinh.review.models import Assessment
from ansinh.web.registry.forms import HouseholdForm, MemberForm
from tests.review.conftest import YEAR

STANDARDS = ["vn_2022", "hcm_2024"]


def _choices(form_class: Any, name: str, **kwargs: Any) -> list[str]:
    field = form_class(**kwargs).fields[name]
    return [str(value) for value, _label in field.choices if value != ""]


def _values(form_class: Any, draw: Any, fixed: dict[str, str], **kwargs: Any) -> dict[str, str]:
    """Form data as a browser posts it: each field blank (when the form allows it) or a valid value."""
    form = form_class(**kwargs)
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        if name in fixed or name == "version":
            continue
        blank_ok = not field.required
        kind = type(field).__name__
        if kind == "BooleanField":
            if draw(st.booleans()):
                data[name] = "on"
            continue
        if getattr(field, "choices", None) and kind != "ModelChoiceField":
            options = _choices(form_class, name, **kwargs)
            value = draw(st.sampled_from(([""] if blank_ok else []) + options))
        elif kind in ("FloatField",):
            value = draw(st.sampled_from(["", "0", "6", "7,5", "12.5", "45", "250"] if blank_ok else ["0", "45"]))
        elif kind == "MoneyField":
            value = draw(st.sampled_from(["0", "500000", "1.500.000", "2500000", "9.000.000"]))
        elif name == "full_name":
            value = draw(st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Cường"]))
        elif name == "address":
            value = "Số 1, đường Lê Lợi"
        else:
            value = ""  # identifiers (ID numbers) left blank: optional
        if value != "" or not blank_ok:
            data[name] = value
    data.update(fixed)
    return data


@st.composite
def households(draw: Any) -> tuple[dict[str, str], list[tuple[bool, dict[str, str]]], str]:
    wards = Ward.objects.filter(code="26734")
    household = _values(HouseholdForm, draw, {"code": "X", "ward": "26734"}, wards=wards)
    people = []
    for i in range(draw(st.integers(min_value=1, max_value=3))):
        born = draw(st.dates(min_value=dt.date(1935, 1, 1), max_value=dt.date(YEAR, 6, 30)))
        fixed = {"date_of_birth": born.strftime("%d/%m/%Y")}
        if i > 0:  # one head: the others relate to them
            fixed["relation"] = draw(st.sampled_from([r for r in _choices(MemberForm, "relation") if r != "head"]))
        people.append((i == 0, _values(MemberForm, draw, fixed, head=i == 0)))
    return household, people, draw(st.sampled_from(["", "Cha mẹ đã mất"]))


@pytest.fixture
def page(officer: Any) -> Client:
    client = Client()
    client.force_login(officer)
    return client


@pytest.mark.django_db(transaction=False)
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=households())
def test_it_walks_every_household_the_forms_accept_through_the_round_to_its_certificate(
    case: Any, officer: Any, chairman: Any, make_round: Any, page: Client, ward_a: Any
) -> None:
    household_data, people, head_reason = case
    wards = Ward.objects.filter(code=ward_a.code)
    household_form = HouseholdForm(data=household_data, wards=wards)
    member_forms = [MemberForm(data=data, head=head) for head, data in people]
    assume(household_form.is_valid() and all(f.is_valid() for f in member_forms))
    with transaction.atomic():
        try:  # the registry's own rules (an adult head, values that fit the age) are part of what is accepted
            with transaction.atomic():
                household = do_register_household(
                    actor=officer,
                    household=household_form.data_for_action(),
                    members=[f.data_for_action() for f in member_forms],
                    on=dt.date(YEAR, 7, 1),
                    head_reason=head_reason,
                )
        except RegistryError:
            household = None
        if household is not None:
            _walk(officer, chairman, make_round, page, household)
        transaction.set_rollback(True)
    assume(household is not None)


def _walk(officer: Any, chairman: Any, make_round: Any, page: Client, household: Any) -> None:
    """List, assess, agree, post, approve and certify ``household`` under each standard, opening each page."""
    review_round = make_round(standards=STANDARDS)
    actions.do_build_household_list(actor=officer, review_round=review_round)
    if not review_round.households.filter(household=household).exists():
        actions.do_add_round_household(
            actor=officer,
            review_round=review_round,
            household=household,
            requested_on=dt.date(YEAR, 9, 1),
            reason="test",
        )
    actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
    actions.do_assess_round(actor=officer, review_round=review_round)
    results = Assessment.objects.filter(round=review_round, household=household)
    assert sorted(results.values_list("standard_id", flat=True)) == sorted(STANDARDS)
    for result in results:
        assert result.explanation
        result.indicator_flags()
    if household.floor_area_m2 is None:
        assert all(r.indicators.get("floor_area", 0) is None for r in results)
    response = page.get(reverse("review-results", args=[review_round.pk]))
    assert response.status_code == 200
    for standard in STANDARDS:
        explained = page.get(reverse("review-explanation", args=[review_round.pk, household.pk, standard]))
        assert explained.status_code == 200
    listed = review_round.households.exclude(stage="removed").values_list("pk", flat=True)
    meeting = actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=dt.date(YEAR, 10, 28),
        present_count=10,
        votes=dict.fromkeys(listed, (10, 8)),
    )
    assert page.get(reverse("review-minutes", args=[review_round.pk, meeting.pk])).status_code == 200
    posting = actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(YEAR, 11, 3))
    for standard in STANDARDS:
        pdf = page.get(reverse("review-provisional-list", args=[review_round.pk, standard, "pdf"]))
        assert pdf.status_code == 200
    actions.do_approve_round(
        actor=chairman, review_round=review_round, number="1/QĐ-UBND", date=posting.end + dt.timedelta(days=1)
    )
    review_round.refresh_from_db()
    assert page.get(reverse("review-decision", args=[review_round.pk])).status_code == 200
    for certificate in review_round.decision.certificates.filter(household=household):
        document = page.get(reverse("review-certificate", args=[review_round.pk, certificate.pk]))
        assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert page.get(reverse("household-detail", args=[household.pk])).status_code == 200
