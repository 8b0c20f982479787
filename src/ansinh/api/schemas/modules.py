"""Schemas of the read-only modules: administrative units, review, programmes and payrolls, dossiers."""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field

from ansinh.api.schemas.common import Page


class WardOut(Schema):
    code: str
    name: str
    kind: str
    province_code: str
    province_name: str
    area_type: str
    valid_from: datetime.date
    valid_to: datetime.date | None = None


class RoundOut(Schema):
    ref: str
    ward_code: str
    kind: str
    year: int
    period_start: datetime.date
    period_end: datetime.date
    assessed_on: datetime.date
    standards: list[str]
    status: str
    corrects: str | None = None
    decision: str | None = Field(default=None, description="The decision's reference, once approved.")
    updated_at: datetime.datetime = Field(description="When it last changed (the sync order: docs/api.md).")


class RoundPage(Page):
    items: list[RoundOut]


class ResultOut(Schema):
    household_code: str
    standard: str
    klass: str = Field(description="poverty class: poor, near_poor, …")
    previous_class: str
    changed: bool
    deprivation_count: int
    income_per_person: float
    income_line: float
    members: int
    final: bool
    explanation: str


class ResultPage(Page):
    items: list[ResultOut]


class DecisionOut(Schema):
    ref: str
    round: str
    ward_code: str
    kind: str
    number: str
    date: datetime.date
    corrects: str | None = None
    updated_at: datetime.datetime = Field(
        description="When it was recorded: a decision never changes (a correction is a new decision)."
    )


class DecisionPage(Page):
    items: list[DecisionOut]


class EnrolmentOut(Schema):
    ref: str
    member: str
    household_code: str
    programme: str
    category: str
    start_month: datetime.date
    end_month: datetime.date | None = None
    updated_at: datetime.datetime = Field(description="When it last changed (the sync order: docs/api.md).")


class EnrolmentPage(Page):
    items: list[EnrolmentOut]


class PayrollOut(Schema):
    ref: str
    programme: str
    month: datetime.date
    ward_code: str
    status: str
    total_amount: int
    line_count: int
    paid_count: int
    updated_at: datetime.datetime = Field(description="When it last changed (the sync order: docs/api.md).")


class PayrollPage(Page):
    items: list[PayrollOut]


class DossierEventOut(Schema):
    kind: str
    status: str
    at: datetime.datetime
    appointment: datetime.datetime | None = None
    reason: str


class DossierOut(Schema):
    code: str
    procedure: str
    ward_code: str
    channel: str
    status: str
    applicant_name: str
    household_code: str | None = None
    documents: list[str]
    received_at: datetime.datetime
    timeliness: str
    due: datetime.datetime | None = None
    updated_at: datetime.datetime = Field(description="When it last changed (the sync order: docs/api.md).")
    events: list[DossierEventOut] = []


class DossierPage(Page):
    items: list[DossierOut]


class DossierNew(Schema):
    procedure: str = Field(max_length=64)
    ward_code: str = Field(max_length=16)
    applicant_name: str = Field(min_length=1, max_length=200)
    applicant_phone: str = Field(default="", max_length=20)
    household_code: str | None = Field(default=None, max_length=32)
    documents: list[str] = Field(default=[], max_length=50)


class DossierReceipt(DossierOut):
    secret: str = Field(description="Shown once: the citizen follows the dossier with its code and this secret.")
