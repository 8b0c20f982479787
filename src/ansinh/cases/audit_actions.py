"""What the cases write to the audit trail (``ansinh.audit.actions.AuditAction``). The trail holds field names and
codes only: a confidential value is written as ``"•"`` (its ciphertext is in the case, its reads in the read log)."""

from __future__ import annotations

from ansinh import vocab
from ansinh.audit.actions import AuditAction
from ansinh.vocab import Vocabulary

# The code list of each coded value the cases' actions write to the trail (by the key they write it under).
CHANGE_VOCABULARIES: dict[str, Vocabulary] = {
    "incident": vocab.INCIDENT_TYPE,
    "assessment": vocab.ASSESSMENT_FORM,
    "risk_level": vocab.RISK_LEVEL,
    "service": vocab.CASE_SERVICE,
    "measure": vocab.DV_MEASURE,
}


class CasesAudit(AuditAction):
    OPEN = "case.open"
    UPDATE = "case.update"
    INCIDENT = "case.incident"
    CONSENT = "case.consent"
    LINK_MEMBER = "case.link_member"
    ASSESS = "case.assess"
    PLAN = "case.plan"
    APPROVAL_REQUEST = "case.approval_request"
    APPROVAL_DECIDE = "case.approval_decide"
    SERVICE = "case.service"
    SERVICE_DONE = "case.service_done"
    REFER = "case.refer"
    REFER_OVERRIDE = "case.refer_override"
    REFERRAL_RESPOND = "case.referral_respond"
    REFERRAL_REVOKE = "case.referral_revoke"
    TRANSFER = "case.transfer"
    ASSIGN = "case.assign"
    MEASURE_REQUEST = "case.measure_request"
    MEASURE_DECIDE = "case.measure_decide"
    FOLLOW_UP = "case.follow_up"
    ATTACH = "case.attach"
    CLOSE = "case.close"
    REOPEN = "case.reopen"
    BREAK_GLASS = "case.break_glass"
    REVEAL = "case.reveal"
    AGENCY = "case.agency"
