"""What the registry writes to the audit trail (``ansinh.audit.actions.AuditAction``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction


class RegistryAudit(AuditAction):
    HOUSEHOLD_CREATE = "household.create"
    HOUSEHOLD_UPDATE = "household.update"
    MEMBER_CREATE = "member.create"
    MEMBER_UPDATE = "member.update"
    DUPLICATE_RESOLVE = "duplicate.resolve"
    SEED = "registry.seed"
