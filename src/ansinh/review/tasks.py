"""Background task of the review: the bulk assessment of a round runs in a worker, with progress.

Registered with ``ansinh.tasks`` on import. (``ansinh.tasks.actions._load_handlers`` must import this
module for a worker to know the kind; until it does, ``enqueue_assessment`` imports it itself, and the
worker finds the handler once the web process has enqueued one in the same process.)
"""

from __future__ import annotations

from typing import Any

from ansinh.accounts.models import User
from ansinh.review import actions
from ansinh.review.errors import NotAllowed
from ansinh.review.models import Round
from ansinh.tasks.actions import Progress, enqueue, handler
from ansinh.tasks.models import Task

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
        "seconds": {k: float(f"{v:.3f}") for k, v in summary.seconds.items()},
    }


def enqueue_assessment(*, actor: Any, round: Round, household_ids: list[int] | None = None) -> Task:
    """Queue the assessment of ``round`` (checked for scope first; the action checks again when it runs)."""
    from ansinh.accounts.permissions import can
    from ansinh.accounts.scope import in_scope

    if not can(actor, "review", "prepare") or not in_scope(actor, round.ward_id):
        raise NotAllowed("review.prepare")
    return enqueue(
        KIND, {"round_id": round.pk, "user_id": getattr(actor, "pk", None), "household_ids": household_ids}, user=actor
    )
