"""The registry's coded vocabulary, shared by the registry, the engine, imports and the UI.

Pure Python (no Django): the engine reads the same codes from frames that the registry stores.
Each entry is ``code: (English label, Vietnamese label)``. English labels are the gettext msgids
of the web layer; Vietnamese labels are also accepted by imports.
"""

from __future__ import annotations

from typing import Final

Vocabulary = dict[str, tuple[str, str]]

SEX: Final[Vocabulary] = {
    "M": ("Male", "Nam"),
    "F": ("Female", "Nữ"),
}

AREA_TYPE: Final[Vocabulary] = {
    "urban": ("Urban", "Thành thị"),
    "rural": ("Rural", "Nông thôn"),
}

RESIDENCE_TYPE: Final[Vocabulary] = {
    "permanent": ("Permanent residence", "Thường trú"),
    "temporary": ("Temporary residence", "Tạm trú"),
}

RELATION: Final[Vocabulary] = {
    "head": ("Head of household", "Chủ hộ"),
    "spouse": ("Spouse", "Vợ/chồng"),
    "child": ("Child", "Con"),
    "parent": ("Parent", "Bố/mẹ"),
    "grandchild": ("Grandchild", "Cháu"),
    "grandparent": ("Grandparent", "Ông/bà"),
    "sibling": ("Sibling", "Anh/chị/em"),
    "child_in_law": ("Child-in-law", "Con dâu/con rể"),
    "other_relative": ("Other relative", "Họ hàng khác"),
    "non_relative": ("Not related", "Không có quan hệ họ hàng"),
}

# Ethnic groups: the most frequent in the south; the full list of 54 is reference data to load later.
ETHNICITY: Final[Vocabulary] = {
    "kinh": ("Kinh", "Kinh"),
    "hoa": ("Hoa", "Hoa"),
    "khmer": ("Khmer", "Khmer"),
    "cham": ("Cham", "Chăm"),
    "tay": ("Tay", "Tày"),
    "nung": ("Nung", "Nùng"),
    "muong": ("Muong", "Mường"),
    "thai": ("Thai", "Thái"),
    "hmong": ("Hmong", "Mông"),
    "stieng": ("Stieng", "Xtiêng"),
    "other": ("Other ethnic group", "Dân tộc khác"),
}

DISABILITY_LEVEL: Final[Vocabulary] = {
    "none": ("No disability", "Không khuyết tật"),
    "mild": ("Mild disability", "Khuyết tật nhẹ"),
    "severe": ("Severe disability", "Khuyết tật nặng"),
    "extremely_severe": ("Extremely severe disability", "Khuyết tật đặc biệt nặng"),
}

# People with merit (Ordinance 02/2020/UBTVQH14): the categories the programme rules pay (the codes are the
# categories of the ``merit`` programme in programs/rules/programmes.yaml).
MERIT_CATEGORY: Final[Vocabulary] = {
    "heroic_mother": ("Heroic Vietnamese Mother", "Bà mẹ Việt Nam Anh hùng"),
    "war_invalid_81": ("War invalid, 81% injury", "Thương binh suy giảm khả năng lao động 81%"),
    "war_invalid_100": ("War invalid, 100% injury", "Thương binh suy giảm khả năng lao động 100%"),
}

SCHOOLING_STATUS: Final[Vocabulary] = {
    "attending": ("Attending school", "Đang đi học"),
    "training": ("In vocational training", "Đang học nghề"),
    "not_attending": ("Not attending", "Không đi học"),
}

# Highest level completed (general education and vocational training).
EDUCATION_LEVEL: Final[Vocabulary] = {
    "none": ("Primary school not completed", "Chưa học xong tiểu học"),
    "primary": ("Primary school", "Tiểu học"),
    "lower_secondary": ("Lower secondary school", "Trung học cơ sở"),
    "upper_secondary": ("Upper secondary school", "Trung học phổ thông"),
    "vocational_elementary": ("Elementary vocational certificate", "Sơ cấp nghề"),
    "vocational_intermediate": ("Intermediate vocational diploma", "Trung cấp"),
    "college": ("College", "Cao đẳng"),
    "university": ("University or higher", "Đại học trở lên"),
    "employer_certified": ("Training certified by an employer", "Đào tạo nghề do người sử dụng lao động xác nhận"),
}

# Current school level of a child who attends (for the school-attendance indicator).
SCHOOL_LEVEL: Final[Vocabulary] = {
    "preschool": ("Preschool", "Mầm non"),
    "primary": ("Primary school", "Tiểu học"),
    "lower_secondary": ("Lower secondary school", "Trung học cơ sở"),
    "upper_secondary": ("Upper secondary school", "Trung học phổ thông"),
    "vocational": ("Vocational training", "Giáo dục nghề nghiệp"),
    "higher": ("College or university", "Cao đẳng, đại học"),
}

EMPLOYMENT_STATUS: Final[Vocabulary] = {
    "employed": ("Employed", "Có việc làm"),
    "self_employed": ("Own-account or self-employed", "Tự làm, làm chủ"),
    "unpaid_family_worker": ("Works without pay", "Làm việc không được trả công"),
    "unemployed": ("Unemployed", "Thất nghiệp"),
    "student": ("Student", "Đang đi học"),
    "retired": ("Retired", "Nghỉ hưu"),
    "homemaker": ("Homemaker", "Nội trợ"),
    "unable_to_work": ("Unable to work", "Không có khả năng lao động"),
    "child": ("Child, not of working age", "Trẻ em"),
}

NUTRITION_STATUS: Final[Vocabulary] = {
    "normal": ("Normal", "Bình thường"),
    "stunted": ("Stunted (low height for age)", "Suy dinh dưỡng thấp còi"),
    "underweight": ("Underweight (low weight for age)", "Suy dinh dưỡng nhẹ cân"),
    "unknown": ("Not measured", "Chưa đo"),
}

WATER_SOURCE: Final[Vocabulary] = {
    "piped": ("Piped water", "Nước máy"),
    "drilled_well": ("Drilled well", "Giếng khoan"),
    "protected_dug_well": ("Protected dug well", "Giếng đào được bảo vệ"),
    "protected_spring": ("Protected spring", "Nước khe/mó được bảo vệ"),
    "rainwater": ("Rainwater", "Nước mưa"),
    "bottled": ("Bottled or purchased water", "Nước đóng chai, nước mua"),
    "unprotected_well": ("Unprotected well", "Giếng đào không được bảo vệ"),
    "unprotected_spring": ("Unprotected spring", "Nước khe/mó không được bảo vệ"),
    "surface": ("Surface water (river, pond, canal)", "Nước sông, suối, ao, hồ, kênh"),
    "other": ("Other", "Khác"),
}

TOILET_TYPE: Final[Vocabulary] = {
    "septic": ("Flush toilet with septic tank", "Tự hoại"),
    "semi_septic": ("Semi-septic toilet", "Bán tự hoại"),
    "pour_flush": ("Pour-flush toilet", "Thấm dội nước"),
    "double_vault": ("Double-vault composting", "Hai ngăn"),
    "ventilated_pit": ("Ventilated improved pit", "Chìm có ống thông hơi"),
    "unhygienic_pit": ("Unhygienic pit latrine", "Hố xí không hợp vệ sinh"),
    "over_water": ("Over water (fish pond, canal)", "Cầu tiêu ao cá, trên sông, kênh"),
    "none": ("No toilet", "Không có nhà tiêu"),
}

WASTE_HANDLING: Final[Vocabulary] = {
    "collected": ("Collected by a waste service", "Được thu gom"),
    "sorted_and_collected": ("Sorted at source and collected", "Phân loại tại nguồn và được thu gom"),
    "treated_on_site": ("Treated hygienically on site", "Tự xử lý hợp vệ sinh"),
    "burned": ("Burned in the open", "Đốt lộ thiên"),
    "dumped": ("Dumped in the open or in water", "Vứt bừa bãi, xả xuống nguồn nước"),
}

# The classes an assessment gives a household (Decree 07/2021/NĐ-CP Art. 3 and the standards' YAML), poorest
# first: the engine's ``class`` column, the review's results and lists, the documents and the explanations.
POOR: Final = "poor"
NEAR_POOR: Final = "near_poor"
AVERAGE_LIVING: Final = "average_living"
NOT_POOR: Final = "not_poor"

POVERTY_CLASS: Final[Vocabulary] = {
    POOR: ("Poor", "Nghèo"),
    NEAR_POOR: ("Near-poor", "Cận nghèo"),
    AVERAGE_LIVING: ("Average living standard", "Có mức sống trung bình"),
    NOT_POOR: ("Not poor", "Không nghèo"),
}
POVERTY_CLASSES: Final[tuple[str, ...]] = tuple(POVERTY_CLASS)
# The classes on the posted list, the official list and the certificates.
LISTED_CLASSES: Final[tuple[str, ...]] = (POOR, NEAR_POOR)

# How documents and explanations name the class of a household (in Vietnamese a noun phrase: "Là hộ nghèo
# theo …", "Kết quả: hộ cận nghèo."; the engine's explanation writes it in capitals).
POVERTY_CLASS_HOUSEHOLD: Final[Vocabulary] = {
    POOR: ("Poor", "Hộ nghèo"),
    NEAR_POOR: ("Near-poor", "Hộ cận nghèo"),
    AVERAGE_LIVING: ("Average living standard", "Hộ có mức sống trung bình"),
    NOT_POOR: ("Not poor or near-poor", "Không thuộc hộ nghèo, hộ cận nghèo"),
}


def household_class(code: str, lang: str = "vi") -> str:
    """The noun phrase naming a household of class ``code`` in ``lang`` (``vi`` or ``en``); ``""`` for none.

    >>> household_class(NEAR_POOR), household_class(NOT_POOR, "en").upper(), household_class("")
    ('Hộ cận nghèo', 'NOT POOR OR NEAR-POOR', '')
    """
    if code not in POVERTY_CLASS_HOUSEHOLD:
        return code
    english, vietnamese = POVERTY_CLASS_HOUSEHOLD[code]
    return english if lang == "en" else vietnamese


HOUSEHOLD_STATUS: Final[Vocabulary] = {
    "active": ("Active", "Đang quản lý"),
    "dissolved": ("Dissolved", "Không còn"),
}

VOCABULARIES: Final[dict[str, Vocabulary]] = {
    "sex": SEX,
    "area_type": AREA_TYPE,
    "residence_type": RESIDENCE_TYPE,
    "relation": RELATION,
    "ethnicity": ETHNICITY,
    "disability_level": DISABILITY_LEVEL,
    "merit_category": MERIT_CATEGORY,
    "schooling_status": SCHOOLING_STATUS,
    "education_level": EDUCATION_LEVEL,
    "school_level": SCHOOL_LEVEL,
    "employment_status": EMPLOYMENT_STATUS,
    "nutrition_status": NUTRITION_STATUS,
    "water_source": WATER_SOURCE,
    "toilet_type": TOILET_TYPE,
    "waste_handling": WASTE_HANDLING,
    "household_status": HOUSEHOLD_STATUS,
    "poverty_class": POVERTY_CLASS,
}


# --- Victims' cases (ansinh.cases, docs/cases.md). Kept apart from VOCABULARIES (the registry's): the pages of
# cases word them through ``cases.queries.label``. Codes, never names, go into the national incident export.
AGENCY_KIND: Final[Vocabulary] = {
    "hospital_centre": ("Hospital one-stop centre", "Trung tâm một cửa tại bệnh viện"),
    "commune": ("Commune People's Committee", "UBND cấp xã"),
    "police": ("Police", "Công an"),
    "shelter": ("Shelter", "Cơ sở tạm lánh"),
    "legal_aid": ("Legal aid", "Trợ giúp pháp lý"),
}

CASE_KIND: Final[Vocabulary] = {
    "child": ("Child protection (Decree 56/2017)", "Bảo vệ trẻ em (Nghị định 56/2017)"),
    "dv": ("Domestic violence (Law 13/2022)", "Bạo lực gia đình (Luật 13/2022)"),
}

# Where a report was received (DV Law, ch. III) and how.
CASE_RECEIVER: Final[Vocabulary] = {
    "commune": ("Commune People's Committee", "UBND cấp xã"),
    "police": ("Police or border post", "Công an, đồn biên phòng"),
    "school": ("School", "Cơ sở giáo dục"),
    "village_head": ("Village or residential-group head", "Trưởng thôn, tổ trưởng tổ dân phố"),
    "mass_organisation": ("Commune mass organisation", "Tổ chức chính trị - xã hội cấp xã"),
    "hotline": ("National hotline", "Tổng đài quốc gia"),
    "hospital": ("Hospital", "Bệnh viện"),
}
CASE_CHANNEL: Final[Vocabulary] = {
    "phone": ("Call or SMS", "Điện thoại, tin nhắn"),
    "letter": ("Letter", "Thư"),
    "in_person": ("In person", "Trực tiếp"),
}

# The GBVIMS classification tree's first match, plus the child-protection types of Decree 56/2017.
INCIDENT_TYPE: Final[Vocabulary] = {
    "rape": ("Rape", "Hiếp dâm"),
    "sexual_assault": ("Sexual assault", "Xâm hại tình dục"),
    "physical_assault": ("Physical assault", "Hành hung thể chất"),
    "forced_marriage": ("Forced or child marriage", "Cưỡng ép kết hôn, tảo hôn"),
    "denial_of_resources": ("Denial of resources or economic control", "Kiểm soát kinh tế, tước đoạt nguồn sống"),
    "psychological_abuse": ("Psychological or emotional abuse", "Bạo lực tinh thần"),
    "neglect": ("Neglect or abandonment of a child", "Bỏ mặc, bỏ rơi trẻ em"),
    "exploitation": ("Labour or sexual exploitation of a child", "Bóc lột trẻ em"),
}
LOCATION_TYPE: Final[Vocabulary] = {
    "home": ("Home", "Nhà ở"),
    "school": ("School", "Trường học"),
    "public": ("Public place", "Nơi công cộng"),
    "workplace": ("Workplace", "Nơi làm việc"),
    "online": ("Online", "Trên mạng"),
    "other": ("Other", "Khác"),
}
PERPETRATOR_RELATION: Final[Vocabulary] = {
    "partner": ("Spouse or partner", "Vợ, chồng, bạn đời"),
    "former_partner": ("Former partner", "Vợ, chồng cũ"),
    "parent": ("Parent or carer", "Cha mẹ, người chăm sóc"),
    "relative": ("Other family member", "Thành viên gia đình khác"),
    "acquaintance": ("Acquaintance", "Người quen"),
    "stranger": ("Stranger", "Người lạ"),
    "unknown": ("Unknown", "Không rõ"),
}
RISK_LEVEL: Final[Vocabulary] = {
    "low": ("Low", "Thấp"),
    "medium": ("Medium", "Trung bình"),
    "high": ("High", "Cao"),
    "serious": ("Serious: life, health or dignity at risk", "Nghiêm trọng: đe dọa tính mạng, sức khỏe, nhân phẩm"),
}
# The forms of an assessment: Decree 56/2017's Mẫu 02 and 03 for a child; the DV risk assessment otherwise.
ASSESSMENT_FORM: Final[Vocabulary] = {
    "child_initial": ("Initial assessment of risk and harm (form 02)", "Đánh giá ban đầu nguy cơ, tổn hại (Mẫu 02)"),
    "child_specific": ("Specific risk assessment (form 03)", "Đánh giá cụ thể nguy cơ (Mẫu 03)"),
    "dv_risk": ("Domestic-violence risk assessment", "Đánh giá nguy cơ bạo lực gia đình"),
}
CASE_SERVICE: Final[Vocabulary] = {
    "emergency_intervention": (
        "Emergency intervention or temporary separation",
        "Can thiệp khẩn cấp, cách ly tạm thời",
    ),
    "medical": ("Health care and treatment", "Chăm sóc y tế, điều trị"),
    "psychosocial": ("Psychological support and counselling", "Hỗ trợ tâm lý, tư vấn"),
    "shelter": ("Shelter and essentials", "Tạm lánh, nhu yếu phẩm"),
    "legal_aid": ("Legal aid", "Trợ giúp pháp lý"),
    "police_protection": ("Police protection", "Bảo vệ của công an"),
    "social_services": ("Social services", "Dịch vụ xã hội"),
}
# The measures of Law 13/2022/QH15 Art. 22.
DV_MEASURE: Final[Vocabulary] = {
    "stop_act": ("Order to stop the act", "Buộc chấm dứt hành vi bạo lực"),
    "summon_police": (
        "Summon the perpetrator to the commune police",
        "Triệu tập người có hành vi bạo lực đến trụ sở công an xã",
    ),
    "prohibit_contact": ("Prohibit contact", "Cấm tiếp xúc"),
    "shelter": ("Shelter and essentials", "Bố trí nơi tạm lánh, hỗ trợ nhu cầu thiết yếu"),
    "care_treatment": ("Care and treatment", "Chăm sóc, điều trị"),
    "legal_aid": ("Legal aid and counselling", "Trợ giúp pháp lý, tư vấn"),
    "behaviour_change": ("Behaviour-change education", "Giáo dục, hỗ trợ chuyển đổi hành vi"),
    "community_criticism": ("Community criticism", "Góp ý, phê bình trong cộng đồng"),
    "community_service": ("Community service", "Thực hiện công việc phục vụ cộng đồng"),
    "administrative": ("Administrative measures", "Biện pháp xử lý vi phạm hành chính"),
    "criminal_procedure": ("Criminal-procedure measures", "Biện pháp ngăn chặn, bảo vệ theo tố tụng hình sự"),
}
# Age bands of the national incident export (never a date of birth); their bounds in CASE_AGE_BOUNDS.
AGE_BAND: Final[Vocabulary] = {
    "0-5": ("0–5 years", "0–5 tuổi"),
    "6-11": ("6–11 years", "6–11 tuổi"),
    "12-15": ("12–15 years", "12–15 tuổi"),
    "16-17": ("16–17 years", "16–17 tuổi"),
    "18-24": ("18–24 years", "18–24 tuổi"),
    "25-59": ("25–59 years", "25–59 tuổi"),
    "60+": ("60 years or more", "Từ 60 tuổi"),
}
CASE_AGE_BOUNDS: Final[dict[str, tuple[int, int]]] = {
    "0-5": (0, 5), "6-11": (6, 11), "12-15": (12, 15), "16-17": (16, 17),
    "18-24": (18, 24), "25-59": (25, 59), "60+": (60, 200),
}  # fmt: skip
CASE_VOCABULARIES: Final[dict[str, Vocabulary]] = {
    "agency_kind": AGENCY_KIND,
    "case_kind": CASE_KIND,
    "case_receiver": CASE_RECEIVER,
    "case_channel": CASE_CHANNEL,
    "incident_type": INCIDENT_TYPE,
    "location_type": LOCATION_TYPE,
    "perpetrator_relation": PERPETRATOR_RELATION,
    "risk_level": RISK_LEVEL,
    "assessment_form": ASSESSMENT_FORM,
    "case_service": CASE_SERVICE,
    "dv_measure": DV_MEASURE,
    "age_band": AGE_BAND,
}
