"""Administrative units: the wards of the caller's area (two tiers since 1 July 2025)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from ansinh.accounts.scope import scoped_wards
from ansinh.api.errors import NotFound
from ansinh.api.problems import error_responses
from ansinh.api.schemas.modules import WardOut
from ansinh.api.security import ApiRequest
from ansinh.geo.models import Ward

router = Router(tags=["units"])


def _out(ward: Ward) -> dict[str, Any]:
    return {
        "code": ward.code,
        "name": ward.name,
        "kind": ward.kind,
        "province_code": ward.province_id,
        "province_name": ward.province.name,
        "area_type": ward.area_type,
        "valid_from": ward.valid_from,
        "valid_to": ward.valid_to,
    }


@router.get("/wards", response={200: list[WardOut], **error_responses()}, summary="The wards of your area")
def ward_list(request: ApiRequest) -> Any:
    return [_out(w) for w in scoped_wards(request.auth).select_related("province")]


@router.get("/wards/{code}", response={200: WardOut, **error_responses(404)}, summary="A ward of your area")
def ward_detail(request: ApiRequest, code: str) -> Any:
    ward = scoped_wards(request.auth).select_related("province").filter(code=code).first()
    if ward is None:
        raise NotFound
    return _out(ward)
