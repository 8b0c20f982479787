"""The import/export format: two tables (households, members) with Vietnamese headers.

One definition serves the templates, the reader (headers are matched diacritics- and case-insensitively,
the field name is accepted too), validation, the export and ``docs/import-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansinh import vocab
from ansinh.lib.text import fold


@dataclass(frozen=True)
class Column:
    field: str  # the registry field (``ward_code`` for the household's ward, ``household_code`` for members)
    header: str  # the Vietnamese header of the template
    kind: str  # text | code | date | int | float | bool | id12 | id9
    required: bool = False
    vocabulary: vocab.Vocabulary | None = None
    example: str = ""
    note: str = ""


HOUSEHOLD_SHEET = "Hộ gia đình"
MEMBER_SHEET = "Thành viên"

HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hộ", "text", True, example="79-26734-000123", note="unique; matches an existing household"),
    Column(
        "ward_code",
        "Mã phường/xã",
        "text",
        True,
        example="26734",
        note="NSO code of the current ward; a former ward's code is converted",
    ),
    Column("address", "Địa chỉ", "text", True, example="Số 12, đường Lê Lợi"),
    Column("residence_type", "Loại cư trú", "code", vocabulary=vocab.RESIDENCE_TYPE, example="Thường trú"),
    Column(
        "area_type",
        "Thành thị/nông thôn",
        "code",
        vocabulary=vocab.AREA_TYPE,
        example="Thành thị",
        note="empty: the ward's own attribute",
    ),
    Column("floor_area_m2", "Diện tích nhà ở (m²)", "float", example="45,5"),
    Column("wall_durable", "Tường bền chắc", "bool", example="Có"),
    Column("frame_durable", "Khung/cột bền chắc", "bool", example="Có"),
    Column("roof_durable", "Mái bền chắc", "bool", example="Có"),
    Column("water_source", "Nguồn nước sinh hoạt", "code", vocabulary=vocab.WATER_SOURCE, example="Nước máy"),
    Column("toilet_type", "Loại nhà tiêu", "code", vocabulary=vocab.TOILET_TYPE, example="Tự hoại"),
    Column("uses_telecom", "Sử dụng dịch vụ viễn thông", "bool", example="Có"),
    Column("uses_internet", "Sử dụng Internet", "bool", example="Có"),
    Column("has_tv", "Có ti vi", "bool", example="Có"),
    Column("has_radio", "Có radio", "bool", example="Không"),
    Column("has_computer", "Có máy tính", "bool", example="Không"),
    Column("has_internet_phone", "Có điện thoại kết nối Internet", "bool", example="Có"),
    Column("uses_digital_services", "Sử dụng dịch vụ số", "bool", example="Không"),
    Column("waste_handling", "Xử lý rác thải", "code", vocabulary=vocab.WASTE_HANDLING, example="Được thu gom"),
    Column("other_income_monthly", "Thu nhập khác của hộ (đồng/tháng)", "int", example="1.500.000"),
)

MEMBER_COLUMNS: tuple[Column, ...] = (
    Column(
        "household_code",
        "Mã hộ",
        "text",
        True,
        example="79-26734-000123",
        note="the household in the household sheet (or already registered)",
    ),
    Column("full_name", "Họ và tên", "text", True, example="Nguyễn Văn An"),
    Column("sex", "Giới tính", "code", True, vocabulary=vocab.SEX, example="Nam"),
    Column("date_of_birth", "Ngày sinh", "date", True, example="17/05/1980"),
    Column(
        "id_number",
        "Số định danh cá nhân",
        "id12",
        example="079080001234",
        note="12 digits; must agree with sex and date of birth",
    ),
    Column("legacy_id_number", "Số CMND cũ (9 số)", "id9", example=""),
    Column("relation", "Quan hệ với chủ hộ", "code", True, vocabulary=vocab.RELATION, example="Chủ hộ"),
    Column("ethnicity", "Dân tộc", "code", vocabulary=vocab.ETHNICITY, example="Kinh"),
    Column(
        "disability_level", "Mức độ khuyết tật", "code", vocabulary=vocab.DISABILITY_LEVEL, example="Không khuyết tật"
    ),
    Column("unable_to_work", "Không có khả năng lao động", "bool", example="Không"),
    Column("has_health_insurance", "Có thẻ BHYT", "bool", example="Có"),
    Column("schooling_status", "Tình trạng đi học", "code", vocabulary=vocab.SCHOOLING_STATUS, example="Không đi học"),
    Column("school_level", "Cấp học đang học", "code", vocabulary=vocab.SCHOOL_LEVEL, example=""),
    Column(
        "education_level",
        "Trình độ cao nhất đã đạt",
        "code",
        vocabulary=vocab.EDUCATION_LEVEL,
        example="Trung học phổ thông",
    ),
    Column(
        "employment_status", "Tình trạng việc làm", "code", vocabulary=vocab.EMPLOYMENT_STATUS, example="Có việc làm"
    ),
    Column("has_labour_contract", "Có hợp đồng lao động", "bool", example="Có"),
    Column("has_social_insurance", "Có BHXH", "bool", example="Có"),
    Column("receives_pension", "Hưởng lương hưu", "bool", example="Không"),
    Column("monthly_income", "Thu nhập hằng tháng (đồng)", "int", example="6.500.000"),
    Column(
        "nutrition_status",
        "Tình trạng dinh dưỡng (trẻ dưới 16 tuổi)",
        "code",
        vocabulary=vocab.NUTRITION_STATUS,
        example="",
    ),
)

TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "households": (HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS),
    "members": (MEMBER_SHEET, MEMBER_COLUMNS),
}

# Accepted spellings of yes/no, folded.
TRUE_WORDS = ("co", "x", "1", "true", "yes", "dung", "c", "y")
FALSE_WORDS = ("khong", "0", "false", "no", "k", "n", "sai")
YES, NO = "Có", "Không"


def header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """Folded header (Vietnamese or the field name) → field."""
    out: dict[str, str] = {}
    for c in columns:
        out[fold(c.header)] = c.field
        out[fold(c.field)] = c.field
    return out


def code_map(vocabulary: vocab.Vocabulary) -> dict[str, str]:
    """Folded code, Vietnamese label or English label → code.

    >>> code_map(vocab.SEX)["nu"], code_map(vocab.SEX)["m"]
    ('F', 'M')
    """
    out: dict[str, str] = {}
    for code, (en, vi) in vocabulary.items():
        for form in (en, vi, code):  # later wins: a code always means itself
            out[fold(form)] = code
    return out
