"""The schema of record of the registry's household and member attributes (ADR 0009).

One entry per attribute a household or a member has: its name, kind, code list, whether the registry may
leave it empty, whether and how the engine's frames carry it, whether the registry's edit form shows it, and
its column in the import/export workbooks (Vietnamese header, example, note). Every other list of these
columns is derived from here:

========================================  ==================================================================
the engine's frames                       ``ansinh.engine.frames.HOUSEHOLD_COLUMNS`` / ``MEMBER_COLUMNS``
the registry's reads and writes           ``ansinh.registry.queries`` (``registry_frames``), ``registry.actions``
the import/export columns                 ``ansinh.imports.columns``, ``ansinh.imports.commit``
the synthetic city                        ``ansinh.synth.schema``
the registry's edit forms                 ``ansinh.web.registry.forms``
========================================  ==================================================================

The Django models stay written out (a migration reads them); ``tests/registry/test_schema_of_record.py`` holds them
to this schema both ways. Pure Python, no Django: the engine imports it. docs/frames.md has the recipe for
adding an attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from ansinh import vocab

# text: free text; code: one code of ``vocabulary``; id12 / id9: a personal ID number (12 digits) / an old ID
# card number (9 digits), text in the frames; int: whole number (money in VND); float; bool; date.
Kind = Literal["text", "code", "id12", "id9", "int", "float", "bool", "date"]
# How the engine's frames carry an attribute: "required" (the classification reads it; every row filled),
# "nullable" (read; may be empty), "optional" (passed through when present). None: not in the frames.
FrameUse = Literal["required", "nullable", "optional"]

FRAME_DTYPES: dict[Kind, pl.DataType] = {
    "text": pl.String(),
    "code": pl.String(),
    "id12": pl.String(),
    "id9": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
}


@dataclass(frozen=True)
class Attribute:
    """One household or member attribute as the registry stores it and every other part reads it."""

    name: str  # the model field (or, for a foreign key, the frame's name for its column: ``ward_code``)
    kind: Kind
    header: str  # the Vietnamese header of the import/export workbook
    vocabulary: vocab.Vocabulary | None = None
    blank: bool = False  # the registry may leave it empty (``null=True`` or ``blank=True`` on the model)
    frame: FrameUse | None = None
    form: bool = True  # on the registry's edit form
    import_required: bool = False  # an import row must fill it
    example: str = ""
    note: str = ""
    model_field: str | None = None  # the model's field when it differs from ``name`` (``ward``)
    column: str | None = None  # the database column when it differs from ``name`` (``ward_id``)

    @property
    def field(self) -> str:
        """The model field's name (``ward`` for the ward)."""
        return self.model_field or self.name

    @property
    def attname(self) -> str:
        """The model's attribute holding the stored value, which is also the table column (``ward_id``)."""
        return self.column or self.name

    @property
    def dtype(self) -> pl.DataType:
        """The Polars type of the attribute in every frame (engine, registry reads, imports, synthetic city)."""
        return FRAME_DTYPES[self.kind]


HOUSEHOLD: tuple[Attribute, ...] = (
    Attribute(
        "code",
        "text",
        "Mã hộ",
        frame="optional",
        import_required=True,
        example="79-26743-000123",
        note="duy nhất; trùng mã hộ đã có thì cập nhật hộ đó",
    ),
    Attribute(
        "ward_code",
        "text",
        "Mã phường/xã",
        frame="required",
        import_required=True,
        example="26743",
        note=(
            "mã phường/xã hiện hành (từ 01/07/2025) của Cục Thống kê, ví dụ 26743 là Phường Bến Thành; "
            "mã phường/xã cũ được tự động chuyển sang mã mới"
        ),
        model_field="ward",
        column="ward_id",
    ),
    Attribute("address", "text", "Địa chỉ", import_required=True, example="Số 12, đường Lê Lợi"),
    Attribute("residence_type", "code", "Loại cư trú", vocab.RESIDENCE_TYPE, example="Thường trú"),
    Attribute(
        "area_type",
        "code",
        "Thành thị/nông thôn",
        vocab.AREA_TYPE,
        frame="required",
        form=False,  # the ward's own attribute: set by the action from the ward
        example="Thành thị",
        note="để trống: lấy theo phường/xã",
    ),
    # Optional in the registry: blank is "not known", and the indicator is what the standard's unknown_input says.
    Attribute("floor_area_m2", "float", "Diện tích nhà ở (m²)", blank=True, frame="nullable", example="45,5"),
    Attribute("wall_durable", "bool", "Tường bền chắc", frame="required", example="Có"),
    Attribute("frame_durable", "bool", "Khung/cột bền chắc", frame="required", example="Có"),
    Attribute("roof_durable", "bool", "Mái bền chắc", frame="required", example="Có"),
    Attribute("water_source", "code", "Nguồn nước sinh hoạt", vocab.WATER_SOURCE, frame="required", example="Nước máy"),
    Attribute("toilet_type", "code", "Loại nhà tiêu", vocab.TOILET_TYPE, frame="required", example="Tự hoại"),
    Attribute("uses_telecom", "bool", "Sử dụng dịch vụ viễn thông", frame="required", example="Có"),
    Attribute("uses_internet", "bool", "Sử dụng Internet", frame="required", example="Có"),
    Attribute("has_tv", "bool", "Có ti vi", frame="required", example="Có"),
    Attribute("has_radio", "bool", "Có radio", frame="required", example="Không"),
    Attribute("has_computer", "bool", "Có máy tính", frame="required", example="Không"),
    Attribute("has_internet_phone", "bool", "Có điện thoại kết nối Internet", frame="required", example="Có"),
    # Nullable in the frames: files written before it existed leave it empty (not known); the standard's data
    # (information_devices.basic_phone_counts) decides whether it counts as a means of information access.
    Attribute(
        "has_basic_phone", "bool", "Có điện thoại thường (không kết nối Internet)", frame="nullable", example="Không"
    ),
    Attribute("uses_digital_services", "bool", "Sử dụng dịch vụ số", frame="required", example="Không"),
    Attribute(
        "waste_handling", "code", "Xử lý rác thải", vocab.WASTE_HANDLING, frame="required", example="Được thu gom"
    ),
    Attribute(
        "other_income_monthly", "int", "Thu nhập khác của hộ (đồng/tháng)", frame="required", example="1.500.000"
    ),
)

MEMBER: tuple[Attribute, ...] = (
    Attribute("full_name", "text", "Họ và tên", frame="optional", import_required=True, example="Nguyễn Văn An"),
    Attribute("sex", "code", "Giới tính", vocab.SEX, frame="required", import_required=True, example="Nam"),
    Attribute("date_of_birth", "date", "Ngày sinh", frame="required", import_required=True, example="17/05/1980"),
    Attribute(
        "id_number",
        "id12",
        "Số định danh cá nhân",
        blank=True,
        example="079080001234",
        note="12 chữ số; phải khớp với giới tính và ngày sinh",
    ),
    Attribute("legacy_id_number", "id9", "Số CMND cũ (9 số)", blank=True),
    Attribute(
        "relation",
        "code",
        "Quan hệ với chủ hộ",
        vocab.RELATION,
        frame="optional",
        import_required=True,
        example="Chủ hộ",
    ),
    Attribute("ethnicity", "code", "Dân tộc", vocab.ETHNICITY, frame="optional", example="Kinh"),
    Attribute(
        "disability_level",
        "code",
        "Mức độ khuyết tật",
        vocab.DISABILITY_LEVEL,
        frame="required",
        example="Không khuyết tật",
    ),
    Attribute(
        "disability_assessed_on",
        "date",
        "Ngày xác định mức độ khuyết tật",
        blank=True,
        frame="optional",
        note="when a disability level is recorded",
    ),
    Attribute("unable_to_work", "bool", "Không có khả năng lao động", frame="required", example="Không"),
    Attribute("has_health_insurance", "bool", "Có thẻ BHYT", frame="required", example="Có"),
    Attribute(
        "schooling_status",
        "code",
        "Tình trạng đi học",
        vocab.SCHOOLING_STATUS,
        frame="required",
        example="Không đi học",
    ),
    Attribute("school_level", "code", "Cấp học đang học", vocab.SCHOOL_LEVEL, blank=True, frame="nullable"),
    Attribute(
        "education_level",
        "code",
        "Trình độ cao nhất đã đạt",
        vocab.EDUCATION_LEVEL,
        frame="required",
        example="Trung học phổ thông",
    ),
    Attribute(
        "employment_status",
        "code",
        "Tình trạng việc làm",
        vocab.EMPLOYMENT_STATUS,
        frame="required",
        example="Có việc làm",
    ),
    Attribute("has_labour_contract", "bool", "Có hợp đồng lao động", frame="required", example="Có"),
    Attribute("has_social_insurance", "bool", "Có BHXH", frame="required", example="Có"),
    Attribute("receives_pension", "bool", "Hưởng lương hưu", frame="required", example="Không"),
    Attribute(
        "pension_monthly",
        "int",
        "Lương hưu/trợ cấp BHXH hằng tháng (đồng)",
        frame="optional",
        example="0",
        note="0 without a pension",
    ),
    Attribute("monthly_income", "int", "Thu nhập hằng tháng (đồng)", frame="required", example="6.500.000"),
    Attribute(
        "nutrition_status",
        "code",
        "Tình trạng dinh dưỡng (trẻ dưới 16 tuổi)",
        vocab.NUTRITION_STATUS,
        blank=True,
        frame="nullable",
    ),
    Attribute(
        "merit_category",
        "code",
        "Diện người có công",
        vocab.MERIT_CATEGORY,
        blank=True,
        frame="optional",
    ),
)

# The frames' keys, which are not attributes: a household's id; a member's id and household.
HOUSEHOLD_KEY = "household_id"
MEMBER_KEY = "member_id"


def in_frames(attributes: tuple[Attribute, ...]) -> tuple[Attribute, ...]:
    """The attributes the engine's frames carry, in schema order."""
    return tuple(a for a in attributes if a.frame is not None)


def household_frame_dtypes() -> dict[str, pl.DataType]:
    """The households frame (docs/frames.md): the key, then every attribute the frames carry."""
    return {HOUSEHOLD_KEY: pl.Int64(), **{a.name: a.dtype for a in in_frames(HOUSEHOLD)}}


def member_frame_dtypes() -> dict[str, pl.DataType]:
    """The members frame (docs/frames.md): the keys, then every attribute the frames carry."""
    return {MEMBER_KEY: pl.Int64(), HOUSEHOLD_KEY: pl.Int64(), **{a.name: a.dtype for a in in_frames(MEMBER)}}


# The attributes' names in English, where a sentence in English names one (the explanation of a result).
ENGLISH: dict[str, str] = {
    "floor_area_m2": "floor area",
    "wall_durable": "durable walls",
    "frame_durable": "durable frame",
    "roof_durable": "durable roof",
    "water_source": "water source",
    "toilet_type": "toilet",
    "uses_telecom": "uses telephone services",
    "uses_internet": "uses the internet",
    "has_tv": "has a television",
    "has_radio": "has a radio",
    "has_computer": "has a computer",
    "has_internet_phone": "has an internet-capable phone",
    "has_basic_phone": "has a basic phone",
    "uses_digital_services": "uses digital services",
    "waste_handling": "waste handling",
    "other_income_monthly": "other household income",
    "area_type": "urban or rural",
    "residence_type": "residence",
}


def attribute_label(name: str, lang: str = "vi") -> str:
    """The attribute's name inside a sentence: the workbook header without its unit, in lower case (vi),
    or the English name (en); a name not in the schema is returned with spaces for underscores."""
    attribute = next((a for a in (*HOUSEHOLD, *MEMBER) if a.name == name), None)
    if lang != "vi":
        return ENGLISH.get(name) or name.replace("_", " ")
    if attribute is None:
        return name.replace("_", " ")
    header = attribute.header.split(" (")[0]
    return header[:1].lower() + header[1:]
