"""The round's lifecycle is data: legal moves go through, illegal ones are refused and leave no trace."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.review import actions
from ansinh.review.errors import IllegalTransition, RoundLocked
from ansinh.review.models import ROUND_TRANSITIONS, RoundEvent, RoundStatus
from tests.review.conftest import YEAR


def test_it_opens_a_periodic_round_in_the_legal_window(make_round):
    review_round = make_round()
    assert (review_round.period_start, review_round.period_end) == (dt.date(YEAR, 9, 1), dt.date(YEAR, 12, 14))
    assert review_round.status == RoundStatus.DRAFT
    assert list(review_round.events.values_list("to_status", flat=True)) == ["draft"]


def test_it_defaults_to_the_standards_in_force_for_the_province(make_round):
    review_round = make_round(standards=None)
    assert review_round.standards == ["vn_2022", "hcm_2024"]


def test_it_walks_the_whole_lifecycle_writing_an_event_per_move(make_round, poor_household, run_round):
    review_round = run_round(make_round())
    assert review_round.status == RoundStatus.APPROVED
    moves = list(
        RoundEvent.objects.filter(
            round=review_round, round_household__isnull=True, households__isnull=True
        ).values_list("from_status", "to_status")
    )
    assert moves == [
        ("", "draft"),
        ("draft", "listing"),
        ("listing", "surveying"),
        ("surveying", "assessed"),
        ("assessed", "meeting"),
        ("meeting", "posting"),
        ("posting", "approved"),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (s, t)
        for s in RoundStatus.values
        for t in RoundStatus.values
        if t not in ROUND_TRANSITIONS[s] and s not in ("approved",) and t != "approved"
    ],
)
def test_it_refuses_every_move_the_map_does_not_allow(make_round, officer, start, target):
    from ansinh.review.models import Round

    review_round = make_round()
    Round.objects.filter(pk=review_round.pk).update(status=start)
    review_round.refresh_from_db()
    events = RoundEvent.objects.filter(round=review_round).count()
    with pytest.raises(IllegalTransition):
        actions.do_move_round(actor=officer, review_round=review_round, to_status=target)
    review_round.refresh_from_db()
    assert review_round.status == start
    assert RoundEvent.objects.filter(round=review_round).count() == events


def test_it_approves_only_through_the_decision(make_round, officer, poor_household, run_round):
    review_round = run_round(make_round(), until="posting")
    with pytest.raises(IllegalTransition):
        actions.do_move_round(actor=officer, review_round=review_round, to_status="approved")


def test_it_refuses_any_move_of_an_approved_round(make_round, officer, poor_household, run_round):
    review_round = run_round(make_round())
    with pytest.raises(RoundLocked):
        actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
