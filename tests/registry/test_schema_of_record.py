"""The schema of record (``ansinh.registry_schema``) and the registry's models describe the same attributes:
every household or member attribute of a model is in the schema with the same kind, code list and
emptiness, and every schema entry is such a model field. The other lists (engine frames, registry reads,
import columns, synthetic city, forms) are derived from the schema; the last tests check that they are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models

from ansinh import registry_schema
from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from ansinh.imports import columns as import_columns
from ansinh.imports.commit import HOUSEHOLD_DB, MEMBER_DB
from ansinh.registry.actions import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from ansinh.registry.models import Household, Member
from ansinh.registry.queries import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA
from ansinh.synth import schema as synth_schema
from ansinh.web.registry.forms import HOUSEHOLD_FORM_FIELDS, MEMBER_FORM_FIELDS

# Model fields that are not attributes of a household or a member: keys, the lifecycle (status and its
# dates), the search columns derived from other fields, the row version and the timestamps.
NOT_ATTRIBUTES = {
    Household: {"id", "status", "dissolved_on", "address_folded", "version", "created_at", "updated_at"},
    Member: {"id", "household", "name_folded", "status", "version", "created_at", "updated_at"},
}
SCHEMAS: list[tuple[type[models.Model], tuple[registry_schema.Attribute, ...]]] = [
    (Household, registry_schema.HOUSEHOLD),
    (Member, registry_schema.MEMBER),
]
FIELD_CLASSES: dict[str, tuple[type[models.Field[Any, Any]], ...]] = {
    "text": (models.CharField, models.TextField, models.ForeignKey),
    "code": (models.CharField,),
    "id12": (models.CharField,),
    "id9": (models.CharField,),
    "int": (models.BigIntegerField, models.IntegerField),
    "float": (models.FloatField,),
    "bool": (models.BooleanField,),
    "date": (models.DateField,),
}


def _attribute_fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    return {
        f.name: f
        for f in model._meta.concrete_fields
        if f.name not in NOT_ATTRIBUTES[model]  # type: ignore[index]
    }


@pytest.mark.parametrize(("model", "attributes"), SCHEMAS, ids=["household", "member"])
def test_it_lists_every_attribute_of_the_model_and_nothing_else(
    model: type[models.Model], attributes: tuple[registry_schema.Attribute, ...]
) -> None:
    assert [a.field for a in attributes] == list(_attribute_fields(model))


@pytest.mark.parametrize(("model", "attributes"), SCHEMAS, ids=["household", "member"])
def test_each_attribute_has_the_models_type_codes_and_emptiness(
    model: type[models.Model], attributes: tuple[registry_schema.Attribute, ...]
) -> None:
    fields = _attribute_fields(model)
    for attribute in attributes:
        field = fields[attribute.field]
        assert isinstance(field, FIELD_CLASSES[attribute.kind]), attribute.name
        assert field.attname == attribute.attname, attribute.name
        assert field.column == attribute.attname, attribute.name
        if attribute.kind == "code":
            assert attribute.vocabulary is not None
            assert [code for code, _ in field.choices or ()] == list(attribute.vocabulary), attribute.name
        else:
            assert attribute.vocabulary is None and not field.choices, attribute.name
        assert bool(field.null or field.blank) == attribute.blank, attribute.name


def test_the_engine_frames_are_the_schemas_frame_attributes() -> None:
    assert list(HOUSEHOLD_COLUMNS) == ["household_id", *[a.name for a in registry_schema.HOUSEHOLD if a.frame]]
    assert list(MEMBER_COLUMNS) == [
        "member_id",
        "household_id",
        *[a.name for a in registry_schema.MEMBER if a.frame],
    ]
    for attribute in (*registry_schema.HOUSEHOLD, *registry_schema.MEMBER):
        if attribute.frame is None:
            continue
        column = (HOUSEHOLD_COLUMNS | MEMBER_COLUMNS)[attribute.name]
        assert column.codes is attribute.vocabulary
        assert column.required == (attribute.frame != "optional")
        assert column.nullable == (attribute.frame != "required")


def test_every_other_list_of_columns_is_derived_from_the_schema() -> None:
    household = [a.name for a in registry_schema.HOUSEHOLD]
    member = [a.name for a in registry_schema.MEMBER]
    assert list(HOUSEHOLD_SCHEMA) == list(HOUSEHOLD_COLUMNS)
    assert list(MEMBER_SCHEMA) == list(MEMBER_COLUMNS)
    assert list(HOUSEHOLD_FIELDS) == [a.attname for a in registry_schema.HOUSEHOLD]
    assert list(MEMBER_FIELDS) == [a.attname for a in registry_schema.MEMBER]
    assert [c.field for c in import_columns.HOUSEHOLD_COLUMNS] == household
    assert [c.field for c in import_columns.MEMBER_COLUMNS] == ["household_code", *member]
    assert list(HOUSEHOLD_DB) == [n for n in household if n != "code"]
    assert list(MEMBER_DB) == member
    assert set(synth_schema.HOUSEHOLD_SCHEMA) >= {"household_id", *household}
    assert set(synth_schema.MEMBER_SCHEMA) >= {"member_id", "household_id", *member}
    assert HOUSEHOLD_FORM_FIELDS == [a.field for a in registry_schema.HOUSEHOLD if a.form]
    assert MEMBER_FORM_FIELDS == member
