"""Vocabulary labels for the message catalogue.

The models build their choices with ``gettext_lazy(english_label)`` from ``ansinh.vocab``, which
``makemessages`` cannot see. ``LABELS`` (written by ``python -m ansinh.web.vocab_messages``) puts
them in the catalogue; the Vietnamese label kept in ``ansinh.vocab`` is their translation, and
``tests/web/test_i18n.py`` checks that this file and the catalogue are in step with the vocabulary.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_noop

from ansinh import vocab

LABELS = [
    # BEGIN GENERATED
    gettext_noop("Male"),  # Nam
    gettext_noop("Female"),  # Nữ
    gettext_noop("Urban"),  # Thành thị
    gettext_noop("Rural"),  # Nông thôn
    gettext_noop("Permanent residence"),  # Thường trú
    gettext_noop("Temporary residence"),  # Tạm trú
    gettext_noop("Head of household"),  # Chủ hộ
    gettext_noop("Spouse"),  # Vợ/chồng
    gettext_noop("Child"),  # Con
    gettext_noop("Parent"),  # Bố/mẹ
    gettext_noop("Grandchild"),  # Cháu
    gettext_noop("Grandparent"),  # Ông/bà
    gettext_noop("Sibling"),  # Anh/chị/em
    gettext_noop("Child-in-law"),  # Con dâu/con rể
    gettext_noop("Other relative"),  # Họ hàng khác
    gettext_noop("Not related"),  # Không có quan hệ họ hàng
    gettext_noop("Kinh"),  # Kinh
    gettext_noop("Hoa"),  # Hoa
    gettext_noop("Khmer"),  # Khmer
    gettext_noop("Cham"),  # Chăm
    gettext_noop("Tay"),  # Tày
    gettext_noop("Nung"),  # Nùng
    gettext_noop("Muong"),  # Mường
    gettext_noop("Thai"),  # Thái
    gettext_noop("Hmong"),  # Mông
    gettext_noop("Stieng"),  # Xtiêng
    gettext_noop("Other ethnic group"),  # Dân tộc khác
    gettext_noop("No disability"),  # Không khuyết tật
    gettext_noop("Mild disability"),  # Khuyết tật nhẹ
    gettext_noop("Severe disability"),  # Khuyết tật nặng
    gettext_noop("Extremely severe disability"),  # Khuyết tật đặc biệt nặng
    gettext_noop("Heroic Vietnamese Mother"),  # Bà mẹ Việt Nam Anh hùng
    gettext_noop("War invalid, 81% injury"),  # Thương binh suy giảm khả năng lao động 81%
    gettext_noop("War invalid, 100% injury"),  # Thương binh suy giảm khả năng lao động 100%
    gettext_noop("Attending school"),  # Đang đi học
    gettext_noop("In vocational training"),  # Đang học nghề
    gettext_noop("Not attending"),  # Không đi học
    gettext_noop("Primary school not completed"),  # Chưa học xong tiểu học
    gettext_noop("Primary school"),  # Tiểu học
    gettext_noop("Lower secondary school"),  # Trung học cơ sở
    gettext_noop("Upper secondary school"),  # Trung học phổ thông
    gettext_noop("Elementary vocational certificate"),  # Sơ cấp nghề
    gettext_noop("Intermediate vocational diploma"),  # Trung cấp
    gettext_noop("College"),  # Cao đẳng
    gettext_noop("University or higher"),  # Đại học trở lên
    gettext_noop("Training certified by an employer"),  # Đào tạo nghề do người sử dụng lao động xác nhận
    gettext_noop("Preschool"),  # Mầm non
    gettext_noop("Vocational training"),  # Giáo dục nghề nghiệp
    gettext_noop("College or university"),  # Cao đẳng, đại học
    gettext_noop("Employed"),  # Có việc làm
    gettext_noop("Own-account or self-employed"),  # Tự làm, làm chủ
    gettext_noop("Works without pay"),  # Làm việc không được trả công
    gettext_noop("Unemployed"),  # Thất nghiệp
    gettext_noop("Student"),  # Đang đi học
    gettext_noop("Retired"),  # Nghỉ hưu
    gettext_noop("Homemaker"),  # Nội trợ
    gettext_noop("Unable to work"),  # Không có khả năng lao động
    gettext_noop("Child, not of working age"),  # Trẻ em
    gettext_noop("Normal"),  # Bình thường
    gettext_noop("Stunted (low height for age)"),  # Suy dinh dưỡng thấp còi
    gettext_noop("Underweight (low weight for age)"),  # Suy dinh dưỡng nhẹ cân
    gettext_noop("Not measured"),  # Chưa đo
    gettext_noop("Piped water"),  # Nước máy
    gettext_noop("Drilled well"),  # Giếng khoan
    gettext_noop("Protected dug well"),  # Giếng đào được bảo vệ
    gettext_noop("Protected spring"),  # Nước khe/mó được bảo vệ
    gettext_noop("Rainwater"),  # Nước mưa
    gettext_noop("Bottled or purchased water"),  # Nước đóng chai, nước mua
    gettext_noop("Unprotected well"),  # Giếng đào không được bảo vệ
    gettext_noop("Unprotected spring"),  # Nước khe/mó không được bảo vệ
    gettext_noop("Surface water (river, pond, canal)"),  # Nước sông, suối, ao, hồ, kênh
    gettext_noop("Other"),  # Khác
    gettext_noop("Flush toilet with septic tank"),  # Tự hoại
    gettext_noop("Semi-septic toilet"),  # Bán tự hoại
    gettext_noop("Pour-flush toilet"),  # Thấm dội nước
    gettext_noop("Double-vault composting"),  # Hai ngăn
    gettext_noop("Ventilated improved pit"),  # Chìm có ống thông hơi
    gettext_noop("Unhygienic pit latrine"),  # Hố xí không hợp vệ sinh
    gettext_noop("Over water (fish pond, canal)"),  # Cầu tiêu ao cá, trên sông, kênh
    gettext_noop("No toilet"),  # Không có nhà tiêu
    gettext_noop("Collected by a waste service"),  # Được thu gom
    gettext_noop("Sorted at source and collected"),  # Phân loại tại nguồn và được thu gom
    gettext_noop("Treated hygienically on site"),  # Tự xử lý hợp vệ sinh
    gettext_noop("Burned in the open"),  # Đốt lộ thiên
    gettext_noop("Dumped in the open or in water"),  # Vứt bừa bãi, xả xuống nguồn nước
    gettext_noop("Active"),  # Đang quản lý
    gettext_noop("Dissolved"),  # Không còn
    gettext_noop("Poor"),  # Nghèo
    gettext_noop("Near-poor"),  # Cận nghèo
    gettext_noop("Average living standard"),  # Có mức sống trung bình
    gettext_noop("Not poor"),  # Không nghèo
    # END GENERATED
]


def vocabulary_pairs() -> dict[str, str]:
    """English label → Vietnamese label, for every coded value."""
    pairs: dict[str, str] = {}
    for vocabulary in vocab.VOCABULARIES.values():
        for english, vietnamese in vocabulary.values():
            pairs.setdefault(english, vietnamese)
    return pairs


def _quoted(text: str) -> str:
    """A string literal the way ``ruff format`` writes it: double quotes unless the text holds one."""
    return repr(text) if '"' in text else '"' + text.replace("\\", "\\\\") + '"'


def render() -> str:
    """This file's text with ``LABELS`` regenerated from the vocabulary."""
    text = Path(__file__).read_text(encoding="utf-8")
    head, rest = text.split("    # BEGIN GENERATED\n", 1)
    _old, tail = rest.split("    # END GENERATED\n", 1)
    body = "".join(f"    gettext_noop({_quoted(en)}),  # {vi}\n" for en, vi in vocabulary_pairs().items())
    return head + "    # BEGIN GENERATED\n" + body + "    # END GENERATED\n" + tail


if __name__ == "__main__":
    Path(__file__).write_text(render(), encoding="utf-8")
