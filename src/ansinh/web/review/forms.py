"""Forms of the review pages: they parse input; the review's actions decide and write.

The survey form is built from the form definition (``review/forms/phieu_*.yaml``) so the web form, the
XLSX workbook and the XLSForm show the same fields. Its fields are never required at the Django level:
a draft may be partial, and the definition's own validation (in the action) reports field by field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ansinh.geo.models import Ward
from ansinh.lib.numbers import normalise_number
from ansinh.review.models import Channel, HouseholdStage, RoundHousehold, RoundKind
from ansinh.review.survey import Field, FormDefinition, survey_message
from ansinh.standards import all_standards
from ansinh.web.registry.forms import DateField

# -- rounds and lists -------------------------------------------------------------------------------


class RoundCreateForm(forms.Form):
    ward = forms.ModelChoiceField(
        label=_("Ward or commune"), queryset=Ward.objects.none(), empty_label=_("Choose a ward")
    )
    kind = forms.ChoiceField(
        label=_("Kind of review"), choices=RoundKind.choices, widget=forms.RadioSelect, initial=RoundKind.PERIODIC
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2021,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "input--narrow", "inputmode": "numeric"}),
    )
    standards = forms.MultipleChoiceField(
        label=_("Standards"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to use the standards in force in the ward's province on the start date."),
    )
    period_start = DateField(
        label=_("Start of a regular review"),
        required=False,
        help_text=_("Only for a regular review. For example 15/10/2026."),
    )

    def __init__(self, *args: Any, wards: QuerySet[Ward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ModelChoiceField)
        ward_field.queryset = wards
        ward_field.error_messages["required"] = _("Choose the ward or commune.")
        ward_field.error_messages["invalid_choice"] = _("Choose a ward or commune from the list.")
        language = (get_language() or "vi")[:2]
        standards_field = self.fields["standards"]
        assert isinstance(standards_field, forms.MultipleChoiceField)
        standards_field.choices = [(s.id, s.title.get(language) or s.title.get("vi") or s.id) for s in all_standards()]
        self.fields["year"].error_messages["required"] = _("Enter the year of the review.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == RoundKind.REGULAR and not data.get("period_start"):
            self.add_error("period_start", _("Enter the start date of the regular review."))
        return data


class HouseholdCodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Household code"))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)
        self.error_messages["required"] = _("Enter the household code.")


class AddHouseholdForm(forms.Form):
    code = HouseholdCodeField()
    requested_on = DateField(label=_("Date"))
    reason = forms.CharField(label=_("Reason for adding"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Give the reason for adding the household.")
        self.fields["requested_on"].error_messages["required"] = _("Enter the date.")


class RemoveHouseholdForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Give the reason for removing the household.")


class RequestForm(forms.Form):
    """A household's written request (form 01 or form 04) with its date and channel."""

    code = HouseholdCodeField()
    form = forms.ChoiceField(
        label=_("Request"),
        widget=forms.RadioSelect,
        choices=[
            ("form_01", _("Form 01: request to be reviewed in the annual review")),
            ("form_04", _("Form 04: request for a regular review or to recognise escaping poverty")),
        ],
    )
    received_on = DateField(label=_("Received on"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0]])
    reason = forms.CharField(
        label=_("Reason given by the household"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].error_messages["required"] = _("Choose the request form.")
        self.fields["received_on"].error_messages["required"] = _("Enter the date the request was received.")
        self.fields["channel"].error_messages["required"] = _("Choose how the request was received.")


# -- survey -----------------------------------------------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def survey_key(section: str, name: str, member: int | None = None) -> str:
    """The HTML field name of an answer: ``household__floor_area_m2``, ``m12__monthly_income``."""
    return f"m{member}__{name}" if member is not None else f"{section}__{name}"


def _label(f: Field) -> str:
    language = (get_language() or "vi")[:2]
    return f.label.get(language) or f.label.get("vi") or f.name


def _django_field(f: Field) -> forms.Field:
    label = _label(f)
    if f.type == "boolean":
        return forms.ChoiceField(label=label, choices=YES_NO, required=False, widget=forms.RadioSelect)
    if f.type == "choice":
        return forms.ChoiceField(
            label=label, choices=[("", "—"), *f.choices_in((get_language() or "vi")[:2])], required=False
        )
    if f.type in ("integer", "number"):
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.TextInput(
                attrs={"class": "input--narrow", "inputmode": "numeric" if f.type == "integer" else "decimal"}
            ),
        )
    if f.type == "date":
        return DateField(label=label, required=False)
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


def _initial(f: Field, value: Any) -> Any:
    if value is None:
        return ""
    if f.type == "boolean":
        return "yes" if value else "no"
    if f.type == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


class SurveyForm(forms.Form):
    """Form A or B for one household: one field per answer, members' answers grouped per member."""

    surveyed_on = DateField(label=_("Date of the survey"), required=False)

    def __init__(
        self,
        *args: Any,
        definition: FormDefinition,
        members: Iterable[Any],
        answers: Mapping[str, Any] | None = None,
        check_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.members = list(members)
        self.check_url = check_url
        self.required_names: set[str] = set()
        self.field_definitions: dict[str, Field] = {}
        self.groups: list[dict[str, Any]] = []
        answers = answers or {}
        for section in definition.sections:
            language = (get_language() or "vi")[:2]
            legend = section.label.get(language) or section.label.get("vi") or section.name
            if section.repeat:
                rows = answers.get(section.name) or {}
                for member in self.members:
                    names = self._add(section.name, section.fields, rows.get(str(member.pk)) or {}, member.pk)
                    self.groups.append({"legend": f"{legend}: {member.full_name}", "names": names})
            else:
                names = self._add(section.name, section.fields, answers.get(section.name) or {}, None)
                self.groups.append({"legend": legend, "names": names})

    def _add(self, section: str, fields: Iterable[Field], given: Mapping[str, Any], member: int | None) -> list[str]:
        names = []
        for f in fields:
            key = survey_key(section, f.name, member)
            self.fields[key] = _django_field(f)
            self.field_definitions[key] = f
            if self.check_url:  # each answer is checked as soon as it is given (htmx; no inline script)
                self.fields[key].widget.attrs.update(
                    {
                        "hx-post": self.check_url,
                        "hx-trigger": "change",
                        "hx-swap": "outerHTML",
                        "hx-target": f"#group-{key}",
                    }
                )
            self.initial[key] = _initial(f, given.get(f.name))
            if f.required:
                self.required_names.add(key)
            names.append(key)
        return names

    def bound_groups(self) -> list[dict[str, Any]]:
        return [
            {
                "legend": g["legend"],
                "fields": [{"field": self[n], "required": n in self.required_names} for n in g["names"]],
            }
            for g in self.groups
        ]

    def answers(self) -> dict[str, Any]:
        """The answers in the definition's shape; empty fields are left out (drafts may be partial)."""
        out: dict[str, Any] = {}
        for section in self.definition.sections:
            if section.repeat:
                rows: dict[str, Any] = {}
                for member in self.members:
                    row = self._collect(section.name, section.fields, member.pk)
                    if row:
                        rows[str(member.pk)] = row
                out[section.name] = rows
            else:
                out[section.name] = self._collect(section.name, section.fields, None)
        return out

    def _collect(self, section: str, fields: Iterable[Field], member: int | None) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for f in fields:
            value = self.cleaned_data.get(survey_key(section, f.name, member))
            if value in (None, ""):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif f.type in ("integer", "number") and isinstance(value, str):
                value = normalise_number(value, get_language())
            row[f.name] = value
        return row

    def check_one(self, key: str) -> None:
        """Check one answer against the definition (no save): the error, if any, goes on the field."""
        f = self.field_definitions[key]
        raw = self.data.get(key, "")
        if f.type in ("integer", "number") and isinstance(raw, str):
            raw = normalise_number(raw, get_language())
        try:
            f.parse(raw)
        except ValueError as error:
            self.add_error(key, survey_message(str(error)))

    def attach_errors(self, errors: Mapping[str, str]) -> None:
        """Put the definition's errors (``household.x``, ``members.<id>.x``) next to their fields."""
        for where, message in errors.items():
            parts = where.split(".")
            if parts[0] == "surveyed_on":
                key = "surveyed_on"
            elif len(parts) == 3 and parts[0] == "members":
                key = survey_key("members", parts[2], int(parts[1]) if parts[1].isdigit() else None)
            elif len(parts) == 2:
                key = survey_key(parts[0], parts[1])
            else:
                key = ""
            text = survey_message(message)
            if key in self.fields:
                self.add_error(key, text)
            elif len(parts) == 2 and parts[0] == "members":
                self.add_error(None, _g("A member's answers are missing: %(detail)s") % {"detail": where})
            else:
                self.add_error(None, f"{where}: {text}")


# -- assessment, meeting, posting, complaints, approval ----------------------------------------------


class MeetingForm(forms.Form):
    held_on = DateField(label=_("Date of the meeting"))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=150, required=False)
    secretary = forms.CharField(label=_("Secretary"), max_length=150, required=False)
    present_count = forms.IntegerField(
        label=_("People present"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "input--narrow", "inputmode": "numeric"}),
    )
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name and role, e.g. “Võ Văn Tám, trưởng khu phố”."),
    )

    def __init__(self, *args: Any, households: Iterable[RoundHousehold], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = _("Enter the date of the meeting.")
        self.fields["present_count"].error_messages["required"] = _("Enter how many people were present.")
        self.vote_names: list[tuple[RoundHousehold, str]] = []
        for rh in households:
            name = f"agree_{rh.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Agree with the result for %(code)s") % {"code": rh.household.code},
                min_value=0,
                widget=forms.NumberInput(attrs={"class": "input--narrow", "inputmode": "numeric"}),
            )
            self.fields[name].error_messages["required"] = _("Enter how many present agree (0 if nobody).")
            self.vote_names.append((rh, name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        present = data.get("present_count")
        for _rh, name in self.vote_names:
            agree = data.get(name)
            if present is not None and agree is not None and agree > present:
                self.add_error(name, _("Cannot be more than the people present."))
        return data

    def votes(self) -> dict[int, tuple[int, int]]:
        present = int(self.cleaned_data["present_count"])
        return {rh.pk: (present, int(self.cleaned_data[name])) for rh, name in self.vote_names}

    def participant_list(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("participants") or "").splitlines() if line.strip()]


class PostingForm(forms.Form):
    start = DateField(label=_("Posted from"))
    places = forms.CharField(
        label=_("Places of posting"),
        max_length=255,
        required=False,
        help_text=_("For example: the ward People's Committee; the cultural house of quarter 3."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].error_messages["required"] = _("Enter the first day of the posting.")


class ComplaintForm(forms.Form):
    round_household = forms.ModelChoiceField(
        label=_("Household concerned"),
        queryset=RoundHousehold.objects.none(),
        required=False,
        empty_label=_("No particular household"),
    )
    received_on = DateField(label=_("Received on"))
    complainant = forms.CharField(label=_("Complainant"), max_length=150, required=False)
    content = forms.CharField(label=_("Content of the complaint"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, households: QuerySet[RoundHousehold], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round_household"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = households
        field.label_from_instance = _household_label  # type: ignore[method-assign,assignment]
        self.fields["received_on"].error_messages["required"] = _("Enter the date the complaint was received.")
        self.fields["content"].error_messages["required"] = _("Write what the complaint says.")


def _household_label(rh: RoundHousehold) -> str:
    return f"{rh.household.code} – {rh.household.address}"


class AnswerForm(forms.Form):
    answered_on = DateField(label=_("Answered on"))
    answer = forms.CharField(label=_("Answer after the re-check"), widget=forms.Textarea(attrs={"rows": 3}))
    reassess = forms.BooleanField(
        label=_("Assess the household again (after correcting its survey)"),
        required=False,
        help_text=_("The class may change; the change is recorded with the complaint."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].error_messages["required"] = _("Enter the date of the answer.")
        self.fields["answer"].error_messages["required"] = _("Write the answer.")


class ApproveForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=64, help_text=_("For example 12/QĐ-UBND."))
    date = DateField(label=_("Date of the decision"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["required"] = _("Enter the decision number.")
        self.fields["date"].error_messages["required"] = _("Enter the date of the decision.")


class SurveyImportForm(forms.Form):
    file = forms.FileField(label=_("Filled-in workbook (.xlsx) or ODK / KoBoToolbox export (.json)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = _("Choose the file to import.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".json")):
            raise forms.ValidationError(_("The file must be an XLSX workbook or a JSON export."))
        return upload


class PeriodForm(forms.Form):
    """The period of the flows on the summary page."""

    start = DateField(label=_("From"))
    end = DateField(label=_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data


class RoundListFilterForm(forms.Form):
    """The round page's filters: a stage, and a household code or address. Kept across its pages."""

    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *HouseholdStage.choices]
    )
    q = forms.CharField(label=_("Household code or address"), required=False, max_length=100)
