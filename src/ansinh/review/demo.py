"""Last year's approved review for the demo city, so that every review page has something on a first visit: the
round's list, results, meeting, posting with one complaint answered, the chairman's decision, certificates, the
official list behind the flows and the household pages' status. Driven through the same audited actions an
officer and a chairman use, on the dates of a usual year; the decision number is made up. Demo only."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ansinh.accounts.models import User
from ansinh.geo.calendar import calendar_for
from ansinh.geo.models import Ward
from ansinh.review import actions
from ansinh.review.models import Round, RoundKind

# The village meeting: people present, and how many agree with every household's result.
MEETING_PRESENT, MEETING_AGREE = 24, 19


@transaction.atomic
def ensure_demo_round(ward: Ward, officer: User, chairman: User, year: int) -> Round | None:
    """Run the ward's periodic review of ``year`` to its decision (once); returns the round, or ``None`` when the
    ward already has a round that year."""
    if Round.objects.filter(ward=ward, year=year, kind=RoundKind.PERIODIC).exists():
        return None
    review_round = actions.do_create_round(actor=officer, ward=ward, kind=RoundKind.PERIODIC, year=year)
    actions.do_build_household_list(actor=officer, review_round=review_round)
    actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
    actions.do_assess_round(actor=officer, review_round=review_round)
    listed = list(review_round.households.exclude(stage="removed").values_list("pk", flat=True))
    cal = calendar_for(dt.date(year, 10, 1), dt.date(year + 1, 1, 31))
    held_on = cal.add_working_days(max(review_round.period_start, dt.date(year, 10, 20)), 0)
    actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=held_on,
        present_count=MEETING_PRESENT,
        votes={pk: (MEETING_PRESENT, MEETING_AGREE) for pk in listed},
        place=f"Hội trường {ward.name}",
        chaired_by="Trưởng khu phố",
        secretary="Thư ký cuộc họp",
    )
    posting = actions.do_open_posting(
        actor=officer, review_round=review_round, start=cal.add_working_days(held_on, 3), places="Trụ sở UBND"
    )
    if listed:
        first = review_round.households.exclude(stage="removed").order_by("household__code").first()
        complaint = actions.do_record_complaint(
            actor=officer,
            review_round=review_round,
            received_on=posting.start,
            content="Gia đình đề nghị xem lại thu nhập đã kê khai.",
            round_household=first,
            complainant="Chủ hộ",
        )
        actions.do_answer_complaint(
            actor=officer,
            complaint=complaint,
            answered_on=posting.end,
            answer="Đã rà soát lại thu nhập; giữ nguyên kết quả.",
        )
    decided_on = cal.add_working_days(posting.end, 1)
    actions.do_approve_round(
        actor=chairman, review_round=review_round, number=f"{year % 100:02d}12/QĐ-UBND", date=decided_on
    )
    review_round.refresh_from_db()
    return review_round
