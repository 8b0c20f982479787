"""Forms of the reports' pages: the pivot's choices and the simulation's parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ansinh.reports.queries import DIMENSION_LABELS, PIVOT_DIMENSIONS

DIMENSION_CHOICES = [(d, DIMENSION_LABELS[d]) for d in PIVOT_DIMENSIONS]


class PivotForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"))
    rows = forms.MultipleChoiceField(label=_("Rows"), choices=DIMENSION_CHOICES, widget=forms.CheckboxSelectMultiple)
    columns = forms.MultipleChoiceField(
        label=_("Columns"), choices=DIMENSION_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    f_ward_code = forms.CharField(label=_("Only these wards (codes, comma-separated)"), required=False)
    f_year = forms.CharField(label=_("Only these years"), required=False)
    f_month = forms.CharField(label=_("Only these months"), required=False)
    f_standard = forms.CharField(label=_("Only this standard"), required=False)
    f_programme = forms.CharField(label=_("Only these programmes"), required=False)
    f_category = forms.CharField(label=_("Only these categories"), required=False)

    def __init__(self, *args: Any, measures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measures  # type: ignore[attr-defined]


LINE_PARAMETERS = [
    ("income_line", _("Income line (every area)")),
    ("income_line.urban", _("Income line, urban")),
    ("income_line.rural", _("Income line, rural")),
    ("near_poor_line", _("Near-poor line")),
]


class SimulationForm(forms.Form):
    standard = forms.ChoiceField(label=_("Standard"))
    ward = forms.ChoiceField(label=_("Ward or commune"), required=False)
    line_parameter = forms.ChoiceField(label=_("Line to change"), choices=LINE_PARAMETERS, required=False)
    line = forms.IntegerField(label=_("New line (VND)"), required=False, min_value=0)
    threshold = forms.IntegerField(label=_("New deprivation threshold"), required=False, min_value=0, max_value=20)

    def __init__(self, *args: Any, standards: list[tuple[str, str]], wards: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = standards  # type: ignore[attr-defined]
        self.fields["ward"].choices = [("", _("Every ward of your area")), *wards]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("line") is not None and not data.get("line_parameter"):
            self.add_error("line_parameter", _("Choose the line to change."))
        if data.get("line") is None and data.get("threshold") is None:
            raise forms.ValidationError(_("Give a new line or a new threshold."))
        return data
