"""The home page of a city-wide role lists every ward of its area with its household count, a page at a time
(issue 13, item 10): not cut at 50 with a "…" that leads nowhere."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from ansinh.geo.models import Ward


def test_it_pages_all_wards_with_their_counts(analyst_client: Client, province: Any, make_household: Any) -> None:
    wards = [
        Ward.objects.create(
            code=f"9{n:04d}", name=f"Phường {n:03d}", name_folded=f"phuong {n:03d}", kind="ward", province=province
        )
        for n in range(60)
    ]
    make_household(wards[59])
    make_household(wards[59])
    first = analyst_client.get(reverse("home")).content.decode()
    # The ward with households comes first, with its count and a link to its households.
    assert "Phường 059" in first
    assert f"?ward={wards[59].code}" in first
    assert ">2<" in first
    # Every ward is reachable through the pages, each once.
    seen: set[str] = set()
    page = 1
    while True:
        body = analyst_client.get(reverse("home"), {"page": page}).content.decode()
        names = {w.name for w in wards if w.name in body}
        assert not names & seen
        seen |= names
        if 'rel="next"' not in body:
            break
        page += 1
    assert seen == {w.name for w in wards}
    assert "<li>…</li>" not in first


def test_a_ward_officer_sees_only_their_ward(officer_client: Client, ward_a: Any, ward_b: Any) -> None:
    body = officer_client.get(reverse("home")).content.decode()
    assert ward_a.name in body
    assert ward_b.name not in body
