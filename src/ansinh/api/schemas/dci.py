"""The DCI social-registry search envelope (Digital Convergence Initiative, registry API ``/registry/sync/search``):
a header, a message with one or more search requests, each a predicate query; the answer in the same envelope."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

Attribute = Literal[
    "ward_code", "household_code", "area_type", "residence_type", "status", "poverty_class", "poverty_standard"
]
Operator = Literal["eq", "ne", "in"]
Value = str | list[str]


class Expression(Schema):
    attribute_name: Attribute
    operator: Operator = "eq"
    attribute_value: Value


class Predicate(Schema):
    seq_num: int = 1
    expression1: Expression
    condition: Literal["and"] | None = None
    expression2: Expression | None = None


class Pagination(Schema):
    page_size: int = Field(default=50, ge=1, le=500)
    page_number: int = Field(default=1, ge=1, le=100000)


class SearchCriteria(Schema):
    version: str = "1.0.0"
    reg_type: Literal["ansinh:household"] = "ansinh:household"
    query_type: Literal["predicate"] = "predicate"
    query: list[Predicate] = Field(default=[], max_length=20)
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
    signature: str | None = Field(default=None, description="Not verified yet: the caller is its API token.")
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
