"""What accounts write to the audit trail (``ansinh.audit.actions.AuditAction``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction


class AccountsAudit(AuditAction):
    USER_CREATE = "user.create"
    USER_CHANGE = "user.change"
    USER_SUPERUSER = "user.superuser"
    USER_SUPERUSER_REVOKE = "user.superuser_revoke"
