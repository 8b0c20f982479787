"""The audit trail's search form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.web.registry.forms import DateField


class AuditSearchForm(forms.Form):
    hide_optional = True
    username = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "input--narrow", "autocomplete": "off"}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    household_code = forms.CharField(
        label=_("Household code"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"class": "input--narrow"}),
    )
    date_from = DateField(label=_("From"), required=False, help_text="")
    date_to = DateField(label=_("To"), required=False, help_text="")

    ACTIONS = [
        ("", _("All actions")),
        ("household.create", _("Household registered")),
        ("household.update", _("Household changed")),
        ("member.create", _("Member added")),
        ("member.update", _("Member changed")),
        ("duplicate.resolve", _("Duplicate resolved")),
        ("household.", _("Any household action")),
        ("member.", _("Any member action")),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = self.ACTIONS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned
