"""One decision per round with one article and one annex per standard: each article counts the rows of its own
annex, so a household assessed under the national and the city standard is never counted twice in one count,
and it gets one certificate per standard on whose list it is."""

from __future__ import annotations

import io
import re

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ansinh.review.models import Certificate

STANDARDS = ["vn_2022", "hcm_2024"]
COUNT = re.compile(r"Phụ lục (I+)\b.*?cụ thể: ([^.]*)\.")


def _counts(summary: str) -> int:
    return sum(int(n) for n in re.findall(r"(\d+) hộ", summary))


def test_it_counts_each_standard_in_its_own_article_equal_to_its_annex(
    make_round, poor_household, rich_household, make_household, ward_a, run_round, officer
):
    review_round = run_round(make_round(standards=STANDARDS))
    client = Client()
    client.force_login(officer)
    data = client.get(reverse("review-decision", args=[review_round.pk])).content
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    body = " ".join(" ".join(pages).split())
    articles = dict(COUNT.findall(body))
    assert set(articles) == {"I", "II"}
    annexes = [p for p in pages if "PHỤ LỤC" in p]
    assert len(annexes) == len(STANDARDS)
    for numeral, standard, annex in zip(("I", "II"), STANDARDS, annexes, strict=True):
        rows = [line for line in annex.splitlines() if re.match(r"^\d+ \S+-\d+", line)]
        assert _counts(articles[numeral]) == len(rows), (articles[numeral], rows)
        codes = [line.split()[1] for line in rows]
        assert len(codes) == len(set(codes))  # no household twice in one annex
        on_a_list = [line for line in rows if "Hộ nghèo" in line or "Hộ cận nghèo" in line]
        certificates = Certificate.objects.filter(decision=review_round.decision, standard_id=standard)
        assert certificates.count() == len(on_a_list) > 0  # one certificate per household and standard
