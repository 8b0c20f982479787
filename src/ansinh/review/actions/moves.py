"""How a step records what it did: an audit event (``audit``), a move of the round along its lifecycle
(``move_round``) and moves of its households (``move_households``, set-based ``move_households_where``), each
with its event rows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.utils import timezone

from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import record
from ansinh.review.audit_actions import ReviewAudit
from ansinh.review.models import HOUSEHOLD_LIFECYCLE, ROUND_LIFECYCLE, Round, RoundEvent, RoundHousehold


def audit(
    actor: Actor,
    action: ReviewAudit,
    review_round: Round,
    obj: Any,
    changes: Mapping[str, Any] | None = None,
    household_id: int | None = None,
    note: str = "",
) -> None:
    record(
        actor=actor,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        changes=changes or {},
        household_id=household_id,
        ward_code=review_round.ward_id,
        note=note,
    )


def move_round(actor: Actor, review_round: Round, to_status: str, note: str = "") -> Round:
    """Move ``round`` (already locked) to ``to_status`` along the lifecycle map, with its event row."""
    before = review_round.status
    ROUND_LIFECYCLE.move(review_round, before, to_status)
    Round.objects.filter(pk=review_round.pk).update(status=to_status, updated_at=timezone.now())
    review_round.status = to_status
    RoundEvent.objects.create(
        round=review_round,
        from_status=before,
        to_status=to_status,
        at=timezone.now(),
        actor=acting_user(actor),
        note=note,
    )
    audit(actor, ReviewAudit.ROUND_MOVE, review_round, review_round, {"status": [before, to_status]}, note=note)
    return review_round


def move_households(
    actor: Actor, review_round: Round, entries: Iterable[RoundHousehold], to_stage: str, note: str = ""
) -> None:
    """Move several households of ``round`` to ``to_stage`` (set-based), each move an event row."""
    entries = list(entries)
    for rh in entries:
        HOUSEHOLD_LIFECYCLE.check(rh.stage, to_stage)
    if not entries:
        return
    now = timezone.now()
    RoundEvent.objects.bulk_create(
        [
            RoundEvent(
                round=review_round,
                round_household=rh,
                from_status=rh.stage,
                to_status=to_stage,
                at=now,
                actor=acting_user(actor),
                note=note,
            )
            for rh in entries
        ],
        batch_size=5000,
    )
    ids = [rh.pk for rh in entries]
    for chunk in range(0, len(ids), 5000):
        RoundHousehold.objects.filter(pk__in=ids[chunk : chunk + 5000]).update(stage=to_stage)
    for rh in entries:
        rh.stage = to_stage


def move_households_where(
    actor: Actor, review_round: Round, to_stage: str, condition: str, params: list[Any], note: str = "", cur: Any = None
) -> dict[str, int]:
    """Move, set-based in SQL, every household of ``round`` that may go to ``to_stage`` and meets
    ``condition`` (SQL on review_roundhousehold ``rh``). Each group of households leaving the same stage is
    one event row listing their round-household ids (built in the database; no row per household), and only
    the rows whose stage changes are updated. Returns how many moved from each stage."""
    sources = HOUSEHOLD_LIFECYCLE.sources(to_stage)
    rh_table, ev_table = RoundHousehold._meta.db_table, RoundEvent._meta.db_table
    where = f"rh.round_id = %s AND rh.stage IN ({', '.join(['%s'] * len(sources))}) AND ({condition})"
    where_params = [review_round.pk, *sources, *params]
    pg = connection.vendor == "postgresql"
    ids = "jsonb_agg(rh.id)" if pg else "json_group_array(rh.id)"
    count = "jsonb_array_length(households)" if pg else "json_array_length(households)"
    with contextlib.ExitStack() as stack:
        if cur is None:
            cur = stack.enter_context(connection.cursor())
        cur.execute(
            f"INSERT INTO {ev_table} (round_id, round_household_id, from_status, to_status, at, actor_id, note, "  # noqa: S608
            f"households) SELECT rh.round_id, NULL, rh.stage, %s, %s, %s, %s, {ids} FROM {rh_table} rh "
            f"WHERE {where} GROUP BY rh.round_id, rh.stage RETURNING from_status, {count}",
            [to_stage, timezone.now(), getattr(acting_user(actor), "pk", None), note, *where_params],
        )
        moved = {str(stage): int(n) for stage, n in cur.fetchall()}
        if any(stage != to_stage for stage in moved):
            cur.execute(
                f"UPDATE {rh_table} AS rh SET stage = %s WHERE {where} AND rh.stage <> %s",  # noqa: S608
                [to_stage, *where_params, to_stage],
            )
    return moved
