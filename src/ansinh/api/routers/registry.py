"""Households and members: read, search, count, create and change through the registry's own actions (the
same as the pages', audited and versioned), and exports as background jobs with a signed download."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from ansinh.accounts.permissions import can, require, shows_full_ids
from ansinh.accounts.scope import scoped_wards
from ansinh.api import paging, refs
from ansinh.api.errors import DownloadExpired, NotFound
from ansinh.api.problems import error_responses
from ansinh.api.safety import created, etag, if_match
from ansinh.api.schemas.common import Count
from ansinh.api.schemas.registry import (
    ExportJob,
    ExportRequest,
    HouseholdChange,
    HouseholdOut,
    HouseholdPage,
    MemberAddition,
    MemberChange,
    MemberOut,
    MemberPage,
    Registration,
)
from ansinh.api.security import ApiRequest
from ansinh.imports.tasks import export_for_api
from ansinh.registry import actions, idnumber, queries
from ansinh.registry.models import Household, Member
from ansinh.registry_schema import HOUSEHOLD, MEMBER
from ansinh.tasks.models import Status, Task

router = Router(tags=["registry"])
DOWNLOAD_SALT = "ansinh.api.download"


def _masked(user: Any, value: str | None) -> str | None:
    """What the pages mask, the API masks: the one rule (``accounts.permissions.shows_full_ids``) and one mask."""
    if not value or shows_full_ids(user):
        return value
    return idnumber.mask(value)


def member_out(user: Any, member: Member, household_code: str) -> dict[str, Any]:
    data: dict[str, Any] = {a.name: getattr(member, a.attname) for a in MEMBER}
    for name in ("id_number", "legacy_id_number"):
        data[name] = _masked(user, data[name])
    data.update(
        ref=refs.ref("member", member.pk),
        household_code=household_code,
        status=member.status,
        version=member.version,
        updated_at=member.updated_at,
    )
    return data


def household_out(user: Any, household: Household, *, members: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {a.name: getattr(household, a.attname) for a in HOUSEHOLD}
    data.update(
        status=household.status,
        dissolved_on=household.dissolved_on,
        version=household.version,
        updated_at=household.updated_at,
    )
    if members:
        # The household was read through the scope; its members follow it, for whoever may view members.
        people = household.members.order_by("date_of_birth", "pk") if can(user, "member", "view") else []
        data["members"] = [member_out(user, m, household.code) for m in people]
    return data


def _json(schema: type[Schema], data: dict[str, Any]) -> dict[str, Any]:
    dumped: dict[str, Any] = schema.model_validate(data).model_dump(mode="json")
    return dumped


class HouseholdFilters(Schema):
    q: str = Field(default="", max_length=200, description="A name, an ID number, a household code or an address.")
    ward: str | None = Field(default=None, max_length=16, description="A ward code in your area.")
    updated_since: datetime.datetime | None = Field(
        default=None,
        description="Only the households changed at or after this moment, in (changed at, id) order: the sync "
        "recipe of docs/api.md. A member's change does not move its household's: sync /registry/members too.",
    )


def _searched(request: ApiRequest, filters: HouseholdFilters) -> Any:
    require(request.auth, "household", "view")
    if filters.ward and not scoped_wards(request.auth).filter(code=filters.ward).exists():
        return Household.objects.none()  # a ward outside the area does not exist for the caller
    qs = queries.search_households(request.auth, q=filters.q, ward_code=filters.ward)
    if filters.updated_since is not None:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs


@router.get("/households", response={200: HouseholdPage, **error_responses()}, summary="Search households")
def household_list(
    request: ApiRequest,
    filters: Query[HouseholdFilters],
    params: Query[paging.PageParams],
) -> Any:
    qs = _searched(request, filters).prefetch_related(
        Prefetch("members", queryset=Member.objects.active().filter(relation="head"), to_attr="heads")
    )
    rows, next_cursor = paging.page(qs, params.cursor, params.limit, updated_since=filters.updated_since)
    items = [
        {
            "code": h.code,
            "ward_code": h.ward_id,
            "address": h.address,
            "status": h.status,
            "head_name": next((m.full_name for m in h.heads), None),
            "version": h.version,
            "updated_at": h.updated_at,
        }
        for h in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.get("/households/count", response={200: Count, **error_responses()}, summary="Count households")
def household_count(request: ApiRequest, filters: Query[HouseholdFilters]) -> Any:
    """The number the household search page shows for the same search."""
    return {"count": _searched(request, filters).count()}


@router.get("/households/{code}", response={200: HouseholdOut, **error_responses(404)}, summary="A household")
def household_detail(request: ApiRequest, code: str, response: HttpResponse) -> Any:
    household = queries.get_household_by_code_for(request.auth, code)
    response["ETag"] = etag(household.version)
    return household_out(request.auth, household)


@router.post(
    "/households",
    response={201: HouseholdOut, **error_responses(404, 409, 428)},
    summary="Register a household with its head (Idempotency-Key required)",
)
def household_create(request: ApiRequest, body: Registration) -> HttpResponse:
    def make() -> tuple[int, Any, dict[str, str]]:
        household = actions.do_register_household(
            actor=request.auth,
            household=body.household.model_dump(exclude_none=True),
            members=[body.head.model_dump(exclude_none=True)],
            on=body.registered_on,
            head_reason=body.head_reason,
        )
        household.refresh_from_db()
        location = reverse("api-v1:household_detail", kwargs={"code": household.code})
        out = _json(HouseholdOut, household_out(request.auth, household))
        return 201, out, {"ETag": etag(household.version), "Location": location}

    return created(request, make)


@router.patch(
    "/households/{code}",
    response={200: HouseholdOut, **error_responses(404, 412, 428)},
    summary="Change a household (If-Match required)",
)
def household_change(request: ApiRequest, code: str, body: HouseholdChange, response: HttpResponse) -> Any:
    household = queries.get_household_by_code_for(request.auth, code, "change")
    version = if_match(request, household.version)
    changed = actions.do_update_household(
        actor=request.auth,
        household=household,
        changes=body.model_dump(exclude_unset=True),
        expected_version=version,
    )
    response["ETag"] = etag(changed.version)
    return household_out(request.auth, changed)


@router.get(
    "/households/{code}/members", response={200: list[MemberOut], **error_responses(404)}, summary="Its members"
)
def member_list(request: ApiRequest, code: str) -> Any:
    household = queries.get_household_by_code_for(request.auth, code)
    return household_out(request.auth, household)["members"]


@router.post(
    "/households/{code}/members",
    response={201: MemberOut, **error_responses(404, 409, 428)},
    summary="Add a member (Idempotency-Key required)",
)
def member_create(request: ApiRequest, code: str, body: MemberAddition) -> HttpResponse:
    household = queries.get_household_by_code_for(request.auth, code, "change")

    def make() -> tuple[int, Any, dict[str, str]]:
        member = actions.do_add_member(
            actor=request.auth,
            household=household,
            data=body.member.model_dump(exclude_none=True),
            on=body.on,
            kind=body.reason,
        )
        member.refresh_from_db()
        out = _json(MemberOut, member_out(request.auth, member, household.code))
        return 201, out, {"ETag": etag(member.version)}

    return created(request, make)


class MemberFilters(Schema):
    ward: str | None = Field(default=None, max_length=16, description="A ward code in your area.")


@router.get("/members", response={200: MemberPage, **error_responses()}, summary="Members of your area (sync)")
def member_sync_list(
    request: ApiRequest,
    filters: Query[MemberFilters],
    params: Query[paging.PageParams],
    sync: Query[paging.SyncParams],
) -> Any:
    """Every member of the area (of every status), for a system that keeps a copy: with ``updated_since``,
    those changed since then. A member's change does not move its household's ``updated_at``."""
    require(request.auth, "member", "view")
    qs = Member.objects.scoped(request.auth).select_related("household")
    if filters.ward:
        if not scoped_wards(request.auth).filter(code=filters.ward).exists():
            qs = qs.none()  # a ward outside the area does not exist for the caller
        qs = qs.filter(household__ward_id=filters.ward)
    rows, next_cursor = paging.page(qs, params.cursor, params.limit, updated_since=sync.updated_since)
    return {"items": [member_out(request.auth, m, m.household.code) for m in rows], "next_cursor": next_cursor}


def _member(request: ApiRequest, ref: str, action: str = "view") -> Member:
    member = (
        Member.objects.scoped(request.auth, action)
        .select_related("household")
        .filter(pk=refs.pk_of("member", ref))
        .first()
    )
    if member is None:
        raise NotFound
    return member


@router.get("/members/{ref}", response={200: MemberOut, **error_responses(404)}, summary="A member")
def member_detail(request: ApiRequest, ref: str, response: HttpResponse) -> Any:
    member = _member(request, ref)
    response["ETag"] = etag(member.version)
    return member_out(request.auth, member, member.household.code)


@router.patch(
    "/members/{ref}",
    response={200: MemberOut, **error_responses(404, 412, 428)},
    summary="Change a member (If-Match required)",
)
def member_change(request: ApiRequest, ref: str, body: MemberChange, response: HttpResponse) -> Any:
    member = _member(request, ref, "change")
    version = if_match(request, member.version)
    changed = actions.do_update_member(
        actor=request.auth, member=member, changes=body.model_dump(exclude_unset=True), expected_version=version
    )
    response["ETag"] = etag(changed.version)
    return member_out(request.auth, changed, changed.household.code)


# --- exports ---------------------------------------------------------------------------------------------


def _job(request: ApiRequest, task: Task) -> dict[str, Any]:
    url = None
    if task.status == Status.DONE and task.result.get("file"):
        signed = signing.dumps({"file": task.result["file"]}, salt=DOWNLOAD_SALT)
        url = request.build_absolute_uri(reverse("api-v1:export_download", kwargs={"signed": signed}))
    return {
        "ref": refs.ref("task", task.pk),
        "status": task.status,
        "percent": task.percent,
        "rows": task.result.get("rows"),
        "download_url": url,
    }


@router.post(
    "/exports",
    response={202: ExportJob, **error_responses(404, 409, 428)},
    summary="Export households or members in the import format, in the background (Idempotency-Key required)",
)
def export_create(request: ApiRequest, body: ExportRequest) -> HttpResponse:
    require(request.auth, "household", "export")
    if body.ward and not scoped_wards(request.auth).filter(code=body.ward).exists():
        raise NotFound
    token = getattr(request.auth, "api_token", None)

    def make() -> tuple[int, Any, dict[str, str]]:
        task = export_for_api.enqueue(
            user=request.auth,
            token_id=token.pk if token else None,
            ward=body.ward or "",
            q=body.q,
            table=body.table,
        )
        return 202, _json(ExportJob, _job(request, task)), {}

    return created(request, make)


@router.get("/exports/{ref}", response={200: ExportJob, **error_responses(404)}, summary="An export's progress")
def export_status(request: ApiRequest, ref: str) -> Any:
    token = getattr(request.auth, "api_token", None)
    task = Task.objects.filter(
        pk=refs.pk_of("task", ref),
        kind=export_for_api.kind,
        created_by=request.auth,
        args__token_id=token.pk if token else None,
    ).first()
    if task is None:
        raise NotFound
    return _job(request, task)


download_router = Router(tags=["registry"], auth=None)


@download_router.get(
    "/exports/download/{signed}",
    response={200: bytes, 410: error_responses()[400]},
    url_name="export_download",
    summary="Download a finished export (the signed link is the authorisation)",
    openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def export_download(request: ApiRequest, signed: str) -> Any:
    try:
        payload = signing.loads(signed, salt=DOWNLOAD_SALT, max_age=int(getattr(settings, "API_DOWNLOAD_SECONDS", 900)))
    except signing.BadSignature as exc:
        raise DownloadExpired from exc
    path = export_dir() / str(payload["file"])
    if not path.is_file():
        raise DownloadExpired
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="text/csv")


def export_dir() -> Any:
    from ansinh.imports.tasks import api_export_dir

    return api_export_dir()
