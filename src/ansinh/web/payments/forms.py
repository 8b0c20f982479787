from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.programs.rules import campaigns, programmes
from ansinh.web.registry.forms import DateField


class PayrollCreateForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    month = forms.DateField(label=_("Month"), help_text=_("Any day of the month, e.g. 01/07/2024."))
    ward: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Ward or commune"), queryset=None)

    def __init__(self, *args: Any, wards: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            (code, p.name.get(language, p.name["vi"])) for code, p in programmes().items()
        ] + [(code, f"{c.name.get(language, c.name['vi'])} ({c.month:%m/%Y})") for code, c in campaigns().items()]
        self.fields["ward"].queryset = wards  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResultsForm(forms.Form):
    file = forms.FileField(label=_("Payment-results file (XLSX or CSV)"))


class DecisionForm(forms.Form):
    """The decision that settles a proposed change or grants an application."""

    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = DateField(label=_("Decision date"), help_text=_("For example 27/03/2025."))
    signer_name = forms.CharField(label=_("Signed by"), max_length=150, required=False)


class EnrolForm(DecisionForm):
    """An application entered by the officer, granted by a decision."""

    id_number = forms.CharField(label=_("Personal ID number"), max_length=12)
    category = forms.ChoiceField(label=_("Programme and category"))
    start_month = DateField(label=_("First month paid"), help_text=_("Any day of the month."))

    field_order = ["id_number", "category", "start_month", "decision_number", "decision_date", "signer_name"]

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (f"{code}:{key}", f"{p.name.get(language, p.name['vi'])}: {c.name.get(language, c.name['vi'])}")
            for code, p in programmes().items()
            for key, c in p.categories.items()
        ]
