"""The round's assessment runs as a background task with progress."""

from __future__ import annotations

import pytest

from ansinh.review.errors import NotAllowed
from ansinh.review.models import Assessment


def test_it_assesses_a_round_in_a_background_task(make_round, officer, poor_household, run_round):
    from ansinh.review.tasks import enqueue_assessment
    from ansinh.tasks.actions import claim, run

    review_round = run_round(make_round(), until="assessed")
    Assessment.objects.filter(round=review_round).delete()
    task = enqueue_assessment(actor=officer, review_round=review_round)
    claimed = claim()
    assert claimed is not None and claimed.pk == task.pk
    done = run(claimed)
    assert done.status == "done", done.error
    assert done.result["households"] == 1 and done.progress_done == done.progress_total
    assert Assessment.objects.filter(round=review_round).count() == 1


def test_it_refuses_to_queue_a_round_outside_the_scope(make_round, officer_b):
    from ansinh.review.tasks import enqueue_assessment

    with pytest.raises(NotAllowed):
        enqueue_assessment(actor=officer_b, review_round=make_round())
