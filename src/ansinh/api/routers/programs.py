"""Programmes (read): enrolments and payrolls, through the same scoped reads as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from ansinh.api import paging, refs
from ansinh.api.errors import NotFound
from ansinh.api.problems import error_responses
from ansinh.api.schemas.modules import EnrolmentPage, PayrollOut, PayrollPage
from ansinh.api.security import ApiRequest
from ansinh.payments.models import Payroll
from ansinh.payments.queries import scoped_payrolls
from ansinh.programs.queries import scoped_enrolments

router = Router(tags=["programmes"])


@router.get("/enrolments", response={200: EnrolmentPage, **error_responses()}, summary="Enrolments of your area")
def enrolment_list(
    request: ApiRequest,
    params: Query[paging.PageParams],
    sync: Query[paging.SyncParams],
    programme: str | None = None,
) -> Any:
    qs = scoped_enrolments(request.auth).select_related("member__household")
    if programme:
        qs = qs.filter(programme=programme)
    rows, next_cursor = paging.page(qs, params.cursor, params.limit, updated_since=sync.updated_since)
    items = [
        {
            "ref": refs.ref("enrolment", e.pk),
            "member": refs.ref("member", e.member_id),
            "household_code": e.member.household.code,
            "programme": e.programme,
            "category": e.category,
            "start_month": e.start_month,
            "end_month": e.end_month,
            "updated_at": e.updated_at,
        }
        for e in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


def _payroll_out(p: Payroll) -> dict[str, Any]:
    return {
        "ref": refs.ref("payroll", p.pk),
        "programme": p.programme,
        "month": p.month,
        "ward_code": p.ward_id,
        "status": p.status,
        "total_amount": p.total_amount,
        "line_count": p.line_count,
        "paid_count": p.paid_count,
        "updated_at": p.updated_at,
    }


@router.get("/payrolls", response={200: PayrollPage, **error_responses()}, summary="Payrolls of your area")
def payroll_list(
    request: ApiRequest,
    params: Query[paging.PageParams],
    sync: Query[paging.SyncParams],
) -> Any:
    rows, next_cursor = paging.page(
        scoped_payrolls(request.auth), params.cursor, params.limit, updated_since=sync.updated_since
    )
    return {"items": [_payroll_out(p) for p in rows], "next_cursor": next_cursor}


@router.get("/payrolls/{ref}", response={200: PayrollOut, **error_responses(404)}, summary="A payroll")
def payroll_detail(request: ApiRequest, ref: str) -> Any:
    found = scoped_payrolls(request.auth).filter(pk=refs.pk_of("payroll", ref)).first()
    if found is None:
        raise NotFound
    return _payroll_out(found)
