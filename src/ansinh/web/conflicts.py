"""Showing a refused concurrent edit so that neither user's intent is lost.

When ``ConcurrentEdit`` is raised, the form is shown again with:
- a table of what the other user changed since this user opened the record (field, their value,
  this user's value, who and when);
- merged values: a field this user did not touch takes the other user's new value; a field this
  user changed keeps this user's value (and is marked when both changed it);
- the record's current version, so that saving again is a deliberate choice.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from ansinh.accounts.permissions import shows_full_ids
from ansinh.audit.actions import jsonable
from ansinh.web.display import OBJECT_MODELS, display_value


def _norm(value: Any) -> Any:
    if hasattr(value, "pk"):
        return jsonable(value.pk)
    return jsonable(value)


def _form_name(name: str, form: forms.BaseForm) -> str | None:
    if name in form.fields and name != "version":
        return name
    if name.endswith("_id") and name[:-3] in form.fields:
        return name[:-3]
    return None


def conflict_context(
    error: Any,
    form: forms.ModelForm,  # type: ignore[type-arg]
    form_class: type[forms.ModelForm],  # type: ignore[type-arg]
    object_type: str,
    *,
    user: Any,
    form_kwargs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    current = error.current
    model = OBJECT_MODELS[object_type]
    show_ids = shows_full_ids(user)
    yours = {name: form.cleaned_data.get(name) for name in form.fields if name != "version"}
    their_old: dict[str, Any] = {}
    who: dict[str, tuple[str, Any]] = {}
    for event in error.their_changes:
        for raw_name, pair in (event.changes or {}).items():
            name = _form_name(raw_name, form)
            if name is None or not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            their_old.setdefault(name, pair[0])  # the value this user saw when opening the form
            who[name] = (event.actor_name, event.at)
    rows = []
    merged: dict[str, Any] = dict(yours)
    for name, old in their_old.items():
        theirs = getattr(current, name)
        you_changed = _norm(yours.get(name)) != _norm(old)
        if not you_changed:
            merged[name] = theirs
        rows.append(
            {
                "field": name,
                "label": form.fields[name].label,
                "theirs": display_value(model, name, theirs, show_ids=show_ids),
                "yours": display_value(model, name, yours.get(name), show_ids=show_ids),
                "both_changed": you_changed and _norm(yours.get(name)) != _norm(theirs),
                "who": who[name][0],
                "when": who[name][1],
            }
        )
    merged["version"] = current.version
    new_form = form_class(initial=merged, instance=copy.copy(current), **(form_kwargs or {}))
    return {"message": error.message, "rows": rows, "form": new_form, "current": current}
