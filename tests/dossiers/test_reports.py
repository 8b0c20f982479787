"""The period report: carried over + received = processed + in progress + paused, computed set-based from the
events, equal to the dossier-by-dossier derivation, with each period's carried-over the previous one's open."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from ansinh.dossiers import actions as a
from ansinh.dossiers.queries import timeliness
from ansinh.dossiers.reports import period_report, satisfaction

from .conftest import at

D = dt.date


def test_a_hand_made_month(officer: Any, receive: Any, ward_b: Any) -> None:
    carried = receive(at(2026, 2, 26, 9))  # due 5 Mar: carried into March, decided early
    a.do_decide_dossier(actor=officer, dossier=carried, result="x", at=at(2026, 3, 4, 9))
    on_time = receive(at(2026, 3, 2, 9), channel="online")  # due 9 Mar
    a.do_decide_dossier(actor=officer, dossier=on_time, result="x", at=at(2026, 3, 9, 16))
    late = receive(at(2026, 3, 2, 9), channel="post")
    a.do_decide_dossier(actor=officer, dossier=late, result="x", at=at(2026, 3, 10, 8))
    overdue = receive(at(2026, 3, 2, 10))  # due 9 Mar, still open on 31 Mar
    in_time = receive(at(2026, 3, 30, 10))  # due 6 Apr
    paused = receive(at(2026, 3, 25, 10))
    a.do_request_supplement(actor=officer, dossier=paused, reason="Thiếu giấy tờ", at=at(2026, 3, 26, 9))
    refused = receive(at(2026, 3, 3, 9), accept=False)
    a.do_refuse_dossier(actor=officer, dossier=refused, reason="Không thuộc thẩm quyền", at=at(2026, 3, 3, 10))
    receive(at(2026, 3, 4, 9), ward=ward_b, channel="online")
    wa, wb, total = period_report(D(2026, 3, 1), D(2026, 4, 1))
    assert (wa.unit, wb.unit, total.unit) == ("26734", "27553", "")
    assert wa.carried_over == 1
    assert (wa.received_online, wa.received_counter, wa.received_post) == (1, 3, 1)
    assert (wa.early, wa.on_time, wa.late) == (1, 1, 1)
    assert (wa.in_time, wa.overdue, wa.paused) == (1, 1, 1)
    assert wa.identity_holds and wb.identity_holds and total.identity_holds
    assert total.received == 6 and (total.in_time, total.overdue) == (1, 2)  # ward B's is due 11 Mar
    assert wa.on_time_rate == 2 / 3
    del overdue, in_time


def test_it_matches_the_dossier_by_dossier_derivation_and_chains_the_carried_over(
    officer: Any, receive: Any, ward_a: Any, ward_b: Any
) -> None:
    rng = random.Random(16)
    dossiers = []
    for i in range(30):
        day = D(2026, 1, 5) + dt.timedelta(days=rng.randrange(0, 80))
        start = at(day.year, day.month, day.day, rng.choice([8, 10, 14, 16]), 0)
        d = receive(start, channel=rng.choice(["online", "counter", "post"]), ward=ward_b if i % 3 else ward_a)
        fate = rng.random()
        when = start + dt.timedelta(days=rng.randrange(1, 12), hours=1)
        if fate < 0.2:
            a.do_request_supplement(actor=officer, dossier=d, reason="r", at=when)
            if rng.random() < 0.5:
                a.do_receive_supplement(actor=officer, dossier=d, at=when + dt.timedelta(days=3))
        elif fate < 0.85:
            a.do_decide_dossier(actor=officer, dossier=d, result="x", at=when)
        elif fate < 0.9:
            a.do_withdraw_dossier(actor=officer, dossier=d, reason="rút", at=when)
        dossiers.append(d)
    months = [D(2026, m, 1) for m in (1, 2, 3, 4, 5)]
    previous_open = 0
    for start, end in itertools.pairwise(months):
        total = period_report(start, end)[-1]
        assert total.identity_holds
        assert total.carried_over == previous_open
        previous_open = total.open
        # The same counts, dossier by dossier through the ORM.
        last = at(end.year, end.month, end.day) - dt.timedelta(microseconds=1)
        kinds = [timeliness(d, last) for d in dossiers]
        ended = [t for t in kinds if t.ended is not None and t.ended >= at(start.year, start.month, start.day)]
        assert (total.early, total.on_time, total.late) == tuple(
            sum(t.kind == k for t in ended) for k in ("early", "on_time", "late")
        )
        assert total.paused == sum(t.kind == "paused" for t in kinds)
        assert total.in_progress == sum(t.kind in ("in_time", "overdue") for t in kinds)


def test_satisfaction_is_reproducible_from_the_ratings(officer: Any, receive: Any) -> None:
    levels = [5, 5, 4, 3, 1]
    for level in levels:
        d = receive(at(2026, 3, 2, 9))
        a.do_decide_dossier(actor=officer, dossier=d, result="x", at=at(2026, 3, 3, 9))
        a.do_return_dossier(actor=officer, dossier=d, at=at(2026, 3, 3, 10))
        a.do_rate_dossier(dossier=d, secret=d.secret, level=level, at=at(2026, 3, 4, 9))
    ward, total = satisfaction(D(2026, 1, 1), D(2026, 4, 1))
    assert (ward.ratings, ward.satisfied, total.rate) == (5, 3, 0.6)


def test_a_dossier_open_through_a_whole_period_is_carried_over_and_counted(officer: Any, receive: Any) -> None:
    """The report reads only the dossiers a period can count: one accepted before the period and decided after
    it, and one stopped before it, have no event in it and still count."""
    long = receive(at(2026, 1, 5, 9))
    a.do_decide_dossier(actor=officer, dossier=long, result="x", at=at(2026, 4, 20, 9))
    stopped = receive(at(2026, 1, 6, 9))
    a.do_stop_dossier(actor=officer, dossier=stopped, reason="dừng", at=at(2026, 1, 7, 9))
    february = period_report(D(2026, 2, 1), D(2026, 3, 1))[-1]
    assert (february.carried_over, february.received, february.overdue, february.paused) == (2, 0, 1, 1)
    april = period_report(D(2026, 4, 1), D(2026, 5, 1))[-1]
    assert (april.carried_over, april.late, april.paused) == (2, 1, 1)
