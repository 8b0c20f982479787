"""Background task of the review: the bulk assessment of a round runs in a worker, with progress.

``assess_round`` is a task (``ansinh.tasks.actions.task``), registered when the task queue imports every app's
``tasks`` module. The round's page enqueues it (``enqueue_assessment``) and shows the progress of
``queries.assessment_task(round)``.
"""

from __future__ import annotations

from typing import Any

from ansinh.accounts.models import Actor
from ansinh.review import actions
from ansinh.review.errors import NotAllowed
from ansinh.review.models import Round
from ansinh.tasks.actions import Progress, task
from ansinh.tasks.models import Status, Task

KIND = "review.assess_round"


@task(kind=KIND)
def assess_round(progress: Progress, *, round_id: int, household_ids: list[int] | None = None) -> dict[str, Any]:
    """Run ``do_assess_round`` for the round, reporting each stage as progress."""
    review_round = Round.objects.get(pk=round_id)
    with progress.transaction():
        summary = actions.do_assess_round(
            actor=progress.user,
            review_round=review_round,
            household_ids=household_ids,
            progress=lambda done, total, note: progress(done, total, note),
        )
    return {
        "round": review_round.pk,
        "households": summary.households,
        "counts": summary.counts,
        "changed": summary.changed,
        "missing": summary.missing[:100],
        "missing_count": len(summary.missing),
        "seconds": {k: float(f"{v:.3f}") for k, v in summary.seconds.items()},
    }


def enqueue_assessment(*, actor: Actor, review_round: Round, household_ids: list[int] | None = None) -> Task:
    """Queue the assessment of ``round``: refused now if the user or the round's status does not allow it
    (the action checks again when it runs). While one is queued or running, that one is returned."""
    from ansinh.accounts.permissions import can
    from ansinh.accounts.scope import in_scope
    from ansinh.review.queries import assessment_task

    if not can(actor, "review", "prepare") or not in_scope(actor, review_round.ward_id):
        raise NotAllowed(action="prepare")
    actions.check_step(review_round, "assess")
    running = assessment_task(review_round)
    if running is not None and running.status in (Status.QUEUED, Status.RUNNING):
        return running
    return assess_round.enqueue(round_id=review_round.pk, household_ids=household_ids, user=actor)
