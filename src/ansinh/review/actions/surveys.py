"""The surveys: saved and submitted one by one, or imported from a filled-in workbook or an ODK export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import jsonable
from ansinh.registry.actions import do_update_household, do_update_member
from ansinh.registry.models import Household, Member
from ansinh.review import queries
from ansinh.review.actions.guards import open_round, require
from ansinh.review.actions.moves import audit, move_households, move_round
from ansinh.review.audit_actions import SURVEY_SAVED, SURVEY_SUBMITTED
from ansinh.review.errors import InvalidSurvey, RegistryChanged, StaleVersion
from ansinh.review.models import (
    SURVEY_OPEN,
    HouseholdStage,
    Round,
    RoundHousehold,
    RoundStatus,
    SurveyResponse,
    SurveyStatus,
)
from ansinh.review.survey import load_form, survey_message
from ansinh.review.xlsform import ReadResult, Submission, read_submissions


@transaction.atomic
def do_save_survey(
    *,
    actor: Actor,
    round_household: RoundHousehold,
    form: str,
    answers: Mapping[str, Any],
    surveyed_on: dt.date | None = None,
    expected_version: int | None = None,
    source: str = "web",
) -> SurveyResponse:
    """Save a draft of form A or B; fields are checked one by one (types, ranges, choices), required ones
    only at submission. Raises ``InvalidSurvey`` with ``errors`` by field."""
    review_round = round_household.round
    require(actor, review_round.ward_id, "prepare")
    open_round(review_round, SURVEY_OPEN)
    definition = load_form(form)
    clean, errors = definition.validate(answers, partial=True)
    if errors:
        raise InvalidSurvey(_("Some answers are not valid."), errors=errors)
    survey = SurveyResponse.objects.select_for_update().filter(round_household=round_household, form=form).first()
    now = timezone.now()
    if survey is None:
        survey = SurveyResponse.objects.create(
            round_household=round_household,
            form=form,
            answers=clean,
            surveyed_on=surveyed_on,
            surveyor=acting_user(actor),
            source=source,
            updated_at=now,
        )
    else:
        if expected_version is not None and survey.version != expected_version:
            raise StaleVersion
        SurveyResponse.objects.filter(pk=survey.pk).update(
            answers=clean,
            surveyed_on=surveyed_on or survey.surveyed_on,
            surveyor=acting_user(actor),
            source=source,
            status=SurveyStatus.DRAFT,
            version=survey.version + 1,
            updated_at=now,
        )
        survey.refresh_from_db()
    audit(
        actor,
        SURVEY_SAVED[form],
        review_round,
        survey,
        {"version": [None, survey.version]},
        household_id=round_household.household_id,
    )
    return survey


def submission_errors(survey: SurveyResponse, household_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The survey's typed answers and what stops it from being submitted (every required answer, every
    current member and no one else), by field; checked before the officer is shown the registry changes."""
    definition = load_form(survey.form)
    clean, errors = definition.validate(survey.answers, partial=False)
    current = Member.objects.active().filter(household_id=household_id).values_list("pk", flat=True)
    member_ids = {str(pk) for pk in current}
    if definition.section("members") is not None:
        given = set((clean.get("members") or {}).keys())
        for missing in sorted(member_ids - given):
            errors[f"members.{missing}"] = "is missing"
        for extra in sorted(given - member_ids):
            errors[f"members.{extra}"] = "is not a member of this household"
    return clean, errors


@transaction.atomic
def do_submit_survey(
    *, actor: Actor, survey: SurveyResponse, surveyed_on: dt.date | None = None, confirmed: str | None = None
) -> SurveyResponse:
    """Submit a survey: every required field checked, then the answers written to the registry through
    the registry actions (audited), and the household moved to ``surveyed``.

    ``confirmed`` is the fingerprint (``queries.changes_fingerprint``) of the registry changes the officer
    was shown and confirmed; if the changes are no longer those (the registry or the survey was edited
    meanwhile), nothing is written and ``RegistryChanged`` is raised, so no value is overwritten unseen."""
    rh = RoundHousehold.objects.select_related("round", "household").get(pk=survey.round_household_id)
    review_round = rh.round
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, SURVEY_OPEN)
    survey = SurveyResponse.objects.select_for_update().get(pk=survey.pk)
    day = surveyed_on or survey.surveyed_on
    if day is None:
        raise InvalidSurvey(_("Give the survey date."), field="surveyed_on", errors={"surveyed_on": "is required"})
    clean, errors = submission_errors(survey, rh.household_id)
    if errors:
        raise InvalidSurvey(_("Some answers are missing or not valid."), errors=errors)
    differences = queries.survey_registry_changes(survey)
    if confirmed is not None and confirmed != queries.changes_fingerprint(differences):
        raise RegistryChanged
    # Only the values that differ from the registry are written (and named in the trail): what the survey
    # confirms stays as it is, with its own history.
    household_changes: dict[str, Any] = {}
    member_changes: dict[int, dict[str, Any]] = {}
    for change in differences:
        value = "" if change.new is None else change.new
        if change.object_type == "household":
            household_changes[change.field] = value
        else:
            member_changes.setdefault(change.object_id, {})[change.field] = value
    if household_changes:
        hh = Household.objects.get(pk=rh.household_id)
        do_update_household(actor=actor, household=hh, changes=household_changes, expected_version=hh.version)
    for member in Member.objects.filter(pk__in=list(member_changes)).order_by("pk"):
        do_update_member(actor=actor, member=member, changes=member_changes[member.pk], expected_version=member.version)
    SurveyResponse.objects.filter(pk=survey.pk).update(
        status=SurveyStatus.SUBMITTED,
        surveyed_on=day,
        submitted_at=timezone.now(),
        answers=clean,
    )
    survey.refresh_from_db()
    rh.refresh_from_db()
    if rh.stage != HouseholdStage.REMOVED:
        move_households(actor, current, [rh], HouseholdStage.SURVEYED, f"Phiếu {survey.form}")
    if current.status == RoundStatus.LISTING:
        move_round(actor, current, RoundStatus.SURVEYING)
    audit(
        actor,
        SURVEY_SUBMITTED[survey.form],
        current,
        survey,
        {
            "surveyed_on": [None, day.isoformat()],
            "household": [None, jsonable(household_changes)],
            "members": [None, {str(k): {f: jsonable(v) for f, v in c.items()} for k, c in member_changes.items()}],
        },
        household_id=rh.household_id,
    )
    return survey


@dataclass
class SurveyImport:
    """What an import of offline surveys did: drafts saved, rows unchanged, or the problems (nothing saved)."""

    saved: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _survey_import_plan(
    review_round: Round, form: str, read: ReadResult
) -> tuple[list[str], list[tuple[RoundHousehold, Submission, SurveyResponse | None]]]:
    """Check every submission; the problems (worded, by row) and what would be saved."""
    definition = load_form(form)
    problems = list(read.errors)
    entries = {rh.household.code: rh for rh in queries.round_households(review_round, include_removed=False)}
    members: dict[int, set[str]] = {}
    for household_id, member_id in (
        Member.objects.active()
        .filter(household_id__in=[rh.household_id for rh in entries.values()])
        .values_list("household_id", "pk")
    ):
        members.setdefault(household_id, set()).add(str(member_id))
    existing = {
        s.round_household_id: s for s in SurveyResponse.objects.filter(round_household__round=review_round, form=form)
    }
    plan = []
    for sub in read.submissions:
        rh = entries.get(sub.household_code)
        if rh is None:
            problems.append(
                _("%(row)s: household %(code)s is not on this round's list.")
                % {"row": sub.row, "code": sub.household_code}
            )
            continue
        clean, errors = definition.validate(sub.answers, partial=True)
        for where, message in errors.items():
            problems.append(f"{_place(sub, where)}: {survey_message(message)}")
        for member in clean.get("members") or {}:
            if member not in members.get(rh.household_id, set()):
                problems.append(
                    _("%(row)s: %(member)s is not a member of household %(code)s.")
                    % {"row": _place(sub, f"members.{member}"), "member": member, "code": sub.household_code}
                )
        survey = existing.get(rh.pk)
        if survey is not None and survey.status == "submitted" and survey.answers != clean:
            problems.append(
                _("%(row)s: the survey of household %(code)s is already submitted; change it in the web form.")
                % {"row": sub.row, "code": sub.household_code}
            )
        plan.append((rh, Submission(sub.household_code, clean, sub.surveyed_on, sub.row), survey))
    return problems, plan


def _place(sub: Submission, where: str) -> str:
    """Where an answer was read, as the officer finds it: "Sheet Thành viên, row 3, column Tình trạng việc
    làm" (a workbook), else the row or record the submission came from; never the answer's internal path."""
    cell = sub.cells.get(where)
    if cell is None:  # an ODK / KoBoToolbox record: the record, and the question by its label
        question = _question(where)
        if question:
            return _("%(row)s (household %(code)s), question %(question)s") % {
                "row": sub.row,
                "code": sub.household_code,
                "question": question,
            }
        return f"{sub.row} ({sub.household_code})"
    if cell.column:
        return _("Sheet %(sheet)s, row %(row)d, column %(column)s") % {
            "sheet": cell.sheet,
            "row": cell.row,
            "column": cell.column,
        }
    return _("Sheet %(sheet)s, row %(row)d") % {"sheet": cell.sheet, "row": cell.row}


def _question(where: str) -> str:
    """The label, in the reader's language, of the question an error path (``members.<id>.<field>``) names."""
    name = where.rsplit(".", 1)[-1]
    for form in ("B", "A"):
        for section in load_form(form).sections:
            for f in section.fields:
                if f.name == name:
                    language = (get_language() or "vi")[:2]
                    return str(f.label.get(language) or f.label.get("vi") or "")
    return ""


@transaction.atomic
def do_import_surveys(*, actor: Actor, review_round: Round, form: str, content: bytes, file_name: str) -> SurveyImport:
    """Read a filled-in workbook or an ODK / KoBoToolbox export back as drafts of the round's surveys.

    All or nothing: every row is checked first (household on the list, members of the household, each
    answer against the form definition); nothing is saved while one row is wrong (the problems are
    returned). Rows are saved as drafts through ``do_save_survey``: nothing reaches the registry until the
    officer submits each survey. A row whose answers are already saved is skipped, so importing the same
    file twice changes nothing.
    """
    require(actor, review_round.ward_id, "prepare")
    problems, plan = _survey_import_plan(review_round, form, read_submissions(content, file_name, form))
    if problems:
        return SurveyImport(problems=problems)
    result = SurveyImport()
    source = "xlsform" if file_name.lower().endswith(".json") else "xlsx"
    for rh, sub, existing in plan:
        if existing is not None and existing.answers == sub.answers and sub.surveyed_on in (None, existing.surveyed_on):
            result.skipped += 1
            continue
        do_save_survey(
            actor=actor, round_household=rh, form=form, answers=sub.answers, surveyed_on=sub.surveyed_on, source=source
        )
        result.saved += 1
    return result
