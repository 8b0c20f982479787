"""Households and members as the API shows and takes them, derived from the schema of record
(``ansinh.registry_schema``): an attribute added there appears here with its kind and code list."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Literal

from ninja import Schema
from pydantic import Field, create_model

from ansinh import registry_schema
from ansinh.api.schemas.common import Page
from ansinh.registry_schema import Attribute

_TYPES: dict[str, Any] = {
    "text": str,
    "id12": str,
    "id9": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": datetime.date,
}


def _type(attr: Attribute) -> Any:
    if attr.kind == "code" and attr.vocabulary:
        codes = tuple(attr.vocabulary)
        kind: Any = Literal[codes]
        return kind | Literal[""] if attr.blank else kind
    base = _TYPES[attr.kind]
    return base | None if attr.blank else base


def _constraints(attr: Attribute) -> dict[str, Any]:
    if attr.kind == "text":
        return {"min_length": 1, "max_length": 255}
    if attr.kind == "int":
        return {"ge": 0, "le": 10**12}
    if attr.kind == "float":
        return {"ge": 0, "le": 10**6}
    return {}


def _model(name: str, attrs: tuple[Attribute, ...], *, optional: bool, skip: tuple[str, ...] = ()) -> type[Schema]:
    fields: dict[str, Any] = {}
    for attr in attrs:
        if attr.name in skip:
            continue
        kind = _type(attr)
        extra = {"description": attr.header, **_constraints(attr)}
        if optional or attr.blank or not attr.import_required:
            fields[attr.name] = (kind | None, Field(default=None, **extra))
        else:
            fields[attr.name] = (kind, Field(..., **extra))
    model: type[Schema] = create_model(name, __base__=Schema, **fields)
    return model


# What a creation takes (the required columns of an import are required here) and what a change takes (any).
if TYPE_CHECKING:  # built at run time from the schema of record; a plain schema to the type checker
    HouseholdNew = Schema
    HouseholdChange = Schema
    MemberNew = Schema
    MemberChange = Schema
    HouseholdAttributes = Schema
    MemberAttributes = Schema
else:
    HouseholdNew = _model("HouseholdNew", registry_schema.HOUSEHOLD, optional=False, skip=("area_type",))
    HouseholdChange = _model("HouseholdChange", registry_schema.HOUSEHOLD, optional=True, skip=("code", "area_type"))
    MemberNew = _model("MemberNew", registry_schema.MEMBER, optional=False)
    MemberChange = _model("MemberChange", registry_schema.MEMBER, optional=True)
    HouseholdAttributes = _model("HouseholdAttributes", registry_schema.HOUSEHOLD, optional=True)
    MemberAttributes = _model("MemberAttributes", registry_schema.MEMBER, optional=True)


class MemberOut(MemberAttributes):
    ref: str = Field(description="The member's reference (m-…), stable; never a database id.")
    household_code: str
    status: str
    version: int
    updated_at: datetime.datetime


class HouseholdSummary(Schema):
    code: str
    ward_code: str
    address: str
    status: str
    head_name: str | None = None
    version: int
    updated_at: datetime.datetime


class HouseholdOut(HouseholdAttributes):
    status: str
    dissolved_on: datetime.date | None = None
    version: int
    updated_at: datetime.datetime
    members: list[MemberOut] = []


class HouseholdPage(Page):
    items: list[HouseholdSummary]


class MemberPage(Page):
    items: list[MemberOut]


class Registration(Schema):
    """A new household with its head (more members are added afterwards)."""

    household: HouseholdNew
    head: MemberNew
    registered_on: datetime.date
    head_reason: str = Field(default="", max_length=500)


class MemberAddition(Schema):
    member: MemberNew
    on: datetime.date
    reason: Literal["birth", "move_in", "member_added"] = "member_added"


class ExportRequest(Schema):
    ward: str | None = Field(default=None, max_length=16)
    q: str = Field(default="", max_length=200)
    table: Literal["households", "members"] = "households"


class ExportJob(Schema):
    ref: str
    status: str
    percent: int
    rows: int | None = None
    download_url: str | None = Field(default=None, description="Signed link, valid for a limited time.")
