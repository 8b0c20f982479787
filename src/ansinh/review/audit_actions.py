"""What the review writes to the audit trail (``ansinh.audit.actions.AuditAction``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction


class ReviewAudit(AuditAction):
    ROUND_CREATE = "review.round.create"
    ROUND_MOVE = "review.round.move"
    ROUND_BUILD_LIST = "review.round.build_list"
    ROUND_ASSESS = "review.round.assess"
    ROUND_APPROVE = "review.round.approve"
    HOUSEHOLD_ADD = "review.household.add"
    HOUSEHOLD_REMOVE = "review.household.remove"
    REQUEST_RECORD = "review.request.record"
    SURVEY_SAVE_A = "review.survey.save_a"
    SURVEY_SAVE_B = "review.survey.save_b"
    SURVEY_SUBMIT_A = "review.survey.submit_a"
    SURVEY_SUBMIT_B = "review.survey.submit_b"
    SCORING_LOAD = "review.scoring.load"
    MEETING_RECORD = "review.meeting.record"
    POSTING_OPEN = "review.posting.open"
    COMPLAINT_RECORD = "review.complaint.record"
    COMPLAINT_ANSWER = "review.complaint.answer"
    STATUS_CLOSE = "review.status.close"


# The survey's form letter (``SurveyForm``) → what saving and submitting it is called.
SURVEY_SAVED = {"A": ReviewAudit.SURVEY_SAVE_A, "B": ReviewAudit.SURVEY_SAVE_B}
SURVEY_SUBMITTED = {"A": ReviewAudit.SURVEY_SUBMIT_A, "B": ReviewAudit.SURVEY_SUBMIT_B}
