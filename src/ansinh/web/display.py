"""Turning stored values (codes, ISO dates, booleans) into what a person reads, in the active language."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ansinh.registry.audit_actions import RegistryAudit
from ansinh.registry.models import Household, Member
from ansinh.web.templatetags.ansinh_ui import masked_id, vn_date, vn_number

ACTION_LABELS: dict[str, object] = {
    RegistryAudit.HOUSEHOLD_CREATE: gettext_lazy("Household registered"),
    RegistryAudit.HOUSEHOLD_UPDATE: gettext_lazy("Household changed"),
    RegistryAudit.MEMBER_CREATE: gettext_lazy("Member added"),
    RegistryAudit.MEMBER_UPDATE: gettext_lazy("Member changed"),
    RegistryAudit.DUPLICATE_RESOLVE: gettext_lazy("Duplicate resolved"),
}
OBJECT_MODELS: dict[str, type[models.Model]] = {"household": Household, "member": Member}
EXTRA_LABELS = {
    "split_from": gettext_lazy("split from household"),
    "merged_into": gettext_lazy("merged into household"),
    "household": gettext_lazy("household"),
}
ID_FIELDS = {"id_number", "legacy_id_number"}
HIDDEN_FIELDS = {"version", "name_folded", "address_folded", "updated_at", "created_at"}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(name[:-3] if name.endswith("_id") and name != "id_number" else name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(model: type[models.Model], name: str) -> str:
    field = model_field(model, name)
    if field is not None:
        label = str(field.verbose_name)
        return label[:1].upper() + label[1:]
    extra = str(EXTRA_LABELS.get(name, name))
    return extra[:1].upper() + extra[1:]


def display_value(model: type[models.Model], name: str, value: Any, *, show_ids: bool = True) -> str:
    """A stored value as text: the label of a code, Yes/No, dd/mm/yyyy, 1.500.000, or a dash for none."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "pk"):
        return str(value)
    if name in ID_FIELDS and not show_ids:
        return masked_id(str(value))
    field = model_field(model, name)
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return _("Yes") if value in (True, "True", "true", 1) else _("No")
    if field is not None and field.choices:
        labels = {str(code): label for code, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.DateField) or isinstance(value, datetime.date):
        return vn_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return vn_number(value, 1 if isinstance(value, float) and not value.is_integer() else 0)
    return str(value)


def describe_changes(object_type: str, changes: dict[str, Any], *, show_ids: bool = True) -> list[dict[str, Any]]:
    """``{field: [old, new]}`` of an audit event as rows of label, old and new text."""
    model = OBJECT_MODELS.get(object_type, Household)
    rows = []
    for name, pair in changes.items():
        if name in HIDDEN_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        rows.append(
            {
                "field": name,
                "label": field_label(model, name),
                "old": display_value(model, name, old, show_ids=show_ids),
                "new": display_value(model, name, new, show_ids=show_ids),
                "created": old is None,
            }
        )
    return rows
