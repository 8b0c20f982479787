"""The demo's figures: last year's review approved in the demo ward (through the review's own actions, as an
officer and the chairman would), then the facts built once, so every dashboard has something on a first
visit. Idempotent; a few seconds on the demo city."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ansinh.geo.models import Ward
from ansinh.reports import facts
from ansinh.reports.models import FactBatch
from ansinh.review import actions
from ansinh.review.models import Round, RoundStatus


def ensure_demo_round(ward: Ward, year: int, officer: Any, chairman: Any) -> Round | None:
    """The periodic round of ``year`` in ``ward``, approved (once)."""
    if Round.objects.filter(ward=ward, year=year, status=RoundStatus.APPROVED).exists():
        return None
    review_round = actions.do_create_round(actor=officer, ward=ward, kind="periodic", year=year)
    actions.do_build_household_list(actor=officer, review_round=review_round)
    actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
    actions.do_assess_round(actor=officer, review_round=review_round)
    listed = review_round.households.exclude(stage="removed").values_list("pk", flat=True)
    actions.do_record_meeting(
        actor=officer, review_round=review_round, held_on=dt.date(year, 10, 28), present_count=12,
        votes=dict.fromkeys(listed, (12, 9)),
    )  # fmt: skip
    posting = actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(year, 11, 3))
    actions.do_approve_round(
        actor=chairman, review_round=review_round, number=f"{year}/QĐ-UBND", date=posting.end + dt.timedelta(days=1)
    )
    return review_round


def ensure_demo_facts() -> int:
    """Build the facts once (later, the events keep them fresh); returns the slices built."""
    if FactBatch.objects.exists():
        return 0
    return sum(r.wards for r in facts.rebuild(reason="demo"))
