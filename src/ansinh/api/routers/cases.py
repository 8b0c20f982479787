"""Victims' cases (read): only the cases of the caller's circle, through the cases' own scope, each read logged.

The list is the cases page's list (``cases.queries.case_rows``): names hidden as initials unless ``reveal=true``,
which needs ``case.reveal`` and is logged as the page's reveal is (``cases.actions.do_reveal``). A detail is the
case page's view (``get_case_for`` then ``case_view``: only the sections the caller's access opens) and writes
one read event exactly as the page does (``cases.readlog.record_read``, kind ``page``). Outside the circle a
case does not exist (404). A token acts as its owner narrowed by its grants, so it sees a case only if the owner
is in the circle and the token grants ``case.view``.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from ninja import Router

from ansinh.accounts.permissions import can
from ansinh.api.errors import NotFound
from ansinh.api.problems import error_responses
from ansinh.api.schemas.cases import CaseOut, CasePage
from ansinh.api.security import ApiRequest
from ansinh.cases import actions, queries
from ansinh.cases.models import ReadKind
from ansinh.cases.readlog import record_read
from ansinh.cases.scope import visible_cases

router = Router(tags=["cases"])

TEXTS = ("survivor_name", "survivor_address", "narrative", "perpetrator", "medical")


@router.get("/", response={200: CasePage, **error_responses()}, summary="The cases of your circle (names hidden)")
def case_list(request: ApiRequest, status: Literal["open", "closed"] = "open", reveal: bool = False) -> Any:
    user = request.auth
    if reveal and not can(user, "case", "reveal"):
        raise PermissionDenied
    rows = queries.case_rows(user, reveal=reveal, status=status)
    if reveal:
        actions.do_reveal(actor=user, cases=[r.case for r in rows if r.name != "—"])
    items = [
        {
            "code": r.case.code,
            "kind": r.case.kind,
            "status": r.case.status,
            "stage": r.stage,
            "ward_code": r.case.ward_id,
            "agency": r.case.owner_agency.code,
            "received_at": r.case.received_at,
            "name": r.name,
            "via": r.via,
        }
        for r in rows
    ]
    return {"items": items, "next_cursor": None}


@router.get("/{code}", response={200: CaseOut, **error_responses(404)}, summary="A case of your circle (read logged)")
def case_detail(request: ApiRequest, code: str) -> Any:
    user = request.auth
    pk = visible_cases(user).filter(code=code).values_list("pk", flat=True).first()
    found = queries.get_case_for(user, pk) if pk is not None else None
    if found is None:
        raise NotFound
    case, seen = found
    view = queries.case_view(case, seen)
    record_read(user, case, ReadKind.PAGE, view["sections"])
    return {
        "code": case.code,
        "kind": case.kind,
        "status": case.status,
        "stage": queries.case_stage(case),
        "ward_code": case.ward_id,
        "agency": case.owner_agency.code,
        "received_at": case.received_at,
        "survivor_sex": case.survivor_sex,
        "survivor_age": case.survivor_age,
        "via": view["via"],
        "sections": view["sections"],
        **{k: view.get(k) for k in TEXTS},
    }
