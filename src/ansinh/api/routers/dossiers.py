"""Dossiers of the one-stop (applications): create one received online, follow them (status, events and the
derived timeliness), through the dossiers' own scoped reads and actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router

from ansinh.accounts.permissions import require
from ansinh.accounts.scope import scoped_wards
from ansinh.api import paging
from ansinh.api.errors import NotFound
from ansinh.api.problems import error_responses
from ansinh.api.safety import created
from ansinh.api.schemas.modules import DossierNew, DossierOut, DossierPage, DossierReceipt
from ansinh.api.security import ApiRequest
from ansinh.dossiers import actions, queries
from ansinh.dossiers.models import Channel, Dossier
from ansinh.registry.models import Household

router = Router(tags=["dossiers"])


def _out(dossier: Dossier, *, events: bool) -> dict[str, Any]:
    when = queries.timeliness(dossier, timezone.now())
    data: dict[str, Any] = {
        "code": dossier.code,
        "procedure": dossier.procedure,
        "ward_code": dossier.ward_id,
        "channel": dossier.channel,
        "status": dossier.status,
        "applicant_name": dossier.applicant_name,
        "household_code": dossier.household.code if dossier.household_id and dossier.household else None,
        "documents": list(dossier.documents or []),
        "received_at": dossier.received_at,
        "timeliness": when.kind,
        "due": when.due,
        "updated_at": dossier.updated_at,
    }
    if events:
        data["events"] = [
            {"kind": e.kind, "status": e.status, "at": e.at, "appointment": e.appointment, "reason": e.reason}
            for e in dossier.events.order_by("seq")
        ]
    return data


@router.get("/", response={200: DossierPage, **error_responses()}, summary="Dossiers of your area")
def dossier_list(
    request: ApiRequest,
    params: Query[paging.PageParams],
    sync: Query[paging.SyncParams],
    status: str | None = None,
) -> Any:
    qs = queries.dossiers_for(request.auth).select_related("household")
    if status:
        qs = qs.filter(status=status)
    rows, next_cursor = paging.page(qs, params.cursor, params.limit, updated_since=sync.updated_since)
    return {"items": [_out(d, events=False) for d in rows], "next_cursor": next_cursor}


@router.get("/{code}", response={200: DossierOut, **error_responses(404)}, summary="Follow a dossier")
def dossier_detail(request: ApiRequest, code: str) -> Any:
    dossier = queries.dossiers_for(request.auth).select_related("household").filter(code=code).first()
    if dossier is None:
        raise NotFound
    return _out(dossier, events=True)


@router.post(
    "/",
    response={201: DossierReceipt, **error_responses(404, 409, 428)},
    summary="Receive an application online (Idempotency-Key required)",
)
def dossier_create(request: ApiRequest, body: DossierNew) -> HttpResponse:
    require(request.auth, "dossier", "process")
    ward = scoped_wards(request.auth).filter(code=body.ward_code).first()
    if ward is None:
        raise NotFound
    household = None
    if body.household_code:
        household = Household.objects.scoped(request.auth).filter(code=body.household_code).first()
        if household is None:
            raise NotFound

    def make() -> tuple[int, Any, dict[str, str]]:
        dossier, secret = actions.do_receive_dossier(
            actor=request.auth,
            procedure_code=body.procedure,
            ward=ward,
            channel=Channel.ONLINE,
            applicant_name=body.applicant_name,
            applicant_phone=body.applicant_phone,
            documents=body.documents,
            household=household,
        )
        out = DossierReceipt.model_validate({**_out(dossier, events=True), "secret": secret}).model_dump(mode="json")
        return 201, out, {"Location": reverse("api-v1:dossier_detail", kwargs={"code": dossier.code})}

    return created(request, make)
