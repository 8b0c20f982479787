"""The facts' refresh as a background task, queued by the events that change them.

The domain modules do not import this module (it reads theirs): an action that changes what a source reads
queues the task by its kind, after its transaction commits (``ansinh.tasks.actions.enqueue(KIND, {...})``):

* ``review.actions.do_approve_round`` → ``{"source": "poverty", "wards": [round's ward]}``
* ``payments.actions.do_freeze_payroll`` and ``do_abort_payroll`` (of a frozen one) → ``{"source": "payroll", ...}``
* ``dossiers.actions.do_return_dossier`` → ``{"source": "dossier", ...}``

A burst of events for one slice costs one refresh: a task whose slices were all rebuilt after it was queued
does nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ansinh.reports import facts
from ansinh.reports.models import FactBatch
from ansinh.tasks.actions import Progress, task

KIND = "reports.refresh_facts"


@task(kind=KIND)
def refresh_facts(
    progress: Progress, *, source: str, wards: list[str] | None = None, reason: str = "", requested_at: str = ""
) -> dict[str, Any]:
    """Refresh ``source``'s facts for ``wards`` (all when None), unless already refreshed since the request."""
    if requested_at and wards:
        since = dt.datetime.fromisoformat(requested_at)
        fresh = FactBatch.objects.filter(source=source, ward_code__in=wards, current=True, built_at__gt=since)
        if fresh.count() == len(set(wards)):
            return {"source": source, "skipped": True}
    progress(0, 1, source)
    done = facts.refresh(source, wards, reason=reason or "event")
    progress(1, 1, source)
    return {"source": done.source, "wards": done.wards, "rows": done.rows, "seconds": round(done.seconds, 3)}
