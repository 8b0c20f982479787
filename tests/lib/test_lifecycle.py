"""One lifecycle helper: the map is data, an illegal move is one error with one name, each move one event."""

from __future__ import annotations

import logging

import pytest

from ansinh.imports.models import LIFECYCLE as IMPORT_LIFECYCLE
from ansinh.lib.lifecycle import IllegalTransition, Lifecycle, Move
from ansinh.review.models import COMPLAINT_LIFECYCLE, HOUSEHOLD_LIFECYCLE, ROUND_LIFECYCLE
from ansinh.tasks.models import LIFECYCLE as TASK_LIFECYCLE

DOOR = Lifecycle("door", {"open": ("closed",), "closed": ("open", "locked"), "locked": ()})
EVERY_MOVER = [ROUND_LIFECYCLE, HOUSEHOLD_LIFECYCLE, COMPLAINT_LIFECYCLE, IMPORT_LIFECYCLE, TASK_LIFECYCLE]


def test_it_allows_exactly_the_moves_of_the_map():
    moves = {(a, b) for a in DOOR.statuses for b in DOOR.statuses if DOOR.allows(a, b)}
    assert moves == {("open", "closed"), ("closed", "open"), ("closed", "locked")}
    assert DOOR.sources("open") == ("closed",)
    assert DOOR.final("locked") and not DOOR.final("open")


def test_it_returns_one_event_per_move_and_logs_it(caplog):
    with caplog.at_level(logging.INFO, logger="ansinh.lifecycle"):
        event = DOOR.move(12, "closed", "locked")
    assert event == Move("door", 12, "closed", "locked")
    assert [r.getMessage() for r in caplog.records] == ["door 12: closed -> locked"]


def test_it_refuses_an_illegal_move_with_a_coded_error(caplog):
    with caplog.at_level(logging.INFO, logger="ansinh.lifecycle"), pytest.raises(IllegalTransition) as refused:
        DOOR.move(12, "locked", "open")
    assert refused.value.code == "illegal_transition"
    assert refused.value.params == {"what": "door", "old": "locked", "new": "open"}
    assert (refused.value.from_status, refused.value.to_status) == ("locked", "open")
    assert str(refused.value) == "door cannot move from locked to open."
    assert not caplog.records  # no event for a refused move


def test_it_refuses_a_map_that_moves_to_an_unlisted_status():
    with pytest.raises(ValueError, match="ajar"):
        Lifecycle("door", {"open": ("ajar",)})


@pytest.mark.parametrize("lifecycle", EVERY_MOVER, ids=lambda lc: lc.what)
def test_every_lifecycle_refuses_with_the_one_error(lifecycle):
    old, new = next((a, b) for a in lifecycle.statuses for b in lifecycle.statuses if not lifecycle.allows(a, b))
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.check(old, new)
    assert refused.value.code == "illegal_transition"
    assert issubclass(lifecycle.error, IllegalTransition)
