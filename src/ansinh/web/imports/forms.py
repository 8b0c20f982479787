from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ansinh.imports.reading import max_upload_bytes

ALLOWED = (".xlsx", ".csv")


def _check_file(f: Any) -> Any:
    if f is None:
        return f
    if Path(f.name).suffix.lower() not in ALLOWED:
        raise forms.ValidationError(gettext("Choose an .xlsx or .csv file."))
    if f.size > max_upload_bytes():
        raise forms.ValidationError(
            gettext("The file is too large: the limit is %(mb)s MB.") % {"mb": max_upload_bytes() // 1024 // 1024}
        )
    return f


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"), help_text=_("An .xlsx workbook with both sheets, or the households .csv file.")
    )
    members_file = forms.FileField(
        label=_("Members .csv file"), required=False, help_text=_("Only with a households .csv file.")
    )

    def clean_file(self) -> Any:
        return _check_file(self.cleaned_data.get("file"))

    def clean_members_file(self) -> Any:
        return _check_file(self.cleaned_data.get("members_file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        f, m = data.get("file"), data.get("members_file")
        if f is not None and m is not None and Path(f.name).suffix.lower() == ".xlsx":
            self.add_error("members_file", gettext("An .xlsx workbook already holds the members sheet."))
        return data


class ExportForm(forms.Form):
    ward = forms.ChoiceField(label=_("Ward or commune"), required=False)
    q = forms.CharField(
        label=_("Only households found by this search"),
        required=False,
        max_length=100,
        help_text=_(
            "A name, ID number, household code or address, as in the household search. Leave empty for every household."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", _("CSV, households")), ("csv-members", _("CSV, members"))],
    )

    def __init__(self, *args: Any, wards: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", gettext("All wards in my area"))] + [(w.code, f"{w.name} ({w.code})") for w in wards]
        self.fields["ward"].choices = choices  # type: ignore[attr-defined]
