from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.programs.rules import campaigns, programmes


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
