"""Poverty review (read): rounds, their results (the assessments) and the decisions, through the review's
own scoped reads (``review.queries.rounds_for``)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from ansinh.api import paging, refs
from ansinh.api.errors import NotFound
from ansinh.api.problems import error_responses
from ansinh.api.schemas.modules import DecisionPage, ResultPage, RoundOut, RoundPage
from ansinh.api.security import ApiRequest
from ansinh.review import queries
from ansinh.review.models import Decision, Round

router = Router(tags=["review"])


def _round_out(r: Round) -> dict[str, Any]:
    decision = getattr(r, "decision", None) if r.status == "approved" else None
    return {
        "ref": refs.ref("round", r.pk),
        "ward_code": r.ward_id,
        "kind": r.kind,
        "year": r.year,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "assessed_on": r.assessed_on,
        "standards": list(r.standards or []),
        "status": r.status,
        "corrects": refs.ref("round", r.corrects_id) if r.corrects_id else None,
        "decision": refs.ref("decision", decision.pk) if decision else None,
        "updated_at": r.updated_at,
    }


def _round(request: ApiRequest, ref: str) -> Round:
    found = queries.rounds_for(request.auth).filter(pk=refs.pk_of("round", ref)).first()
    if found is None:
        raise NotFound
    return found


@router.get("/rounds", response={200: RoundPage, **error_responses()}, summary="Review rounds of your area")
def round_list(
    request: ApiRequest,
    params: Query[paging.PageParams],
    sync: Query[paging.SyncParams],
) -> Any:
    qs = queries.rounds_for(request.auth).select_related("decision")
    rows, next_cursor = paging.page(qs, params.cursor, params.limit, updated_since=sync.updated_since)
    return {"items": [_round_out(r) for r in rows], "next_cursor": next_cursor}


@router.get("/rounds/{ref}", response={200: RoundOut, **error_responses(404)}, summary="A review round")
def round_detail(request: ApiRequest, ref: str) -> Any:
    return _round_out(_round(request, ref))


@router.get("/rounds/{ref}/results", response={200: ResultPage, **error_responses(404)}, summary="Its results")
def round_results(
    request: ApiRequest,
    ref: str,
    params: Query[paging.PageParams],
    standard: str | None = None,
) -> Any:
    qs = queries.assessments_for(_round(request, ref), standard)
    rows, next_cursor = paging.page(qs, params.cursor, params.limit)
    items = [
        {
            "household_code": a.household.code,
            "standard": a.standard_id,
            "klass": a.klass,
            "previous_class": a.previous_class,
            "changed": a.changed,
            "deprivation_count": a.deprivation_count,
            "income_per_person": a.income_per_person,
            "income_line": a.income_line,
            "members": a.members,
            "final": a.final,
            "explanation": a.explanation,
        }
        for a in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.get("/decisions", response={200: DecisionPage, **error_responses()}, summary="Decisions of your area")
def decision_list(
    request: ApiRequest,
    params: Query[paging.PageParams],
    sync: Query[paging.SyncParams],
) -> Any:
    qs = Decision.objects.filter(round__in=queries.rounds_for(request.auth)).select_related("round")
    # A decision never changes (a correction is a new one): its recording time is its change time.
    rows, next_cursor = paging.page(
        qs, params.cursor, params.limit, updated_since=sync.updated_since, updated_field="created_at"
    )
    items = [
        {
            "ref": refs.ref("decision", d.pk),
            "round": refs.ref("round", d.round_id),
            "ward_code": d.round.ward_id,
            "kind": d.kind,
            "number": d.number,
            "date": d.date,
            "corrects": refs.ref("decision", d.corrects_id) if d.corrects_id else None,
            "updated_at": d.created_at,
        }
        for d in rows
    ]
    return {"items": items, "next_cursor": next_cursor}
