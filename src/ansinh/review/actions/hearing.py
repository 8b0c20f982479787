"""The hearing of the list: the village meeting, the public posting and the complaints about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh.accounts.models import Actor, acting_user
from ansinh.geo.calendar import calendar_for
from ansinh.review import rules
from ansinh.review.actions.assessment import do_assess_round
from ansinh.review.actions.guards import check_order, open_round, require
from ansinh.review.actions.moves import audit, move_households, move_round
from ansinh.review.audit_actions import ReviewAudit
from ansinh.review.errors import ReviewError
from ansinh.review.models import (
    COMPLAINT_LIFECYCLE,
    ROUND_STEPS,
    Assessment,
    Complaint,
    ComplaintStatus,
    HouseholdStage,
    Meeting,
    MeetingVote,
    Posting,
    Round,
    RoundHousehold,
    RoundStatus,
)


@transaction.atomic
def do_record_meeting(
    *,
    actor: Actor,
    review_round: Round,
    held_on: dt.date,
    present_count: int,
    votes: Mapping[int, tuple[int, int]],
    place: str = "",
    chaired_by: str = "",
    participants: list[Any] | None = None,
    secretary: str = "",
    minutes: str = "",
) -> Meeting:
    """Record the village meeting and its agreement per household: ``votes`` maps a round-household id to
    (present, agree). A household below the agreement threshold goes back to the survey; the others are
    agreed. Once every assessed household is agreed the round moves on to the meeting step."""
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, ROUND_STEPS["meeting"])
    check_order(current, "meeting", held_on, "held_on")
    if current.status == RoundStatus.ASSESSED:
        move_round(actor, current, RoundStatus.MEETING)
    share = float(rules.rule("meeting_agreement_share", held_on))
    entries = {rh.pk: rh for rh in RoundHousehold.objects.filter(round=current, pk__in=list(votes))}
    unknown = set(votes) - set(entries)
    if unknown:
        raise ReviewError(_("Some households are not on this round's list."), field="votes")
    meeting = Meeting.objects.create(
        round=current,
        held_on=held_on,
        place=place,
        chaired_by=chaired_by,
        present_count=present_count,
        participants=list(participants or []),
        secretary=secretary,
        minutes=minutes,
        recorded_by=acting_user(actor),
        recorded_at=timezone.now(),
    )
    rows: list[MeetingVote] = []
    passed: list[RoundHousehold] = []
    failed: list[RoundHousehold] = []
    for pk, (present, agree) in votes.items():
        if agree > present or present <= 0 or present > present_count:
            raise ReviewError(_("Agreement must be between 0 and the number present."), field="votes")
        ok = agree >= share * present
        rows.append(MeetingVote(meeting=meeting, round_household_id=pk, present=present, agree=agree, passed=ok))
        (passed if ok else failed).append(entries[pk])
    MeetingVote.objects.bulk_create(rows, batch_size=5000)
    move_households(actor, current, passed, HouseholdStage.AGREED, f"meeting {meeting.pk}")
    move_households(actor, current, failed, HouseholdStage.RESURVEY, f"meeting {meeting.pk}: below the threshold")
    audit(
        actor,
        ReviewAudit.MEETING_RECORD,
        current,
        meeting,
        {
            "held_on": [None, held_on.isoformat()],
            "present": [None, present_count],
            "passed": [None, len(passed)],
            "back_to_survey": [None, [rh.household_id for rh in failed]],
        },
    )
    return meeting


@transaction.atomic
def do_open_posting(*, actor: Actor, review_round: Round, start: dt.date, places: str = "") -> Posting:
    """Post the provisional list from ``start`` for the legal number of working days. Refused while a
    household still waits for re-survey or for the meeting's agreement."""
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, ROUND_STEPS["post"])
    waiting = RoundHousehold.objects.filter(round=current).exclude(
        stage__in=(HouseholdStage.AGREED, HouseholdStage.REMOVED)
    )
    if waiting.exists():
        raise ReviewError(
            _("%(n)d households still wait for the survey or the meeting's agreement.") % {"n": waiting.count()}
        )
    check_order(current, "posting", start, "start")
    days = int(rules.rule("posting_working_days", start))
    cal = calendar_for(start, start + dt.timedelta(days=days * 3 + 30))
    first = cal.add_working_days(start, 0)
    end = cal.add_working_days(first, days - 1)
    posting = Posting.objects.create(
        round=current, start=first, end=end, places=places, posted_by=acting_user(actor), posted_at=timezone.now()
    )
    move_round(actor, current, RoundStatus.POSTING)
    audit(
        actor,
        ReviewAudit.POSTING_OPEN,
        current,
        posting,
        {"start": [None, first.isoformat()], "end": [None, end.isoformat()]},
    )
    return posting


@transaction.atomic
def do_record_complaint(
    *,
    actor: Actor,
    review_round: Round,
    received_on: dt.date,
    content: str,
    round_household: RoundHousehold | None = None,
    complainant: str = "",
) -> Complaint:
    """Record a complaint about the posted list; its answer is due after the legal working days."""
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, ROUND_STEPS["complain"])
    if round_household is not None and round_household.round_id != current.pk:
        raise ReviewError(_("The household is not on this round's list."), field="round_household")
    check_order(current, "complaint", received_on, "received_on")
    days = int(rules.rule("complaint_recheck_working_days", received_on))
    cal = calendar_for(received_on, received_on + dt.timedelta(days=days * 3 + 30))
    complaint = Complaint.objects.create(
        round=current,
        round_household=round_household,
        received_on=received_on,
        complainant=complainant,
        content=content,
        due_on=cal.add_working_days(received_on, days),
        recorded_by=acting_user(actor),
    )
    audit(
        actor,
        ReviewAudit.COMPLAINT_RECORD,
        current,
        complaint,
        {"due_on": [None, complaint.due_on.isoformat()]},
        household_id=round_household.household_id if round_household else None,
    )
    return complaint


@transaction.atomic
def do_answer_complaint(
    *,
    actor: Actor,
    complaint: Complaint,
    answered_on: dt.date,
    answer: str,
    reassess: bool = False,
) -> Complaint:
    """Answer a complaint after the re-check. With ``reassess`` the household (whose data the re-check
    corrected through a survey) is assessed again; class changes are recorded on the complaint."""
    review_round = complaint.round
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, ROUND_STEPS["complain"])
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    COMPLAINT_LIFECYCLE.move(complaint, complaint.status, ComplaintStatus.ANSWERED)
    if not answer.strip():
        raise ReviewError(_("Write the answer."), field="answer")
    check_order(current, "complaint_answer", answered_on, "answered_on", complaint)
    changes: dict[str, list[str]] = {}
    rh = complaint.round_household
    if reassess:
        if rh is None:
            raise ReviewError(_("The complaint concerns no household to reassess."), field="reassess")
        before = dict(
            Assessment.objects.filter(round=current, household_id=rh.household_id).values_list("standard_id", "klass")
        )
        do_assess_round(actor=actor, review_round=current, household_ids=[rh.household_id])
        after = dict(
            Assessment.objects.filter(round=current, household_id=rh.household_id).values_list("standard_id", "klass")
        )
        changes = {sid: [before.get(sid, ""), k] for sid, k in after.items() if before.get(sid) != k}
        # The re-checked result stands for this household (the meeting already agreed on the list).
        rh.refresh_from_db()
        if rh.stage == HouseholdStage.ASSESSED:
            move_households(actor, current, [rh], HouseholdStage.AGREED, f"complaint {complaint.pk}")
    Complaint.objects.filter(pk=complaint.pk).update(
        status=ComplaintStatus.ANSWERED,
        answered_on=answered_on,
        answer=answer,
        class_changes=changes,
        answered_by=acting_user(actor),
    )
    complaint.refresh_from_db()
    audit(
        actor,
        ReviewAudit.COMPLAINT_ANSWER,
        current,
        complaint,
        {"class_changes": [None, changes], "late": [None, answered_on > complaint.due_on]},
        household_id=rh.household_id if rh else None,
    )
    return complaint
