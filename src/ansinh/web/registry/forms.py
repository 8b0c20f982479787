"""Forms of the registry's pages (and the date and money fields every area uses): they parse and validate
input; the registry's actions decide and write."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ansinh import registry_schema
from ansinh.geo.models import Ward
from ansinh.lib.dates import DATE_FORMAT, format_date, parse_date
from ansinh.lib.numbers import normalise_number
from ansinh.registry import actions, idnumber
from ansinh.registry.models import EventKind, Household, Member


class DateField(forms.DateField):
    """A date typed as dd/mm/yyyy (ISO yyyy-mm-dd is accepted too), read by ``ansinh.lib.dates.parse_date``."""

    widget = forms.DateInput(format=DATE_FORMAT, attrs={"class": "input--narrow", "inputmode": "numeric"})
    default_error_messages = {"invalid": _("Enter a real date, for example 27/03/1985.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("For example 27/03/1985."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and value.strip():
            parsed = parse_date(value)
            if parsed is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            return parsed
        return super().to_python(value)


class MoneyField(forms.IntegerField):
    """Whole đồng; accepts thousand separators typed as dots, commas or spaces (1.500.000)."""

    widget = forms.TextInput(attrs={"class": "input--narrow", "inputmode": "numeric"})
    default_error_messages = {"invalid": _("Enter an amount in đồng using digits only, for example 1.500.000.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = normalise_number(value, get_language())
        return super().to_python(value)


class HouseholdSearchForm(forms.Form):
    hide_optional = True  # every filter is optional; saying so on each would be noise
    q = forms.CharField(
        label=_("Search"),
        help_text=_(
            "A member's name (with or without accents), a 12-digit ID number, a household code or part of the address."
        ),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    ward = forms.ChoiceField(label=_("Ward or commune"), required=False)

    def __init__(self, *args: Any, wards: QuerySet[Ward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ChoiceField)
        ward_field.choices = [("", _("All wards in your area")), *((w.code, w.name) for w in wards)]
        ward_field.error_messages["invalid_choice"] = _("Choose a ward or commune from the list.")


# Derived from the schema of record (``ansinh.registry_schema``): the attributes an officer edits.
HOUSEHOLD_FORM_FIELDS = [a.field for a in registry_schema.HOUSEHOLD if a.form]
MEMBER_FORM_FIELDS = [a.field for a in registry_schema.MEMBER if a.form]


class RegistryModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that validates input only; uniqueness and history are the actions' business."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    warnings: list[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = []
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version
        # An edit without the version it started from could overwrite someone else's change unseen.
        self.fields["version"].required = bool(self.instance.pk)
        self.fields["version"].error_messages["required"] = _(
            "This form is missing the version of the record it started from. Reload the page and try again."
        )
        for field in self.fields.values():
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("Choose one of the options in the list.")
                choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
                if choices and choices[0][0] == "" and not isinstance(field, forms.ModelChoiceField):
                    blank = _("Choose one") if field.required else _("Not applicable")
                    field.choices = [("", blank), *choices[1:]]
            field.error_messages.setdefault("required", _("This field is required."))

    def validate_unique(self) -> None:
        # The action refuses duplicates with a message that names the other household.
        return

    def data_for_action(self) -> dict[str, Any]:
        """The cleaned values of the model fields, as the registry actions take them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}

    def changes_for_action(self) -> dict[str, Any]:
        """Only the fields that differ from the record as it was loaded."""
        return {name: value for name, value in self.data_for_action().items() if name in self.changed_data}


class HouseholdForm(RegistryModelForm):
    class Meta:
        model = Household
        fields = HOUSEHOLD_FORM_FIELDS
        field_classes = {"other_income_monthly": MoneyField}
        widgets = {
            "code": forms.TextInput(attrs={"class": "input--narrow", "autocomplete": "off"}),
            "floor_area_m2": forms.NumberInput(attrs={"class": "input--narrow", "step": "0.1", "min": "0"}),
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        error_messages = {
            "code": {"required": _("Enter the household code.")},
            "ward": {
                "required": _("Choose a ward or commune."),
                "invalid_choice": _("Choose a ward or commune in your area."),
            },
            "address": {"required": _("Enter the address.")},
            "floor_area_m2": {
                "min_value": _("The floor area cannot be negative."),
                "invalid": _("Enter the floor area as a number, for example 42.5."),
            },
        }

    def __init__(self, *args: Any, wards: QuerySet[Ward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ModelChoiceField)
        ward_field.queryset = wards
        ward_field.empty_label = _("Choose a ward or commune")
        floor = self.fields["floor_area_m2"]
        assert isinstance(floor, forms.FloatField)
        floor.validators.append(_non_negative)

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


def _non_negative(value: float | None) -> None:
    if value is not None and value < 0:
        raise forms.ValidationError(_("The floor area cannot be negative."), code="min_value")


class MemberForm(RegistryModelForm):
    class Meta:
        model = Member
        fields = MEMBER_FORM_FIELDS
        field_classes = {
            "date_of_birth": DateField,
            "monthly_income": MoneyField,
            "disability_assessed_on": DateField,
            "pension_monthly": MoneyField,
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "id_number": forms.TextInput(
                attrs={"class": "input--narrow", "inputmode": "numeric", "autocomplete": "off", "maxlength": "12"}
            ),
            "legacy_id_number": forms.TextInput(
                attrs={"class": "input--narrow", "inputmode": "numeric", "autocomplete": "off", "maxlength": "9"}
            ),
        }
        help_texts = {"date_of_birth": _("For example 27/03/1985.")}
        error_messages = {
            "full_name": {"required": _("Enter the full name.")},
            "sex": {"required": _("Choose the sex.")},
            "date_of_birth": {"required": _("Enter the date of birth.")},
            "relation": {"required": _("Choose the relation to the head of household.")},
        }

    def __init__(self, *args: Any, head: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_head_form = head
        if head:
            # The first member of a new household is its head.
            del self.fields["relation"]
        if "pension_monthly" in self.fields:
            self.fields["pension_monthly"].required = False  # blank: no pension (0)
        if not self.instance.pk and "schooling_status" in self.fields:
            # A new member's schooling may be left to the age: a child of school age attends the level of the
            # age, anyone else does not (registry.timeline.defaults); the officer changes it when it is not so.
            field = self.fields["schooling_status"]
            assert isinstance(field, forms.ChoiceField)
            field.required = False
            options: list[Any] = list(field.choices)  # type: ignore[arg-type]
            field.choices = [("", _("As the age says")), *[c for c in options if c[0] != ""]]
            self.initial.setdefault("schooling_status", "")

    def clean_full_name(self) -> str:
        return " ".join(str(self.cleaned_data["full_name"]).split())

    def clean_pension_monthly(self) -> int:
        return int(self.cleaned_data.get("pension_monthly") or 0)

    def clean_id_number(self) -> str | None:
        value = (self.cleaned_data.get("id_number") or "").replace(" ", "")
        return value or None

    def clean_legacy_id_number(self) -> str:
        value = (self.cleaned_data.get("legacy_id_number") or "").replace(" ", "")
        if value and not idnumber.is_legacy_well_formed(value):
            raise forms.ValidationError(_("An old ID card number has exactly 9 digits."))
        return value

    def clean_date_of_birth(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if value.year < 1900:
            raise forms.ValidationError(_("The date of birth must be after 1900."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        id_number = cleaned.get("id_number")
        if id_number and "id_number" not in self.errors:
            errors, warnings = idnumber.check(id_number, cleaned.get("sex"), cleaned.get("date_of_birth"))
            for message in errors:
                self.add_error("id_number", message)
            self.warnings = list(warnings)
        if cleaned.get("schooling_status") == "attending" and not cleaned.get("school_level"):
            self.add_error("school_level", _("Choose the level attended."))
        self._clean_benefit_attributes(cleaned)
        return cleaned

    def _clean_benefit_attributes(self, cleaned: dict[str, Any]) -> None:
        assessed = cleaned.get("disability_assessed_on")
        if assessed is not None:
            if cleaned.get("disability_level") in (None, "", "none"):
                self.add_error("disability_assessed_on", _("A date of assessment needs a disability level."))
            elif assessed > timezone.localdate():
                self.add_error("disability_assessed_on", _("The date of assessment cannot be in the future."))
            elif cleaned.get("date_of_birth") and assessed < cleaned["date_of_birth"]:
                self.add_error("disability_assessed_on", _("The date of assessment cannot be before the birth."))
        pension = cleaned.get("pension_monthly")
        if pension is not None and pension < 0:
            self.add_error("pension_monthly", _("The pension cannot be negative."))
        elif pension and not cleaned.get("receives_pension"):
            self.add_error("pension_monthly", _("A pension amount needs “receives a pension” ticked."))

    def data_for_action(self) -> dict[str, Any]:
        data = super().data_for_action()
        if self.is_head_form:
            data["relation"] = "head"
        return data


class EventDateForm(forms.Form):
    """The date something happened (registration, birth, death, move)."""

    on = DateField(label=_("Date"))

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["on"].label = label
        self.fields["on"].error_messages["required"] = _("Enter the date.")
        if not self.is_bound and "on" not in self.initial:
            self.initial["on"] = timezone.localdate()

    def clean_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


def head_reason_field() -> forms.CharField:
    """Why the head is not an adult: asked by the registry only when no member of the household is."""
    return forms.CharField(
        label=_("Why the head is not an adult"),
        help_text=_("Only when no member of the household is an adult, for example a child whose parents have died."),
        required=False,
        max_length=255,
    )


class RegistrationDateForm(EventDateForm):
    """The date of registration, and why the head is not an adult when no member is."""

    head_reason = head_reason_field()


class MembersOnForm(forms.Form):
    """Who belonged to a household on a given day."""

    hide_optional = True
    on = DateField(label=_("Members on a date"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].error_messages["required"] = _("Enter the date.")


ADD_MEMBER_KINDS = [
    (EventKind.BIRTH.value, EventKind.BIRTH.label),
    (EventKind.MOVE_IN.value, EventKind.MOVE_IN.label),
    (EventKind.MEMBER_ADDED.value, _("Missed at registration")),
]


class AddMemberEventForm(EventDateForm):
    kind = forms.ChoiceField(label=_("Reason"), choices=ADD_MEMBER_KINDS, widget=forms.Select)
    field_order = ["kind", "on"]


class LeaveForm(EventDateForm):
    """Death or move-out; a head who leaves needs a successor chosen from the remaining members."""

    new_head = forms.ModelChoiceField(label=_("New head of household"), queryset=Member.objects.none(), required=False)
    head_reason = head_reason_field()

    def __init__(self, *args: Any, successors: QuerySet[Member] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_head"]
        assert isinstance(field, forms.ModelChoiceField)
        if successors is None:
            del self.fields["new_head"]
            del self.fields["head_reason"]
        else:
            field.queryset = successors
            field.required = True
            field.empty_label = _("Choose the new head")
            field.error_messages["required"] = _("Choose the new head of household.")


class ChangeHeadForm(EventDateForm):
    new_head = forms.ModelChoiceField(label=_("New head of household"), queryset=Member.objects.none())
    old_head_relation = forms.ChoiceField(label=_("Relation of the former head to the new head"))
    head_reason = head_reason_field()
    field_order = ["new_head", "old_head_relation", "on", "head_reason"]

    def __init__(self, *args: Any, candidates: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_head"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        field.empty_label = _("Choose a member")
        field.error_messages["required"] = _("Choose the new head of household.")
        relation = Member._meta.get_field("relation")
        old_relation = self.fields["old_head_relation"]
        assert isinstance(old_relation, forms.ChoiceField)
        old_relation.choices = [c for c in relation.choices or [] if c[0] != "head"]
        old_relation.initial = "spouse"


class HouseholdCodeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A household typed by its code, found only among the households given (the user's scope).

    A code outside that scope gets the same answer as a code that does not exist, so that no one
    learns of a household outside their area.
    """

    widget = forms.TextInput(attrs={"class": "input--narrow", "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Household.objects.none())
        kwargs.setdefault("to_field_name", "code")
        super().__init__(**kwargs)
        self.error_messages["required"] = _("Enter the household code.")
        self.error_messages["invalid_choice"] = _(
            "There is no household with code %(value)s in your area. Check the code on the household page."
        )

    def to_python(self, value: Any) -> Household | None:
        code = str(value or "").strip()
        if not code:
            return None
        households = self.queryset if self.queryset is not None else Household.objects.none()
        found = households.filter(code=code).first() or households.filter(code__iexact=code).first()
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": code}
            )
        household: Household = found
        return household

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Household) else value


def member_label(member: Member) -> str:
    """A member as a choice: name, relation to the head and date of birth (names repeat in a family)."""
    return f"{member.full_name} ({member.get_relation_display()}, {format_date(member.date_of_birth)})"


def relation_label(member: Member) -> str:
    """A relation select's label: the member's name, relation today and date of birth, worded so that the
    relation in brackets is not taken for the one being chosen (the merge confirmation lists the joining
    members only here, and a screen reader reads the label when the select is reached)."""
    return gettext("%(name)s (now: %(relation)s; born %(date)s)") % {
        "name": member.full_name,
        "relation": member.get_relation_display(),
        "date": format_date(member.date_of_birth),
    }


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return member_label(obj)


class MembersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return member_label(obj)


def _relations_except_head() -> list[tuple[str, str]]:
    relation = Member._meta.get_field("relation")
    return [c for c in relation.choices or [] if c[0] != "head"]  # type: ignore[misc]


class RelationField(forms.ChoiceField):
    """A relation select that, when no valid value was sent, shows its preset again (what the action does
    without a choice) rather than nothing selected, which a browser would show as the list's first entry."""

    def bound_data(self, data: Any, initial: Any) -> Any:
        return data if isinstance(data, str) and self.valid_value(data) else initial


def _add_relation_fields(form: forms.Form, members: Iterable[Member], initial: Callable[[Member], str]) -> list[str]:
    """One select per member, ``relation_<id>`` (the field an action's error names): the member's relation
    to the head of the household they join, never "head" (that household has or gets its own)."""
    names = []
    for m in members:
        name = f"relation_{m.pk}"
        field = RelationField(
            label=relation_label(m), choices=_relations_except_head(), initial=initial(m), required=False
        )
        field.error_messages["invalid_choice"] = _("Choose one of the options in the list.")
        form.fields[name] = field
        names.append(name)
    return names


class SplitHouseholdForm(EventDateForm):
    """Some members leave to form a new household (tách hộ)."""

    members = MembersChoiceField(
        label=_("Members who leave"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everyone who moves to the new household. At least one member must stay."),
    )
    head = MemberChoiceField(
        label=_("Head of the new household"),
        queryset=Member.objects.none(),
        help_text=_("One of the members who leave."),
    )
    remaining_head = MemberChoiceField(
        label=_("New head of the household that stays"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("Only needed if the current head leaves."),
    )
    head_reason = head_reason_field()
    code = forms.CharField(
        label=_("Code of the new household"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "input--narrow", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address of the new household"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    field_order = ["members", "head", "remaining_head", "code", "address", "on"]

    def __init__(self, *args: Any, candidates: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Date of the split")
        for name in ("members", "head", "remaining_head"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = candidates
        members = self.fields["members"]
        members.error_messages["required"] = _("Choose the members who leave.")
        members.error_messages["invalid_choice"] = _("Choose members of this household.")
        head = self.fields["head"]
        assert isinstance(head, forms.ModelChoiceField)
        head.empty_label = _("Choose a member")
        head.error_messages["required"] = _("Choose the head of the new household.")
        remaining = self.fields["remaining_head"]
        assert isinstance(remaining, forms.ModelChoiceField)
        remaining.empty_label = _("The current head stays")
        self.fields["code"].error_messages["required"] = _("Enter the code of the new household.")
        self.fields["address"].error_messages["required"] = _("Enter the address of the new household.")
        # Every member gets a select, since who leaves is chosen on this same page; only the leavers' are used.
        self.relation_names = _add_relation_fields(self, candidates, lambda m: "other_relative")
        self.order_fields(["members", "head", *self.relation_names, "remaining_head", "code", "address", "on"])

    def relation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.relation_names]

    def relations(self) -> dict[int, str]:
        """The chosen relations of the members who leave, to the new head (who is the head)."""
        head = self.cleaned_data["head"]
        return {
            m.pk: self.cleaned_data[f"relation_{m.pk}"]
            for m in self.cleaned_data["members"]
            if m.pk != head.pk and self.cleaned_data.get(f"relation_{m.pk}")
        }

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean_address(self) -> str:
        return " ".join(str(self.cleaned_data["address"]).split())


class MergeHouseholdForm(EventDateForm):
    """Every member joins another household, found by its code within the user's area (nhập hộ)."""

    target = HouseholdCodeField(
        label=_("Code of the household to merge into"),
        help_text=_("The household that receives the members; it must be in your area."),
    )
    field_order = ["target", "on"]

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Date of the merge")
        target = self.fields["target"]
        assert isinstance(target, HouseholdCodeField)
        target.queryset = households


class MergeRelationsForm(forms.Form):
    """On the merge's confirmation: each joining member's relation to the receiving household's head.

    The defaults are what the merge does without a choice (``actions.merge_relation``)."""

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        self.relation_names = _add_relation_fields(self, members, actions.merge_relation)

    def relation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.relation_names]

    def relations(self) -> dict[int, str]:
        return {
            m.pk: self.cleaned_data[f"relation_{m.pk}"]
            for m in self.members
            if self.cleaned_data.get(f"relation_{m.pk}")
        }


class MoveToHouseholdForm(LeaveForm):
    """A member moves into another registered household in the user's area."""

    to_household = HouseholdCodeField(
        label=_("Code of the household the member moves into"), help_text=_("It must be in your area.")
    )
    relation = forms.ChoiceField(label=_("Relation to the head of that household"))
    field_order = ["to_household", "relation", "on", "new_head"]

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["to_household"]
        assert isinstance(target, HouseholdCodeField)
        target.queryset = households
        relation = self.fields["relation"]
        assert isinstance(relation, forms.ChoiceField)
        relation.choices = [("", _("Choose one")), *_relations_except_head()]
        relation.error_messages["required"] = _("Choose the relation to the head of that household.")
        relation.error_messages["invalid_choice"] = _("Choose one of the options in the list.")
