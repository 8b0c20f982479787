"""The review's common refusals are codes with parameters, worded in the reader's language when shown."""

from __future__ import annotations

import pytest
from django.utils import translation

from ansinh.review import actions
from ansinh.review.errors import NotAllowed, OpenComplaints, StaleVersion, StepNotOpen


@pytest.mark.parametrize(
    ("error", "code", "params", "english", "vietnamese"),
    [
        (
            StepNotOpen("surveying"),
            "step_not_open",
            {"status": "surveying"},
            "This step is not possible while the round is Surveying.",
            "Không thể thực hiện bước này khi đợt rà soát đang ở trạng thái Đang khảo sát.",
        ),
        (
            NotAllowed(action="prepare"),
            "not_allowed",
            {"action": "prepare"},
            "You may not prepare reviews of this ward.",
            "Bạn không được prepare các đợt rà soát của xã/phường này.",
        ),
        (
            OpenComplaints(2),
            "open_complaints",
            {"n": 2},
            "2 complaints are not answered yet.",
            "Còn 2 khiếu nại chưa được trả lời.",
        ),
        (
            StaleVersion(),
            "stale_version",
            {},
            "Someone else saved this survey after you opened it.",
            "Người khác đã lưu phiếu khảo sát này sau khi bạn mở nó.",
        ),
    ],
)
def test_it_words_a_refusal_when_shown_in_the_readers_language(error, code, params, english, vietnamese):
    assert (error.code, error.params) == (code, params)
    with translation.override("en"):
        assert error.message == english
    with translation.override("vi"):
        assert error.message == vietnamese


def test_it_raises_the_step_a_round_is_not_open_for_with_its_status(make_round):
    review_round = make_round()
    with pytest.raises(StepNotOpen) as refused:
        actions.check_step(review_round, "assess")
    assert refused.value.params == {"status": review_round.status}
