"""What the payrolls write to the audit trail (``ansinh.audit.actions.AuditAction``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction
from ansinh.payments.models import PayrollStatus


class PaymentsAudit(AuditAction):
    PAYROLL_CREATE = "payroll.create"
    PAYROLL_COMPUTED = "payroll.computed"
    PAYROLL_FROZEN = "payroll.frozen"
    PAYROLL_IN_APPROVAL = "payroll.in_approval"
    PAYROLL_APPROVED = "payroll.approved"
    PAYROLL_EXPORTED = "payroll.exported"
    PAYROLL_RECONCILING = "payroll.reconciling"
    PAYROLL_RECONCILED = "payroll.reconciled"
    PAYROLL_CLOSED = "payroll.closed"
    PAYROLL_ABORTED = "payroll.aborted"
    PAYROLL_DRAFT = "payroll.draft"
    PAYROLL_SIGNED = "payroll.signed"  # one approval of several needed
    PAYROLL_FILE = "payroll.file"  # a payment file made for the channel
    PAYROLL_RESULTS = "payroll.results"  # payment results imported
    VERIFICATION_CREATE = "payroll.verification"
    COMPLAINT_OPEN = "payment_complaint.open"
    CERTIFIED_LIST = "certified_list.export"  # a sensitive read: a list of people sent to another body


# A payroll's move to a status → what the trail calls it.
PAYROLL_MOVED: dict[str, PaymentsAudit] = {s.value: PaymentsAudit(f"payroll.{s.value}") for s in PayrollStatus}
