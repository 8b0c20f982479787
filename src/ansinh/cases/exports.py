"""Exports of cases, each protected by a password the user types, used once and never stored: the case file as a
PDF encrypted with AES-256 (fpdf2; the owner password is random and thrown away), and the national incident
export (codes and age bands only) as a workbook written through ``lib.sheets`` and encrypted as Excel does."""

from __future__ import annotations

import io
import secrets
from typing import Any

import msoffcrypto
import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import EncryptionMethod, XPos, YPos
from openpyxl import Workbook

from ansinh import vocab
from ansinh.cases.errors import WeakPassword
from ansinh.cases.models import Case
from ansinh.cases.queries import label
from ansinh.lib.dates import DATETIME_FORMAT
from ansinh.lib.sheets import save_workbook, text_cell
from ansinh.review.documents.pdf import FONT, FONT_DIR, nfc  # the app's embedded font

MIN_PASSWORD = 10


def _when(at: Any) -> str:
    return timezone.localtime(at).strftime(DATETIME_FORMAT) if at else "–"


def case_pdf(case: Case, view: dict[str, Any], password: str) -> bytes:
    """The sections of ``view`` (what the user may see) as a PDF only ``password`` opens."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(field="password", min=MIN_PASSWORD)
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_encryption(
        owner_password=secrets.token_urlsafe(24), user_password=password, encryption_method=EncryptionMethod.AES_256
    )
    pdf.add_page()

    def line(text: str, *, size: float = 10, bold: bool = False) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.55, nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(_("Case %(code)s – confidential") % {"code": case.code}, size=14, bold=True)
    line(f"{label(vocab.CASE_KIND, case.kind)} · {_('received')} {_when(case.received_at)}")
    line(f"{_('Survivor code')}: {case.survivor_code} · {case.survivor_age} · {label(vocab.SEX, case.survivor_sex)}")
    texts = (
        ("survivor_name", _("Survivor")),
        ("survivor_address", _("Address")),
        ("narrative", _("Narrative")),
        ("perpetrator", _("Perpetrator")),
        ("medical", _("Medical")),
    )
    for key, title in texts:
        if key in view:
            line(title, size=11, bold=True)
            line(view[key] or "–")
    for incident in view.get("incidents", []):
        line(_("Incident"), size=11, bold=True)
        line(
            f"{incident.occurred_on:%d/%m/%Y} · {label(vocab.INCIDENT_TYPE, incident.kind)} · "
            f"{label(vocab.LOCATION_TYPE, incident.location_type)} · "
            f"{label(vocab.PERPETRATOR_RELATION, incident.perpetrator_relation)}"
        )
    for item in view.get("assessments", []):
        a = item["row"]
        line(_("Assessment"), size=11, bold=True)
        line(f"{_when(a.at)} · {label(vocab.ASSESSMENT_FORM, a.form)} · {label(vocab.RISK_LEVEL, a.risk_level)}")
        line(item["summary"] or "–")
    for item in view.get("plans", []):
        line(_("Plan"), size=11, bold=True)
        line(f"{_when(item['row'].drafted_at)}: {item['goals']}")
    for s in view.get("services", []):
        line(f"{_('Service')}: {label(vocab.CASE_SERVICE, s.kind)} · {_when(s.implemented_at)}")
    for m in view.get("measures", []):
        line(f"{_('Measure')}: {label(vocab.DV_MEASURE, m.kind)} · {_when(m.requested_at)} → {_when(m.decided_at)}")
    for item in view.get("follow_ups", []):
        line(f"{_('Follow-up')} {_when(item['row'].at)}: {item['note']}")
    return bytes(pdf.output())


def national_xlsx(frame: pl.DataFrame, password: str) -> bytes:
    """The national incident export as a workbook (every cell text or number, none a formula), encrypted with
    ``password`` (ECMA-376 agile encryption, AES-256, as Excel does; ``msoffcrypto-tool``), never stored."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(field="password", min=MIN_PASSWORD)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("incidents")
    sheet.append([text_cell(sheet, c) for c in frame.columns])
    for row in frame.iter_rows():
        sheet.append([text_cell(sheet, v) for v in row])
    plain = io.BytesIO()
    save_workbook(workbook, plain)
    plain.seek(0)
    sealed = io.BytesIO()
    msoffcrypto.OfficeFile(plain).encrypt(password, sealed)
    return sealed.getvalue()
