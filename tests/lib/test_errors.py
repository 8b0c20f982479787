"""One domain-error base: every app's errors are codes with parameters, worded when shown in the reader's
language."""

from __future__ import annotations

import pytest
from django.utils import translation

from ansinh.imports.errors import IllegalTransition as ImportIllegalTransition
from ansinh.imports.errors import ImportError_
from ansinh.lib.errors import DomainError
from ansinh.lib.legal import LegalDataError
from ansinh.registry.errors import DuplicateIdNumber, RegistryError
from ansinh.review.errors import IllegalTransition as ReviewIllegalTransition
from ansinh.review.errors import ReviewError, RoundLocked
from ansinh.review.models import ROUND_LIFECYCLE
from ansinh.tasks.errors import TaskError


@pytest.mark.parametrize("base", [RegistryError, ReviewError, ImportError_, TaskError, LegalDataError])
def test_every_error_base_is_a_domain_error_with_a_code(base):
    assert issubclass(base, DomainError)
    assert base.code and base.code != DomainError.code


def test_a_move_refused_in_one_language_is_worded_in_the_readers():
    with translation.override("en"), pytest.raises(ReviewIllegalTransition) as refused:
        ROUND_LIFECYCLE.check("approved", "draft")
    assert refused.value.params == {"what": refused.value.params["what"], "old": "approved", "new": "draft"}
    with translation.override("vi"):
        assert refused.value.message == "Một đợt rà soát không thể chuyển từ approved sang draft."
    with translation.override("en"):
        assert refused.value.message == "A round cannot move from approved to draft."


def test_an_imports_move_is_worded_with_the_status_labels():
    refused = ImportIllegalTransition("import", "committed", "cancelled")
    with translation.override("vi"):
        assert refused.message == "Không thể chuyển lượt nhập từ “Đã ghi vào sổ” sang “Đã hủy”."
    with translation.override("en"):
        assert refused.message == "The import cannot move from “Committed” to “Cancelled”."


@pytest.mark.parametrize(
    ("error", "code", "params"),
    [
        (DuplicateIdNumber("079080001234", "HH-1"), "duplicate_id_number", {"id": "079080001234", "code": "HH-1"}),
        (RoundLocked(), "round_locked", {}),
    ],
)
def test_errors_carry_their_code_and_parameters(error, code, params):
    assert (error.code, error.params) == (code, params)
    with translation.override("en"):
        english = error.message
    with translation.override("vi"):
        assert error.message != english  # the Vietnamese catalog words it
