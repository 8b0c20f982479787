"""What imports and exports write to the audit trail (``ansinh.audit.actions.AuditAction``). The rows an
import writes to the registry are audited with the registry's own names (``RegistryAudit``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction


class ImportAudit(AuditAction):
    COMMIT = "import.commit"
    CANCEL = "import.cancel"
    EXPIRE = "import.expire"
    PURGE = "import.purge"
    PURGE_ORPHANS = "import.purge_orphans"
    EXPORT = "household.export"
