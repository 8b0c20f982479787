"""The one-stop documents of a dossier as Vietnamese PDFs: receipt with appointment (form 01), supplement request
(02), refusal (03), apology with the new date (04), the control sheet with each hand-off and its own on-time mark
(06) and the register (07).

The wording and the columns are data (``layouts/forms.yaml``, overridable under ``settings.DOSSIER_LAYOUT_DIR``),
marked unverified until checked against the official forms, and every page says so. The page itself (the embedded
DejaVu font, the national heading, tables and signatures) is the review documents' (``review.documents.pdf``).
Every mark is derived from the events (``queries.classify``), never read from a stored field.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from ansinh.dossiers.models import Dossier, DossierEvent, EventKind, Status
from ansinh.dossiers.procedures import local, procedure
from ansinh.dossiers.queries import classify
from ansinh.lib.dates import format_date
from ansinh.review.documents.data import Issuer
from ansinh.review.documents.layouts import fill
from ansinh.review.documents.pdf import Document

LAYOUT = Path(__file__).with_name("layouts") / "forms.yaml"
KINDS = ("receipt", "supplement", "refusal", "apology", "control", "result")
# The event a document of a single dossier needs (the control sheet needs an acceptance).
NEEDS = {
    "receipt": EventKind.ACCEPTED,
    "supplement": EventKind.SUPPLEMENT_REQUESTED,
    "refusal": EventKind.REFUSED,
    "apology": EventKind.APOLOGY,
    "control": EventKind.ACCEPTED,
    "result": EventKind.DECIDED,
}
ONE_STOP = "Bộ phận một cửa"


def layout() -> dict[str, Any]:
    """The layouts with the administrator's overrides (read on each call: an edit applies at once)."""
    data: dict[str, Any] = yaml.safe_load(LAYOUT.read_text(encoding="utf-8"))
    configured = getattr(settings, "DOSSIER_LAYOUT_DIR", None)
    custom = (Path(configured) if configured else Path(settings.DATA_DIR) / "layouts" / "dossiers") / "forms.yaml"
    if custom.is_file():
        data.update(yaml.safe_load(custom.read_text(encoding="utf-8")) or {})
    return data


def _when(value: dt.datetime | None) -> str:
    return local(value).strftime("%H:%M ngày %d/%m/%Y") if value else ""


def _day(value: dt.datetime | None) -> str:
    return format_date(local(value).date()) if value else ""


def issuer(dossier: Dossier) -> Issuer:
    ward = dossier.ward
    return Issuer(province=ward.province.name if ward.province_id else "", ward=ward.name)


def available(dossier: Dossier) -> list[str]:
    """The documents the dossier's events allow now."""
    kinds = set(dossier.events.values_list("kind", flat=True))
    return [k for k in KINDS if NEEDS[k] in kinds and (k != "result" or dossier.enrolment_decision_id)]


class MissingEvent(LookupError):
    """The dossier has no event for that document yet (the page answers 404)."""


def _page(pdf: Any, lay: dict[str, Any], values: dict[str, Any], doc: dict[str, Any], on: dt.date) -> None:
    pdf.common = {**pdf.common, "issuer_unit": lay["issuer_unit"]}
    pdf.heading(values["issuer"], on=on)
    pdf.doc_title(fill(doc["title"], **values), fill(doc.get("subtitle", ""), **values))


def _mark(pdf: Any, lay: dict[str, Any], doc: dict[str, Any]) -> None:
    pdf.ln(2)
    pdf.line_text(f"{doc.get('form', '')} · {lay['legal_basis']}", size=8)
    if not lay.get("verified"):
        pdf.line_text(lay["unverified_mark"], size=8, bold=True)


def build(dossier: Dossier, kind: str) -> bytes:
    """The PDF ``kind`` (one of :data:`KINDS`) of ``dossier``; :class:`MissingEvent` when its event is absent."""
    if kind not in KINDS or (kind == "result" and not dossier.enrolment_decision_id):
        raise MissingEvent(kind)
    events = list(dossier.events.select_related("actor").order_by("seq"))
    source = next((e for e in reversed(events) if e.kind == NEEDS[kind]), None)
    if source is None:
        raise MissingEvent(kind)
    lay = layout()
    doc = lay[kind]
    proc = procedure(dossier.procedure, local(dossier.received_at).date())
    # The receipt carries the appointment it set; the other documents the one in force when they were issued.
    appointment = next((e.appointment for e in reversed(events[: events.index(source) + 1]) if e.appointment), None)
    the_issuer = issuer(dossier)
    values: dict[str, Any] = {
        "issuer": the_issuer,
        "code": dossier.code,
        "applicant": dossier.applicant_name,
        "phone": dossier.applicant_phone or "—",
        "procedure": proc.name_vi,
        "channel": lay["channels"].get(dossier.channel, dossier.channel),
        "ward": dossier.ward.name,
        "ward_upper": dossier.ward.name.upper(),
        "limit": f"{proc.limit_working_days} ngày làm việc" if proc.limit_working_days else "theo thời hạn rà soát",
        "received_at": _when(dossier.received_at),
        "received_on": _day(dossier.received_at),
        "appointment": _when(appointment),
        "at": _when(source.at),
        "reason": source.reason or "—",
        "new_date": format_date(dt.date.fromisoformat(source.data["new_date"])) if kind == "apology" else "",
        "sent_by": {"letter": "thư", "email": "thư điện tử", "sms": "tin nhắn"}.get(
            str(source.data.get("sent_by", "")), str(source.data.get("sent_by", ""))
        ),
    }
    if kind == "result":
        values.update(_decision_values(dossier))
    pdf = Document()
    _page(pdf, lay, values, doc, local(source.at).date())
    for line in doc["lines"]:
        pdf.paragraph(fill(line, **values))
    if kind == "receipt":
        pdf.line_text(doc["documents_heading"], bold=True)
        names = dict(proc.documents)
        attached = {a.document: a.name for a in dossier.attachments.all()}
        for code in dossier.documents:
            extra = f" (tệp {attached[code]})" if code in attached else ""
            pdf.line_text(f"– {names.get(code, code)}{extra}", size=10.5, height=5.5)
        pdf.ln(2)
        for line in doc["after"]:
            pdf.paragraph(fill(line, **values))
    if kind == "control":
        pdf.line_text(doc["note"], size=9)
        pdf.ln(1)
        pdf.table_of(doc["columns"], control_rows(events, lay))
    actor = source.actor
    signers: list[str] = [str(actor.get_full_name() or actor.username)] if actor else []
    if kind == "receipt":
        signers = [dossier.applicant_name, *signers]
    pdf.signatures(doc["signatures"], lay["sign_hint"], signers)
    _mark(pdf, lay, doc)
    return pdf.finish(fill(doc["title"], **values))


def _decision_values(dossier: Dossier) -> dict[str, Any]:
    """The enrolment decision that is the dossier's result (the programmes' record, read, never copied)."""
    from ansinh.programs.rules import programmes

    decision = dossier.enrolment_decision
    assert decision is not None
    enrolment = decision.enrolment
    programme = programmes()[enrolment.programme]
    category = programme.categories.get(enrolment.category)
    return {
        "programme": str(programme.name.get("vi", enrolment.programme)).lower(),
        "legal_basis": programme.legal_basis,
        "person": enrolment.member.full_name,
        "category": category.name.get("vi", enrolment.category) if category else enrolment.category,
        "start_month": f"{enrolment.start_month:%m/%Y}",
        "number": decision.number,
        "decision_date": format_date(decision.date),
        "signer": decision.signer_name or "—",
        "signer_role": decision.signer_role,
    }


def control_rows(events: Sequence[DossierEvent], lay: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per step: who handed to whom, when, the appointment in force then, and the step's own mark."""
    rows: list[dict[str, Any]] = []
    due: dt.datetime | None = None
    holder = ONE_STOP
    for e in events:
        in_force = due
        if e.appointment is not None:
            due = e.appointment
            in_force = in_force or due
        to_unit = holder
        if e.kind == EventKind.HANDED_OFF:
            to_unit = e.unit
        elif e.kind in (EventKind.DECIDED, EventKind.ACCEPTED):
            to_unit = ONE_STOP
        elif e.kind in (EventKind.RETURNED, EventKind.SUPPLEMENT_REQUESTED):
            to_unit = "Người nộp"
        mark = ""
        if in_force is not None and e.kind not in (EventKind.RECEIVED, EventKind.ACCEPTED, EventKind.CORRECTED):
            mark = lay["marks"][classify(local(in_force).date(), local(e.at).date())]
        rows.append(
            {
                "stt": len(rows) + 1,
                "step": lay["steps"].get(e.kind, e.kind),
                "from_unit": holder,
                "to_unit": to_unit,
                "at": local(e.at).strftime("%H:%M %d/%m/%Y"),
                "due": local(in_force).strftime("%d/%m/%Y") if in_force else "",
                "mark": mark,
                "note": e.reason,
            }
        )
        holder = to_unit if e.kind != EventKind.SUPPLEMENT_REQUESTED else holder
    return rows


def build_register(ward: Any, start: dt.date, end: dt.date, dossiers: Sequence[Dossier]) -> bytes:
    """The register (sổ theo dõi) of ``dossiers`` (received in ``[start, end)``), one line each, in two queries."""
    lay = layout()
    doc = lay["register"]
    ids = [d.pk for d in dossiers]
    facts: dict[int, dict[str, Any]] = defaultdict(dict)
    for dossier_id, kind, at, appointment in (
        DossierEvent.objects.filter(dossier_id__in=ids)
        .order_by("seq")
        .values_list("dossier_id", "kind", "at", "appointment")
    ):
        f = facts[dossier_id]
        if appointment is not None:
            f["appointment"] = appointment
        if kind in (EventKind.DECIDED, EventKind.WITHDRAWN) and "ended" not in f:
            f["ended"] = at
        if kind == EventKind.RETURNED:
            f["returned"] = at
    labels = dict(Status.choices)
    names: dict[str, str] = {}
    rows = []
    for i, d in enumerate(dossiers, start=1):
        f = facts.get(d.pk, {})
        if d.procedure not in names:
            names[d.procedure] = procedure(d.procedure, local(d.received_at).date()).name_vi
        status = str(labels.get(d.status, d.status))
        if f.get("ended") and f.get("appointment"):
            status += f" · {lay['marks'][classify(local(f['appointment']).date(), local(f['ended']).date())]}"
        rows.append(
            {
                "stt": i,
                "code": d.code,
                "applicant": d.applicant_name,
                "procedure": names[d.procedure],
                "channel": lay["channels"].get(d.channel, d.channel),
                "received_at": _day(d.received_at),
                "appointment": _day(f.get("appointment")),
                "ended": _day(f.get("ended")),
                "returned": _day(f.get("returned")),
                "status": status,
            }
        )
    values = {
        "issuer": Issuer(province=ward.province.name if ward.province_id else "", ward=ward.name),
        "ward": ward.name,
        "ward_upper": ward.name.upper(),
        "start": format_date(start),
        "end": format_date(end - dt.timedelta(days=1)),
    }
    pdf = Document(orientation="L")
    _page(pdf, lay, values, doc, end - dt.timedelta(days=1))
    pdf.table_of(doc["columns"], rows, size=8)
    pdf.signatures(doc["signatures"], lay["sign_hint"])
    _mark(pdf, lay, doc)
    return pdf.finish(fill(doc["title"], **values))
