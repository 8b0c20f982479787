"""Name lists and distributions of the synthetic city.

Plausible orders of magnitude for Ho Chi Minh City and its communes, not statistics to quote: the
synthetic city exists to exercise the registry, the engine and the benchmarks, never to report on.
Every table is ``(values, weights)``; weights need not sum to one.
"""

from __future__ import annotations

# Surnames: Nguyễn ~38%, then the other common clans; Huỳnh and Võ are the southern spellings.
SURNAMES: tuple[tuple[str, ...], tuple[float, ...]] = (
    (
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Huỳnh",
        "Hoàng",
        "Phan",
        "Võ",
        "Vũ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Trương",
        "Đinh",
        "Lâm",
        "Mai",
        "Đoàn",
        "Lương",
        "Trịnh",
        "Cao",
        "Hà",
        "Tô",
        "Châu",
        "Tạ",
        "Thái",
        "Quách",
        "La",
        "Kiều",
        "Phùng",
        "Lưu",
        "Văn",
        "Diệp",
    ),
    (
        38.0,
        11.0,
        9.5,
        7.0,
        3.2,
        2.0,
        4.5,
        3.8,
        1.6,
        2.1,
        2.0,
        1.4,
        1.3,
        1.3,
        1.0,
        0.6,
        1.2,
        0.8,
        0.6,
        0.6,
        0.6,
        0.5,
        0.5,
        0.5,
        0.5,
        0.4,
        0.4,
        0.3,
        0.3,
        0.2,
        0.2,
        0.2,
        0.2,
        0.3,
        0.2,
        0.2,
    ),
)

# Middle names: (values, weights for people born before ~1985, weights for the younger).
MIDDLE_MALE: tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...]] = (
    ("Văn", "Hữu", "Minh", "Đức", "Quốc", "Thành", "Công", "Hoàng", "Gia", "Anh", "Thanh", "Ngọc", "Tấn", "Trọng"),
    (48.0, 9.0, 6.0, 6.0, 5.0, 5.0, 4.0, 2.0, 1.0, 1.0, 5.0, 2.0, 4.0, 2.0),
    (14.0, 5.0, 15.0, 9.0, 8.0, 7.0, 4.0, 8.0, 10.0, 7.0, 5.0, 2.0, 3.0, 3.0),
)
MIDDLE_FEMALE: tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...]] = (
    ("Thị", "Ngọc", "Thanh", "Thu", "Minh", "Bảo", "Kim", "Mỹ", "Hồng", "Phương", "Khánh", "Hoài", "Diễm", "Thùy"),
    (62.0, 8.0, 6.0, 5.0, 1.0, 0.5, 5.0, 3.0, 4.0, 2.0, 0.5, 1.0, 1.0, 1.0),
    (22.0, 12.0, 7.0, 6.0, 8.0, 8.0, 5.0, 5.0, 3.0, 6.0, 6.0, 3.0, 3.0, 6.0),
)

GIVEN_MALE: tuple[str, ...] = (
    "An",
    "Bảo",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Đức",
    "Duy",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khang",
    "Khánh",
    "Khoa",
    "Kiên",
    "Long",
    "Lâm",
    "Lộc",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Phát",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Tâm",
    "Thắng",
    "Thành",
    "Thịnh",
    "Tiến",
    "Toàn",
    "Trí",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
    "Hậu",
    "Lợi",
    "Tín",
    "Thiện",
    "Tú",
)
GIVEN_FEMALE: tuple[str, ...] = (
    "Anh",
    "Chi",
    "Diệp",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huệ",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Thu",
    "Thúy",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Xuân",
    "Yến",
    "Nhi",
    "Hân",
    "Thư",
    "Châu",
    "Ánh",
)

STREETS: tuple[str, ...] = (
    "Nguyễn Huệ",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Cách Mạng Tháng Tám",
    "Điện Biên Phủ",
    "Võ Văn Tần",
    "Nam Kỳ Khởi Nghĩa",
    "Pasteur",
    "Nguyễn Trãi",
    "Lê Văn Sỹ",
    "Phan Đình Phùng",
    "Hoàng Văn Thụ",
    "Nguyễn Văn Cừ",
    "Trường Chinh",
    "Âu Cơ",
    "Lạc Long Quân",
    "Bạch Đằng",
    "Quang Trung",
    "Phan Văn Trị",
    "Nguyễn Oanh",
    "Tô Ký",
    "Nguyễn Thị Minh Khai",
    "Xô Viết Nghệ Tĩnh",
    "Phạm Văn Đồng",
    "Kha Vạn Cân",
    "Lê Văn Việt",
    "Đỗ Xuân Hợp",
    "Huỳnh Tấn Phát",
    "Nguyễn Văn Linh",
    "Kinh Dương Vương",
    "Hậu Giang",
    "Tân Kỳ Tân Quý",
    "Lũy Bán Bích",
    "Ba Tháng Hai",
    "Lê Hồng Phong",
    "Sư Vạn Hạnh",
    "Tôn Đức Thắng",
    "Nguyễn Tất Thành",
    "Phan Xích Long",
    "Bùi Thị Xuân",
    "Nguyễn Đình Chiểu",
    "Trần Quang Khải",
    "Lê Quang Định",
    "Nơ Trang Long",
    "Bình Lợi",
    "Tỉnh Lộ 10",
)
HAMLETS: tuple[str, ...] = (
    "Bình Lợi",
    "Tân Thạnh",
    "Phú Hòa",
    "An Nhơn",
    "Thạnh Lộc",
    "Long Thới",
    "Hiệp Phước",
    "Tam Tân",
    "Bến Đò",
    "Xóm Mới",
    "Giồng Ao",
    "Cây Da",
    "Bàu Trăn",
    "Mỹ Hòa",
    "Đồng Tranh",
    "Rạch Lá",
)

# Birth-registration province codes (first three digits of the personal ID) of people born elsewhere.
BIRTH_PROVINCES_ELSEWHERE: tuple[tuple[str, ...], tuple[float, ...]] = (
    (
        "074",
        "077",
        "075",
        "072",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "094",
        "096",
        "001",
        "038",
        "040",
        "042",
        "052",
        "051",
        "049",
        "048",
        "066",
        "068",
        "036",
        "034",
    ),
    (
        6.0,
        5.0,
        6.0,
        3.0,
        6.0,
        6.0,
        5.0,
        4.0,
        4.0,
        4.0,
        5.0,
        4.0,
        4.0,
        4.0,
        3.0,
        4.0,
        5.0,
        5.0,
        3.0,
        4.0,
        4.0,
        4.0,
        2.0,
        2.0,
        2.0,
        3.0,
        3.0,
    ),
)

ETHNICITIES: tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...]] = (
    ("kinh", "hoa", "khmer", "cham", "tay", "nung", "muong", "stieng", "other"),
    (93.0, 5.0, 0.6, 0.2, 0.3, 0.3, 0.2, 0.1, 0.3),  # urban
    (94.5, 1.5, 2.0, 0.5, 0.3, 0.3, 0.2, 0.4, 0.3),  # rural
)

# Household size 1..8: urban mean ≈ 3.4, rural ≈ 3.8.
HOUSEHOLD_SIZE_URBAN: tuple[float, ...] = (0.10, 0.20, 0.24, 0.24, 0.12, 0.06, 0.03, 0.01)
HOUSEHOLD_SIZE_RURAL: tuple[float, ...] = (0.07, 0.16, 0.22, 0.26, 0.15, 0.08, 0.04, 0.02)

# Highest level completed by adults not in school; rows: 18–29, 30–44, 45–59, 60+ (urban, then rural),
# then a row for economically vulnerable households.
EDUCATION_LEVELS: tuple[str, ...] = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "vocational_intermediate",
    "college",
    "university",
    "employer_certified",
)
EDUCATION_ADULT: tuple[tuple[float, ...], ...] = (
    (0.5, 2.0, 12.0, 36.0, 5.0, 8.0, 9.0, 26.0, 1.5),  # 18–29 urban
    (1.5, 5.0, 22.0, 30.0, 6.0, 8.0, 7.0, 19.0, 1.5),  # 30–44 urban
    (3.0, 12.0, 30.0, 27.0, 5.0, 6.0, 4.0, 12.0, 1.0),  # 45–59 urban
    (10.0, 28.0, 27.0, 17.0, 4.0, 4.0, 3.0, 6.5, 0.5),  # 60+ urban
    (1.0, 4.0, 22.0, 36.0, 7.0, 9.0, 7.0, 13.0, 1.0),  # 18–29 rural
    (3.0, 11.0, 33.0, 28.0, 6.0, 6.0, 4.0, 8.0, 1.0),  # 30–44 rural
    (6.0, 22.0, 35.0, 20.0, 5.0, 4.0, 2.5, 5.0, 0.5),  # 45–59 rural
    (18.0, 36.0, 25.0, 11.0, 3.0, 2.5, 1.5, 2.5, 0.5),  # 60+ rural
    (12.0, 34.0, 34.0, 14.0, 3.0, 1.5, 0.5, 0.5, 0.5),  # vulnerable
)

WATER_SOURCES: tuple[str, ...] = (
    "piped",
    "drilled_well",
    "protected_dug_well",
    "protected_spring",
    "rainwater",
    "bottled",
    "unprotected_well",
    "unprotected_spring",
    "surface",
    "other",
)
WATER: tuple[tuple[float, ...], ...] = (
    (91.0, 4.0, 0.3, 0.0, 0.2, 4.0, 0.2, 0.0, 0.1, 0.2),  # urban
    (62.0, 26.0, 2.5, 0.2, 3.5, 4.0, 0.8, 0.1, 0.6, 0.3),  # rural
    (45.0, 25.0, 3.0, 0.5, 6.0, 2.0, 9.0, 1.0, 7.0, 1.5),  # vulnerable
)
TOILET_TYPES: tuple[str, ...] = (
    "septic",
    "semi_septic",
    "pour_flush",
    "double_vault",
    "ventilated_pit",
    "unhygienic_pit",
    "over_water",
    "none",
)
TOILET: tuple[tuple[float, ...], ...] = (
    (96.0, 2.8, 0.6, 0.1, 0.1, 0.2, 0.1, 0.1),  # urban
    (81.0, 8.0, 4.0, 1.5, 1.0, 2.5, 1.5, 0.5),  # rural
    (45.0, 12.0, 8.0, 2.0, 3.0, 15.0, 10.0, 5.0),  # vulnerable
)
WASTE_HANDLINGS: tuple[str, ...] = ("collected", "sorted_and_collected", "treated_on_site", "burned", "dumped")
WASTE: tuple[tuple[float, ...], ...] = (
    (74.0, 22.0, 2.5, 1.0, 0.5),  # urban
    (56.0, 10.0, 15.0, 14.0, 5.0),  # rural
    (45.0, 3.0, 12.0, 25.0, 15.0),  # vulnerable
)

DISABILITY_LEVELS: tuple[str, ...] = ("mild", "severe", "extremely_severe")
DISABILITY_LEVEL_WEIGHTS: tuple[float, ...] = (0.52, 0.36, 0.12)

# Share of economically vulnerable households (low income, poorer housing and services): they make the
# poor and near-poor tail. Everyone else gets by on at least a household-specific floor of income per
# person, drawn log-normally around the median given here and never below the minimum (VND/month).
VULNERABLE_URBAN = 0.018
VULNERABLE_RURAL = 0.05
VULNERABLE_DEPRIVED = 0.6  # of the vulnerable, the share that also lives in poor conditions
INCOME_FLOOR_URBAN: tuple[float, float] = (6_000_000.0, 2_300_000.0)  # (median, minimum)
INCOME_FLOOR_RURAL: tuple[float, float] = (5_400_000.0, 1_750_000.0)
INCOME_FLOOR_SIGMA = 0.35
