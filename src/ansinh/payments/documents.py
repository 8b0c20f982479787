"""The programmes' documents in Vietnamese: a decision on an enrolment (grant, adjustment, stop) as a PDF the
chairman signs, and the certified lists sent to other bodies (health-insurance support of the near-poor, the
households certified for preferential loans) as XLSX and PDF. The wording and the columns are data
(``data/documents.yaml``); the page, the font and the heading are review's (``review.documents.pdf``)."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from ansinh import vocab
from ansinh.engine.benefits import month_lines
from ansinh.geo.models import Ward
from ansinh.lib.dates import format_date
from ansinh.lib.numbers import format_number
from ansinh.lib.sheets import save_workbook
from ansinh.programs.models import Decision
from ansinh.programs.rules import legal_rules, programmes
from ansinh.review.documents import layouts
from ansinh.review.documents.data import Issuer
from ansinh.review.documents.pdf import Document

DATA = Path(__file__).with_name("data") / "documents.yaml"
LIST_KINDS = ("hi_support", "loans")
ESCAPED = "escaped"  # a loans list's group: escaped from poverty within the months the rules allow


@cache
def _layout() -> dict[str, Any]:
    tree = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert isinstance(tree, dict)
    return tree


def issuer_of(ward: Ward, signer_name: str = "") -> Issuer:
    return Issuer(province=ward.province.name if ward.province_id else "", ward=ward.name, signer_name=signer_name)


def _amount(decision: Decision) -> tuple[int, str]:
    """What the decision's category pays in its first month, and how (the engine, for this one person)."""
    enrolment, member = decision.enrolment, decision.enrolment.member
    enrolments = pl.DataFrame([{"enrolment_id": enrolment.pk, "member_id": member.pk, "category": enrolment.category,
                                "start_month": decision.effective_month, "end_month": None}],
                              schema={"enrolment_id": pl.Int64, "member_id": pl.Int64, "category": pl.String,
                                      "start_month": pl.Date, "end_month": pl.Date})  # fmt: skip
    people = pl.DataFrame([{"member_id": member.pk, "date_of_birth": member.date_of_birth, "date_of_death": None,
                            "ward_code": member.household.ward_id}],
                          schema={"member_id": pl.Int64, "date_of_birth": pl.Date, "date_of_death": pl.Date,
                                  "ward_code": pl.String})  # fmt: skip
    lines = month_lines(enrolments, people, programmes()[enrolment.programme], legal_rules(),
                        decision.effective_month)  # fmt: skip
    if lines.is_empty():
        return 0, ""
    return int(lines["entitled"][0]), str(lines["explanation_vi"][0])


def decision_pdf(decision: Decision) -> bytes:
    """The decision as a PDF in Vietnamese: heading, bases, the article naming the person, category, amount and
    month (the amount from the rules of that month), the closing article and the signature."""
    layout = _layout()["decision"]
    enrolment = decision.enrolment
    member = enrolment.member
    ward = member.household.ward
    programme = programmes()[enrolment.programme]
    category = programme.categories[enrolment.category]
    kind = decision.kind if decision.kind in layout["articles"] else "grant"
    amount, explanation = _amount(decision) if kind != "stop" else (0, "")
    issuer = issuer_of(ward, decision.signer_name)
    values = {
        "ward": ward.name, "ward_upper": ward.name.upper(), "programme": programme.name["vi"],
        "legal_basis": programme.legal_basis, "verb": layout["verbs"][kind], "name": member.full_name,
        "dob": format_date(member.date_of_birth), "id_number": member.id_number or "—",
        "address": member.household.address, "category": category.name["vi"], "clause": category.clause,
        "amount": format_number(amount, lang="vi"), "explanation": explanation,
        "month": f"{decision.effective_month:%m/%Y}", "reason": decision.reason or "—", "number": decision.number,
    }  # fmt: skip
    pdf = Document()
    pdf.heading(issuer, number=decision.number, on=decision.date)
    pdf.doc_title(layouts.fill(layout["title"], **values), layouts.fill(layout["subtitle"][kind], **values))
    pdf.line_text(layouts.fill(layout["authority"], **values), bold=True, align="C", height=6)
    pdf.ln(3)
    for basis in layout["bases"]:
        pdf.paragraph(layouts.fill(basis, **values))
    pdf.line_text(layout["decides"], bold=True, align="C", height=6)
    pdf.ln(2)
    articles = [layouts.fill(layout["articles"][kind], **values)]
    articles += [layouts.fill(a, **values) for a in layout["closing"]]
    for n, article in enumerate(articles, start=1):
        pdf.paragraph(f"Điều {n}. {article}")
    pdf.signatures(layout["signatures"], layout["sign_hint"], [decision.signer_name])
    return pdf.finish(f"Quyết định {decision.number}")


def list_rows(kind: str, frame: pl.DataFrame, on: dt.date) -> list[dict[str, Any]]:
    """A certified list's rows as the layout's columns: the support rate and the legal basis of each row from
    the legal data in force on ``on``."""
    rules = legal_rules()
    rows = []
    if kind == "hi_support":
        near = rules.lookup("hi_support.near_poor_rate", on)
        for i, r in enumerate(frame.sort("household_code", "full_name").to_dicts(), start=1):
            rows.append({**r, "stt": i, "date_of_birth": format_date(r["date_of_birth"]),
                         "id_number": r["id_number"] or "", "rate": f"{round(float(near.value) * 100)}%",
                         "legal_basis": near.reference})  # fmt: skip
        return rows
    basis = {vocab.POOR: rules.lookup("loans.poor_basis", on).reference,
             vocab.NEAR_POOR: rules.lookup("loans.near_poor_basis", on).reference,
             ESCAPED: rules.lookup("loans.escaped_within_months", on).reference}  # fmt: skip
    labels = {vocab.POOR: "Hộ nghèo", vocab.NEAR_POOR: "Hộ cận nghèo", ESCAPED: "Hộ mới thoát nghèo"}
    for i, r in enumerate(frame.sort("group", "household_code").to_dicts(), start=1):
        rows.append({**r, "stt": i, "group": labels[r["group"]], "since": format_date(r["since"]),
                     "legal_basis": basis[r["group"]]})  # fmt: skip
    return rows


def _list_values(kind: str, ward: Ward, on: dt.date) -> dict[str, Any]:
    months = legal_rules().value_at("loans.escaped_within_months", on)
    return {"ward": ward.name, "date": format_date(on), "months": months}


def list_pdf(kind: str, ward: Ward, rows: list[dict[str, Any]], on: dt.date) -> bytes:
    layout = _layout()["lists"]
    values = _list_values(kind, ward, on)
    pdf = Document(orientation="L")
    pdf.heading(issuer_of(ward), on=on)
    pdf.doc_title(layouts.fill(layout[kind]["title"], **values), layouts.fill(layout[kind]["subtitle"], **values))
    pdf.table_of(layout[kind]["columns"], [{k: str(v) for k, v in r.items()} for r in rows])
    pdf.signatures(layout["signatures"], layout["sign_hint"])
    return pdf.finish(layouts.fill(layout[kind]["title"], **values))


def list_xlsx(kind: str, ward: Ward, rows: list[dict[str, Any]], on: dt.date) -> bytes:
    from openpyxl import Workbook

    layout = _layout()["lists"]
    values = _list_values(kind, ward, on)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append([layouts.fill(layout[kind]["title"], **values)])
    sheet.append([layouts.fill(layout[kind]["subtitle"], **values)])
    columns = layout[kind]["columns"]
    sheet.append([c["title"] for c in columns])
    for row in rows:
        sheet.append([row.get(c["key"], "") for c in columns])
    out = io.BytesIO()
    save_workbook(workbook, out)
    return out.getvalue()
