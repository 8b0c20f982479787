"""What the dossiers write to the audit trail (``ansinh.audit.actions.AuditAction``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction
from ansinh.dossiers.models import EventKind


class DossiersAudit(AuditAction):
    RECEIVED = "dossier.received"
    ACCEPTED = "dossier.accepted"
    REFUSED = "dossier.refused"
    HANDED_OFF = "dossier.handed_off"
    SUPPLEMENT_REQUESTED = "dossier.supplement_requested"
    SUPPLEMENT_RECEIVED = "dossier.supplement_received"
    DECIDED = "dossier.decided"
    APOLOGY = "dossier.apology"
    RETURNED = "dossier.returned"
    WITHDRAWN = "dossier.withdrawn"
    STOPPED = "dossier.stopped"
    CORRECTED = "dossier.corrected"
    RATED = "dossier.rated"
    FEEDBACK_RECEIVED = "feedback.received"
    FEEDBACK_CLASSIFIED = "feedback.classified"
    FEEDBACK_REDIRECTED = "feedback.redirected"
    FEEDBACK_FORWARDED = "feedback.forwarded"
    FEEDBACK_ANSWERED = "feedback.answered"
    FEEDBACK_PUBLISHED = "feedback.published"


# A dossier's event kind (the enum or its stored string) → what the trail calls it.
EVENT_RECORDED: dict[str, DossiersAudit] = {kind.value: DossiersAudit(f"dossier.{kind.value}") for kind in EventKind}

# A feedback event's kind → what the trail calls it.
FEEDBACK_RECORDED: dict[str, DossiersAudit] = {
    "received": DossiersAudit.FEEDBACK_RECEIVED,
    "classified": DossiersAudit.FEEDBACK_CLASSIFIED,
    "redirected": DossiersAudit.FEEDBACK_REDIRECTED,
    "forwarded": DossiersAudit.FEEDBACK_FORWARDED,
    "answered": DossiersAudit.FEEDBACK_ANSWERED,
    "published": DossiersAudit.FEEDBACK_PUBLISHED,
}
