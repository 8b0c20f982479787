"""The review's documents: PDFs in Vietnamese with the embedded font, XLSX lists, layouts an administrator
adjusts, and the XLSForm / offline workbook generated from the form definitions. No database needed."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ansinh.review import xlsform
from ansinh.review.documents import layouts, pdf, xlsx
from ansinh.review.documents.data import (
    CertificateDocument,
    DecisionDocument,
    DecisionPart,
    Issuer,
    ListRow,
    MeetingMinutes,
    MemberRow,
    ProvisionalList,
    VoteRow,
)
from ansinh.review.survey import load_form

ISSUER = Issuer(province="Thành phố Hồ Chí Minh", ward="Phường Bến Thành", signer_name="Lê Thị Hồng")
HEAD = "Nguyễn Thị Ánh Tuyết"
STANDARD = "chuẩn nghèo đa chiều giai đoạn 2022–2025"
ROWS = [
    ListRow("26734-000001", HEAD, "Số 12, hẻm 45 đường Lê Lợi", 3, "poor", "poor", 4, 1_250_000),
    ListRow("26734-000002", "Phạm Văn Hùng", "Số 3 Lý Tự Trọng", 2, "near_poor", "poor", 2, 2_300_000, changed=True),
    ListRow("26734-000003", "Đặng Thị Ổi", "Số 9 Pasteur", 4, "not_poor", "near_poor", 0, 5_000_000, changed=True),
]


def certificate(klass: str = "poor") -> CertificateDocument:
    return CertificateDocument(
        issuer=ISSUER,
        number="15/QĐ-UBND/vn_2022/000001",
        klass=klass,
        year=2025,
        standard=STANDARD,
        household_code="26734-000001",
        head_name=HEAD,
        address="Số 12, hẻm 45 đường Lê Lợi, khu phố 3",
        decision_number="15/QĐ-UBND",
        decision_date=dt.date(2025, 11, 6),
        issued_on=dt.date(2025, 11, 6),
        members=[
            MemberRow(HEAD, "head", "F", dt.date(1968, 3, 4), "079168001234"),
            MemberRow("Trần Văn Đức", "spouse", "M", dt.date(1965, 1, 9)),
            MemberRow("Trần Thị Ngọc Hường", "child", "F", dt.date(2008, 11, 30)),
        ],
    )


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    # Words as the reader sees them, whatever line they were wrapped onto.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def fonts_of(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, "the font is not embedded"
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_it_prints_a_poor_households_certificate_in_vietnamese_with_the_members():
    data = pdf.build_certificates([certificate()])
    text = text_of(data)
    for expected in (
        "GIẤY CHỨNG NHẬN HỘ NGHÈO",
        HEAD,
        "Trần Thị Ngọc Hường",
        "Vợ/chồng",
        "30/11/2008",
        "15/QĐ-UBND",
        STANDARD,
        "ỦY BAN NHÂN DÂN PHƯỜNG BẾN THÀNH",
        "Độc lập - Tự do - Hạnh phúc",
    ):
        assert expected in text, expected
    assert all("DejaVuSans" in name for name in fonts_of(data))


def test_it_titles_a_near_poor_certificate_and_puts_one_certificate_per_page():
    data = pdf.build_certificates([certificate("near_poor"), certificate("poor")])
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 2
    assert "GIẤY CHỨNG NHẬN HỘ CẬN NGHÈO" in pages[0] and "GIẤY CHỨNG NHẬN HỘ NGHÈO" in pages[1]


def test_it_prints_the_minutes_with_each_households_agreement():
    votes = [
        VoteRow(r.code, r.head_name, r.address, r.klass, 20, agree, agree >= 10)
        for r, agree in zip(ROWS, (15, 10, 9), strict=True)
    ]
    text = text_of(
        pdf.build_minutes(
            MeetingMinutes(
                issuer=ISSUER,
                year=2025,
                held_on=dt.date(2025, 10, 20),
                place="Nhà văn hóa khu phố 3",
                chaired_by="Võ Văn Tám",
                present=20,
                participants=["Bí thư chi bộ khu phố 3"],
                votes=votes,
                agreement_share=0.5,
                secretary="Huỳnh Thị Mai",
            )
        )
    )
    for expected in (
        "BIÊN BẢN HỌP DÂN",
        "20/10/2025",
        "Võ Văn Tám",
        "Huỳnh Thị Mai",
        "15/20",
        "9/20",
        "Rà soát lại",
        "Thống nhất",
        "50%",
        "02 bản",
    ):
        assert expected in text, expected


def test_it_prints_the_provisional_list_and_the_decision_with_its_annex():
    posted = ProvisionalList(
        ISSUER, 2025, STANDARD, ROWS, dt.date(2025, 11, 3), dt.date(2025, 11, 5), "Trụ sở UBND phường"
    )
    text = text_of(pdf.build_provisional_list(posted))
    assert "DANH SÁCH DỰ KIẾN HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025" in text
    assert "03/11/2025" in text and "05/11/2025" in text and "Đặng Thị Ổi" in text
    decision = text_of(
        pdf.build_decision(
            DecisionDocument(ISSUER, "15/QĐ-UBND", dt.date(2025, 11, 6), 2025, [DecisionPart(STANDARD, ROWS[:2])])
        )
    )
    assert "QUYẾT ĐỊNH" in decision and "Số: 15/QĐ-UBND" in decision
    assert "1 hộ nghèo, 1 hộ cận nghèo" in decision and "Lê Thị Hồng" in decision


def test_it_writes_one_article_and_one_annex_per_standard_each_counting_its_own_rows():
    city = "chuẩn nghèo của Thành phố giai đoạn 2025–2030"
    long_code = "79-26734-000123"
    city_rows = [ListRow(long_code, HEAD, "Số 12, hẻm 45 đường Lê Lợi", 3, "poor", "near_poor", 5, 900_000), *ROWS[1:2]]
    data = pdf.build_decision(
        DecisionDocument(
            ISSUER,
            "15/QĐ-UBND",
            dt.date(2025, 11, 6),
            2025,
            [DecisionPart(STANDARD, [*ROWS[:1], ROWS[1]]), DecisionPart(city, city_rows)],
        )
    )
    text = text_of(data)
    assert f"Điều 1. Công nhận các hộ có tên trong Phụ lục I kèm theo Quyết định này theo {STANDARD}" in " ".join(
        text.split()
    )
    flat = " ".join(text.split())
    assert "Phụ lục II kèm theo Quyết định này theo " + city in flat and "Điều 3." in flat and "Điều 4." in flat
    assert flat.count("1 hộ nghèo, 1 hộ cận nghèo") == 2  # each article counts its own annex
    pages = PdfReader(io.BytesIO(data)).pages
    annexes = [page.extract_text() for page in pages if "PHỤ LỤC" in page.extract_text()]
    assert len(annexes) == 2 and city in " ".join(annexes[1].split())
    assert long_code in annexes[1].splitlines() or any(long_code in line for line in annexes[1].splitlines())


def test_it_writes_the_provisional_list_as_a_workbook_with_the_same_columns():
    data = xlsx.build_provisional_list(ProvisionalList(ISSUER, 2025, STANDARD, ROWS))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "STT")
    titles = [c["title"] for c in layouts.load("provisional_list")["columns"]]
    assert list(header) == titles
    body = [r for r in rows if isinstance(r[0], int)]
    assert [r[2] for r in body] == [HEAD, "Phạm Văn Hùng", "Đặng Thị Ổi"]
    assert body[1][titles.index("Phân loại dự kiến")] == "Hộ cận nghèo"


def test_it_applies_an_administrators_layout_without_code(settings, tmp_path):
    settings.REVIEW_LAYOUT_DIR = str(tmp_path)
    (tmp_path / "certificate.yaml").write_text(
        'titles: {poor: "GIẤY CHỨNG NHẬN HỘ NGHÈO (MẪU THÀNH PHỐ)", near_poor: "GCN HỘ CẬN NGHÈO"}\n', encoding="utf-8"
    )
    (tmp_path / "provisional_list.yaml").write_text(
        'columns:\n  - {key: stt, title: "TT"}\n  - {key: head_name, title: "Chủ hộ"}\n'
        '  - {key: income_per_person, title: "Thu nhập bình quân", align: R}\n',
        encoding="utf-8",
    )
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO (MẪU THÀNH PHỐ)" in text_of(pdf.build_certificates([certificate()]))
    assert "Năm 2025" in text_of(pdf.build_certificates([certificate()]))  # keys not overridden stay
    sheet = load_workbook(io.BytesIO(xlsx.build_provisional_list(ProvisionalList(ISSUER, 2025, STANDARD, ROWS)))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert ("TT", "Chủ hộ", "Thu nhập bình quân") in rows
    assert (1, HEAD, "1.250.000") in rows


def test_it_never_reads_fonts_from_the_system(monkeypatch):
    import builtins

    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    pdf.build_certificates([certificate()])
    assert str(pdf.FONT_DIR / "DejaVuSans.ttf") in opened  # the spy sees the font being read …
    assert not [p for p in opened if p.startswith(("/usr/share/fonts", "/etc/fonts"))]  # … and only ours
    assert (pdf.FONT_DIR / "LICENSE-DejaVu.txt").is_file()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_it_renders_the_certificate_as_an_image(tmp_path):
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf.build_certificates([certificate()]))
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", str(source), str(tmp_path / "page")], check=True)
    image = (tmp_path / "page.png").read_bytes()
    assert image.startswith(b"\x89PNG") and len(image) > 10_000


def test_it_summarises_flows_deprivations_and_mismatches_in_a_workbook():
    data = xlsx.build_summary(
        xlsx.RoundSummary(
            title="Hộ nghèo, hộ cận nghèo 2025",
            flows=[
                {
                    "ward": "Phường Bến Thành",
                    "standard": "vn_2022",
                    "start_poor": 3,
                    "newly_poor": 1,
                    "escaped_poverty": 2,
                    "end_poor": 2,
                    "identity_ok": True,
                }
            ],
            deprivations=[
                {
                    "ward": "Phường Bến Thành",
                    "standard": "vn_2022",
                    "indicator": "Bảo hiểm y tế",
                    "households": 2,
                    "share": 1.0,
                }
            ],
            mismatches=[{"ward": "Phường Bến Thành", "standard": "vn_2022", "household": 7, "detail": "poor: +1"}],
        )
    )
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Biến động", "Thiếu hụt", "Sai lệch"]
    flows = list(workbook["Biến động"].iter_rows(values_only=True))
    header = flows[2]
    row = dict(zip(header, flows[3], strict=True))
    assert row["Hộ nghèo đầu kỳ"] == 3 and row["Thoát nghèo"] == 2
    assert row["Cân đối (đầu kỳ + vào − ra = cuối kỳ)"] == "Đúng"
    assert ("Phường Bến Thành", "vn_2022", "Bảo hiểm y tế", 2, 100.0) in list(
        workbook["Thiếu hụt"].iter_rows(values_only=True)
    )


# -- XLSForm and the offline workbook -----------------------------------------------------------------


def test_it_generates_an_xlsform_with_every_field_of_the_definition():
    workbook = load_workbook(io.BytesIO(xlsform.build_xlsform("B")))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    survey = list(workbook["survey"].iter_rows(values_only=True))
    header, rows = survey[0], [dict(zip(survey[0], r, strict=True)) for r in survey[1:]]
    assert header[:3] == ("type", "name", "label::Tiếng Việt (vi)")
    names = {r["name"] for r in rows}
    definition = load_form("B")
    assert {f.name for s in definition.sections for f in s.fields} <= names
    assert {xlsform.HOUSEHOLD_KEY, xlsform.MEMBER_KEY, xlsform.SURVEY_DATE} <= names
    by_name = {r["name"]: r for r in rows}
    assert by_name["water_source"]["type"] == "select_one water_source"
    assert by_name["floor_area_m2"]["type"] == "decimal"
    assert by_name["floor_area_m2"]["constraint"] == ". >= 0 and . <= 10000"
    assert by_name["monthly_income"]["constraint"] == ". >= 0 and . <= 10000000000"
    assert [r["type"] for r in rows if r["name"] == "members"] == ["begin_repeat", "end_repeat"]
    choices = list(workbook["choices"].iter_rows(values_only=True))
    assert ("yes_no", "yes", "Có", "Yes") in choices
    lists = {c[0] for c in choices[1:]}
    assert {r["type"].split()[1] for r in rows if str(r["type"]).startswith("select_one")} <= lists
    settings_rows = list(workbook["settings"].iter_rows(values_only=True))
    assert settings_rows[1][1] == "ansinh_phieu_b" and settings_rows[1][2] == xlsform.form_version("B")


def test_it_answers_the_xlsform_in_values_the_definition_accepts():
    definition = load_form("B")
    # What ODK exports for a yes/no and a choice parses with the same definition the web form uses.
    clean, errors = definition.validate({"household": {"has_tv": "yes", "water_source": "piped"}}, partial=True)
    assert errors == {} and clean["household"] == {"has_tv": True, "water_source": "piped"}


def test_it_exports_the_wards_list_as_a_workbook_to_fill_in_with_drafts_prefilled():
    households = [
        xlsform.OfflineHousehold(
            "26734-000001",
            HEAD,
            "Số 12 Lê Lợi",
            [xlsform.OfflineMember(11, HEAD), xlsform.OfflineMember(12, "Trần Văn Đức")],
            {"household": {"has_tv": True, "floor_area_m2": 12.5}, "members": {"12": {"monthly_income": 3_000_000}}},
        ),
        xlsform.OfflineHousehold(
            "26734-000002", "Phạm Văn Hùng", "Số 3 Lý Tự Trọng", [xlsform.OfflineMember(13, "Phạm Văn Hùng")]
        ),
    ]
    workbook = load_workbook(
        io.BytesIO(
            xlsform.build_offline_workbook(
                "B", ward="Phường Bến Thành", round_label="Rà soát định kỳ 2025", households=households
            )
        )
    )
    assert workbook.sheetnames == ["Hướng dẫn", "Danh mục", "Hộ", "Thành viên"]
    hh = list(workbook["Hộ"].iter_rows(values_only=True))
    header = hh[0]
    first = dict(zip(header, hh[2], strict=True))
    assert first[xlsform.HOUSEHOLD_KEY] == "26734-000001" and first["has_tv"] == "Có" and first["floor_area_m2"] == 12.5
    members = list(workbook["Thành viên"].iter_rows(values_only=True))
    assert [(r[0], r[1], r[2]) for r in members[2:]] == [
        ("26734-000001", 11, HEAD),
        ("26734-000001", 12, "Trần Văn Đức"),
        ("26734-000002", 13, "Phạm Văn Hùng"),
    ]
    assert dict(zip(members[0], members[3], strict=True))["monthly_income"] == 3_000_000
    validations = workbook["Hộ"].data_validations.dataValidation
    assert any(str(v.sqref).startswith("F3") for v in validations)  # yes/no drop-down on the first answer row
