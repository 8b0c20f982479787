"""Every step of the poverty review: one ``do_<verb>_<noun>`` per step, keyword-only, an acting user,
one transaction, an audit event. Views, imports, the API and the CLI call these and nothing else.

Who may act: preparing steps need ``review.prepare`` and the round's ward in the user's scope; the
approval needs ``review.approve``, a role the procedure rules name, and the ward in scope. An approved
round is locked: every action refuses it (``RoundLocked``) and the database refuses too.

The steps live in one module each, in the order of the procedure: ``rounds``, ``listing``, ``surveys``,
``assessment`` (its results stored by ``storage``), ``hearing`` (meeting, posting, complaints) and ``approval``;
``guards`` and ``moves`` hold what every step shares. Callers import the actions from here.
"""

from __future__ import annotations

from ansinh.review.actions.approval import (
    do_approve_round,
    do_close_statuses,
    do_create_correction,
    next_decision_number,
)
from ansinh.review.actions.assessment import AssessmentSummary, Progress, do_assess_round, do_load_scoring_method
from ansinh.review.actions.guards import check_step
from ansinh.review.actions.hearing import do_answer_complaint, do_open_posting, do_record_complaint, do_record_meeting
from ansinh.review.actions.listing import (
    do_add_round_household,
    do_build_household_list,
    do_record_request,
    do_remove_round_household,
    screening_candidates,
)
from ansinh.review.actions.rounds import do_create_round, do_move_round
from ansinh.review.actions.storage import ASSESSMENT_COLUMNS
from ansinh.review.actions.surveys import (
    SurveyImport,
    do_import_surveys,
    do_save_survey,
    do_submit_survey,
    submission_errors,
)

__all__ = [
    "ASSESSMENT_COLUMNS",
    "AssessmentSummary",
    "Progress",
    "SurveyImport",
    "check_step",
    "do_add_round_household",
    "do_answer_complaint",
    "do_approve_round",
    "do_assess_round",
    "do_build_household_list",
    "do_close_statuses",
    "do_create_correction",
    "do_create_round",
    "do_import_surveys",
    "do_load_scoring_method",
    "do_move_round",
    "do_open_posting",
    "do_record_complaint",
    "do_record_meeting",
    "do_record_request",
    "do_remove_round_household",
    "do_save_survey",
    "do_submit_survey",
    "next_decision_number",
    "screening_candidates",
    "submission_errors",
]
