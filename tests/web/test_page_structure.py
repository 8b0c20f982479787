"""Structural accessibility checks (WCAG 2.2: 1.1.1, 1.3.1, 2.4.6, 3.3.2, 4.1.2) over the pages an officer
uses, rendered as served: the page's language, one h1 and no skipped heading level, unique ids, a label for
every form control, a text alternative for every image, a name for every link and button, and error-summary
links and aria-describedby that point at something on the page. Colour contrast and focus styles are in
test_contrast.py; keyboard use is in the browser tests."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import member_data
from tests.web.conftest import post_forms_without_their_address

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NAMED = {"a", "button"}


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None], bool]] = []  # (tag, attrs, inside a label)
        self.headings: list[int] = []
        self.lang: str | None = None
        self.refs: list[tuple[str, str]] = []  # (what, id referred to)
        self._labels = 0
        self._named: list[tuple[str, dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag == "html":
            self.lang = attrs.get("lang")
        if attrs.get("id"):
            self.ids.append(str(attrs["id"]))
        if tag == "label":
            self._labels += 1
            if attrs.get("for"):
                self.label_for.add(str(attrs["for"]))
        if tag in ("input", "select", "textarea"):
            kind = (attrs.get("type") or "text").lower()
            if tag != "input" or kind not in ("hidden", "submit", "button", "reset", "image"):
                self.controls.append((tag, attrs, self._labels > 0))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "img" and attrs.get("alt") is None:
            self.problems.append(f"img without alt: {attrs.get('src')}")
        for ref in (attrs.get("aria-describedby") or "").split():
            self.refs.append(("aria-describedby", ref))
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.refs.append(("link", href[1:]))
        for frame in self._named:  # an image inside a link names it by its alt
            if tag == "img" and attrs.get("alt"):
                frame[2].append(str(attrs["alt"]))
        if tag in NAMED:
            self._named.append((tag, attrs, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels = max(0, self._labels - 1)
        if tag in NAMED and self._named and self._named[-1][0] == tag:
            _, attrs, text = self._named.pop()
            if (
                not "".join(text).strip()
                and not attrs.get("aria-label")
                and not attrs.get("aria-labelledby")
                and not attrs.get("title")
            ):
                self.problems.append(f"<{tag}> without a name: {attrs}")
            for frame in self._named:
                frame[2].extend(text)

    def handle_data(self, data: str) -> None:
        if self._named:
            self._named[-1][2].append(data)

    def check(self) -> list[str]:
        problems = list(self.problems)
        if not self.lang:
            problems.append("<html> without lang")
        if self.headings.count(1) != 1:
            problems.append(f"{self.headings.count(1)} h1 elements")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                problems.append(f"heading level skipped: h{before} then h{after}")
        seen: set[str] = set()
        for i in self.ids:
            if i in seen:
                problems.append(f"duplicate id {i!r}")
            seen.add(i)
        for tag, attrs, wrapped in self.controls:
            if not (
                wrapped
                or attrs.get("id") in self.label_for
                or attrs.get("aria-label")
                or attrs.get("aria-labelledby")
                or attrs.get("title")
            ):
                problems.append(f"<{tag} name={attrs.get('name')!r}> without a label")
        for what, ref in self.refs:
            if ref not in seen and ref not in ("main", "main-content", "content"):
                problems.append(f"{what} to #{ref}, which is not on the page")
        return problems


def problems_of(response: Any) -> list[str]:
    parser = Structure()
    parser.feed(response.content.decode())
    return parser.check()


@pytest.fixture
def pages(officer: Any, ward_a: Any, family: Any, make_household: Any) -> list[tuple[str, dict[str, Any]]]:
    other = make_household(ward_a, members=[member_data(full_name="Lê Văn Chủ")])
    head = family.members.get(relation="head")
    spouse = family.members.get(relation="spouse")
    return [
        ("home", {}),
        ("household-search", {}),
        ("household-create", {}),
        ("household-detail", {"pk": family.pk}),
        ("household-edit", {"pk": family.pk}),
        ("household-change-head", {"pk": family.pk}),
        ("household-split", {"pk": family.pk}),
        ("household-merge", {"pk": other.pk}),
        ("member-add", {"pk": family.pk}),
        ("member-edit", {"pk": family.pk, "member_pk": spouse.pk}),
        ("member-death", {"pk": family.pk, "member_pk": head.pk}),
        ("member-move-out", {"pk": family.pk, "member_pk": spouse.pk}),
        ("member-move-to-household", {"pk": family.pk, "member_pk": spouse.pk}),
        ("duplicate-list", {}),
        ("import-index", {}),
        ("export", {}),
        ("review-rounds", {}),
        ("review-round-create", {}),
        ("review-request-create", {}),
        ("review-due", {}),
    ]


@pytest.mark.django_db
def test_the_officers_pages_are_structured_for_assistive_technology(officer_client: Any, pages: Any) -> None:
    found = {}
    for name, kwargs in pages:
        response = officer_client.get(reverse(name, kwargs=kwargs), {"q": "nguyen"} if name.endswith("search") else {})
        assert response.status_code == 200, name
        if problems := problems_of(response):
            found[name] = problems
    assert not found, found


@pytest.mark.django_db
def test_pages_with_errors_link_their_summary_to_fields_that_exist(officer_client: Any, family: Any) -> None:
    posts = [
        ("household-split", {"pk": family.pk}, {"code": "", "on": "31/02/2025"}),
        ("household-merge", {"pk": family.pk}, {"target": "NO-SUCH", "on": ""}),
        ("member-add", {"pk": family.pk}, {"full_name": "", "date_of_birth": "xx"}),
        ("household-create", {}, {"code": ""}),
        ("review-round-create", {}, {}),
    ]
    found = {}
    for name, kwargs, data in posts:
        response = officer_client.post(reverse(name, kwargs=kwargs), data)
        assert response.status_code == 400, name
        assert 'href="#' in response.content.decode(), name  # the summary links to the fields
        if problems := problems_of(response):
            found[name] = problems
    assert not found, found


@pytest.mark.django_db
def test_every_form_posts_to_its_page_written_out_without_a_fragment(
    officer_client: Any, family: Any, make_household: Any, ward_a: Any
) -> None:
    """A form without ``action`` posts to the current address, with the fragment an error-summary link left there,
    and the browser carries that fragment over the redirect after a successful post (see
    ``post_forms_without_their_address``). The pages below all show an error summary above a POST form."""
    other = make_household(ward_a, members=[member_data(full_name="Lê Văn Chủ")])
    head, spouse = family.members.get(relation="head"), family.members.get(relation="spouse")
    pages: list[tuple[str, list[Any]]] = [
        ("household-create", []),
        ("household-edit", [family.pk]),
        ("household-change-head", [family.pk]),
        ("household-split", [family.pk]),
        ("household-merge", [other.pk]),
        ("member-add", [family.pk]),
        ("member-edit", [family.pk, spouse.pk]),
        ("member-death", [family.pk, head.pk]),
        ("member-move-out", [family.pk, spouse.pk]),
        ("member-move-to-household", [family.pk, spouse.pk]),
        ("import-index", []),
        ("review-round-create", []),
        ("review-request-create", []),
    ]
    assert post_forms_without_their_address(officer_client, pages) == {}


def test_the_checker_finds_what_it_looks_for() -> None:
    class Page:
        content = (
            b'<html><body><h1>A</h1><h3>B</h3><img src="x.png"><a href="/x"></a>'
            b'<input name="q" id="q"><p id="d"></p><p id="d"></p><a href="#nowhere">go</a></body></html>'
        )

    problems = problems_of(Page())
    for expected in (
        "<html> without lang",
        "heading level skipped",
        "img without alt",
        "<a> without a name",
        "without a label",
        "duplicate id 'd'",
        "link to #nowhere",
    ):
        assert any(expected in p for p in problems), (expected, problems)
