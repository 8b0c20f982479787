"""Turning stored values (codes, ISO dates, booleans, nested changes) into what a person reads, in the active
language. One function shows "a changed value" (:func:`changed_value`: the field's label, the old and the new
value in words); the household's history, the audit log and the survey's confirmation all go through it, so
no page shows a dotted action code, a field name, a Python dict or ``True``."""

from __future__ import annotations

import ast
import datetime
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ansinh import registry_schema, vocab
from ansinh.accounts.audit_actions import AccountsAudit
from ansinh.audit.actions import AuditAction
from ansinh.cases.audit_actions import CHANGE_VOCABULARIES as CASE_CHANGE_VOCABULARIES
from ansinh.cases.audit_actions import CasesAudit
from ansinh.dossiers.audit_actions import DossiersAudit
from ansinh.imports.audit_actions import ImportAudit
from ansinh.payments.audit_actions import PaymentsAudit
from ansinh.programs.audit_actions import ProgramsAudit
from ansinh.registry.audit_actions import RegistryAudit
from ansinh.registry.models import Household, Member
from ansinh.review.audit_actions import ReviewAudit
from ansinh.review.explanations import standard_title
from ansinh.web.templatetags.ansinh_ui import masked_id, vn_date, vn_number

# Every action the trail records, as words (tests/web/test_words_not_codes.py holds every declared action to it).
ACTION_LABELS: dict[str, object] = {
    RegistryAudit.HOUSEHOLD_CREATE: gettext_lazy("Household registered"),
    RegistryAudit.HOUSEHOLD_UPDATE: gettext_lazy("Household changed"),
    RegistryAudit.MEMBER_CREATE: gettext_lazy("Member added"),
    RegistryAudit.MEMBER_UPDATE: gettext_lazy("Member changed"),
    RegistryAudit.DUPLICATE_RESOLVE: gettext_lazy("Duplicate resolved"),
    RegistryAudit.SEED: gettext_lazy("Registry loaded"),
    ReviewAudit.ROUND_CREATE: gettext_lazy("Review round opened"),
    ReviewAudit.ROUND_MOVE: gettext_lazy("Review round moved to the next step"),
    ReviewAudit.ROUND_BUILD_LIST: gettext_lazy("Review list drawn up"),
    ReviewAudit.ROUND_ASSESS: gettext_lazy("Households assessed"),
    ReviewAudit.ROUND_APPROVE: gettext_lazy("Review round approved"),
    ReviewAudit.HOUSEHOLD_ADD: gettext_lazy("Household added to the review list"),
    ReviewAudit.HOUSEHOLD_REMOVE: gettext_lazy("Household removed from the review list"),
    ReviewAudit.REQUEST_RECORD: gettext_lazy("Review request recorded"),
    ReviewAudit.SURVEY_SAVE_A: gettext_lazy("Form A saved as a draft"),
    ReviewAudit.SURVEY_SAVE_B: gettext_lazy("Form B saved as a draft"),
    ReviewAudit.SURVEY_SUBMIT_A: gettext_lazy("Form A submitted"),
    ReviewAudit.SURVEY_SUBMIT_B: gettext_lazy("Form B submitted"),
    ReviewAudit.SCORING_LOAD: gettext_lazy("Scoring method loaded"),
    ReviewAudit.MEETING_RECORD: gettext_lazy("Village meeting recorded"),
    ReviewAudit.POSTING_OPEN: gettext_lazy("List posted publicly"),
    ReviewAudit.COMPLAINT_RECORD: gettext_lazy("Complaint recorded"),
    ReviewAudit.COMPLAINT_ANSWER: gettext_lazy("Complaint answered"),
    ReviewAudit.STATUS_CLOSE: gettext_lazy("Poverty status closed"),
    ImportAudit.COMMIT: gettext_lazy("Import saved"),
    ImportAudit.CANCEL: gettext_lazy("Import cancelled"),
    ImportAudit.EXPIRE: gettext_lazy("Import expired"),
    ImportAudit.PURGE: gettext_lazy("Import file deleted"),
    ImportAudit.PURGE_ORPHANS: gettext_lazy("Leftover import files deleted"),
    ImportAudit.EXPORT: gettext_lazy("Households exported"),
    AccountsAudit.USER_CREATE: gettext_lazy("Account created"),
    AccountsAudit.USER_CHANGE: gettext_lazy("Account changed"),
    AccountsAudit.USER_SUPERUSER: gettext_lazy("Administrator rights granted"),
    AccountsAudit.USER_SUPERUSER_REVOKE: gettext_lazy("Administrator rights withdrawn"),
    ProgramsAudit.ENROLMENT_GRANT: gettext_lazy("Allowance granted"),
    ProgramsAudit.ENROLMENT_STOP: gettext_lazy("Allowance stopped"),
    ProgramsAudit.ENROLMENT_ADJUST: gettext_lazy("Allowance adjusted"),
    PaymentsAudit.PAYROLL_CREATE: gettext_lazy("Payroll created"),
    PaymentsAudit.PAYROLL_COMPUTED: gettext_lazy("Payroll computed"),
    PaymentsAudit.PAYROLL_FROZEN: gettext_lazy("Payroll frozen"),
    PaymentsAudit.PAYROLL_IN_APPROVAL: gettext_lazy("Payroll sent for approval"),
    PaymentsAudit.PAYROLL_APPROVED: gettext_lazy("Payroll approved"),
    PaymentsAudit.PAYROLL_EXPORTED: gettext_lazy("Payroll exported"),
    PaymentsAudit.PAYROLL_RECONCILING: gettext_lazy("Payroll being reconciled"),
    PaymentsAudit.PAYROLL_RECONCILED: gettext_lazy("Payroll reconciled"),
    PaymentsAudit.PAYROLL_CLOSED: gettext_lazy("Payroll closed"),
    PaymentsAudit.PAYROLL_ABORTED: gettext_lazy("Payroll abandoned"),
    PaymentsAudit.PAYROLL_DRAFT: gettext_lazy("Payroll back to draft"),
    DossiersAudit.RECEIVED: gettext_lazy("Dossier received"),
    DossiersAudit.ACCEPTED: gettext_lazy("Dossier accepted"),
    DossiersAudit.REFUSED: gettext_lazy("Dossier refused"),
    DossiersAudit.HANDED_OFF: gettext_lazy("Dossier handed off"),
    DossiersAudit.SUPPLEMENT_REQUESTED: gettext_lazy("Supplement requested"),
    DossiersAudit.SUPPLEMENT_RECEIVED: gettext_lazy("Supplement received"),
    DossiersAudit.DECIDED: gettext_lazy("Dossier decided"),
    DossiersAudit.APOLOGY: gettext_lazy("Apology letter sent"),
    DossiersAudit.RETURNED: gettext_lazy("Result returned"),
    DossiersAudit.WITHDRAWN: gettext_lazy("Dossier withdrawn"),
    DossiersAudit.STOPPED: gettext_lazy("Dossier stopped"),
    DossiersAudit.CORRECTED: gettext_lazy("Dossier corrected"),
    DossiersAudit.RATED: gettext_lazy("Dossier rated"),
    AccountsAudit.TOKEN_CREATE: gettext_lazy("API token created"),
    AccountsAudit.TOKEN_REVOKE: gettext_lazy("API token revoked"),
    AccountsAudit.TOKEN_USE: gettext_lazy("API token used"),
    AccountsAudit.TOKEN_REFUSED: gettext_lazy("API token refused"),
    AccountsAudit.SIGNATURE_REFUSED: gettext_lazy("Signed message refused"),
    CasesAudit.OPEN: gettext_lazy("Case opened"),
    CasesAudit.UPDATE: gettext_lazy("Case changed"),
    CasesAudit.INCIDENT: gettext_lazy("Incident recorded"),
    CasesAudit.CONSENT: gettext_lazy("Consent recorded"),
    CasesAudit.LINK_MEMBER: gettext_lazy("Case linked to a registry member"),
    CasesAudit.ASSESS: gettext_lazy("Assessment recorded"),
    CasesAudit.PLAN: gettext_lazy("Support plan recorded"),
    CasesAudit.APPROVAL_REQUEST: gettext_lazy("Approval requested"),
    CasesAudit.APPROVAL_DECIDE: gettext_lazy("Approval decided"),
    CasesAudit.SERVICE: gettext_lazy("Service arranged"),
    CasesAudit.SERVICE_DONE: gettext_lazy("Service delivered"),
    CasesAudit.REFER: gettext_lazy("Case referred"),
    CasesAudit.REFER_OVERRIDE: gettext_lazy("Case referred without consent"),
    CasesAudit.REFERRAL_RESPOND: gettext_lazy("Referral answered"),
    CasesAudit.REFERRAL_REVOKE: gettext_lazy("Referral revoked"),
    CasesAudit.TRANSFER: gettext_lazy("Case transferred"),
    CasesAudit.ASSIGN: gettext_lazy("Case assigned"),
    CasesAudit.MEASURE_REQUEST: gettext_lazy("Protective measure requested"),
    CasesAudit.MEASURE_DECIDE: gettext_lazy("Protective measure decided"),
    CasesAudit.FOLLOW_UP: gettext_lazy("Follow-up recorded"),
    CasesAudit.ATTACH: gettext_lazy("Attachment added to a case"),
    CasesAudit.CLOSE: gettext_lazy("Case closed"),
    CasesAudit.REOPEN: gettext_lazy("Case reopened"),
    CasesAudit.BREAK_GLASS: gettext_lazy("Case opened outside the circle (break the glass)"),
    CasesAudit.REVEAL: gettext_lazy("Survivor's name revealed"),
    CasesAudit.AGENCY: gettext_lazy("Agency changed"),
    DossiersAudit.FEEDBACK_RECEIVED: gettext_lazy("Feedback received"),
    DossiersAudit.FEEDBACK_CLASSIFIED: gettext_lazy("Feedback classified"),
    DossiersAudit.FEEDBACK_FORWARDED: gettext_lazy("Feedback forwarded"),
    DossiersAudit.FEEDBACK_ANSWERED: gettext_lazy("Feedback answered"),
    DossiersAudit.FEEDBACK_PUBLISHED: gettext_lazy("Feedback answer published"),
    DossiersAudit.FEEDBACK_REDIRECTED: gettext_lazy("Complaint or denunciation redirected"),
    PaymentsAudit.PAYROLL_SIGNED: gettext_lazy("Payroll approval signed"),
    PaymentsAudit.PAYROLL_FILE: gettext_lazy("Payment file made"),
    PaymentsAudit.PAYROLL_RESULTS: gettext_lazy("Payment results imported"),
    PaymentsAudit.VERIFICATION_CREATE: gettext_lazy("Verification sample drawn"),
    PaymentsAudit.COMPLAINT_OPEN: gettext_lazy("Payment complaint opened"),
    PaymentsAudit.CERTIFIED_LIST: gettext_lazy("Certified list exported"),
}
OBJECT_MODELS: dict[str, type[models.Model]] = {"household": Household, "member": Member}
# What the trail records beside the model fields (counts, reasons, the survey's registry changes), as words.
EXTRA_LABELS: dict[str, object] = {
    "split_from": gettext_lazy("split from household"),
    "merged_into": gettext_lazy("merged into household"),
    "household": gettext_lazy("household"),
    "members": gettext_lazy("members"),
    "households": gettext_lazy("households"),
    "counts": gettext_lazy("households by class"),
    "changed": gettext_lazy("classes changed"),
    "added": gettext_lazy("households added"),
    "present": gettext_lazy("people present"),
    "passed": gettext_lazy("households agreed"),
    "closed": gettext_lazy("statuses closed"),
    "class_changes": gettext_lazy("class changes"),
    "late": gettext_lazy("answered late"),
    "on": gettext_lazy("date"),
    "date": gettext_lazy("date"),
    "reason": gettext_lazy("reason"),
    "kind": gettext_lazy("kind"),
    "source": gettext_lazy("source"),
    "surveyed_on": gettext_lazy("survey date"),
    "start": gettext_lazy("first day"),
    "end": gettext_lazy("last day"),
    "due_on": gettext_lazy("answer due by"),
    "version": gettext_lazy("version"),
    "number": gettext_lazy("number"),
    "form": gettext_lazy("form"),
    "channel": gettext_lazy("received through"),
    "ward": gettext_lazy("ward/commune"),
    "year": gettext_lazy("year"),
    "rows": gettext_lazy("rows"),
    "status": gettext_lazy("status"),
    "stage": gettext_lazy("step"),
}
# Words the trail stores as values (a decision's kind, a status's end, a yes/no written as text).
VALUE_WORDS: dict[str, object] = {
    "approval": gettext_lazy("approval"),
    "correction": gettext_lazy("correction"),
    "annual": gettext_lazy("annual review"),
    "regular": gettext_lazy("regular review"),
}
ID_FIELDS = {"id_number", "legacy_id_number"}
HIDDEN_FIELDS = {"version", "name_folded", "address_folded", "updated_at", "created_at"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


SOURCES: dict[str, object] = {
    "web": gettext_lazy("web page"),
    "api": gettext_lazy("API"),
    "cli": gettext_lazy("command line"),
    "import": gettext_lazy("import"),
    "task": gettext_lazy("background task"),
    "system": gettext_lazy("system"),
}


def source_label(source: str) -> str:
    """Where a change came from, in words ("import no. 12" for ``import:12``)."""
    kind, _sep, ident = (source or "").partition(":")
    label = str(SOURCES.get(kind, kind))
    return f"{label} {ident}".strip() if ident else label


def _cap(text: object) -> str:
    words = str(text)
    return words[:1].upper() + words[1:]


def action_label(action: str) -> str:
    """The action in words; an action no app declares is still shown as words, never as its dotted code."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return _cap(action.replace(".", " ").replace("_", " "))


@cache
def _app_of(action: str) -> str:
    """The app that declares ``action`` (``review`` for ``review.survey.submit_b``), from its declaring class."""
    for cls in AuditAction.__subclasses__():
        if action in {m.value for m in cls}:
            return cls.__module__.split(".")[1]
    return ""


def model_for(object_type: str, action: str = "") -> type[models.Model] | None:
    """The model an audit event is about (``object_type`` is the model's name), preferring the acting app's."""
    if object_type in OBJECT_MODELS:
        return OBJECT_MODELS[object_type]
    candidates = [m for m in apps.get_models() if m._meta.model_name == object_type]
    app = _app_of(action) if action else ""
    preferred = [m for m in candidates if m._meta.app_label == app]
    found = preferred or candidates
    return found[0] if found else None


def object_label(object_type: str, action: str = "") -> str:
    """What the event is about, in words ("Review round", "Household")."""
    model = model_for(object_type, action)
    return _cap(model._meta.verbose_name) if model is not None else _cap(EXTRA_LABELS.get(object_type, object_type))


def model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name[:-3] if name.endswith("_id") and name != "id_number" else name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(model: type[models.Model] | None, name: str) -> str:
    field = model_field(model, name)
    if field is not None:
        return _cap(field.verbose_name)
    if name in EXTRA_LABELS:
        return _cap(EXTRA_LABELS[name])
    if any(a.name == name for a in (*registry_schema.HOUSEHOLD, *registry_schema.MEMBER)):
        return _cap(field_label(Household if any(a.name == name for a in registry_schema.HOUSEHOLD) else Member, name))
    return _cap(name.replace("_", " "))


def _lang() -> str:
    return (get_language() or "vi")[:2]


def _code_label(name: str, value: str) -> str | None:
    """The label of a code: the field's own code list, a poverty class, a standard, a stored word."""
    vocabulary = vocab.VOCABULARIES.get(name) or CASE_CHANGE_VOCABULARIES.get(name)
    if vocabulary is not None and value in vocabulary:
        return vocabulary[value][1 if _lang() == "vi" else 0]
    if value in vocab.POVERTY_CLASSES:
        return vocab.household_class(value, _lang())
    title = standard_title(value, _lang())
    if title != value:
        return title
    if value in VALUE_WORDS:
        return str(VALUE_WORDS[value])
    return None


def display_value(model: type[models.Model] | None, name: str, value: Any, *, show_ids: bool = True) -> str:
    """A stored value as text: the label of a code, Yes/No, dd/mm/yyyy, 1.500.000, a list or a nested
    change in words, or a dash for none."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "pk"):
        return str(value)
    if name in ID_FIELDS and not show_ids:
        return masked_id(str(value))
    if isinstance(value, str) and value.startswith("{'"):  # written before changes kept their nesting
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return "—"
    if isinstance(value, Mapping):
        return _nested(model, name, value, show_ids=show_ids)
    if isinstance(value, list | tuple):
        return ", ".join(display_value(model, name, v, show_ids=show_ids) for v in value) or "—"
    field = model_field(model, name)
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return _("Yes") if value in (True, "True", "true", 1) else _("No")
    if field is not None and field.choices:
        labels = {str(code): label for code, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, str):
        if _ISO_DATE.match(value) or _ISO_DATETIME.match(value):
            return vn_date(value[:10])
        label = _code_label(name, value)
        if label is not None:
            return label
    if isinstance(field, models.DateField) or isinstance(value, datetime.date):
        return vn_date(value)
    if name == "year" or name.endswith("_year"):
        return str(value)  # a year is a name, not an amount: 2026, never 2.026
    if isinstance(value, int | float):
        return vn_number(value, 1 if isinstance(value, float) and not value.is_integer() else 0)
    return str(value)


def _nested(model: type[models.Model] | None, name: str, value: Mapping[str, Any], *, show_ids: bool) -> str:
    """A dict the trail stores as one value, in words: the survey's household and member changes, counts
    by standard and class, statuses closed by reason."""
    if name == "household":
        return "; ".join(f"{field_label(Household, k)}: {display_value(Household, k, v)}" for k, v in value.items())
    if name == "members":
        names = _member_names([k for k in value if str(k).isdigit()])
        parts = []
        for key, changes in value.items():
            who = names.get(int(key), _("member %(n)s") % {"n": key}) if str(key).isdigit() else str(key)
            inner = ""
            if isinstance(changes, Mapping):
                inner = "; ".join(
                    f"{field_label(Member, k)}: {display_value(Member, k, v, show_ids=show_ids)}"
                    for k, v in changes.items()
                )
            parts.append(f"{who} ({inner})" if inner else who)
        return "; ".join(parts) or "—"
    parts = []
    for key, inner in value.items():
        label = _code_label(name, str(key)) or _code_label(str(key), str(key)) or field_label(model, str(key))
        parts.append(f"{label}: {display_value(model, str(key), inner, show_ids=show_ids)}")
    return "; ".join(parts) or "—"


def _member_names(ids: Iterable[Any]) -> dict[int, str]:
    wanted = [int(i) for i in ids]
    return dict(Member.objects.filter(pk__in=wanted).values_list("pk", "full_name")) if wanted else {}


def changed_value(
    model: type[models.Model] | None, name: str, old: Any, new: Any, *, show_ids: bool = True
) -> dict[str, Any]:
    """One changed value in words: the field's label, the old and the new value (``created`` when there was
    no old value). The one display of a change: history, audit log and the survey's confirmation."""
    return {
        "field": name,
        "label": field_label(model, name),
        "old": display_value(model, name, old, show_ids=show_ids),
        "new": display_value(model, name, new, show_ids=show_ids),
        "created": old is None,
    }


def describe_changes(
    object_type: str, changes: dict[str, Any], *, show_ids: bool = True, action: str = ""
) -> list[dict[str, Any]]:
    """``{field: [old, new]}`` of an audit event as rows of label, old and new text."""
    model = model_for(object_type, action) or Household
    rows = []
    for name, pair in changes.items():
        if name in HIDDEN_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        rows.append(changed_value(model, name, old, new, show_ids=show_ids))
    return rows


def registry_change_rows(changes: Iterable[Any]) -> list[dict[str, Any]]:
    """The registry changes a survey will make (``review.queries.RegistryChange``), grouped by who they are
    about: the household first, then each member, each change in words."""
    groups: dict[tuple[str, int], dict[str, Any]] = {}
    for change in changes:
        key = (change.object_type, change.object_id)
        if key not in groups:
            who = (
                _("Household %(code)s") % {"code": change.name}
                if change.object_type == "household"
                else _("Member: %(name)s") % {"name": change.name}
            )
            groups[key] = {"who": who, "changes": []}
        model = Household if change.object_type == "household" else Member
        groups[key]["changes"].append(changed_value(model, change.field, change.old, change.new))
    return list(groups.values())
