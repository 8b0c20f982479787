"""Words, not codes, in both languages: a walkthrough of the registry and the review (a survey that changes the
registry, an approved round), then every page and document it touched is scanned for raw codes, Python dicts
and booleans, dotted action names, years with a thousands separator and, in the Vietnamese pages, English
sentences the translation has words for."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ansinh import vocab
from ansinh.audit.actions import AuditAction
from ansinh.review import actions
from ansinh.review.models import SurveyResponse
from ansinh.web.display import ACTION_LABELS, action_label
from tests.review.conftest import YEAR, answers_b

LOCALE = Path(__file__).resolve().parents[2] / "src/ansinh/locale/vi/LC_MESSAGES/django.mo"
DOTTED_ACTION = re.compile(
    r"\b(?:household|member|review|import|payroll|dossier|enrolment|user|duplicate|registry)\.[a-z_]+\b"
)
PYTHON = re.compile(r"\{'|\b(?:True|False|None)\b")
# A code or a field name (not_poor, floor_area_m2, vn_2022); not a test user's name (ward_officer-1).
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b(?!-\d)")
YEAR_GROUPED = re.compile(rf"\b{str(YEAR)[:1]}[.,]{str(YEAR)[1:]}\b")
# Codes that are also ordinary words or names (they may stand in a sentence).
ALLOWED = {"e_mail"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.chunks


def xlsx_text(content: bytes, *, skip_first_row_of: tuple[str, ...] = ()) -> list[str]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    out = []
    for sheet in workbook.worksheets:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number == 1 and sheet.title in skip_first_row_of:
                continue  # the offline workbook's machine names, read back by the import (its labels are row 2)
            out.extend(str(v) for v in row if v not in (None, ""))
    return out


def pdf_text(content: bytes, tmp_path: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def problems(where: str, chunks: list[str], *, lang: str, english: set[str]) -> list[str]:
    found = []
    codes = {c for vocabulary in vocab.VOCABULARIES.values() for c in vocabulary if "_" in c}
    for text in chunks:
        for pattern in (DOTTED_ACTION, PYTHON, YEAR_GROUPED):
            if pattern.search(text):
                found.append(f"{where}: {pattern.search(text).group(0)!r} in {text[:120]!r}")  # type: ignore[union-attr]
        for match in SNAKE.findall(text):
            if match in codes or match not in ALLOWED:
                found.append(f"{where}: code {match!r} in {text[:120]!r}")
        if lang == "vi" and text in english:
            found.append(f"{where}: untranslated {text!r}")
    return found


@pytest.fixture
def english_with_translation() -> set[str]:
    """The English sentences the Vietnamese catalogue translates (a Vietnamese page showing one is a miss)."""
    with LOCALE.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    return {
        msgid
        for msgid, msgstr in catalog.items()
        if isinstance(msgid, str)
        and msgstr
        and msgstr != msgid
        and len(msgid) >= 12
        and " " in msgid
        and "%" not in msgid
    }


def client_for(user, lang: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def test_every_action_the_trail_records_has_words():
    declared = {m.value for cls in AuditAction.__subclasses__() for m in cls}  # type: ignore[attr-defined]
    assert declared <= set(ACTION_LABELS), sorted(declared - set(ACTION_LABELS))
    assert action_label("something.new_thing") == "Something new thing"  # never the dotted code


@pytest.mark.django_db(transaction=False)
def test_a_walkthrough_shows_words_not_codes_in_both_languages(
    settings,
    tmp_path,
    officer,
    chairman,
    make_user,
    province,
    make_round,
    run_round,
    poor_household,
    english_with_translation,
):
    (tmp_path / "static").mkdir()
    settings.STATIC_ROOT = str(tmp_path / "static")
    admin = make_user("administrator", province=province, username="admin-words")
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    rh = review_round.households.get()
    member = poor_household.members.get()
    # The officer surveys the household on the page: a changed income and a changed work status, confirmed.
    vi = client_for(officer, "vi")
    survey_url = reverse("review-survey", args=[review_round.pk, rh.pk, "B"])
    answers = answers_b(poor_household, 1_500_000)
    data = {"surveyed_on": f"10/09/{YEAR}"}
    for name, value in answers["household"].items():
        data[f"household__{name}"] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    for name, value in answers["members"][str(member.pk)].items():
        if value is not None:
            data[f"m{member.pk}__{name}"] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    data[f"m{member.pk}__employment_status"] = "self_employed"
    data["household__floor_area_m2"] = "25"
    data["submit"] = "1"
    assert vi.post(survey_url, data).status_code == 302
    confirm = reverse("review-survey-confirm", args=[review_round.pk, rh.pk, "B"])
    fingerprint = re.search(r'name="confirmed" value="([^"]*)"', vi.get(confirm).content.decode()).group(1)  # type: ignore[union-attr]
    assert vi.post(confirm, {"confirmed": fingerprint}).status_code == 302
    assert SurveyResponse.objects.get().status == "submitted"
    run_round(review_round)

    pages = [
        reverse("household-detail", args=[poor_household.pk]),
        reverse("review-rounds"),
        reverse("review-round", args=[review_round.pk]),
        reverse("review-results", args=[review_round.pk]),
        reverse("review-summary", args=[review_round.pk]),
        reverse("review-posting", args=[review_round.pk]),
    ]
    found: list[str] = []
    for lang in ("vi", "en"):
        client = client_for(officer, lang)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            found += problems(
                f"{lang} {url}", visible_text(response.content.decode()), lang=lang, english=english_with_translation
            )
        audit = client_for(admin, lang).get(reverse("audit-search"))
        assert audit.status_code == 200
        found += problems(
            f"{lang} audit", visible_text(audit.content.decode()), lang=lang, english=english_with_translation
        )
    # In English the survey's options are English; in Vietnamese, Vietnamese.
    rh.refresh_from_db()
    english_survey = client_for(officer, "en").get(survey_url).content.decode()
    assert (
        ">Piped water<" in english_survey
        or ">Piped water into the dwelling<" in english_survey
        or "Employed" in english_survey
    )
    assert "Có việc làm" not in english_survey
    # The history names the survey's changes in words.
    history = " ".join(visible_text(vi.get(reverse("household-detail", args=[poor_household.pk])).content.decode()))
    assert "Nộp Phiếu B" in history and "Tự làm, làm chủ" in history

    documents = {
        "summary.xlsx": xlsx_text(vi.get(reverse("review-summary-xlsx", args=[review_round.pk])).content),
        "offline.xlsx": xlsx_text(
            vi.get(reverse("review-offline", args=[review_round.pk, "B"])).content,
            skip_first_row_of=("Hộ", "Thành viên"),
        ),
        "decision.pdf": pdf_text(vi.get(reverse("review-decision", args=[review_round.pk])).content, tmp_path),
        "certificates.pdf": pdf_text(vi.get(reverse("review-certificates", args=[review_round.pk])).content, tmp_path),
    }
    template = client_for(officer, "vi").get(reverse("import-template", args=["xlsx"]))
    if template.status_code == 200:
        documents["template.xlsx"] = [
            t
            for t in xlsx_text(template.content)
            if not SNAKE.fullmatch(t)  # a header may name its field
        ]
    for name, chunks in documents.items():
        found += problems(name, chunks, lang="vi", english=english_with_translation)
    assert not found, "\n".join(found[:40])
