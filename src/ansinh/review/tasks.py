"""Background task of the review: the bulk assessment of a round runs in a worker, with progress.

The handler is registered with ``ansinh.tasks`` when this module is imported (the task queue imports every
app's ``tasks`` module). The round's page enqueues it (``enqueue_assessment``) and shows the progress of
``queries.assessment_task(round)``.
"""

from __future__ import annotations

from typing import Any

from ansinh.accounts.models import User
from ansinh.review import actions
from ansinh.review.errors import NotAllowed
from ansinh.review.models import Round
from ansinh.tasks.actions import Progress, enqueue, handler
from ansinh.tasks.models import Status, Task

KIND = "review.assess_round"


@handler(KIND)
def assess_round(task: Task, progress: Progress) -> dict[str, Any]:
    """Run ``do_assess_round`` for the round in ``task.args``, reporting each stage as progress."""
    uid = task.args.get("user_id")
    actor = User.objects.filter(pk=uid).first() if uid else None
    round = Round.objects.get(pk=task.args["round_id"])
    with progress.transaction():
        summary = actions.do_assess_round(
            actor=actor,
            round=round,
            household_ids=task.args.get("household_ids"),
            progress=lambda done, total, note: progress(done, total, note),
        )
    return {
        "round": round.pk,
        "households": summary.households,
        "counts": summary.counts,
        "changed": summary.changed,
        "missing": summary.missing[:100],
        "missing_count": len(summary.missing),
        "seconds": {k: float(f"{v:.3f}") for k, v in summary.seconds.items()},
    }


def enqueue_assessment(*, actor: Any, round: Round, household_ids: list[int] | None = None) -> Task:
    """Queue the assessment of ``round``: refused now if the user or the round's status does not allow it
    (the action checks again when it runs). While one is queued or running, that one is returned."""
    from ansinh.accounts.permissions import can
    from ansinh.accounts.scope import in_scope
    from ansinh.review.queries import assessment_task

    if not can(actor, "review", "prepare") or not in_scope(actor, round.ward_id):
        raise NotAllowed("review.prepare")
    actions.check_step(round, "assess")
    running = assessment_task(round)
    if running is not None and running.status in (Status.QUEUED, Status.RUNNING):
        return running
    return enqueue(
        KIND, {"round_id": round.pk, "user_id": getattr(actor, "pk", None), "household_ids": household_ids}, user=actor
    )
