"""What the programmes write to the audit trail (``ansinh.audit.actions.AuditAction``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction


class ProgramsAudit(AuditAction):
    ENROLMENT_GRANT = "enrolment.grant"
    ENROLMENT_STOP = "enrolment.stop"
    ENROLMENT_ADJUST = "enrolment.adjust"
