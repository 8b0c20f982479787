"""The DCI social-registry search envelope (Digital Convergence Initiative, registry API ``/registry/sync/search``):
a header, a message with one or more search requests, each an ``idtype-value``, ``expression`` or ``predicate``
query (``api.dci_query``); the answer in the same envelope. Attribute and operator names are read as text, so
that one the registry does not support is answered with DCI's ``rjct.search_criteria.invalid`` naming it."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

Value = str | int | list[str | int]


class Expression(Schema):
    attribute_name: str = Field(max_length=64, description="ward_code, poverty_class, member_age, … (docs/api.md)")
    operator: str = Field(default="eq", max_length=8, description="eq, ne, in; lt, le, gt, ge on member_age")
    attribute_value: Value


class Predicate(Schema):
    seq_num: int = 1
    expression1: Expression
    condition: str | None = Field(default=None, max_length=8, description="and, or")
    expression2: Expression | None = None


class Pagination(Schema):
    page_size: int = Field(default=50, ge=1, le=500)
    page_number: int = Field(default=1, ge=1, le=100000)


class SearchCriteria(Schema):
    version: str = "1.0.0"
    reg_type: Literal["ansinh:household"] = "ansinh:household"
    query_type: Literal["predicate", "expression", "idtype-value"] = "predicate"
    query: list[Predicate] | dict[str, Any] = Field(
        default=[],
        description="predicate: a list of predicates (at most 20); expression: an object of conditions; "
        'idtype-value: {"type": "household_code" | "id_number", "value": "…"}',
    )
    pagination: Pagination = Pagination()


class SearchRequest(Schema):
    reference_id: str = Field(max_length=100)
    timestamp: datetime.datetime
    search_criteria: SearchCriteria
    locale: Literal["vi", "en"] = "vi"


class SearchMessage(Schema):
    transaction_id: str = Field(max_length=100)
    search_request: list[SearchRequest] = Field(min_length=1, max_length=10)


class Header(Schema):
    version: str = "1.0.0"
    message_id: str = Field(max_length=100)
    message_ts: datetime.datetime
    action: Literal["search"] = "search"
    sender_id: str = Field(max_length=100)
    receiver_id: str | None = Field(default=None, max_length=100)
    total_count: int | None = None
    is_msg_encrypted: Literal[False] = False


class SearchEnvelope(Schema):
    signature: str | None = Field(
        default=None,
        max_length=2000,
        description="Ed25519 over the header and the message, checked with the token's key (docs/api.md).",
    )
    header: Header
    message: SearchMessage


class HouseholdRecord(Schema):
    household_code: str
    ward_code: str
    address: str
    area_type: str
    residence_type: str
    status: str
    poverty: dict[str, str] = Field(description="standard → current class on the official list")


class ResponseData(Schema):
    version: str = "1.0.0"
    reg_type: str = "ansinh:household"
    reg_record_type: str = "household"
    reg_records: list[HouseholdRecord]


class ResponsePagination(Schema):
    page_size: int
    page_number: int
    total_count: int


class SearchResponse(Schema):
    reference_id: str
    timestamp: datetime.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None = None
    status_reason_message: str | None = None
    data: ResponseData | None = None
    pagination: ResponsePagination | None = None
    locale: str


class ResponseHeader(Schema):
    version: str = "1.0.0"
    message_id: str
    message_ts: datetime.datetime
    action: Literal["on-search"] = "on-search"
    status: Literal["succ", "part", "rjct"]
    status_reason_code: str | None = Field(default=None, description="err.signature.missing, … when refused")
    status_reason_message: str | None = None
    total_count: int
    completed_count: int
    sender_id: str
    receiver_id: str


class ResponseMessage(Schema):
    transaction_id: str
    correlation_id: str
    search_response: list[SearchResponse]


class ResponseEnvelope(Schema):
    signature: str | None = None
    header: ResponseHeader
    message: ResponseMessage
